using Marten;
using Microsoft.AspNetCore.Mvc;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Api.Producers;
using Wolverine.Http;

namespace OvopQuality.Api.Certification.Reading;

public sealed record ScheduledInspectionItem(
    Guid FileId,
    Guid InspectionId,
    DateOnly ScheduledFor,
    string ProducerNumber,
    LocalizedText ProducerName,
    Address ProducerAddress,
    LocalizedText ProductName,
    string StandardCode,
    int StandardVersion,
    long FileVersion);

public static class GetInspectorWorklistEndpoint
{
    /// <summary>An inspector's scheduled inspections not yet recorded, soonest first.</summary>
    [WolverineGet("/api/inspectors/{inspectorId}/inspections", OperationId = "GetInspectorWorklist")]
    [Tags("Certification")]
    public static async Task<IReadOnlyList<ScheduledInspectionItem>> Get(string inspectorId, IQuerySession session, CancellationToken ct)
    {
        var files = await session.Query<CertificationFileView>()
            .Where(f => f.PendingInspectors.Contains(inspectorId))
            .ToListAsync(ct);
        return [.. files
            .SelectMany(f => f.Inspections
                .Where(i => i.TookPlaceOn is null && string.Equals(i.InspectorId, inspectorId, StringComparison.OrdinalIgnoreCase))
                .Select(i => new ScheduledInspectionItem(
                    f.Id, i.InspectionId, i.ScheduledFor, f.ProducerNumber, f.ProducerName, f.ProducerAddress,
                    f.ProductName, f.StandardCode, f.StandardVersion, f.Version)))
            .OrderBy(i => i.ScheduledFor)];
    }
}

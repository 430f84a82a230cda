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
        var inspector = inspectorId.ToLowerInvariant();
        var scheduled = await session.Query<ScheduledInspection>()
            .Where(i => i.InspectorId == inspector)
            .OrderBy(i => i.ScheduledFor)
            .ToListAsync(ct);
        var files = (await session.LoadManyAsync<CertificationFileView>(ct, scheduled.Select(i => i.FileId).Distinct()))
            .ToDictionary(f => f.Id);
        return [.. scheduled.Select(i => files[i.FileId]).Zip(scheduled, (f, i) => new ScheduledInspectionItem(
            f.Id, i.Id, i.ScheduledFor, f.ProducerNumber, f.ProducerName, f.ProducerAddress,
            f.ProductName, f.StandardCode, f.StandardVersion, f.Version))];
    }
}

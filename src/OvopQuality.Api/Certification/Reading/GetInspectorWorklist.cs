using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Producers;

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
    [Authorize(Roles = Roles.Inspector + "," + Roles.Staff)]
    public static async Task<Results<Ok<Page<ScheduledInspectionItem>>, ProblemHttpResult>> Get(
        string inspectorId, int? limit, string? cursor, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (actor.Is(Roles.Inspector) && !string.Equals(actor.Subject, inspectorId, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(Problems.Forbidden("not-your-worklist", "An inspector sees only their own scheduled inspections."));
        }

        var inspector = inspectorId.ToLowerInvariant();
        var query = session.Query<ScheduledInspection>().Where(i => i.InspectorId == inspector);
        var total = await query.CountAsync(ct);
        var scheduled = await query.OrderBy(i => i.ScheduledFor).ThenBy(i => i.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        var files = (await session.LoadManyAsync<FileSummary>(ct, scheduled.Select(i => i.FileId).Distinct()))
            .ToDictionary(f => f.Id);
        return TypedResults.Ok(Paging.PageOf<ScheduledInspectionItem>([.. scheduled.Select(i => files[i.FileId]).Zip(scheduled, (f, i) => new ScheduledInspectionItem(
            f.Id, i.Id, i.ScheduledFor, f.ProducerNumber, f.ProducerName, f.ProducerAddress,
            f.ProductName, f.StandardCode, f.StandardVersion, f.Version))], page, total));
    }
}

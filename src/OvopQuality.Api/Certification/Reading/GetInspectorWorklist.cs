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
    long FileVersion,
    DateOnly? RecordedOn = null,
    int? ScorePercent = null);

public sealed record PendingReviewItem(
    Guid FileId, Guid FindingId, Guid ActionId, string Description, IReadOnlyList<string> EvidenceHashes, string SubmittedBy, DateTimeOffset SubmittedAt,
    string ProducerNumber, LocalizedText ProductName, long FileVersion);

/// <summary>Which of an inspector's inspections a list shows.</summary>
public enum InspectionState
{
    /// <summary>Scheduled and not yet recorded: soonest first.</summary>
    Pending,

    /// <summary>Recorded: the latest first.</summary>
    Recorded,

    /// <summary>Both: the latest scheduled first.</summary>
    All,
}

public static class GetInspectorWorklistEndpoint
{
    /// <summary>
    /// An inspector's inspections: <c>?state=pending</c> (the default) those scheduled and not yet
    /// recorded, soonest first; <c>recorded</c> their past inspections, the latest first; <c>all</c> both.
    /// </summary>
    [WolverineGet("/api/inspectors/{inspectorId}/inspections", OperationId = "GetInspectorWorklist")]
    [Tags("Certification")]
    [Authorize(Roles = Roles.Inspector + "," + Roles.Staff)]
    public static async Task<Results<Ok<Page<ScheduledInspectionItem>>, ProblemHttpResult>> Get(
        string inspectorId, InspectionState? state, int? limit, string? cursor, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (NotYours(inspectorId, actor) is { } forbidden)
        {
            return forbidden;
        }

        var inspector = inspectorId.ToLowerInvariant();
        var query = session.Query<ScheduledInspection>().Where(i => i.InspectorId == inspector);
        query = (state ?? InspectionState.Pending) switch
        {
            InspectionState.Pending => query.Where(i => i.RecordedOn == null).OrderBy(i => i.ScheduledFor).ThenBy(i => i.Id),
            InspectionState.Recorded => query.Where(i => i.RecordedOn != null).OrderByDescending(i => i.RecordedOn).ThenBy(i => i.Id),
            _ => query.OrderByDescending(i => i.ScheduledFor).ThenBy(i => i.Id),
        };
        var total = await query.CountAsync(ct);
        var scheduled = await query.Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        var files = (await session.LoadManyAsync<FileSummary>(ct, scheduled.Select(i => i.FileId).Distinct())).ToDictionary(f => f.Id);
        return TypedResults.Ok(Paging.PageOf<ScheduledInspectionItem>([.. scheduled.Where(i => files.ContainsKey(i.FileId)).Select(i => (File: files[i.FileId], Inspection: i))
            .Select(x => new ScheduledInspectionItem(
                x.File.Id, x.Inspection.Id, x.Inspection.ScheduledFor, x.File.ProducerNumber, x.File.ProducerName, x.File.ProducerAddress,
                x.File.ProductName, x.File.StandardCode, x.File.StandardVersion, x.File.Version, x.Inspection.RecordedOn, x.Inspection.ScorePercent))], page, total));
    }

    /// <summary>Corrective actions waiting for this inspector's review: on files they inspect, the oldest first.</summary>
    [WolverineGet("/api/inspectors/{inspectorId}/reviews", OperationId = "GetInspectorReviews")]
    [Tags("Findings")]
    [Authorize(Roles = Roles.Inspector + "," + Roles.Staff)]
    public static async Task<Results<Ok<Page<PendingReviewItem>>, ProblemHttpResult>> GetReviews(
        string inspectorId, int? limit, string? cursor, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (NotYours(inspectorId, actor) is { } forbidden)
        {
            return forbidden;
        }

        var inspector = inspectorId.ToLowerInvariant();
        var theirs = (await session.Query<ScheduledInspection>().Where(i => i.InspectorId == inspector).Select(i => i.FileId).Distinct().ToListAsync(ct)).ToArray();
        var query = session.Query<PendingReview>().Where(r => r.FileId.IsOneOf(theirs));
        var total = await query.CountAsync(ct);
        var reviews = await query.OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        var files = (await session.LoadManyAsync<FileSummary>(ct, reviews.Select(r => r.FileId).Distinct())).ToDictionary(f => f.Id);
        return TypedResults.Ok(Paging.PageOf<PendingReviewItem>([.. reviews.Where(r => files.ContainsKey(r.FileId)).Select(r => new PendingReviewItem(
            r.FileId, r.FindingId, r.Id, r.Description, r.EvidenceHashes, r.SubmittedBy, r.SubmittedAt,
            files[r.FileId].ProducerNumber, files[r.FileId].ProductName, files[r.FileId].Version))], page, total));
    }

    private static ProblemHttpResult? NotYours(string inspectorId, Actor actor) =>
        actor.Is(Roles.Inspector) && !string.Equals(actor.Subject, inspectorId, StringComparison.OrdinalIgnoreCase)
            ? TypedResults.Problem(Problems.Forbidden("not-your-worklist", "An inspector sees only their own inspections and reviews."))
            : null;
}

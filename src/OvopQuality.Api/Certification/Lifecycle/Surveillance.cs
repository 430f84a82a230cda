using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification.Reading;

namespace OvopQuality.Api.Certification.Lifecycle;

/// <summary>
/// A certificate's next surveillance: its round, the day it is due, whether that day has come
/// (<c>due</c>) and whether it is past the grace period (<c>overdue</c>).
/// </summary>
public sealed record SurveillanceItem(
    Guid FileId, string CertificateNumber, string ProducerNumber, LocalizedText ProducerName, LocalizedText ProductName,
    int Round, DateOnly DueOn, bool Due, bool Overdue, DateOnly? ValidUntil, long Version);

public static class GetSurveillanceDueEndpoint
{
    /// <summary>
    /// Live certificates (in force or suspended) and when each one's next surveillance inspection is
    /// due, soonest first: rounds fallen due and not yet passed, and those to come, from the schedule
    /// set at the grant (every Ovop:Lifecycle:SurveillanceMonths). <c>?dueBy=YYYY-MM-DD</c> keeps those
    /// due by that day; <c>?due=true</c> those whose round has fallen due; <c>?overdue=true</c> those fallen due and past the grace period
    /// (Ovop:Lifecycle:SurveillanceGraceDays).
    /// </summary>
    [WolverineGet("/api/surveillance", OperationId = "GetSurveillanceDue")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<Results<Ok<Page<SurveillanceItem>>, ProblemHttpResult>> Get(
        bool? due, bool? overdue, DateOnly? dueBy, int? limit, string? cursor, IQuerySession session, LifecycleSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var today = ProgrammeTime.DayOf(clock.GetUtcNow());
        var overdueBefore = today.AddDays(-settings.SurveillanceGraceDays);
        var query = session.Query<FileSummary>().Where(f => f.NextSurveillanceOn != null);
        if (due == true)
        {
            query = query.Where(f => f.SurveillanceDueOn != null);
        }

        if (overdue == true)
        {
            query = query.Where(f => f.SurveillanceDueOn != null && f.SurveillanceDueOn < overdueBefore);
        }

        if (dueBy is { } by)
        {
            query = query.Where(f => f.NextSurveillanceOn <= by);
        }

        // Only the page is read; the id orders files due the same day, so that pages neither repeat nor skip one.
        var total = await query.CountAsync(ct);
        var listed = await query.OrderBy(f => f.NextSurveillanceOn).ThenBy(f => f.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(Paging.PageOf<SurveillanceItem>([.. listed
            .Select(f => new SurveillanceItem(f.Id, f.CertificateNumber!, f.ProducerNumber, f.ProducerName, f.ProductName,
                f.SurveillanceDueOn is null ? f.SurveillanceRound + 1 : f.SurveillanceRound, f.NextSurveillanceOn!.Value,
                f.SurveillanceDueOn is not null, f.SurveillanceDueOn < overdueBefore, f.ValidUntil, f.Version))], page, total));
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification.Reading;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record SurveillanceItem(
    Guid FileId, string CertificateNumber, string ProducerNumber, LocalizedText ProducerName, LocalizedText ProductName,
    int Round, DateOnly DueOn, bool Overdue, long Version);

public static class GetSurveillanceDueEndpoint
{
    /// <summary>
    /// Certificates whose surveillance inspection has fallen due and is not yet passed, the most
    /// overdue first; <c>?overdue=true</c> keeps those past the grace period (Ovop:Lifecycle:SurveillanceGraceDays).
    /// </summary>
    [WolverineGet("/api/surveillance", OperationId = "GetSurveillanceDue")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<Results<Ok<Page<SurveillanceItem>>, ProblemHttpResult>> Get(
        bool? overdue, int? limit, string? cursor, IQuerySession session, LifecycleSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var overdueBefore = today.AddDays(-settings.SurveillanceGraceDays);
        var query = session.Query<FileSummary>()
            .Where(f => f.SurveillanceDueOn != null && (f.Status == CertificationStatus.Certified || f.Status == CertificationStatus.Suspended));
        if (overdue == true)
        {
            query = query.Where(f => f.SurveillanceDueOn < overdueBefore);
        }

        // Only the page is read; the id orders files due the same day, so that pages neither repeat nor skip one.
        var total = await query.CountAsync(ct);
        var due = await query.OrderBy(f => f.SurveillanceDueOn).ThenBy(f => f.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(Paging.PageOf<SurveillanceItem>([.. due
            .Select(f => new SurveillanceItem(f.Id, f.CertificateNumber!, f.ProducerNumber, f.ProducerName, f.ProductName,
                f.SurveillanceRound, f.SurveillanceDueOn!.Value, f.SurveillanceDueOn < overdueBefore, f.Version))], page, total));
    }
}

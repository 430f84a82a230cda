using Marten.Events;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Reading;

namespace OvopQuality.Api.Statistics;

/// <summary>
/// The status every certification file had at an instant, from the facts recorded by then. A fact
/// counts from the time the service's clock gave it (its own *At field), like every other time the
/// service states, not from the database's timestamp. Files submitted after the instant are left out.
/// Without an instant, the files as they are now: their summaries, one short read.
/// </summary>
public static class FilesAt
{
    public static async Task<IReadOnlyList<CertificationStatus>> StatusesAsync(IQuerySession session, DateTimeOffset? at, CancellationToken ct)
    {
        if (at is null)
        {
            return await session.Query<FileSummary>().Select(f => f.Status).ToListAsync(ct);
        }

        var types = CertificationFileEvents.All.ToArray();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(types))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);

        return [.. events
            .Select(e => (IFileEvent)e.Data)
            .Where(e => RecordedAt(e) <= at)
            .GroupBy(e => e.FileId)
            .Select(stream => Fold(stream))
            .OfType<FileSummary>()
            .Select(f => f.Status)];
    }

    private static FileSummary? Fold(IEnumerable<IFileEvent> stream)
    {
        FileSummary? summary = null;
        foreach (var fact in stream)
        {
            summary = summary is null
                ? fact is ApplicationSubmitted submitted ? FileSummaryProjection.Create(submitted) : null
                : summary.After(fact);
        }

        return summary;
    }

    /// <summary>When the service recorded a fact of a file: the time its clock gave it.</summary>
    public static DateTimeOffset RecordedAt(IFileEvent fact) => fact switch
    {
        ApplicationSubmitted e => e.SubmittedAt,
        InspectionScheduled e => e.ScheduledAt,
        InspectionRecorded e => e.RecordedAt,
        AdviceRecorded e => e.At,
        FindingRaised e => e.At,
        CorrectiveActionSubmitted e => e.At,
        CorrectiveActionAccepted e => e.At,
        CorrectiveActionRejected e => e.At,
        SampleTaken e => e.RecordedAt,
        SampleSentToLaboratory e => e.SentAt,
        LabResultsRecorded e => e.RecordedAt,
        StandardMet e => e.DecidedAt,
        CertificationRefused e => e.DecidedAt,
        LabelsIssued e => e.IssuedAt,
        CertificateSuspended e => e.DecidedAt,
        CertificateReinstated e => e.DecidedAt,
        CertificateWithdrawn e => e.DecidedAt,
        CertificateSurrendered e => e.At,
        CertificateExpired e => e.At,
        ExpiryReminderDue e => e.At,
        SurveillanceFellDue e => e.At,
        SurveillancePassed e => e.At,
        ScopeChanged e => e.DecidedAt,
        CertificateSuperseded e => e.At,
        AppealLodged e => e.At,
        AppealDecided e => e.At,
        RefusalOverturned e => e.At,
        WithdrawalOverturned e => e.At,
        _ => throw new ArgumentOutOfRangeException(nameof(fact), fact.GetType().Name, "a file event without a recorded time: add it here"),
    };
}

using Marten.Events.Aggregation;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Certification.Reading;

/// <summary>
/// A certification file as a line in a list: what the producer's list of files, the inspector's
/// worklist, the officers' surveillance list and the print sheet's access check read, and no more,
/// so that a list reads small rows. Its status comes from <see cref="FileStatus"/>, like every other
/// model of the file; its version is the file's, so a list gives the version a next command needs.
/// </summary>
public sealed record FileSummary(
    Guid Id,
    CertificationStatus Status,
    Guid ProducerId,
    string ProducerNumber,
    LocalizedText ProducerName,
    Address ProducerAddress,
    Guid ProductId,
    LocalizedText ProductName,
    string StandardCode,
    int StandardVersion,
    DateTimeOffset SubmittedAt,
    string? CertificateNumber = null,
    int? Stars = null,
    DateOnly? ValidUntil = null,
    int SurveillanceRound = 0,
    DateOnly? SurveillanceDueOn = null,
    int InspectionsPending = 0,
    DateOnly? NextSurveillanceOn = null)
{
    public long Version { get; set; }

    /// <summary>The days surveillance rounds fall due, set at the grant.</summary>
    public IReadOnlyList<DateOnly> SurveillanceSchedule { get; init => field = value ?? []; } = [];

    /// <summary>The line after one more fact of the file; every fact passes here, so the version always follows the stream.</summary>
    public FileSummary After(IFileEvent fact)
    {
        var pending = fact switch
        {
            InspectionScheduled => InspectionsPending + 1,
            InspectionRecorded => Math.Max(0, InspectionsPending - 1),
            _ => InspectionsPending,
        };
        var next = this with { Status = FileStatus.After(Status, fact, pending), InspectionsPending = pending };
        next = fact switch
        {
            StandardMet m => next with { CertificateNumber = m.CertificateNumber, Stars = m.Stars, ValidUntil = m.ValidUntil, SurveillanceSchedule = m.SurveillanceSchedule ?? [] },
            SurveillanceFellDue d => next with { SurveillanceRound = d.Round, SurveillanceDueOn = d.DueOn },
            SurveillancePassed => next with { SurveillanceDueOn = null },
            _ => next,
        };
        return next with
        {
            NextSurveillanceOn = next.Status is CertificationStatus.Certified or CertificationStatus.Suspended
                ? SurveillanceCalendar.Next(next.SurveillanceSchedule, next.SurveillanceRound, next.SurveillanceDueOn)
                : null,
        };
    }
}

public sealed partial class FileSummaryProjection : SingleStreamProjection<FileSummary, Guid>
{
    public static FileSummary Create(ApplicationSubmitted e) =>
        new(e.FileId, FileStatus.After(default, e), e.ProducerId, e.ProducerNumber, e.ProducerName, e.ProducerAddress,
            e.ProductId, e.ProductName, e.Standard.Code, e.Standard.Version, e.SubmittedAt);

    public static FileSummary Apply(IFileEvent e, FileSummary summary) => summary.After(e);
}

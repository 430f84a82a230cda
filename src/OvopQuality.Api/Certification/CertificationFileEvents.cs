using OvopQuality.Api.Certification.Appeals;
using OvopQuality.Api.Certification.Findings;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Certification.Sampling;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;

namespace OvopQuality.Api.Certification;

/// <summary>
/// Every fact of a certification file's life, in the order a file lives them: one stream per file,
/// these events and no others. Events are facts in the past tense, never renamed once stored;
/// corrections are new events. The file's state is evolved from them in <see cref="CertificationFile"/>.
/// </summary>
public static class CertificationFileEvents
{
    /// <summary>The event types of a file's stream, registered with the store by name, whatever their namespace was when stored.</summary>
    public static readonly IReadOnlyList<Type> All =
    [
        typeof(ApplicationSubmitted),
        typeof(InspectionScheduled),
        typeof(InspectionRecorded),
        typeof(AdviceRecorded),
        typeof(FindingRaised),
        typeof(CorrectiveActionSubmitted),
        typeof(CorrectiveActionAccepted),
        typeof(CorrectiveActionRejected),
        typeof(SampleTaken),
        typeof(SampleSentToLaboratory),
        typeof(LabResultsRecorded),
        typeof(StandardMet),
        typeof(CertificationRefused),
        typeof(LabelsIssued),
        typeof(CertificateSuspended),
        typeof(CertificateReinstated),
        typeof(CertificateWithdrawn),
        typeof(CertificateSurrendered),
        typeof(CertificateExpired),
        typeof(ExpiryReminderDue),
        typeof(SurveillanceFellDue),
        typeof(SurveillancePassed),
        typeof(ScopeChanged),
        typeof(CertificateSuperseded),
        typeof(AppealLodged),
        typeof(AppealDecided),
        typeof(RefusalOverturned),
        typeof(WithdrawalOverturned),
    ];
}

/// <summary>A fact of one certification file's life: its stream is the file's id.</summary>
public interface IFileEvent
{
    Guid FileId { get; }
}

// Application and evaluation
public sealed record ApplicationSubmitted(
    Guid FileId,
    Guid ProducerId,
    string ProducerNumber,
    LocalizedText ProducerName,
    Address ProducerAddress,
    Guid ProductId,
    LocalizedText ProductName,
    ProductCategory ProductCategory,
    StandardVersion Standard,
    DeclaredVolume DeclaredVolume,
    NationalEvidence NationalEvidence,
    DateTimeOffset SubmittedAt,
    Guid? Renews = null,
    string? SubmittedBy = null) : IFileEvent;

public sealed record InspectionScheduled(
    Guid FileId,
    Guid InspectionId,
    string InspectorId,
    DateOnly ScheduledFor,
    DateTimeOffset ScheduledAt,
    string? ScheduledBy = null) : IFileEvent;

public sealed record InspectionRecorded(
    Guid FileId,
    Guid InspectionId,
    string InspectorId,
    DateOnly TookPlaceOn,
    IReadOnlyList<RequirementResult> Results,
    IReadOnlyList<Finding> Findings,
    int Points,
    int MaxPoints,
    int ScorePercent,
    IReadOnlyList<string> FailedMandatoryRequirements,
    DateTimeOffset RecordedAt) : IFileEvent;

// Advice staff gave the producer
public sealed record AdviceRecorded(Guid FileId, string Topic, DateOnly GivenOn, string By, DateTimeOffset At) : IFileEvent;

// Findings and corrective actions
/// <summary>A finding raised outside an inspection, e.g. by a laboratory result outside its limit.</summary>
public sealed record FindingRaised(Guid FileId, Finding Finding, string Source, DateTimeOffset At) : IFileEvent;

public sealed record CorrectiveActionSubmitted(Guid FileId, Guid FindingId, Guid ActionId, string Description, IReadOnlyList<string> EvidenceHashes, string By, DateTimeOffset At) : IFileEvent;

public sealed record CorrectiveActionAccepted(Guid FileId, Guid FindingId, Guid ActionId, string By, DateTimeOffset At) : IFileEvent;

public sealed record CorrectiveActionRejected(Guid FileId, Guid FindingId, Guid ActionId, string Reason, string By, DateTimeOffset At) : IFileEvent;

// Samples and laboratory results
public sealed record SampleTaken(Guid FileId, Guid SampleId, DateTimeOffset TakenAt, string Place, string Conditions, string TakenBy, DateTimeOffset RecordedAt) : IFileEvent;

public sealed record SampleSentToLaboratory(Guid FileId, Guid SampleId, string Laboratory, string By, DateTimeOffset SentAt) : IFileEvent;

public sealed record LabResultsRecorded(Guid FileId, Guid SampleId, string Laboratory, string ReportNumber, IReadOnlyList<LabResult> Results, string By, DateTimeOffset RecordedAt) : IFileEvent;

// Decisions
public sealed record StandardMet(
    Guid FileId,
    string CertificateNumber,
    int Stars,
    int ScorePercent,
    string Scope,
    int CertifiedUnits,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    string StandardCode,
    int StandardVersion,
    string DecidedBy,
    DateTimeOffset DecidedAt,
    DateTimeOffset? EffectiveFrom = null,
    IReadOnlyList<DateOnly>? SurveillanceSchedule = null) : IFileEvent
{
    /// <summary>When the certificate took effect: the decision, or the start of an earlier validity recorded late.</summary>
    public DateTimeOffset TookEffect => EffectiveFrom ?? DecidedAt;
}

public sealed record CertificationRefused(
    Guid FileId,
    IReadOnlyList<string> Reasons,
    string DecidedBy,
    DateTimeOffset DecidedAt) : IFileEvent;

// Labels
public sealed record LabelsIssued(
    Guid FileId,
    Guid BatchId,
    string Lot,
    int Quantity,
    IReadOnlyList<string> Codes,
    DateTimeOffset IssuedAt,
    string? IssuedBy = null) : IFileEvent;

// The certificate's life after the grant. Every event here records two times: EffectiveFrom, when the
// change takes effect (a suspension decided on 10 March may take effect from 1 March), and the
// instant it was recorded (the event's own timestamp, and the *At field).
public sealed record CertificateSuspended(
    Guid FileId, Guid SuspensionId, ReasonClass ReasonClass, string Reason, DateTimeOffset EffectiveFrom, DateTimeOffset WithdrawOn, string DecidedBy, DateTimeOffset DecidedAt) : IFileEvent;

public sealed record CertificateReinstated(Guid FileId, Guid SuspensionId, string Reason, DateTimeOffset EffectiveFrom, string DecidedBy, DateTimeOffset DecidedAt) : IFileEvent;

public sealed record CertificateWithdrawn(Guid FileId, ReasonClass ReasonClass, string Reason, DateTimeOffset EffectiveFrom, string DecidedBy, DateTimeOffset DecidedAt) : IFileEvent;

public sealed record CertificateSurrendered(Guid FileId, string Reason, DateTimeOffset EffectiveFrom, string By, DateTimeOffset At) : IFileEvent;

public sealed record CertificateExpired(Guid FileId, DateTimeOffset EffectiveFrom, DateTimeOffset At) : IFileEvent;

public sealed record ExpiryReminderDue(Guid FileId, string CertificateNumber, int DaysBefore, DateOnly ValidUntil, DateTimeOffset At) : IFileEvent;

public sealed record SurveillanceFellDue(Guid FileId, int Round, DateOnly DueOn, DateTimeOffset At) : IFileEvent;

public sealed record SurveillancePassed(Guid FileId, Guid InspectionId, int Round, DateTimeOffset EffectiveFrom, DateTimeOffset At) : IFileEvent;

// Scope and renewal
public sealed record ScopeChanged(Guid FileId, string Scope, int CertifiedUnits, string Reason, DateTimeOffset EffectiveFrom, string DecidedBy, DateTimeOffset DecidedAt) : IFileEvent;

/// <summary>The old certificate gave way to the new one granted on its renewal.</summary>
public sealed record CertificateSuperseded(Guid FileId, Guid ByFileId, string ByCertificateNumber, DateTimeOffset EffectiveFrom, DateTimeOffset At) : IFileEvent;

// Appeals
public sealed record AppealLodged(Guid FileId, Guid AppealId, AppealableDecision Against, string DecisionBy, string Grounds, string By, DateTimeOffset At) : IFileEvent;

public sealed record AppealDecided(Guid FileId, Guid AppealId, AppealableDecision Against, bool Upheld, string Reasoning, string By, DateTimeOffset At) : IFileEvent;

/// <summary>An upheld appeal against a refusal: the file goes back to await a decision.</summary>
public sealed record RefusalOverturned(Guid FileId, Guid AppealId, DateTimeOffset At) : IFileEvent;

/// <summary>An upheld appeal against a withdrawal: the certificate is in force again, as if never withdrawn.</summary>
public sealed record WithdrawalOverturned(Guid FileId, Guid AppealId, DateTimeOffset EffectiveFrom, DateTimeOffset At) : IFileEvent;

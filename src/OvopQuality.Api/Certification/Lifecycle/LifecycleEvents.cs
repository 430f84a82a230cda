namespace OvopQuality.Api.Certification.Lifecycle;

/// <summary>
/// Why a certificate left the valid state, in classes anyone may read; the words of the decision
/// stay with the file.
/// </summary>
public enum ReasonClass
{
    SurveillanceFailed,
    NonConformity,
    LabResultOutOfLimits,
    ComplaintUpheld,
    MisuseOfLabels,
    ProducerRequest,
    SuspensionCapReached,
    Other,
}

// Every event below records two times: EffectiveFrom, when the change takes effect (a suspension
// decided on 10 March may take effect from 1 March), and the instant it was recorded (the event's
// own timestamp, and the *At field).

public sealed record CertificateSuspended(
    Guid FileId, Guid SuspensionId, ReasonClass ReasonClass, string Reason, DateTimeOffset EffectiveFrom, DateTimeOffset WithdrawOn, string DecidedBy, DateTimeOffset DecidedAt);

public sealed record CertificateReinstated(Guid FileId, Guid SuspensionId, string Reason, DateTimeOffset EffectiveFrom, string DecidedBy, DateTimeOffset DecidedAt);

public sealed record CertificateWithdrawn(Guid FileId, ReasonClass ReasonClass, string Reason, DateTimeOffset EffectiveFrom, string DecidedBy, DateTimeOffset DecidedAt);

public sealed record CertificateSurrendered(Guid FileId, string Reason, DateTimeOffset EffectiveFrom, string By, DateTimeOffset At);

public sealed record CertificateExpired(Guid FileId, DateTimeOffset EffectiveFrom, DateTimeOffset At);

public sealed record ExpiryReminderDue(Guid FileId, string CertificateNumber, int DaysBefore, DateOnly ValidUntil, DateTimeOffset At);

public sealed record SurveillanceFellDue(Guid FileId, int Round, DateOnly DueOn, DateTimeOffset At);

public sealed record SurveillancePassed(Guid FileId, Guid InspectionId, int Round, DateTimeOffset EffectiveFrom, DateTimeOffset At);

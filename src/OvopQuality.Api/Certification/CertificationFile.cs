using OvopQuality.Api.Certification.Findings;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Standards;

namespace OvopQuality.Api.Certification;

public enum CertificationStatus
{
    /// <summary>Submitted; no inspection scheduled yet.</summary>
    Applied,

    /// <summary>An inspection is scheduled and not yet recorded.</summary>
    InspectionScheduled,

    /// <summary>Every scheduled inspection is recorded; the file awaits a decision.</summary>
    Inspected,

    Refused,

    /// <summary>The certificate is in force.</summary>
    Certified,

    Suspended,
    Withdrawn,
    Surrendered,
    Expired,

    /// <summary>Replaced by the certificate granted on its renewal.</summary>
    Superseded,
}

/// <summary>
/// The one state machine of a file's status: every model of the file (the write model, the file
/// view, the public certificate) takes its status from here, so a rule of the process is written
/// once.
/// </summary>
public static class FileStatus
{
    public static bool IsEvaluating(CertificationStatus status) =>
        status is CertificationStatus.Applied or CertificationStatus.InspectionScheduled or CertificationStatus.Inspected;

    /// <summary>The status after <paramref name="fact"/>; <paramref name="inspectionsPending"/> is how many scheduled inspections are unrecorded once it is applied.</summary>
    public static CertificationStatus After(CertificationStatus status, object fact, int inspectionsPending = 0) => fact switch
    {
        ApplicationSubmitted => CertificationStatus.Applied,
        InspectionScheduled when IsEvaluating(status) => CertificationStatus.InspectionScheduled,
        InspectionRecorded when IsEvaluating(status) => inspectionsPending > 0 ? CertificationStatus.InspectionScheduled : CertificationStatus.Inspected,
        StandardMet => CertificationStatus.Certified,
        CertificationRefused => CertificationStatus.Refused,
        // An upheld appeal against a refusal returns the file to a decision; against a withdrawal, the certificate is in force again.
        RefusalOverturned => CertificationStatus.Inspected,
        WithdrawalOverturned => CertificationStatus.Certified,
        CertificateSuspended => CertificationStatus.Suspended,
        CertificateReinstated => CertificationStatus.Certified,
        CertificateWithdrawn => CertificationStatus.Withdrawn,
        CertificateSurrendered => CertificationStatus.Surrendered,
        CertificateExpired => CertificationStatus.Expired,
        CertificateSuperseded => CertificationStatus.Superseded,
        _ => status,
    };
}

/// <summary>
/// The one rule of when a certificate's next surveillance is due, which every read model follows:
/// the round that has fallen due and is not yet passed; otherwise the next round of the schedule set
/// at the grant (<see cref="StandardMet.SurveillanceSchedule"/>, empty for grants recorded before it).
/// </summary>
public static class SurveillanceCalendar
{
    /// <param name="schedule">The days the rounds fall due, round 1 first.</param>
    /// <param name="round">The last round that fell due (0 before the first).</param>
    /// <param name="fallenDue">The day of a round fallen due and not yet passed.</param>
    public static DateOnly? Next(IReadOnlyList<DateOnly> schedule, int round, DateOnly? fallenDue) =>
        fallenDue ?? (round >= 0 && round < schedule.Count ? schedule[round] : null);
}

public sealed record Inspection(Guid Id, string InspectorId, DateOnly ScheduledFor, InspectionOutcome? Outcome);

public sealed record InspectionOutcome(DateOnly TookPlaceOn, int ScorePercent, IReadOnlyList<string> FailedMandatoryRequirements);

public sealed record Certificate(string Number, int Stars, DateOnly ValidFrom, DateOnly ValidUntil, int CertifiedUnits);

public sealed record Suspension(Guid Id, DateTimeOffset EffectiveFrom, DateTimeOffset WithdrawOn);

public sealed record Sample(Guid Id, string TakenBy, string? Laboratory, bool HasResults);

/// <summary>
/// The write model of one certification file: just what the rules need, including the standard
/// version the file is evaluated against (copied at application, so later versions of the standard
/// never change the rules of a file under way). Kept inline, so a command never replays label batches.
/// </summary>
public sealed record CertificationFile(
    Guid Id,
    Guid ProducerId,
    string ProducerNumber,
    Guid ProductId,
    StandardVersion Standard,
    DeclaredVolume DeclaredVolume,
    CertificationStatus Status,
    IReadOnlyList<Inspection> Inspections,
    Certificate? Certificate,
    int LabelsIssued,
    Suspension? Suspension = null,
    int SurveillanceRound = 0,
    DateOnly? SurveillanceDueOn = null,
    IReadOnlyList<FindingStatus>? Findings = null,
    IReadOnlyList<Sample>? Samples = null,
    Guid? Renews = null,
    Appeals.AdverseDecision? LastAdverse = null,
    Guid? OpenAppeal = null,
    IReadOnlyList<Participant>? Participants = null)
{
    /// <summary>Everyone who took part in the file and how: what <see cref="Impartiality"/> decides on.</summary>
    public IReadOnlyList<Participant> Participants { get; init; } = Participants ?? [];

    private IReadOnlyList<Participant> With(string? person, Involvement involvement) => Join(Participants, person, involvement);

    private static IReadOnlyList<Participant> Join(IReadOnlyList<Participant> participants, string? person, Involvement involvement) =>
        string.IsNullOrWhiteSpace(person) || participants.Any(p => p.Involvement == involvement && string.Equals(p.Person, person, StringComparison.OrdinalIgnoreCase))
            ? participants
            : [.. participants, new Participant(person, involvement)];

    /// <summary>Whether <paramref name="person"/> may take <paramref name="decision"/> on this file.</summary>
    public ProblemDetails Impartial(BodyDecision decision, string person) =>
        Impartiality.Check(decision, person, Participants, decision == BodyDecision.AppealDecision ? LastAdverse?.DecidedBy : null);

    public CertificationFile Apply(AdviceRecorded e) => this with { Participants = With(e.By, Involvement.Advised) };

    public IReadOnlyList<FindingStatus> Findings { get; init; } = Findings ?? [];

    public IReadOnlyList<Sample> Samples { get; init; } = Samples ?? [];

    public long Version { get; set; }

    public static CertificationFile Create(ApplicationSubmitted e) =>
        new(e.FileId, e.ProducerId, e.ProducerNumber, e.ProductId, e.Standard, e.DeclaredVolume,
            FileStatus.After(default, e), [], null, 0, Renews: e.Renews)
        {
            Participants = e.SubmittedBy is { } by ? [new Participant(by, Involvement.Applied)] : [],
        };

    public CertificationFile Apply(InspectionScheduled e) =>
        this with
        {
            Status = FileStatus.After(Status, e),
            Inspections = [.. Inspections, new Inspection(e.InspectionId, e.InspectorId, e.ScheduledFor, null)],
            Participants = Join(With(e.InspectorId, Involvement.Inspected), e.ScheduledBy, Involvement.Scheduled),
        };

    public CertificationFile Apply(InspectionRecorded e)
    {
        var inspections = Inspections
            .Select(i => i.Id == e.InspectionId ? i with { Outcome = new InspectionOutcome(e.TookPlaceOn, e.ScorePercent, e.FailedMandatoryRequirements) } : i)
            .ToList();
        return this with
        {
            Inspections = inspections,
            Findings = [.. Findings, .. e.Findings.Select(f => new FindingStatus(f.Id, f.Severity, f.Deadline, FindingState.Open, null))],
            Participants = With(e.InspectorId, Involvement.Inspected),
            Status = FileStatus.After(Status, e, inspections.Count(i => i.Outcome is null)),
        };
    }

    public CertificationFile Apply(StandardMet e) =>
        this with
        {
            Status = FileStatus.After(Status, e),
            Certificate = new Certificate(e.CertificateNumber, e.Stars, e.ValidFrom, e.ValidUntil, e.CertifiedUnits),
            Participants = With(e.DecidedBy, Involvement.Decided),
        };

    public CertificationFile Apply(CertificationRefused e) =>
        this with
        {
            Status = FileStatus.After(Status, e),
            LastAdverse = new(Appeals.AppealableDecision.Refusal, e.DecidedBy, e.DecidedAt),
            Participants = With(e.DecidedBy, Involvement.Decided),
        };

    public CertificationFile Apply(AppealLodged e) => this with { OpenAppeal = e.AppealId, Participants = With(e.By, Involvement.LodgedAppeal) };

    public CertificationFile Apply(AppealDecided e) => this with { OpenAppeal = null, Participants = With(e.By, Involvement.Decided) };

    public CertificationFile Apply(RefusalOverturned e) => this with { Status = FileStatus.After(Status, e), LastAdverse = null };

    public CertificationFile Apply(WithdrawalOverturned e) => this with { Status = FileStatus.After(Status, e), LastAdverse = null };

    public CertificationFile Apply(LabelsIssued e) =>
        this with { LabelsIssued = LabelsIssued + e.Quantity, Participants = With(e.IssuedBy, Involvement.IssuedLabels) };

    public CertificationFile Apply(CertificateSuspended e) =>
        this with
        {
            Status = FileStatus.After(Status, e),
            Suspension = new Suspension(e.SuspensionId, e.EffectiveFrom, e.WithdrawOn),
            LastAdverse = new(Appeals.AppealableDecision.Suspension, e.DecidedBy, e.EffectiveFrom),
            Participants = With(e.DecidedBy, Involvement.Decided),
        };

    public CertificationFile Apply(CertificateReinstated e) =>
        this with { Status = FileStatus.After(Status, e), Suspension = null, LastAdverse = null, Participants = With(e.DecidedBy, Involvement.Decided) };

    public CertificationFile Apply(CertificateWithdrawn e) =>
        this with
        {
            Status = FileStatus.After(Status, e),
            Suspension = null,
            LastAdverse = new(Appeals.AppealableDecision.Withdrawal, e.DecidedBy, e.EffectiveFrom),
            Participants = With(e.DecidedBy, Involvement.Decided),
        };

    public CertificationFile Apply(CertificateSurrendered e) =>
        this with { Status = FileStatus.After(Status, e), Suspension = null, Participants = With(e.By, Involvement.Surrendered) };

    public CertificationFile Apply(CertificateExpired e) => this with { Status = FileStatus.After(Status, e), Suspension = null };

    public CertificationFile Apply(ScopeChanged e) =>
        this with { Certificate = Certificate! with { CertifiedUnits = e.CertifiedUnits }, Participants = With(e.DecidedBy, Involvement.Decided) };

    public CertificationFile Apply(CertificateSuperseded e) => this with { Status = FileStatus.After(Status, e), Suspension = null };

    public CertificationFile Apply(SurveillanceFellDue e) => this with { SurveillanceRound = e.Round, SurveillanceDueOn = e.DueOn };

    /// <summary>The reminders before expiry already given, by days before: a reminder delivered twice is given once.</summary>
    public IReadOnlyList<int> RemindedDaysBefore { get; init => field = value ?? []; } = [];

    public CertificationFile Apply(ExpiryReminderDue e) => this with { RemindedDaysBefore = [.. RemindedDaysBefore, e.DaysBefore] };

    public CertificationFile Apply(SurveillancePassed e) => this with { SurveillanceDueOn = null };

    public CertificationFile Apply(FindingRaised e) =>
        this with { Findings = [.. Findings, new FindingStatus(e.Finding.Id, e.Finding.Severity, e.Finding.Deadline, FindingState.Open, null)] };

    public CertificationFile Apply(CorrectiveActionSubmitted e) =>
        WithFinding(e.FindingId, f => f with { State = FindingStatus.After(f.State, e), PendingAction = e.ActionId }) with
        {
            Participants = With(e.By, Involvement.SubmittedCorrectiveAction),
        };

    public CertificationFile Apply(CorrectiveActionAccepted e) =>
        WithFinding(e.FindingId, f => f with { State = FindingStatus.After(f.State, e), PendingAction = null }) with
        {
            Participants = With(e.By, Involvement.ReviewedCorrectiveAction),
        };

    public CertificationFile Apply(CorrectiveActionRejected e) =>
        WithFinding(e.FindingId, f => f with { State = FindingStatus.After(f.State, e), PendingAction = null }) with
        {
            Participants = With(e.By, Involvement.ReviewedCorrectiveAction),
        };

    private CertificationFile WithFinding(Guid id, Func<FindingStatus, FindingStatus> change) =>
        this with { Findings = [.. Findings.Select(f => f.Id == id ? change(f) : f)] };

    public FindingStatus? FindFinding(Guid id) => Findings.FirstOrDefault(f => f.Id == id);

    public CertificationFile Apply(SampleTaken e) =>
        this with { Samples = [.. Samples, new Sample(e.SampleId, e.TakenBy, null, false)], Participants = With(e.TakenBy, Involvement.Sampled) };

    public CertificationFile Apply(SampleSentToLaboratory e) =>
        this with
        {
            Samples = [.. Samples.Select(s => s.Id == e.SampleId ? s with { Laboratory = e.Laboratory } : s)],
            Participants = With(e.By, Involvement.DispatchedSample),
        };

    public CertificationFile Apply(LabResultsRecorded e) =>
        this with
        {
            Samples = [.. Samples.Select(s => s.Id == e.SampleId ? s with { HasResults = true } : s)],
            Participants = With(e.By, Involvement.RecordedLabResults),
        };

    public Sample? FindSample(Guid id) => Samples.FirstOrDefault(s => s.Id == id);

    /// <summary>Still being evaluated: no decision yet.</summary>
    public bool IsEvaluating => FileStatus.IsEvaluating(Status);

    public bool IsDecided => !IsEvaluating;

    /// <summary>The certificate exists and has not ended (it may be suspended).</summary>
    public bool IsLive => Status is CertificationStatus.Certified or CertificationStatus.Suspended;

    public Inspection? FindInspection(Guid inspectionId) => Inspections.FirstOrDefault(i => i.Id == inspectionId);

    /// <summary>The inspection a decision rests on: the last one recorded.</summary>
    public Inspection? LatestRecordedInspection =>
        Inspections.Where(i => i.Outcome is not null).OrderBy(i => i.Outcome!.TookPlaceOn).LastOrDefault();

    /// <summary>Whether the person was assigned an inspection of the file: then they may work on it as its inspector.</summary>
    public bool WasInspectedBy(string person) =>
        Inspections.Any(i => string.Equals(i.InspectorId, person, StringComparison.OrdinalIgnoreCase));
}

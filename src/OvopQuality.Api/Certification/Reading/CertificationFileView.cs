using JasperFx.Events;
using Marten.Events.Aggregation;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;

namespace OvopQuality.Api.Certification.Reading;

/// <summary>One step of the file (camelCase, as its event is named in histories): who took it (the signed-in actor recorded with the event: subject, display name and role) and when.</summary>
public sealed record FileStep(long Version, string Step, string? By, string? Role, DateTimeOffset At, string? ByName = null)
{
    public static FileStep Of(IEvent e, string step, DateTimeOffset at) =>
        new(e.Version, step, EventHistory.Header(e, Access.EventAttribution.ActorHeader), EventHistory.Header(e, Access.EventAttribution.ActorRoleHeader), at,
            EventHistory.Header(e, Access.EventAttribution.ActorNameHeader));
}

public sealed record InspectionView(
    Guid InspectionId,
    string InspectorId,
    DateOnly ScheduledFor,
    DateOnly? TookPlaceOn,
    IReadOnlyList<RequirementResult> Results,
    IReadOnlyList<Finding> Findings,
    int? Points,
    int? MaxPoints,
    int? ScorePercent,
    IReadOnlyList<string> FailedMandatoryRequirements);

public sealed record DecisionView(string Outcome, string DecidedBy, DateTimeOffset DecidedAt, IReadOnlyList<string> Reasons);

public sealed record CertificateView(
    string Number, int Stars, int ScorePercent, string Scope, int CertifiedUnits, DateOnly ValidFrom, DateOnly ValidUntil, string StandardCode, int StandardVersion);

public sealed record LabelBatchView(Guid BatchId, string Lot, int Quantity, DateTimeOffset IssuedAt);

public sealed record CorrectiveActionView(Guid ActionId, string Description, IReadOnlyList<string> EvidenceHashes, string By, DateTimeOffset At, string? Outcome, string? Reason);

/// <summary>A finding and what became of it; overdue while open past its deadline.</summary>
public sealed record FindingView(
    Guid Id, string? RequirementCode, FindingSeverity Severity, string Description, DateOnly Deadline, string Source,
    Findings.FindingState State, IReadOnlyList<CorrectiveActionView> Actions);

public sealed record SampleView(
    Guid SampleId, DateTimeOffset TakenAt, string Place, string Conditions, string TakenBy, string? Laboratory, DateTimeOffset? SentAt,
    string? ReportNumber, IReadOnlyList<Sampling.LabResult> Results);

public sealed record AppealView(
    Guid AppealId, Appeals.AppealableDecision Against, string Grounds, string By, DateTimeOffset At, bool? Upheld, string? Reasoning, string? DecidedBy, DateTimeOffset? DecidedAt);

public sealed record SuspensionView(ReasonClass ReasonClass, string Reason, DateTimeOffset EffectiveFrom, DateTimeOffset WithdrawOn);

/// <summary>
/// The certification file's page, read by staff, the producer and the file's inspectors
/// (<c>GET /api/certifications/{id}</c>): where it stands, every step so far with who and when, the
/// inspections with their results, findings, samples, appeals, the decision and the label batches.
/// Its status and each finding's state come from the rules of <see cref="CertificationFile"/>
/// (<see cref="FileStatus.After"/>, <see cref="Findings.FindingStatus.After"/>); this view only adds
/// what people read. Lists read <see cref="FileSummary"/>, notifications
/// <see cref="Producers.Notifying.FileNotices"/>, impartiality the write model's participants.
/// Inline, so the writer of a command reads its own write at once.
/// </summary>
public sealed record CertificationFileView(
    Guid Id,
    CertificationStatus Status,
    Guid ProducerId,
    string ProducerNumber,
    LocalizedText ProducerName,
    Address ProducerAddress,
    Guid ProductId,
    LocalizedText ProductName,
    ProductCategory ProductCategory,
    string StandardCode,
    int StandardVersion,
    LocalizedText StandardTitle,
    DeclaredVolume DeclaredVolume,
    NationalEvidence NationalEvidence,
    DateTimeOffset SubmittedAt,
    IReadOnlyList<InspectionView> Inspections,
    DecisionView? Decision,
    CertificateView? Certificate,
    int LabelsIssued,
    IReadOnlyList<LabelBatchView> LabelBatches,
    IReadOnlyList<FileStep> Steps,
    SuspensionView? Suspension = null,
    int SurveillanceRound = 0,
    DateOnly? SurveillanceDueOn = null)
{
    public long Version { get; set; }

    /// <summary>Never null: an empty list until the first finding (also for files projected before the list existed).</summary>
    public IReadOnlyList<FindingView> Findings { get; init => field = value ?? []; } = [];

    public IReadOnlyList<SampleView> Samples { get; init => field = value ?? []; } = [];

    public IReadOnlyList<AppealView> Appeals { get; init => field = value ?? []; } = [];

    /// <summary>The days surveillance rounds fall due, set at the grant (empty before it).</summary>
    public IReadOnlyList<DateOnly> SurveillanceSchedule { get; init => field = value ?? []; } = [];

    /// <summary>When the next surveillance inspection is due while the certificate lives: the round fallen due, else the next of the schedule.</summary>
    public DateOnly? NextSurveillanceOn =>
        Status is CertificationStatus.Certified or CertificationStatus.Suspended ? SurveillanceCalendar.Next(SurveillanceSchedule, SurveillanceRound, SurveillanceDueOn) : null;
}

public sealed partial class CertificationFileViewProjection : SingleStreamProjection<CertificationFileView, Guid>
{
    public static CertificationFileView Create(IEvent<ApplicationSubmitted> e)
    {
        var a = e.Data;
        return new CertificationFileView(
            a.FileId, FileStatus.After(default, a), a.ProducerId, a.ProducerNumber, a.ProducerName, a.ProducerAddress,
            a.ProductId, a.ProductName, a.ProductCategory, a.Standard.Code, a.Standard.Version, a.Standard.Title,
            a.DeclaredVolume, a.NationalEvidence, a.SubmittedAt, [], null, null, 0, [],
            [FileStep.Of(e, "applicationSubmitted", a.SubmittedAt)]);
    }

    public static CertificationFileView Apply(IEvent<InspectionScheduled> e, CertificationFileView view)
    {
        var s = e.Data;
        var inspections = (IReadOnlyList<InspectionView>)[.. view.Inspections, new InspectionView(s.InspectionId, s.InspectorId, s.ScheduledFor, null, [], [], null, null, null, [])];
        return view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Inspections = inspections,
            Steps = [.. view.Steps, FileStep.Of(e, "inspectionScheduled", s.ScheduledAt)],
        };
    }

    public static CertificationFileView Apply(IEvent<InspectionRecorded> e, CertificationFileView view)
    {
        var r = e.Data;
        var inspections = view.Inspections
            .Select(i => i.InspectionId == r.InspectionId
                ? i with { TookPlaceOn = r.TookPlaceOn, Results = r.Results, Findings = r.Findings, Points = r.Points, MaxPoints = r.MaxPoints, ScorePercent = r.ScorePercent, FailedMandatoryRequirements = r.FailedMandatoryRequirements }
                : i)
            .ToList();
        return view with
        {
            Findings = [.. view.Findings, .. r.Findings.Select(f => NewFinding(f, "inspection"))],
            Status = FileStatus.After(view.Status, e.Data, inspections.Count(i => i.TookPlaceOn is null)),
            Inspections = inspections,
            Steps = [.. view.Steps, FileStep.Of(e, "inspectionRecorded", r.RecordedAt)],
        };
    }

    public static CertificationFileView Apply(IEvent<StandardMet> e, CertificationFileView view)
    {
        var m = e.Data;
        return view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Decision = new DecisionView("standardMet", m.DecidedBy, m.DecidedAt, []),
            SurveillanceSchedule = m.SurveillanceSchedule ?? [],
            Certificate = new CertificateView(m.CertificateNumber, m.Stars, m.ScorePercent, m.Scope, m.CertifiedUnits, m.ValidFrom, m.ValidUntil, m.StandardCode, m.StandardVersion),
            Steps = [.. view.Steps, FileStep.Of(e, "standardMet", m.DecidedAt)],
        };
    }

    public static CertificationFileView Apply(IEvent<CertificationRefused> e, CertificationFileView view)
    {
        var r = e.Data;
        return view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Decision = new DecisionView("refused", r.DecidedBy, r.DecidedAt, r.Reasons),
            Steps = [.. view.Steps, FileStep.Of(e, "certificationRefused", r.DecidedAt)],
        };
    }

    public static CertificationFileView Apply(IEvent<LabelsIssued> e, CertificationFileView view)
    {
        var l = e.Data;
        return view with
        {
            LabelsIssued = view.LabelsIssued + l.Quantity,
            LabelBatches = [.. view.LabelBatches, new LabelBatchView(l.BatchId, l.Lot, l.Quantity, l.IssuedAt)],
            Steps = [.. view.Steps, FileStep.Of(e, "labelsIssued", l.IssuedAt)],
        };
    }


    public static CertificationFileView Apply(IEvent<CertificateSuspended> e, CertificationFileView view)
    {
        var s = e.Data;
        return view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Suspension = new SuspensionView(s.ReasonClass, s.Reason, s.EffectiveFrom, s.WithdrawOn),
            Steps = [.. view.Steps, FileStep.Of(e, "certificateSuspended", s.DecidedAt)],
        };
    }

    public static CertificationFileView Apply(IEvent<CertificateReinstated> e, CertificationFileView view) =>
        view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Suspension = null,
            Steps = [.. view.Steps, FileStep.Of(e, "certificateReinstated", e.Data.DecidedAt)],
        };

    public static CertificationFileView Apply(IEvent<CertificateWithdrawn> e, CertificationFileView view) =>
        view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Suspension = null,
            Steps = [.. view.Steps, FileStep.Of(e, "certificateWithdrawn", e.Data.DecidedAt)],
        };

    public static CertificationFileView Apply(IEvent<CertificateSurrendered> e, CertificationFileView view) =>
        view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Suspension = null,
            Steps = [.. view.Steps, FileStep.Of(e, "certificateSurrendered", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<CertificateExpired> e, CertificationFileView view) =>
        view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Suspension = null,
            Steps = [.. view.Steps, FileStep.Of(e, "certificateExpired", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<AppealLodged> e, CertificationFileView view) =>
        view with
        {
            Appeals = [.. view.Appeals, new AppealView(e.Data.AppealId, e.Data.Against, e.Data.Grounds, e.Data.By, e.Data.At, null, null, null, null)],
            Steps = [.. view.Steps, FileStep.Of(e, "appealLodged", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<AppealDecided> e, CertificationFileView view) =>
        view with
        {
            Appeals = [.. (view.Appeals).Select(a => a.AppealId == e.Data.AppealId ? a with { Upheld = e.Data.Upheld, Reasoning = e.Data.Reasoning, DecidedBy = e.Data.By, DecidedAt = e.Data.At } : a)],
            Steps = [.. view.Steps, FileStep.Of(e, e.Data.Upheld ? "appealUpheld" : "appealDismissed", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<RefusalOverturned> e, CertificationFileView view) =>
        view with { Status = FileStatus.After(view.Status, e.Data), Decision = null, Steps = [.. view.Steps, FileStep.Of(e, "refusalOverturned", e.Data.At)] };

    public static CertificationFileView Apply(IEvent<WithdrawalOverturned> e, CertificationFileView view) =>
        view with { Status = FileStatus.After(view.Status, e.Data), Steps = [.. view.Steps, FileStep.Of(e, "withdrawalOverturned", e.Data.At)] };

    public static CertificationFileView Apply(IEvent<ScopeChanged> e, CertificationFileView view) =>
        view with
        {
            Certificate = view.Certificate! with { Scope = e.Data.Scope, CertifiedUnits = e.Data.CertifiedUnits },
            Steps = [.. view.Steps, FileStep.Of(e, "scopeChanged", e.Data.DecidedAt)],
        };

    public static CertificationFileView Apply(IEvent<AdviceRecorded> e, CertificationFileView view) =>
        view with { Steps = [.. view.Steps, FileStep.Of(e, "adviceRecorded", e.Data.At)] };

    public static CertificationFileView Apply(IEvent<CertificateSuperseded> e, CertificationFileView view) =>
        view with
        {
            Status = FileStatus.After(view.Status, e.Data),
            Suspension = null,
            Steps = [.. view.Steps, FileStep.Of(e, "certificateSuperseded", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<ExpiryReminderDue> e, CertificationFileView view) =>
        view with
        {
            Steps = [.. view.Steps, FileStep.Of(e, "expiryReminderDue", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<SurveillanceFellDue> e, CertificationFileView view) =>
        view with
        {
            SurveillanceRound = e.Data.Round,
            SurveillanceDueOn = e.Data.DueOn,
            Steps = [.. view.Steps, FileStep.Of(e, "surveillanceFellDue", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<SurveillancePassed> e, CertificationFileView view) =>
        view with
        {
            SurveillanceDueOn = null,
            Steps = [.. view.Steps, FileStep.Of(e, "surveillancePassed", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<FindingRaised> e, CertificationFileView view) =>
        view with
        {
            Findings = [.. view.Findings, NewFinding(e.Data.Finding, e.Data.Source)],
            Steps = [.. view.Steps, FileStep.Of(e, "findingRaised", e.Data.At)],
        };

    public static CertificationFileView Apply(IEvent<CorrectiveActionSubmitted> e, CertificationFileView view) =>
        WithFinding(view, e.Data.FindingId, f => f with
        {
            State = Findings.FindingStatus.After(f.State, e.Data),
            Actions = [.. f.Actions, new CorrectiveActionView(e.Data.ActionId, e.Data.Description, e.Data.EvidenceHashes, e.Data.By, e.Data.At, null, null)],
        }) with { Steps = [.. view.Steps, FileStep.Of(e, "correctiveActionSubmitted", e.Data.At)] };

    public static CertificationFileView Apply(IEvent<CorrectiveActionAccepted> e, CertificationFileView view) =>
        WithFinding(view, e.Data.FindingId, f => f with
        {
            State = Findings.FindingStatus.After(f.State, e.Data),
            Actions = [.. f.Actions.Select(a => a.ActionId == e.Data.ActionId ? a with { Outcome = "accepted" } : a)],
        }) with { Steps = [.. view.Steps, FileStep.Of(e, "correctiveActionAccepted", e.Data.At)] };

    public static CertificationFileView Apply(IEvent<CorrectiveActionRejected> e, CertificationFileView view) =>
        WithFinding(view, e.Data.FindingId, f => f with
        {
            State = Findings.FindingStatus.After(f.State, e.Data),
            Actions = [.. f.Actions.Select(a => a.ActionId == e.Data.ActionId ? a with { Outcome = "rejected", Reason = e.Data.Reason } : a)],
        }) with { Steps = [.. view.Steps, FileStep.Of(e, "correctiveActionRejected", e.Data.At)] };

    private static FindingView NewFinding(Finding f, string source) =>
        new(f.Id, f.RequirementCode, f.Severity, f.Description, f.Deadline, source, Findings.FindingState.Open, []);

    private static CertificationFileView WithFinding(CertificationFileView view, Guid id, Func<FindingView, FindingView> change) =>
        view with { Findings = [.. (view.Findings).Select(f => f.Id == id ? change(f) : f)] };

    public static CertificationFileView Apply(IEvent<SampleTaken> e, CertificationFileView view) =>
        view with
        {
            Samples = [.. view.Samples, new SampleView(e.Data.SampleId, e.Data.TakenAt, e.Data.Place, e.Data.Conditions, e.Data.TakenBy, null, null, null, [])],
            Steps = [.. view.Steps, FileStep.Of(e, "sampleTaken", e.Data.RecordedAt)],
        };

    public static CertificationFileView Apply(IEvent<SampleSentToLaboratory> e, CertificationFileView view) =>
        WithSample(view, e.Data.SampleId, s => s with { Laboratory = e.Data.Laboratory, SentAt = e.Data.SentAt })
            with { Steps = [.. view.Steps, FileStep.Of(e, "sampleSentToLaboratory", e.Data.SentAt)] };

    public static CertificationFileView Apply(IEvent<LabResultsRecorded> e, CertificationFileView view) =>
        WithSample(view, e.Data.SampleId, s => s with { ReportNumber = e.Data.ReportNumber, Results = e.Data.Results })
            with { Steps = [.. view.Steps, FileStep.Of(e, "labResultsRecorded", e.Data.RecordedAt)] };

    private static CertificationFileView WithSample(CertificationFileView view, Guid id, Func<SampleView, SampleView> change) =>
        view with { Samples = [.. (view.Samples).Select(s => s.SampleId == id ? change(s) : s)] };

}

namespace OvopQuality.Api.Certification;

/// <summary>How a person took part in a certification file, as its events record it.</summary>
public enum Involvement
{
    /// <summary>Submitted the application (a producer, or staff on the producer's behalf).</summary>
    Applied,

    /// <summary>Gave the producer advice, training or consultancy on the file.</summary>
    Advised,

    /// <summary>Was assigned an inspection of the file, or recorded one.</summary>
    Inspected,

    Sampled,

    /// <summary>Sent a sample of the file to a laboratory.</summary>
    DispatchedSample,

    RecordedLabResults,

    /// <summary>Answered a finding with a corrective action on the producer's behalf.</summary>
    SubmittedCorrectiveAction,

    /// <summary>Accepted or rejected a corrective action: part of the evaluation.</summary>
    ReviewedCorrectiveAction,

    /// <summary>Lodged an appeal on the producer's behalf.</summary>
    LodgedAppeal,

    /// <summary>Surrendered the certificate on the producer's behalf.</summary>
    Surrendered,

    /// <summary>Issued labels on the producer's behalf.</summary>
    IssuedLabels,

    /// <summary>Scheduled an inspection: administration of the file, not its evaluation.</summary>
    Scheduled,

    /// <summary>Took one of the body's decisions on the file (grant, refusal, suspension, …).</summary>
    Decided,
}

public sealed record Participant(string Person, Involvement Involvement);

/// <summary>The decisions of the certification body, each of which must be taken impartially.</summary>
public enum BodyDecision
{
    Grant,
    Refusal,
    Suspension,
    Reinstatement,
    Withdrawal,
    ScopeChange,
    AppealDecision,
    ComplaintAssignment,
    ComplaintResolution,
}

/// <summary>
/// The one impartiality rule of the body (ISO/IEC 17065, 7.6, 7.13): whoever acted for the
/// producer on a file (applied, issued labels, lodged an appeal, answered a finding, surrendered) or took part in
/// its evaluation (advised, inspected, sampled, dispatched a sample, recorded or reviewed results)
/// never decides it. An appeal is also decided by someone other than whoever took the decision
/// under appeal; a complaint goes to someone who took no part in the file at all.
/// </summary>
public static class Impartiality
{
    /// <summary>The kinds of involvement that bar a person from each decision.</summary>
    public static IReadOnlySet<Involvement> Disqualifying(BodyDecision decision) => decision switch
    {
        BodyDecision.ComplaintAssignment or BodyDecision.ComplaintResolution => AnyPart,
        _ => ActedForTheProducerOrEvaluated,
    };

    private static readonly IReadOnlySet<Involvement> AnyPart = Enum.GetValues<Involvement>().ToHashSet();

    private static readonly IReadOnlySet<Involvement> ActedForTheProducerOrEvaluated =
        AnyPart.Except([Involvement.Scheduled, Involvement.Decided]).ToHashSet();

    /// <summary>How the person's involvement bars them from the decision, or nothing when it does not.</summary>
    public static IReadOnlyList<Involvement> Conflicts(BodyDecision decision, string person, IEnumerable<Participant> participants)
    {
        var barred = Disqualifying(decision);
        return participants
            .Where(p => barred.Contains(p.Involvement) && Same(p.Person, person))
            .Select(p => p.Involvement)
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// The rule's answer for one decision: no problem, or 409 naming what the person did on the file.
    /// <paramref name="decidedUnderAppeal"/> is who took the decision an appeal is against.
    /// </summary>
    public static ProblemDetails Check(BodyDecision decision, string person, IEnumerable<Participant> participants, string? decidedUnderAppeal = null)
    {
        var conflicts = Conflicts(decision, person, participants).Select(Describe).ToList();
        if (decision == BodyDecision.AppealDecision && decidedUnderAppeal is not null && Same(decidedUnderAppeal, person))
        {
            conflicts.Insert(0, "took the decision under appeal");
        }

        if (conflicts.Count == 0)
        {
            return WolverineContinue.NoProblems;
        }

        var complaint = decision is BodyDecision.ComplaintAssignment or BodyDecision.ComplaintResolution;
        return Problems.Conflict(complaint ? "handler-not-impartial" : "officer-not-impartial",
            $"{person} {string.Join(", ", conflicts)} on this file: "
            + (complaint
                ? "a complaint is handled by someone who took no part in the certification it is about."
                : $"the {Describe(decision)} must be taken by someone who neither acted for the producer nor took part in the evaluation."));
    }

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string Describe(Involvement involvement) => involvement switch
    {
        Involvement.Applied => "submitted the application",
        Involvement.Advised => "advised the producer",
        Involvement.Inspected => "inspected",
        Involvement.Sampled => "took samples",
        Involvement.DispatchedSample => "sent samples to a laboratory",
        Involvement.RecordedLabResults => "recorded laboratory results",
        Involvement.SubmittedCorrectiveAction => "submitted a corrective action",
        Involvement.ReviewedCorrectiveAction => "reviewed a corrective action",
        Involvement.LodgedAppeal => "lodged an appeal",
        Involvement.Surrendered => "surrendered the certificate",
        Involvement.IssuedLabels => "issued labels",
        Involvement.Scheduled => "scheduled an inspection",
        _ => "took a decision",
    };

    private static string Describe(BodyDecision decision) => decision switch
    {
        BodyDecision.Grant => "grant",
        BodyDecision.Refusal => "refusal",
        BodyDecision.Suspension => "suspension",
        BodyDecision.Reinstatement => "reinstatement",
        BodyDecision.Withdrawal => "withdrawal",
        BodyDecision.ScopeChange => "change of scope",
        _ => "appeal's decision",
    };
}

namespace OvopQuality.Api.Complaints;

/// <summary>What a complaint is about (ISO/IEC 17065, 7.13: complaints from anyone, about a certified product or the body).</summary>
public enum ComplaintCategory
{
    /// <summary>A label that seems copied or forged, or a code the registry does not know.</summary>
    CounterfeitLabel,

    /// <summary>A certified product that does not meet what its label promises.</summary>
    ProductQuality,

    /// <summary>The OVOP mark used on a product or lot the certificate does not cover.</summary>
    MisuseOfMark,

    /// <summary>How the certification body or one of its people acted.</summary>
    ConductOfTheBody,

    Other,
}

public enum ComplaintStatus
{
    Received,
    UnderInvestigation,
    Resolved,
}

public enum ComplaintOutcome
{
    Upheld,
    NotUpheld,
}

/// <summary>Who complained, if they chose to say: kept for the handler, never shown publicly.</summary>
public sealed record Complainant(string? Name = null, string? Organisation = null, string? Contact = null);

public sealed record ComplaintReceived(
    Guid ComplaintId,
    string Reference,
    ComplaintCategory Category,
    string Description,
    string? LabelCode,
    string? CertificateNumber,
    Guid? FileId,
    string? ProducerNumber,
    Complainant? Complainant,
    string TrackingKeyHash,
    string By,
    DateTimeOffset At,
    string? Client = null,
    string? RepeatOf = null);

public sealed record ComplaintAssigned(Guid ComplaintId, string Handler, string By, DateTimeOffset At);

public sealed record ComplaintResolved(Guid ComplaintId, ComplaintOutcome Outcome, string Answer, string? ActionTaken, string By, DateTimeOffset At);

public sealed record ComplaintStep(string Step, string By, DateTimeOffset At);

/// <summary>
/// A complaint's record, built from its stream (kept inline), as certification staff read it: what
/// was said, about which label or certificate (linked to the certification file when the registry
/// knows it), who handles it, and how it ended. The tracking key's hash stays in the first event.
/// </summary>
public sealed record Complaint(
    Guid Id,
    string Reference,
    ComplaintCategory Category,
    string Description,
    string? LabelCode,
    string? CertificateNumber,
    Guid? FileId,
    string? ProducerNumber,
    Complainant? Complainant,
    ComplaintStatus Status,
    DateTimeOffset ReceivedAt,
    string? Handler,
    ComplaintOutcome? Outcome,
    string? Answer,
    string? ActionTaken,
    DateTimeOffset? ResolvedAt,
    IReadOnlyList<ComplaintStep> Steps,
    string? Client = null,
    string? RepeatOf = null)
{
    public long Version { get; set; }

    public static Complaint Create(ComplaintReceived e) =>
        new(e.ComplaintId, e.Reference, e.Category, e.Description, e.LabelCode, e.CertificateNumber, e.FileId, e.ProducerNumber, e.Complainant,
            ComplaintStatus.Received, e.At, null, null, null, null, null, [new("received", e.By, e.At)], e.Client, e.RepeatOf);

    public Complaint Apply(ComplaintAssigned e) =>
        this with { Status = ComplaintStatus.UnderInvestigation, Handler = e.Handler, Steps = [.. Steps, new($"assigned to {e.Handler}", e.By, e.At)] };

    public Complaint Apply(ComplaintResolved e) =>
        this with
        {
            Status = ComplaintStatus.Resolved, Outcome = e.Outcome, Answer = e.Answer, ActionTaken = e.ActionTaken, ResolvedAt = e.At,
            Steps = [.. Steps, new(e.Outcome == ComplaintOutcome.Upheld ? "resolved: upheld" : "resolved: not upheld", e.By, e.At)],
        };
}


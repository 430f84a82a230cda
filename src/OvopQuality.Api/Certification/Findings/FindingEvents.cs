namespace OvopQuality.Api.Certification.Findings;

public sealed record CorrectiveActionSubmitted(Guid FileId, Guid FindingId, Guid ActionId, string Description, IReadOnlyList<string> EvidenceHashes, string By, DateTimeOffset At);

public sealed record CorrectiveActionAccepted(Guid FileId, Guid FindingId, Guid ActionId, string By, DateTimeOffset At);

public sealed record CorrectiveActionRejected(Guid FileId, Guid FindingId, Guid ActionId, string Reason, string By, DateTimeOffset At);

/// <summary>A finding raised outside an inspection, e.g. by a laboratory result outside its limit.</summary>
public sealed record FindingRaised(Guid FileId, Finding Finding, string Source, DateTimeOffset At);

public enum FindingState
{
    Open,
    ActionSubmitted,
    Closed,
}

/// <summary>A finding as the rules see it.</summary>
public sealed record FindingStatus(Guid Id, FindingSeverity Severity, DateOnly Deadline, FindingState State, Guid? PendingAction)
{
    public bool BlocksGrant => State != FindingState.Closed && Severity is FindingSeverity.Major or FindingSeverity.Critical;
}

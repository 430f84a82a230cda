namespace OvopQuality.Api.Certification.Findings;

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

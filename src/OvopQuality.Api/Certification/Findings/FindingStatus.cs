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

    /// <summary>
    /// The one rule of a finding's life, which the write model and the file view both follow: an
    /// action submitted waits for review; accepted, it closes the finding; rejected, the finding is
    /// open again. Other facts leave it as it was.
    /// </summary>
    public static FindingState After(FindingState state, object fact) => fact switch
    {
        CorrectiveActionSubmitted => FindingState.ActionSubmitted,
        CorrectiveActionAccepted => FindingState.Closed,
        CorrectiveActionRejected => FindingState.Open,
        _ => state,
    };
}

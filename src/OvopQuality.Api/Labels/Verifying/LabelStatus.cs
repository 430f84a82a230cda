namespace OvopQuality.Api.Labels.Verifying;

/// <summary>What a label says about the product carrying it: never a bare yes or no.</summary>
public enum LabelStatus
{
    Valid,
    Suspended,
    Withdrawn,
    Expired,
    Superseded,
    Revoked,
    Unknown,
}

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

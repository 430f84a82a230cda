using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;

namespace OvopQuality.Api.Certification;

/// <summary>How much a producer makes a year, in the sellable units that carry labels.</summary>
public sealed record DeclaredVolume(int AnnualUnits, string Unit);

/// <summary>
/// Evidence of the mandatory national conformity (Tajikstandard certificate, sanitary conclusion):
/// a prerequisite of the OVOP rating, recorded with its number and expiry, never replaced by it.
/// </summary>
public sealed record NationalEvidence(string CertificateNumber, string IssuedBy, DateOnly ValidUntil, string SanitaryConclusionNumber, DateOnly SanitaryConclusionValidUntil);

public enum RequirementOutcome
{
    Passed,
    Failed,
    NotApplicable,
}

public enum FindingSeverity
{
    Minor,
    Major,
    Critical,
}

public sealed record RequirementResult(string RequirementCode, RequirementOutcome Outcome, string? Note = null);

/// <summary>A non-conformity as the inspector reports it; the deadline defaults by severity.</summary>
public sealed record NewFinding(FindingSeverity Severity, string Description, string? RequirementCode = null, DateOnly? Deadline = null);

/// <summary>A non-conformity on record: graded, tied to a requirement, with the date it must be corrected by.</summary>
public sealed record Finding(Guid Id, string? RequirementCode, FindingSeverity Severity, string Description, DateOnly Deadline)
{
    /// <summary>Days to correct a finding unless the inspector sets its deadline.</summary>
    public static int DefaultDays(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => 14,
        FindingSeverity.Major => 30,
        _ => 90,
    };

    public static Finding From(NewFinding raised, DateOnly from) =>
        new(Guid.CreateVersion7(), raised.RequirementCode, raised.Severity, raised.Description, raised.Deadline ?? from.AddDays(DefaultDays(raised.Severity)));
}

public sealed record ApplicationSubmitted(
    Guid FileId,
    Guid ProducerId,
    string ProducerNumber,
    LocalizedText ProducerName,
    Address ProducerAddress,
    Guid ProductId,
    LocalizedText ProductName,
    ProductCategory ProductCategory,
    StandardVersion Standard,
    DeclaredVolume DeclaredVolume,
    NationalEvidence NationalEvidence,
    DateTimeOffset SubmittedAt,
    Guid? Renews = null,
    string? SubmittedBy = null);

public sealed record InspectionScheduled(
    Guid FileId,
    Guid InspectionId,
    string InspectorId,
    DateOnly ScheduledFor,
    DateTimeOffset ScheduledAt,
    string? ScheduledBy = null);

public sealed record InspectionRecorded(
    Guid FileId,
    Guid InspectionId,
    string InspectorId,
    DateOnly TookPlaceOn,
    IReadOnlyList<RequirementResult> Results,
    IReadOnlyList<Finding> Findings,
    int Points,
    int MaxPoints,
    int ScorePercent,
    IReadOnlyList<string> FailedMandatoryRequirements,
    DateTimeOffset RecordedAt);

public sealed record StandardMet(
    Guid FileId,
    string CertificateNumber,
    int Stars,
    int ScorePercent,
    string Scope,
    int CertifiedUnits,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    string StandardCode,
    int StandardVersion,
    string DecidedBy,
    DateTimeOffset DecidedAt,
    DateTimeOffset? EffectiveFrom = null)
{
    /// <summary>When the certificate took effect: the decision, or the start of an earlier validity recorded late.</summary>
    public DateTimeOffset TookEffect => EffectiveFrom ?? DecidedAt;
}

public sealed record CertificationRefused(
    Guid FileId,
    IReadOnlyList<string> Reasons,
    string DecidedBy,
    DateTimeOffset DecidedAt);

public sealed record LabelsIssued(
    Guid FileId,
    Guid BatchId,
    string Lot,
    int Quantity,
    IReadOnlyList<string> Codes,
    DateTimeOffset IssuedAt,
    string? IssuedBy = null);

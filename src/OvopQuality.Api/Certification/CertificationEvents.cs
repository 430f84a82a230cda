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

public sealed record Finding(string? RequirementCode, FindingSeverity Severity, string Description);

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
    DateTimeOffset SubmittedAt);

public sealed record InspectionScheduled(
    Guid FileId,
    Guid InspectionId,
    string InspectorId,
    DateOnly ScheduledFor,
    DateTimeOffset ScheduledAt);

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
    DateTimeOffset DecidedAt);

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
    DateTimeOffset IssuedAt);

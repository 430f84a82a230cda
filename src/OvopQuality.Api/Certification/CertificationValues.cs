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


using OvopQuality.Api.Standards;

namespace OvopQuality.Api.Certification;

public enum CertificationStatus
{
    /// <summary>Submitted; no inspection scheduled yet.</summary>
    Applied,

    /// <summary>An inspection is scheduled and not yet recorded.</summary>
    InspectionScheduled,

    /// <summary>Every scheduled inspection is recorded; the file awaits a decision.</summary>
    Inspected,

    Certified,
    Refused,
}

public sealed record Inspection(Guid Id, string InspectorId, DateOnly ScheduledFor, InspectionOutcome? Outcome);

public sealed record InspectionOutcome(DateOnly TookPlaceOn, int ScorePercent, IReadOnlyList<string> FailedMandatoryRequirements);

public sealed record Certificate(string Number, int Stars, DateOnly ValidFrom, DateOnly ValidUntil, int CertifiedUnits);

/// <summary>
/// The write model of one certification file: just what the rules need, including the standard
/// version the file is evaluated against (copied at application, so later versions of the standard
/// never change the rules of a file under way). Kept inline, so a command never replays label batches.
/// </summary>
public sealed record CertificationFile(
    Guid Id,
    Guid ProducerId,
    string ProducerNumber,
    Guid ProductId,
    StandardVersion Standard,
    DeclaredVolume DeclaredVolume,
    CertificationStatus Status,
    IReadOnlyList<Inspection> Inspections,
    Certificate? Certificate,
    int LabelsIssued)
{
    public long Version { get; set; }

    public static CertificationFile Create(ApplicationSubmitted e) =>
        new(e.FileId, e.ProducerId, e.ProducerNumber, e.ProductId, e.Standard, e.DeclaredVolume,
            CertificationStatus.Applied, [], null, 0);

    public CertificationFile Apply(InspectionScheduled e) =>
        this with
        {
            Status = CertificationStatus.InspectionScheduled,
            Inspections = [.. Inspections, new Inspection(e.InspectionId, e.InspectorId, e.ScheduledFor, null)],
        };

    public CertificationFile Apply(InspectionRecorded e)
    {
        var inspections = Inspections
            .Select(i => i.Id == e.InspectionId ? i with { Outcome = new InspectionOutcome(e.TookPlaceOn, e.ScorePercent, e.FailedMandatoryRequirements) } : i)
            .ToList();
        return this with
        {
            Inspections = inspections,
            Status = inspections.Any(i => i.Outcome is null) ? CertificationStatus.InspectionScheduled : CertificationStatus.Inspected,
        };
    }

    public CertificationFile Apply(StandardMet e) =>
        this with
        {
            Status = CertificationStatus.Certified,
            Certificate = new Certificate(e.CertificateNumber, e.Stars, e.ValidFrom, e.ValidUntil, e.CertifiedUnits),
        };

    public CertificationFile Apply(CertificationRefused e) => this with { Status = CertificationStatus.Refused };

    public CertificationFile Apply(LabelsIssued e) => this with { LabelsIssued = LabelsIssued + e.Quantity };

    public bool IsDecided => Status is CertificationStatus.Certified or CertificationStatus.Refused;

    public Inspection? FindInspection(Guid inspectionId) => Inspections.FirstOrDefault(i => i.Id == inspectionId);

    /// <summary>The inspection a decision rests on: the last one recorded.</summary>
    public Inspection? LatestRecordedInspection =>
        Inspections.Where(i => i.Outcome is not null).OrderBy(i => i.Outcome!.TookPlaceOn).LastOrDefault();

    public bool WasInspectedBy(string person) =>
        Inspections.Any(i => string.Equals(i.InspectorId, person, StringComparison.OrdinalIgnoreCase));
}

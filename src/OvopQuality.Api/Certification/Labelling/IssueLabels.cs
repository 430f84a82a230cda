using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Labelling;

/// <summary>A batch of labels for one lot: one label per sellable unit.</summary>
public sealed record IssueLabels(long ExpectedVersion, string Lot, int Quantity);

/// <summary>A batch issued: its id, its codes, and the file's version for the next command; the Location reads it again.</summary>
public sealed record LabelBatchIssued(Guid Id, Guid FileId, string Lot, int Quantity, int LabelsIssuedInTotal, int CertifiedUnits, IReadOnlyList<string> Codes, long Version)
    : CreationResponse($"/api/certifications/{FileId}/labels/{Id}");

public static class IssueLabelsEndpoint
{
    public const int MaximumBatch = 1_000_000;

    public static ProblemDetails Validate(IssueLabels command) =>
        new Validation().Version(command.ExpectedVersion)
            .Text(command.Lot, "lot", 100)
            .Require(command.Quantity is >= 1 and <= MaximumBatch, "quantity", $"must be between 1 and {MaximumBatch:N0} labels a batch")
            .ToProblem();

    public static ProblemDetails Before(IssueLabels command, CertificationFile file, Actor actor, TimeProvider clock)
    {
        if (!actor.MayActFor(file.ProducerNumber))
        {
            return Problems.CertificationFileNotFound(file.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.Status == CertificationStatus.Suspended)
        {
            return Problems.Conflict("certificate-suspended",
                $"Certificate {file.Certificate!.Number} is suspended since {file.Suspension!.EffectiveFrom:yyyy-MM-dd}: no labels are issued until it is reinstated.");
        }

        if (file.Status != CertificationStatus.Certified || file.Certificate is not { } certificate)
        {
            return Problems.Conflict("not-certified", $"Labels are issued only for a certified product; this file is {file.Status.Wire()}.");
        }

        var today = ProgrammeTime.DayOf(clock.GetUtcNow());
        if (today < certificate.ValidFrom || today > certificate.ValidUntil)
        {
            return Problems.Conflict("certificate-not-valid",
                $"Certificate {certificate.Number} is valid from {certificate.ValidFrom:yyyy-MM-dd} to {certificate.ValidUntil:yyyy-MM-dd}; labels are issued only within its validity.");
        }

        var remaining = certificate.CertifiedUnits - file.LabelsIssued;
        return command.Quantity > remaining
            ? Problems.Conflict("certified-volume-exceeded",
                $"{command.Quantity} labels asked, {remaining} left of the {certificate.CertifiedUnits} units certificate {certificate.Number} covers.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>Issues a batch of labels with unguessable codes, each verifiable at once.</summary>
    [WolverinePost("/api/certifications/{fileId}/labels", OperationId = "IssueLabels")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (LabelBatchIssued, LabelsIssued) Post(
        IssueLabels command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var batchId = Guid.CreateVersion7();
        var codes = LabelCode.NewCodes(command.Quantity);

        var issued = new LabelsIssued(file.Id, batchId, command.Lot, command.Quantity, codes, clock.GetUtcNow(), actor.Subject);
        var response = new LabelBatchIssued(
            batchId, file.Id, command.Lot, command.Quantity, file.LabelsIssued + command.Quantity, file.Certificate!.CertifiedUnits, codes, file.Version + 1);
        return (response, issued);
    }
}

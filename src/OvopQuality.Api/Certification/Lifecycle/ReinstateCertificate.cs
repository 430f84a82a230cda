using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record ReinstateCertificate(long ExpectedVersion, string Reason, DateTimeOffset? EffectiveFrom = null);

public static class ReinstateCertificateEndpoint
{
    public static ProblemDetails Validate(ReinstateCertificate command) =>
        new Validation().Version(command.ExpectedVersion).Reason(command.Reason).ToProblem();

    public static ProblemDetails Before(ReinstateCertificate command, CertificationFile file, Actor actor, TimeProvider clock)
    {
        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.Impartial(BodyDecision.Reinstatement, actor.Subject) is var partial && partial.Stops())
        {
            return partial;
        }

        if (LifecycleRules.InForce(file, "reinstated") is var ended && ended.Stops())
        {
            return ended;
        }

        return file.Status != CertificationStatus.Suspended
            ? Problems.Conflict("not-suspended", $"Certificate {file.Certificate!.Number} is not suspended.")
            : LifecycleRules.EffectiveFrom(command.EffectiveFrom, file, clock.GetUtcNow()).Problem;
    }

    /// <summary>Lifts a suspension once its cause is cleared: the certificate is in force again.</summary>
    [WolverinePost("/api/certifications/{fileId}/reinstatement", OperationId = "ReinstateCertificate")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (LifecycleChanged, CertificateReinstated) Post(
        ReinstateCertificate command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = LifecycleRules.EffectiveFrom(command.EffectiveFrom, file, now).Effective;
        return (new LifecycleChanged(CertificationStatus.Certified, effective, file.Version + 1),
            new CertificateReinstated(file.Id, file.Suspension!.Id, command.Reason, effective, actor.Subject, now));
    }
}

using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record ReinstateCertificate(long ExpectedVersion, string Reason, DateTimeOffset? EffectiveFrom = null);

public static class ReinstateCertificateEndpoint
{
    public static ProblemDetails Validate(ReinstateCertificate command) =>
        new Validation().Version(command.ExpectedVersion).Reason(command.Reason).ToProblem();

    /// <summary>The rules, then when the change takes effect: worked out once, here, and handed to <c>Post</c>.</summary>
    public static (ProblemDetails, EffectiveAt) Before(ReinstateCertificate command, CertificationFile file, Actor actor, TimeProvider clock) =>
        LifecycleRules.TakingEffect(Rules(command, file, actor), command.EffectiveFrom, file, clock.GetUtcNow());

    private static ProblemDetails Rules(ReinstateCertificate command, CertificationFile file, Actor actor)
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
            : WolverineContinue.NoProblems;
    }

    /// <summary>Lifts a suspension once its cause is cleared: the certificate is in force again.</summary>
    [WolverinePost("/api/certifications/{fileId}/reinstatement", OperationId = "ReinstateCertificate")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (LifecycleChanged, CertificateReinstated) Post(
        ReinstateCertificate command, [WriteAggregate("fileId")] CertificationFile file, EffectiveAt at, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = at.Value;
        return (new LifecycleChanged(CertificationStatus.Certified, effective, file.Version + 1),
            new CertificateReinstated(file.Id, file.Suspension!.Id, command.Reason, effective, actor.Subject, now));
    }
}

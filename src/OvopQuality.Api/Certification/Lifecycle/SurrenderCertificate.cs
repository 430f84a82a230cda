using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record SurrenderCertificate(long ExpectedVersion, string Reason, DateTimeOffset? EffectiveFrom = null);

public static class SurrenderCertificateEndpoint
{
    public static ProblemDetails Validate(SurrenderCertificate command) =>
        new Validation().Version(command.ExpectedVersion).Reason(command.Reason).ToProblem();

    /// <summary>The rules, then when the change takes effect: worked out once, here, and handed to <c>Post</c>.</summary>
    public static (ProblemDetails, EffectiveAt) Before(SurrenderCertificate command, CertificationFile file, Actor actor, TimeProvider clock) =>
        LifecycleRules.TakingEffect(Rules(command, file, actor), command.EffectiveFrom, file, clock.GetUtcNow());

    private static ProblemDetails Rules(SurrenderCertificate command, CertificationFile file, Actor actor)
    {
        if (!actor.MayActFor(file.ProducerNumber))
        {
            return Problems.CertificationFileNotFound(file.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        return LifecycleRules.InForce(file, "surrendered") is var ended && ended.Stops()
            ? ended
            : WolverineContinue.NoProblems;
    }

    /// <summary>The producer gives the certificate up (e.g. stops making the product).</summary>
    [WolverinePost("/api/certifications/{fileId}/surrender", OperationId = "SurrenderCertificate")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (LifecycleChanged, CertificateSurrendered) Post(
        SurrenderCertificate command, [WriteAggregate("fileId")] CertificationFile file, EffectiveAt at, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = at.Value;
        return (new LifecycleChanged(CertificationStatus.Surrendered, effective, file.Version + 1),
            new CertificateSurrendered(file.Id, command.Reason, effective, actor.Subject, now));
    }
}

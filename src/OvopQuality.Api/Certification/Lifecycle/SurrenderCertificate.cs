using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record SurrenderCertificate(long ExpectedVersion, string Reason, DateTimeOffset? EffectiveFrom = null);

public static class SurrenderCertificateEndpoint
{
    public static ProblemDetails Validate(SurrenderCertificate command) =>
        new Validation().Version(command.ExpectedVersion).Reason(command.Reason).ToProblem();

    public static ProblemDetails Before(SurrenderCertificate command, CertificationFile file, Actor actor, TimeProvider clock)
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
            : LifecycleRules.EffectiveFrom(command.EffectiveFrom, file, clock.GetUtcNow()).Problem;
    }

    /// <summary>The producer gives the certificate up (e.g. stops making the product).</summary>
    [WolverinePost("/api/certifications/{fileId}/surrender", OperationId = "SurrenderCertificate")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (LifecycleChanged, CertificateSurrendered) Post(
        SurrenderCertificate command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = LifecycleRules.EffectiveFrom(command.EffectiveFrom, file, now).Effective;
        return (new LifecycleChanged(CertificationStatus.Surrendered, effective, file.Version + 1),
            new CertificateSurrendered(file.Id, command.Reason, effective, actor.Subject, now));
    }
}

using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record WithdrawCertificate(long ExpectedVersion, ReasonClass ReasonClass, string Reason, DateTimeOffset? EffectiveFrom = null);

public static class WithdrawCertificateEndpoint
{
    public static ProblemDetails Validate(WithdrawCertificate command) =>
        new Validation().Version(command.ExpectedVersion).Defined(command.ReasonClass, "reasonClass").Reason(command.Reason).ToProblem();

    public static ProblemDetails Before(WithdrawCertificate command, CertificationFile file, Actor actor, TimeProvider clock)
    {
        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.Impartial(BodyDecision.Withdrawal, actor.Subject) is var partial && partial.Stops())
        {
            return partial;
        }

        return LifecycleRules.InForce(file, "withdrawn") is var ended && ended.Stops()
            ? ended
            : LifecycleRules.EffectiveFrom(command.EffectiveFrom, file, clock.GetUtcNow()).Problem;
    }

    /// <summary>Withdraws a certificate for good: its labels verify as withdrawn with the reason.</summary>
    [WolverinePost("/api/certifications/{fileId}/withdrawal", OperationId = "WithdrawCertificate")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (LifecycleChanged, CertificateWithdrawn) Post(
        WithdrawCertificate command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = LifecycleRules.EffectiveFrom(command.EffectiveFrom, file, now).Effective;
        return (new LifecycleChanged(CertificationStatus.Withdrawn, effective, file.Version + 1),
            new CertificateWithdrawn(file.Id, command.ReasonClass, command.Reason, effective, actor.Subject, now));
    }
}

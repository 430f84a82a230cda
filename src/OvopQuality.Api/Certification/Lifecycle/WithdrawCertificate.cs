using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record WithdrawCertificate(long ExpectedVersion, ReasonClass ReasonClass, string Reason, DateTimeOffset? EffectiveFrom = null);

public static class WithdrawCertificateEndpoint
{
    public static ProblemDetails Validate(WithdrawCertificate command) =>
        new Validation().Version(command.ExpectedVersion).Defined(command.ReasonClass, "reasonClass").Reason(command.Reason).ToProblem();

    /// <summary>The rules, then when the change takes effect: worked out once, here, and handed to <c>Post</c>.</summary>
    public static (ProblemDetails, EffectiveAt) Before(WithdrawCertificate command, CertificationFile file, Actor actor, TimeProvider clock) =>
        LifecycleRules.TakingEffect(Rules(command, file, actor), command.EffectiveFrom, file, clock.GetUtcNow());

    private static ProblemDetails Rules(WithdrawCertificate command, CertificationFile file, Actor actor)
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
            : WolverineContinue.NoProblems;
    }

    /// <summary>Withdraws a certificate for good: its labels verify as withdrawn with the reason.</summary>
    [WolverinePost("/api/certifications/{fileId}/withdrawal", OperationId = "WithdrawCertificate")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (LifecycleChanged, CertificateWithdrawn) Post(
        WithdrawCertificate command, [WriteAggregate("fileId")] CertificationFile file, EffectiveAt at, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = at.Value;
        return (new LifecycleChanged(CertificationStatus.Withdrawn, effective, file.Version + 1),
            new CertificateWithdrawn(file.Id, command.ReasonClass, command.Reason, effective, actor.Subject, now));
    }
}

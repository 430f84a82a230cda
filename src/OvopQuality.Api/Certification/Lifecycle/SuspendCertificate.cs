using Wolverine;
using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

public sealed record SuspendCertificate(long ExpectedVersion, ReasonClass ReasonClass, string Reason, DateTimeOffset? EffectiveFrom = null);

public sealed record LifecycleChanged(CertificationStatus Status, DateTimeOffset EffectiveFrom, long Version);

/// <summary>Withdraws a certificate whose suspension reached the longest allowed, unless it was lifted.</summary>
public sealed record WithdrawAtSuspensionCap(Guid FileId, Guid SuspensionId);

public static class SuspendCertificateEndpoint
{
    public static ProblemDetails Validate(SuspendCertificate command) =>
        new Validation().Version(command.ExpectedVersion).Defined(command.ReasonClass, "reasonClass").Reason(command.Reason).ToProblem();

    /// <summary>The rules, then when the change takes effect: worked out once, here, and handed to <c>Post</c>.</summary>
    public static (ProblemDetails, EffectiveAt) Before(SuspendCertificate command, CertificationFile file, Actor actor, TimeProvider clock) =>
        LifecycleRules.TakingEffect(Rules(command, file, actor), command.EffectiveFrom, file, clock.GetUtcNow());

    private static ProblemDetails Rules(SuspendCertificate command, CertificationFile file, Actor actor)
    {
        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.Impartial(BodyDecision.Suspension, actor.Subject) is var partial && partial.Stops())
        {
            return partial;
        }

        if (LifecycleRules.InForce(file, "suspended") is var ended && ended.Stops())
        {
            return ended;
        }

        return file.Status == CertificationStatus.Suspended
            ? Problems.Conflict("already-suspended", $"Certificate {file.Certificate!.Number} is already suspended since {file.Suspension!.EffectiveFrom:u}.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>
    /// Suspends a certificate: labels verify as suspended with the reason and no new labels are
    /// issued. At the longest suspension allowed (Ovop:Lifecycle:MaximumSuspensionDays) the
    /// certificate is withdrawn by itself unless reinstated first.
    /// </summary>
    [WolverinePost("/api/certifications/{fileId}/suspension", OperationId = "SuspendCertificate")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (LifecycleChanged, Events, OutgoingMessages) Post(
        SuspendCertificate command, [WriteAggregate("fileId")] CertificationFile file, EffectiveAt at, Actor actor, LifecycleSettings settings, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = at.Value;
        var suspended = new CertificateSuspended(
            file.Id, Guid.CreateVersion7(), command.ReasonClass, command.Reason, effective,
            effective.AddDays(settings.MaximumSuspensionDays), actor.Subject, now);
        var cap = new OutgoingMessages();
        cap.Schedule(new WithdrawAtSuspensionCap(file.Id, suspended.SuspensionId), suspended.WithdrawOn);
        return (new LifecycleChanged(CertificationStatus.Suspended, effective, file.Version + 1), [suspended], cap);
    }
}

public static class WithdrawAtSuspensionCapHandler
{
    public static async Task Handle(WithdrawAtSuspensionCap message, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<CertificationFile>(message.FileId, ct);
        if (stream.Aggregate is { Status: CertificationStatus.Suspended, Suspension: { } suspension } && suspension.Id == message.SuspensionId)
        {
            EventAttribution.Stamp(session, Actor.System);
            stream.AppendOne(new CertificateWithdrawn(
                message.FileId, ReasonClass.SuspensionCapReached,
                $"Suspended since {suspension.EffectiveFrom:yyyy-MM-dd} without reinstatement: withdrawn at the longest suspension allowed.",
                suspension.WithdrawOn, Actor.System.Subject, clock.GetUtcNow()));
        }
    }
}

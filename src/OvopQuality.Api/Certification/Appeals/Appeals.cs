using OvopQuality.Api.Certification.Lifecycle;
using Wolverine.Marten;
using Events = Wolverine.Marten.Events;

namespace OvopQuality.Api.Certification.Appeals;

/// <summary>The decisions a producer may appeal (ISO/IEC 17065, 7.13).</summary>
public enum AppealableDecision
{
    Refusal,
    Suspension,
    Withdrawal,
}

/// <summary>The last decision against the producer: what an appeal would be about.</summary>
public sealed record AdverseDecision(AppealableDecision Kind, string DecidedBy, DateTimeOffset EffectiveFrom);

public sealed record LodgeAppeal(long ExpectedVersion, string Grounds);

public sealed record AppealResponse(Guid AppealId, AppealableDecision Against, long Version);

public static class LodgeAppealEndpoint
{
    public static ProblemDetails Validate(LodgeAppeal command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Grounds, "grounds", 4000).ToProblem();

    public static ProblemDetails Before(LodgeAppeal command, CertificationFile file, Actor actor)
    {
        if (!actor.MayActFor(file.ProducerNumber))
        {
            return Problems.CertificationFileNotFound(file.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.OpenAppeal is not null)
        {
            return Problems.Conflict("appeal-open", "An appeal on this file awaits its decision.");
        }

        return Appealable(file) is null
            ? Problems.Conflict("nothing-to-appeal", $"The file is {file.Status.Wire()}: only a refusal, a suspension or a withdrawal in force can be appealed.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>The decision in force that an appeal would overturn, if any.</summary>
    public static AdverseDecision? Appealable(CertificationFile file) =>
        file.LastAdverse is { } last && (last.Kind, file.Status) is
            (AppealableDecision.Refusal, CertificationStatus.Refused) or
            (AppealableDecision.Suspension, CertificationStatus.Suspended) or
            (AppealableDecision.Withdrawal, CertificationStatus.Withdrawn)
            ? last
            : null;

    /// <summary>The producer appeals the refusal, suspension or withdrawal in force, giving the grounds.</summary>
    [WolverinePost("/api/certifications/{fileId}/appeals", OperationId = "LodgeAppeal")]
    [Tags("Appeals")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (AppealResponse, AppealLodged) Post(LodgeAppeal command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var against = Appealable(file)!;
        var lodged = new AppealLodged(file.Id, Guid.CreateVersion7(), against.Kind, against.DecidedBy, command.Grounds, actor.Subject, clock.GetUtcNow());
        return (new AppealResponse(lodged.AppealId, against.Kind, file.Version + 1), lodged);
    }
}

public sealed record DecideAppeal(long ExpectedVersion, bool Upheld, string Reasoning);

public sealed record AppealDecisionResponse(Guid AppealId, bool Upheld, CertificationStatus Status, long Version);

public static class DecideAppealEndpoint
{
    public static ProblemDetails Validate(DecideAppeal command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Reasoning, "reasoning", 4000).ToProblem();

    public static ProblemDetails Before(Guid appealId, DecideAppeal command, CertificationFile file, Actor actor)
    {
        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.OpenAppeal != appealId)
        {
            return Problems.NotFound("appeal", $"No appeal {appealId} awaits a decision on this file.");
        }

        return file.Impartial(BodyDecision.AppealDecision, actor.Subject);
    }

    /// <summary>
    /// An officer not involved decides the appeal; an upheld appeal reverses the decision: a refused
    /// file awaits a new decision, a suspended or withdrawn certificate is in force again.
    /// </summary>
    [WolverinePost("/api/certifications/{fileId}/appeals/{appealId}/decision", OperationId = "DecideAppeal")]
    [Tags("Appeals")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (AppealDecisionResponse, Events) Post(Guid appealId, DecideAppeal command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var against = file.LastAdverse!;
        Events events = [new AppealDecided(file.Id, appealId, against.Kind, command.Upheld, command.Reasoning, actor.Subject, now)];
        var status = file.Status;
        if (command.Upheld)
        {
            (object reversal, status) = against.Kind switch
            {
                AppealableDecision.Refusal => ((object)new RefusalOverturned(file.Id, appealId, now), CertificationStatus.Inspected),
                AppealableDecision.Suspension => (new CertificateReinstated(file.Id, file.Suspension!.Id, "Appeal upheld: " + command.Reasoning, against.EffectiveFrom, actor.Subject, now), CertificationStatus.Certified),
                _ => (new WithdrawalOverturned(file.Id, appealId, against.EffectiveFrom, now), CertificationStatus.Certified),
            };
            events.Add(reversal);
        }

        return (new AppealDecisionResponse(appealId, command.Upheld, status, file.Version + events.Count), events);
    }
}

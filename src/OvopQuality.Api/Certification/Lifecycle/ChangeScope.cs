using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Lifecycle;

/// <summary>A reduction or extension of what the certificate covers (products, lots, volume), with its reason.</summary>
public sealed record ChangeScope(long ExpectedVersion, string Scope, string Reason, int? CertifiedUnits = null, DateTimeOffset? EffectiveFrom = null);

public static class ChangeScopeEndpoint
{
    public static ProblemDetails Validate(ChangeScope command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Scope, "scope", 1000).Reason(command.Reason)
            .Require(command.CertifiedUnits is null or >= 1, "certifiedUnits", "must be 1 or more").ToProblem();

    /// <summary>The rules, then when the change takes effect: worked out once, here, and handed to <c>Post</c>.</summary>
    public static (ProblemDetails, EffectiveAt) Before(ChangeScope command, CertificationFile file, Actor actor, TimeProvider clock) =>
        LifecycleRules.TakingEffect(Rules(command, file, actor), command.EffectiveFrom, file, clock.GetUtcNow());

    private static ProblemDetails Rules(ChangeScope command, CertificationFile file, Actor actor)
    {
        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.Impartial(BodyDecision.ScopeChange, actor.Subject) is var partial && partial.Stops())
        {
            return partial;
        }

        if (LifecycleRules.InForce(file, "changed in scope") is var ended && ended.Stops())
        {
            return ended;
        }

        if (command.CertifiedUnits is { } units)
        {
            var maximum = Deciding.DecideStandardMetEndpoint.MaximumCertifiedUnits(file);
            if (units < file.LabelsIssued)
            {
                return Problems.Conflict("volume-below-issued", $"{file.LabelsIssued} labels are already issued: the certified volume cannot go below that.");
            }

            if (units > maximum)
            {
                return Problems.Conflict("certified-volume-above-declared", $"At most {maximum} units can be certified for the declared volume.");
            }
        }

        return WolverineContinue.NoProblems;
    }

    /// <summary>Reduces or extends the certificate's scope and certified volume; the reason is kept with the file.</summary>
    [WolverinePost("/api/certifications/{fileId}/scope", OperationId = "ChangeScope")]
    [Tags("Certificate lifecycle")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (LifecycleChanged, ScopeChanged) Post(ChangeScope command, [WriteAggregate("fileId")] CertificationFile file, EffectiveAt at, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var effective = at.Value;
        return (new LifecycleChanged(file.Status, effective, file.Version + 1),
            new ScopeChanged(file.Id, command.Scope, command.CertifiedUnits ?? file.Certificate!.CertifiedUnits, command.Reason, effective, actor.Subject, now));
    }
}

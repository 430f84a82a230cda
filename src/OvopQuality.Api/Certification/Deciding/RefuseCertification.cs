using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Deciding;

public sealed record RefuseCertification(long ExpectedVersion, IReadOnlyList<string> Reasons);

public sealed record CertificationRefusedResponse(IReadOnlyList<string> Reasons, long Version);

public static class RefuseCertificationEndpoint
{
    public static ProblemDetails Validate(RefuseCertification command)
    {
        var v = new Validation().Version(command.ExpectedVersion)
            .Require(command.Reasons is { Count: > 0 }, "reasons", "must give at least one reason");
        for (var i = 0; i < (command.Reasons?.Count ?? 0); i++)
        {
            v.Text(command.Reasons![i], $"reasons[{i}]", 2000);
        }

        return v.ToProblem();
    }

    public static ProblemDetails Before(RefuseCertification command, CertificationFile file, Actor actor) =>
        DecisionRules.CanDecide(file, command.ExpectedVersion, actor.Subject, BodyDecision.Refusal);

    /// <summary>Refuses the certification, with the reasons the producer will read.</summary>
    [WolverinePost("/api/certifications/{fileId}/decisions/refusal", OperationId = "RefuseCertification")]
    [Tags("Certification")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (CertificationRefusedResponse, CertificationRefused) Post(
        RefuseCertification command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock) =>
        (new CertificationRefusedResponse(command.Reasons, file.Version + 1),
            new CertificationRefused(file.Id, command.Reasons, actor.Subject, clock.GetUtcNow()));
}

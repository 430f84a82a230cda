using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Deciding;

/// <summary>
/// A member of staff gave the producer advice on this file (training, consultancy, help preparing
/// for the audit). Recorded so that impartiality can be enforced: an adviser never decides the file.
/// </summary>
public sealed record RecordAdvice(long ExpectedVersion, string Topic, DateOnly GivenOn);

public sealed record AdviceResponse(long Version);

public static class RecordAdviceEndpoint
{
    public static ProblemDetails Validate(RecordAdvice command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Topic, "topic", 1000).ToProblem();

    public static ProblemDetails Before(RecordAdvice command, CertificationFile file, TimeProvider clock) =>
        Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops() ? stale
        : command.GivenOn > ProgrammeTime.DayOf(clock.GetUtcNow())
            ? Problems.Invalid(new Dictionary<string, string[]> { ["givenOn"] = ["cannot be in the future"] })
            : WolverineContinue.NoProblems;

    /// <summary>Records advice the signed-in member of staff gave on this file; they may then not decide it.</summary>
    [WolverinePost("/api/certifications/{fileId}/advice", OperationId = "RecordAdvice")]
    [Tags("Certification")]
    [Authorize(Roles = Roles.Staff)]
    public static (AdviceResponse, AdviceRecorded) Post(RecordAdvice command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock) =>
        (new AdviceResponse(file.Version + 1), new AdviceRecorded(file.Id, command.Topic, command.GivenOn, actor.Subject, clock.GetUtcNow()));
}

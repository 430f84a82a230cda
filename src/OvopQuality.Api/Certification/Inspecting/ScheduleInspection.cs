using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Inspecting;

public sealed record ScheduleInspection(long ExpectedVersion, string InspectorId, DateOnly ScheduledFor);

public sealed record InspectionScheduledResponse(Guid InspectionId, long Version);

public static class ScheduleInspectionEndpoint
{
    public static ProblemDetails Validate(ScheduleInspection command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.InspectorId, "inspectorId", 100).ToProblem();

    public static ProblemDetails Before(ScheduleInspection command, CertificationFile file, TimeProvider clock)
    {
        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (!file.IsEvaluating && !file.IsLive)
        {
            return Problems.Conflict("file-closed", $"The file is {file.Status.Wire()}: no inspection can be scheduled on it.");
        }

        var today = ProgrammeTime.DayOf(clock.GetUtcNow());
        return command.ScheduledFor < today
            ? Problems.Invalid(new Dictionary<string, string[]> { ["scheduledFor"] = ["must be today or later"] })
            : WolverineContinue.NoProblems;
    }

    /// <summary>
    /// Assigns an inspector to evaluate the file on a date: the initial evaluation, or a surveillance
    /// inspection once the certificate is granted.
    /// </summary>
    [WolverinePost("/api/certifications/{fileId}/inspections", OperationId = "ScheduleInspection")]
    [Tags("Certification")]
    [Authorize(Roles = Roles.Staff)]
    public static (InspectionScheduledResponse, InspectionScheduled) Post(
        ScheduleInspection command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var inspectionId = Guid.CreateVersion7();
        return (new InspectionScheduledResponse(inspectionId, file.Version + 1),
            new InspectionScheduled(file.Id, inspectionId, command.InspectorId, command.ScheduledFor, clock.GetUtcNow(), actor.Subject));
    }
}

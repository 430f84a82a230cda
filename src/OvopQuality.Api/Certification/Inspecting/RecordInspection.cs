using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Inspecting;

public sealed record RecordInspection(
    long ExpectedVersion,
    DateOnly TookPlaceOn,
    IReadOnlyList<RequirementResult> Results,
    IReadOnlyList<NewFinding>? Findings = null);

public sealed record InspectionRecordedResponse(Guid InspectionId, int ScorePercent, int PotentialStars, IReadOnlyList<string> FailedMandatoryRequirements, long Version);

public static class RecordInspectionEndpoint
{
    public static ProblemDetails Validate(RecordInspection command)
    {
        var v = new Validation().Version(command.ExpectedVersion)
            .Require(command.Results is { Count: > 0 }, "results", "must hold a result for each requirement of the standard");
        for (var i = 0; i < (command.Results?.Count ?? 0); i++)
        {
            var result = command.Results![i];
            v.Require(result is not null, $"results[{i}]", "is required");
            if (result is not null)
            {
                v.Text(result.RequirementCode, $"results[{i}].requirementCode", 20)
                    .Defined(result.Outcome, $"results[{i}].outcome")
                    .OptionalText(result.Note, $"results[{i}].note", 2000);
            }
        }

        for (var i = 0; i < (command.Findings?.Count ?? 0); i++)
        {
            var finding = command.Findings![i];
            v.Require(finding is not null, $"findings[{i}]", "is required");
            if (finding is not null)
            {
                v.Defined(finding.Severity, $"findings[{i}].severity")
                    .Require(finding.Deadline is null || finding.Deadline >= command.TookPlaceOn, $"findings[{i}].deadline", "cannot be before the inspection")
                    .Text(finding.Description, $"findings[{i}].description", 2000)
                    .OptionalText(finding.RequirementCode, $"findings[{i}].requirementCode", 20);
            }
        }

        return v.ToProblem();
    }

    public static ProblemDetails Before(Guid inspectionId, RecordInspection command, CertificationFile file, Actor actor, TimeProvider clock)
    {
        if (!file.WasInspectedBy(actor.Subject))
        {
            return Problems.CertificationFileNotFound(file.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        var inspection = file.FindInspection(inspectionId);
        if (inspection is null)
        {
            return Problems.NotFound("inspection", $"The file has no inspection {inspectionId}; schedule one before recording it.");
        }

        if (inspection.Outcome is not null)
        {
            return Problems.Conflict("inspection-already-recorded",
                $"Inspection {inspectionId} was recorded on {inspection.Outcome.TookPlaceOn:yyyy-MM-dd}; a correction is a new inspection.");
        }

        if (!string.Equals(inspection.InspectorId, actor.Subject, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Forbidden("not-the-assigned-inspector", $"Inspection {inspectionId} is assigned to another inspector.");
        }

        var today = ProgrammeTime.DayOf(clock.GetUtcNow());
        var errors = Scoring.Completeness(file.Standard, command.Results);
        if (command.TookPlaceOn > today)
        {
            errors["tookPlaceOn"] = ["cannot be in the future"];
        }

        foreach (var code in (command.Findings ?? []).Select(f => f.RequirementCode).OfType<string>())
        {
            if (file.Standard.Find(code) is null)
            {
                errors["findings"] = [$"requirement {code} is not in {file.Standard.Code} v{file.Standard.Version}"];
            }
        }

        return errors.Count > 0 ? Problems.Invalid(errors) : WolverineContinue.NoProblems;
    }

    /// <summary>Records what the inspector found: a result for every requirement, findings, and the score they give.</summary>
    [WolverinePost("/api/certifications/{fileId}/inspections/{inspectionId}/results", OperationId = "RecordInspection")]
    [Tags("Certification")]
    [Authorize(Roles = Roles.Inspector)]
    public static (InspectionRecordedResponse, Events) Post(
        Guid inspectionId, RecordInspection command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var score = Scoring.Score(file.Standard, command.Results);
        var recorded = new InspectionRecorded(
            file.Id, inspectionId, actor.Subject, command.TookPlaceOn, command.Results,
            [.. (command.Findings ?? []).Select(f => Finding.From(f, command.TookPlaceOn))],
            score.Points, score.MaxPoints, score.Percent, score.FailedMandatoryRequirements, clock.GetUtcNow());
        var stars = score.FailedMandatoryRequirements.Count > 0 ? 0 : file.Standard.Stars.StarsFor(score.Percent);
        Events events = [recorded];
        if (file.IsLive && IsClean(recorded))
        {
            // A surveillance inspection that finds the standard still met maintains the certificate;
            // anything else is for an officer to weigh (suspension, or a new inspection).
            events.Add(new SurveillancePassed(file.Id, inspectionId, file.SurveillanceRound, recorded.RecordedAt, recorded.RecordedAt));
        }

        return (new InspectionRecordedResponse(inspectionId, score.Percent, stars, score.FailedMandatoryRequirements, file.Version + events.Count), events);
    }

    private static bool IsClean(InspectionRecorded recorded) =>
        recorded.FailedMandatoryRequirements.Count == 0 && recorded.Findings.All(f => f.Severity == FindingSeverity.Minor);
}

using OvopQuality.Api.Certification.Findings;
using OvopQuality.Api.Standards;
using Wolverine.Marten;
using Events = Wolverine.Marten.Events;

namespace OvopQuality.Api.Certification.Sampling;

// Sampling records as ISO/IEC 17025 asks of them: who took what, when, where and in which
// conditions; which laboratory tested it; each result as a value with its unit against the limit
// the file's standard version sets.

public sealed record LabResult(string Parameter, decimal Value, string Unit, string? Limit, bool WithinLimit);

public sealed record SampleResponse(Guid SampleId, long Version);

/// <summary>A sample taken: its id, its file (where it is shown: the Location) and the file's version for the next command.</summary>
public sealed record SampleCreated(Guid Id, Guid FileId, long Version) : CreationResponse($"/api/certifications/{FileId}");

public sealed record TakeSample(long ExpectedVersion, DateTimeOffset TakenAt, string Place, string Conditions);

public static class TakeSampleEndpoint
{
    public static ProblemDetails Validate(TakeSample command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Place, "place", 300).Text(command.Conditions, "conditions", 1000).ToProblem();

    public static ProblemDetails Before(TakeSample command, CertificationFile file, Actor actor, TimeProvider clock)
    {
        if (!file.WasInspectedBy(actor.Subject))
        {
            return Problems.CertificationFileNotFound(file.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        return command.TakenAt > clock.GetUtcNow() + TimeSpan.FromMinutes(1)
            ? Problems.Invalid(new Dictionary<string, string[]> { ["takenAt"] = ["cannot be in the future"] })
            : WolverineContinue.NoProblems;
    }

    /// <summary>Records a sample an inspector of the file took: when, where, in which conditions.</summary>
    [WolverinePost("/api/certifications/{fileId}/samples", OperationId = "TakeSample")]
    [Tags("Sampling")]
    [Authorize(Roles = Roles.Inspector)]
    public static (SampleCreated, SampleTaken) Post(TakeSample command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var taken = new SampleTaken(file.Id, Guid.CreateVersion7(), command.TakenAt, command.Place, command.Conditions, actor.Subject, clock.GetUtcNow());
        return (new SampleCreated(taken.SampleId, file.Id, file.Version + 1), taken);
    }
}

public sealed record SendSample(long ExpectedVersion, string Laboratory);

public static class SendSampleEndpoint
{
    public static ProblemDetails Validate(SendSample command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Laboratory, "laboratory", 300).ToProblem();

    public static ProblemDetails Before(Guid sampleId, SendSample command, CertificationFile file, Actor actor) =>
        !actor.IsStaff && !file.WasInspectedBy(actor.Subject) ? Problems.CertificationFileNotFound(file.Id)
        : Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops() ? stale
        : file.FindSample(sampleId) switch
        {
            null => Problems.NotFound("sample", $"The file has no sample {sampleId}."),
            { Laboratory: not null } s => Problems.Conflict("sample-already-sent", $"The sample was sent to {s.Laboratory}."),
            _ => WolverineContinue.NoProblems,
        };

    /// <summary>Records that the sample went to a laboratory (ISO/IEC 17025 accredited).</summary>
    [WolverinePost("/api/certifications/{fileId}/samples/{sampleId}/dispatch", OperationId = "SendSample")]
    [Tags("Sampling")]
    [Authorize(Roles = Roles.Inspector + "," + Roles.Staff)]
    public static (SampleResponse, SampleSentToLaboratory) Post(Guid sampleId, SendSample command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock) =>
        (new SampleResponse(sampleId, file.Version + 1), new SampleSentToLaboratory(file.Id, sampleId, command.Laboratory, actor.Subject, clock.GetUtcNow()));
}

public sealed record MeasuredValue(string Parameter, decimal Value, string Unit);

public sealed record RecordLabResults(long ExpectedVersion, string ReportNumber, IReadOnlyList<MeasuredValue> Results);

public sealed record LabResultsResponse(Guid SampleId, IReadOnlyList<LabResult> Results, IReadOnlyList<Guid> FindingsRaised, long Version);

public static class RecordLabResultsEndpoint
{
    public static ProblemDetails Validate(RecordLabResults command)
    {
        var v = new Validation().Version(command.ExpectedVersion).Text(command.ReportNumber, "reportNumber", 100)
            .Require(command.Results is { Count: > 0 }, "results", "must hold at least one measured value");
        for (var i = 0; i < (command.Results?.Count ?? 0); i++)
        {
            v.Require(command.Results![i] is not null, $"results[{i}]", "is required");
            if (command.Results[i] is { } r)
            {
                v.Text(r.Parameter, $"results[{i}].parameter", 40).Text(r.Unit, $"results[{i}].unit", 20);
            }
        }

        return v.ToProblem();
    }

    public static ProblemDetails Before(Guid sampleId, RecordLabResults command, CertificationFile file)
    {
        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        var sample = file.FindSample(sampleId);
        if (sample is null)
        {
            return Problems.NotFound("sample", $"The file has no sample {sampleId}.");
        }

        if (sample.Laboratory is null)
        {
            return Problems.Conflict("sample-not-sent", "Record results once the sample has gone to a laboratory.");
        }

        if (sample.HasResults)
        {
            return Problems.Conflict("results-already-recorded", "Results of this sample are recorded; a retest is a new sample.");
        }

        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < command.Results.Count; i++)
        {
            var measured = command.Results[i];
            if (file.Standard.FindLimit(measured.Parameter) is not { } limit)
            {
                errors[$"results[{i}].parameter"] = [$"{file.Standard.Code} v{file.Standard.Version} sets no limit for '{measured.Parameter}'; it has: {string.Join(", ", file.Standard.LabLimits.Select(l => l.Parameter))}"];
            }
            else if (!string.Equals(limit.Unit, measured.Unit, StringComparison.OrdinalIgnoreCase))
            {
                errors[$"results[{i}].unit"] = [$"must be {limit.Unit}, the unit of the standard's limit"];
            }
        }

        return errors.Count > 0 ? Problems.Invalid(errors) : WolverineContinue.NoProblems;
    }

    /// <summary>
    /// Records the laboratory's results for a sample. Each value is held to the limit of the file's
    /// standard version; a value outside it raises a major finding against the requirement.
    /// </summary>
    [WolverinePost("/api/certifications/{fileId}/samples/{sampleId}/results", OperationId = "RecordLabResults")]
    [Tags("Sampling")]
    [Authorize(Roles = Roles.Staff)]
    public static (LabResultsResponse, Events) Post(Guid sampleId, RecordLabResults command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var sample = file.FindSample(sampleId)!;
        var results = command.Results.Select(r =>
        {
            var limit = file.Standard.FindLimit(r.Parameter)!;
            return (Result: new LabResult(limit.Parameter, r.Value, limit.Unit, limit.Describe(), limit.Allows(r.Value)), Limit: limit);
        }).ToList();
        Events events = [new LabResultsRecorded(file.Id, sampleId, sample.Laboratory!, command.ReportNumber, [.. results.Select(r => r.Result)], actor.Subject, now)];
        var raised = new List<Guid>();
        foreach (var (result, limit) in results.Where(r => !r.Result.WithinLimit))
        {
            var finding = Finding.From(new NewFinding(FindingSeverity.Major,
                $"{limit.Name.En} {result.Value} {result.Unit} in sample {sampleId} (report {command.ReportNumber}), limit {limit.Describe()}", limit.RequirementCode),
                ProgrammeTime.DayOf(now));
            raised.Add(finding.Id);
            events.Add(new FindingRaised(file.Id, finding, "laboratory", now));
        }

        return (new LabResultsResponse(sampleId, [.. results.Select(r => r.Result)], raised, file.Version + events.Count), events);
    }
}

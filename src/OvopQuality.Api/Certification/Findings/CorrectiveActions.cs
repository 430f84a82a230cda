using Wolverine.Marten;
using Events = Wolverine.Marten.Events;

namespace OvopQuality.Api.Certification.Findings;

public sealed record SubmitCorrectiveAction(long ExpectedVersion, string Description, IReadOnlyList<string>? EvidenceHashes = null);

public sealed record CorrectiveActionResponse(Guid FindingId, Guid ActionId, FindingState State, long Version);

public static class SubmitCorrectiveActionEndpoint
{
    public static ProblemDetails Validate(SubmitCorrectiveAction command)
    {
        var v = new Validation().Version(command.ExpectedVersion).Text(command.Description, "description", 4000)
            .Require((command.EvidenceHashes?.Count ?? 0) <= 50, "evidenceHashes", "at most 50 files a corrective action");
        for (var i = 0; i < (command.EvidenceHashes?.Count ?? 0); i++)
        {
            v.Require(IsSha256(command.EvidenceHashes![i]), $"evidenceHashes[{i}]", "must be the SHA-256 of the file, as 64 hexadecimal characters");
        }

        return v.ToProblem();
    }

    public static ProblemDetails Before(Guid findingId, SubmitCorrectiveAction command, CertificationFile file, Actor actor)
    {
        if (!actor.MayActFor(file.ProducerNumber))
        {
            return Problems.CertificationFileNotFound(file.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        return file.FindFinding(findingId) switch
        {
            null => Problems.NotFound("finding", $"The file has no finding {findingId}."),
            { State: FindingState.Closed } => Problems.Conflict("finding-closed", "This finding is already closed."),
            { State: FindingState.ActionSubmitted } => Problems.Conflict("action-under-review", "A corrective action for this finding awaits the inspector's review."),
            _ => WolverineContinue.NoProblems,
        };
    }

    /// <summary>The producer answers a finding with what was corrected, and the hashes of the evidence files.</summary>
    [WolverinePost("/api/certifications/{fileId}/findings/{findingId}/corrective-actions", OperationId = "SubmitCorrectiveAction")]
    [Tags("Findings")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (CorrectiveActionResponse, CorrectiveActionSubmitted) Post(
        Guid findingId, SubmitCorrectiveAction command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var submitted = new CorrectiveActionSubmitted(file.Id, findingId, Guid.CreateVersion7(), command.Description,
            [.. (command.EvidenceHashes ?? []).Select(h => h.ToLowerInvariant())], actor.Subject, clock.GetUtcNow());
        return (new CorrectiveActionResponse(findingId, submitted.ActionId, FindingState.ActionSubmitted, file.Version + 1), submitted);
    }

    private static bool IsSha256(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigit);
}

public sealed record ReviewCorrectiveAction(long ExpectedVersion, bool Accepted, string? Reason = null);

public static class ReviewCorrectiveActionEndpoint
{
    public static ProblemDetails Validate(ReviewCorrectiveAction command) =>
        new Validation().Version(command.ExpectedVersion)
            .Require(command.Accepted || !string.IsNullOrWhiteSpace(command.Reason), "reason", "is required when the action is rejected")
            .OptionalText(command.Reason, "reason", 2000)
            .ToProblem();

    public static ProblemDetails Before(Guid findingId, ReviewCorrectiveAction command, CertificationFile file, Actor actor)
    {
        if (!file.WasInspectedBy(actor.Subject))
        {
            return Problems.CertificationFileNotFound(file.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        return file.FindFinding(findingId) switch
        {
            null => Problems.NotFound("finding", $"The file has no finding {findingId}."),
            { State: FindingState.ActionSubmitted } => WolverineContinue.NoProblems,
            _ => Problems.Conflict("no-action-to-review", "No corrective action for this finding awaits review."),
        };
    }

    /// <summary>An inspector of the file accepts a corrective action (the finding closes) or rejects it with the reason.</summary>
    [WolverinePost("/api/certifications/{fileId}/findings/{findingId}/review", OperationId = "ReviewCorrectiveAction")]
    [Tags("Findings")]
    [Authorize(Roles = Roles.Inspector)]
    public static (CorrectiveActionResponse, Events) Post(
        Guid findingId, ReviewCorrectiveAction command, [WriteAggregate("fileId")] CertificationFile file, Actor actor, TimeProvider clock)
    {
        var action = file.FindFinding(findingId)!.PendingAction!.Value;
        var now = clock.GetUtcNow();
        return command.Accepted
            ? (new CorrectiveActionResponse(findingId, action, FindingState.Closed, file.Version + 1), [new CorrectiveActionAccepted(file.Id, findingId, action, actor.Subject, now)])
            : (new CorrectiveActionResponse(findingId, action, FindingState.Open, file.Version + 1), [new CorrectiveActionRejected(file.Id, findingId, action, command.Reason!, actor.Subject, now)]);
    }
}

using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Standards.Publishing;

public sealed record PublishStandardVersion(
    LocalizedText Title,
    ProductCategory Category,
    IReadOnlyList<Requirement> Requirements,
    StarThresholds Stars,
    int ValidityMonths = 36,
    IReadOnlyList<LabLimit>? LabLimits = null);

/// <summary>A version of a standard published: the standard's code, the version's number, and the standard's stream version.</summary>
public sealed record StandardVersionCreated(string Id, int StandardVersion, long Version) : CreationResponse($"/api/standards/{Id}/versions/{StandardVersion}");

public static class PublishStandardVersionEndpoint
{
    public static ProblemDetails Validate(string code, PublishStandardVersion command) =>
        Check(code, command).ToProblem();

    internal static Validation Check(string code, PublishStandardVersion command)
    {
        var v = new Validation()
            .Require(IsStandardCode(code?.ToUpperInvariant()), "code", "must be 3 to 20 capital letters, digits or '-', e.g. OVOP-DF")
            .Require(command.Title is not null, "title", "is required")
            .Defined(command.Category, "category")
            .Require(command.ValidityMonths is >= 1 and <= 60, "validityMonths", "must be between 1 and 60")
            .Require(command.Requirements is { Count: > 0 }, "requirements", "must list at least one requirement")
            .Require(command.Stars is not null, "stars", "is required");
        command.Title?.Check(v, "title");

        var requirements = command.Requirements ?? [];
        for (var i = 0; i < requirements.Count; i++)
        {
            var r = requirements[i];
            var field = $"requirements[{i}]";
            v.Require(r is not null, field, "is required");
            if (r is null)
            {
                continue;
            }

            v.Require(IsStandardCode(r.Code), field + ".code", "must be 3 to 20 capital letters, digits or '-'")
                .Defined(r.Group, field + ".group")
                .Require(r.Points is >= 1 and <= 100, field + ".points", "must be between 1 and 100")
                .Require(r.Text is not null, field + ".text", "is required");
            r.Text?.Check(v, field + ".text", 1000);
        }

        var duplicates = requirements.Where(r => r is not null).GroupBy(r => r.Code, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        v.Require(duplicates.Count == 0, "requirements", "has duplicate codes: " + string.Join(", ", duplicates));

        var limits = command.LabLimits ?? [];
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            var field = $"labLimits[{i}]";
            v.Require(limit is not null, field, "is required");
            if (limit is null)
            {
                continue;
            }

            v.Text(limit.Parameter, field + ".parameter", 40)
                .Text(limit.Unit, field + ".unit", 20)
                .Require(limit.Minimum is not null || limit.Maximum is not null, field, "needs a minimum, a maximum or both")
                .Require(limit.Minimum is null || limit.Maximum is null || limit.Minimum <= limit.Maximum, field, "minimum is above maximum")
                .Require(requirements.Any(r => r?.Code == limit.RequirementCode), field + ".requirementCode", "must be a requirement of this version");
            limit.Name?.Check(v, field + ".name");
        }

        if (command.Stars is not null)
        {
            var thresholds = command.Stars.Ascending;
            v.Require(thresholds.All(t => t is >= 0 and <= 100), "stars", "thresholds must be percentages from 0 to 100")
                .Require(thresholds.Zip(thresholds.Skip(1)).All(p => p.First < p.Second), "stars", "thresholds must rise strictly from one star to five stars");
        }

        return v;
    }

    /// <summary>Publishes a new version of a standard (creating the standard with version 1 if it is new).</summary>
    [WolverinePost("/api/standards/{code}/versions", OperationId = "PublishStandardVersion")]
    [Tags("Standards")]
    [Authorize(Roles = Roles.Administrator)]
    public static async Task<StandardVersionCreated> Post(
        string code, PublishStandardVersion command, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Standard>(Standard.StreamIdFor(code), ct);
        var published = Publish(code, stream.Aggregate, command, clock.GetUtcNow());
        stream.AppendOne(published);
        var standard = published.Standard;
        // One event per version: the stream's version is the version's number.
        return new StandardVersionCreated(standard.Code, standard.Version, standard.Version);
    }

    /// <summary>The decision: the next version number follows the last one published.</summary>
    public static StandardVersionPublished Publish(string code, Standard? existing, PublishStandardVersion command, DateTimeOffset now)
    {
        var normalized = code.ToUpperInvariant();
        var next = (existing?.Latest.Version ?? 0) + 1;
        return new StandardVersionPublished(
            Standard.StreamIdFor(normalized),
            new StandardVersion(normalized, next, command.Title, command.Category, command.Requirements, command.Stars, command.ValidityMonths, now) { LabLimits = command.LabLimits ?? [] });
    }

    private static bool IsStandardCode(string? code) =>
        code is { Length: >= 3 and <= 20 } && code.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '-');
}

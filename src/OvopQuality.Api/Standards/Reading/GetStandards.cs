using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Standards.Reading;

public sealed record StandardSummary(string Code, int LatestVersion, Infrastructure.LocalizedText Title, ProductCategory Category, DateTimeOffset PublishedAt);

public static class GetStandardsEndpoint
{
    /// <summary>The catalogue of standards with their latest version.</summary>
    [WolverineGet("/api/standards", OperationId = "ListStandards")]
    [Tags("Standards")]
    [Authorize(Roles = Roles.Everyone)]
    public static async Task<Results<Ok<Page<StandardSummary>>, ProblemHttpResult>> Get(int? limit, string? cursor, IQuerySession session, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var standards = await session.Query<Standard>().OrderBy(s => s.Code).ToListAsync(ct);
        return TypedResults.Ok(Paging.Slice<StandardSummary>([.. standards.Select(s => new StandardSummary(s.Code, s.Latest.Version, s.Latest.Title, s.Latest.Category, s.Latest.PublishedAt))], page));
    }
}

public static class GetStandardEndpoint
{
    /// <summary>A standard with every version it has had.</summary>
    [WolverineGet("/api/standards/{code}", OperationId = "GetStandard")]
    [Tags("Standards")]
    [Authorize(Roles = Roles.Everyone)]
    public static async Task<Results<Ok<Standard>, ProblemHttpResult>> Get(string code, IQuerySession session, CancellationToken ct)
    {
        var standard = await session.LoadAsync<Standard>(Standard.StreamIdFor(code), ct);
        return standard is null ? StandardNotFound(code) : TypedResults.Ok(standard);
    }

    internal static ProblemHttpResult StandardNotFound(string code) =>
        TypedResults.Problem(Infrastructure.Problems.NotFound("standard", $"There is no standard {code} in the catalogue."));
}

public static class GetStandardVersionEndpoint
{
    /// <summary>One version of a standard: its requirements, points and star thresholds.</summary>
    [WolverineGet("/api/standards/{code}/versions/{version}", OperationId = "GetStandardVersion")]
    [Tags("Standards")]
    [Authorize(Roles = Roles.Everyone)]
    public static async Task<Results<Ok<StandardVersion>, ProblemHttpResult>> Get(string code, int version, IQuerySession session, CancellationToken ct)
    {
        var standard = await session.LoadAsync<Standard>(Standard.StreamIdFor(code), ct);
        if (standard is null)
        {
            return GetStandardEndpoint.StandardNotFound(code);
        }

        var found = standard.FindVersion(version);
        return found is null
            ? TypedResults.Problem(Infrastructure.Problems.NotFound("standard-version", $"Standard {standard.Code} has no version {version}."))
            : TypedResults.Ok(found);
    }
}

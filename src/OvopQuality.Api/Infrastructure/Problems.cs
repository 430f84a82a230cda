
namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// The one error shape of the API: RFC 9457 problem details with a stable <c>type</c> per rule,
/// so clients can branch on the rule rather than on the wording of <c>detail</c>.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://ovop.tj/problems/";

    public static ProblemDetails Invalid(IDictionary<string, string[]> errors) =>
        new ValidationProblemDetails(errors)
        {
            Type = TypeBase + "invalid-input",
            Title = "The request is not valid",
            Status = StatusCodes.Status400BadRequest,
            Detail = "One or more fields are missing or invalid: " + string.Join(", ", errors.Keys) + ".",
        };

    /// <summary>An illegal transition or a rule of the certification process that forbids the command.</summary>
    public static ProblemDetails Conflict(string rule, string detail) =>
        new()
        {
            Type = TypeBase + rule,
            Title = Titleize(rule),
            Status = StatusCodes.Status409Conflict,
            Detail = detail,
        };

    /// <summary>The caller's role may act here, but not on this record.</summary>
    public static ProblemDetails Forbidden(string rule, string detail) =>
        new()
        {
            Type = TypeBase + rule,
            Title = Titleize(rule),
            Status = StatusCodes.Status403Forbidden,
            Detail = detail,
        };

    /// <summary>A body that is not JSON at all, with where it stops making sense when the parser said so.</summary>
    public static ProblemDetails MalformedJson(System.Text.Json.JsonException malformed) => new()
    {
        Type = TypeBase + "malformed-json",
        Title = "The body is not valid JSON",
        Status = StatusCodes.Status400BadRequest,
        Detail = malformed.LineNumber is { } line && malformed.BytePositionInLine is { } column
            ? $"The body is not valid JSON: it stops making sense at line {line + 1}, column {column + 1}."
            : "The body is not valid JSON.",
    };

    public static ProblemDetails NotFound(string what, string detail) =>
        new()
        {
            Type = TypeBase + what + "-not-found",
            Title = Titleize(what) + " not found",
            Status = StatusCodes.Status404NotFound,
            Detail = detail,
        };

    /// <summary>Unknown, or not the caller's to see: the same answer, so that nothing leaks.</summary>
    public static ProblemDetails CertificationFileNotFound(Guid fileId) =>
        NotFound("certification-file", $"There is no certification file {fileId}.");

    public static ProblemDetails StaleVersion(string detail) =>
        Conflict("stale-version", detail);

    /// <summary>Whether a rule's answer stops the command (anything but Wolverine's "no problems").</summary>
    public static bool Stops(this ProblemDetails problem) => !ReferenceEquals(problem, Wolverine.Http.WolverineContinue.NoProblems);

    private static string Titleize(string slug)
    {
        var words = slug.Replace('-', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }
}

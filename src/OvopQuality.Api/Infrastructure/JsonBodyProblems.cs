using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// A body that cannot be read into the command is refused by Wolverine before the endpoint runs,
/// with a problem whose detail is System.Text.Json's own message: .NET type names, zero-based
/// positions. This turns it into the API's own answer: <c>invalid-input</c> with the fields named
/// the way the client wrote them and what each should hold, or <c>malformed-json</c> with the line
/// and column where the text stops being JSON.
/// </summary>
public static partial class JsonBodyProblems
{
    private const string WolverineType = "https://httpstatuses.com/400";
    private const string WolverineTitle = "Invalid JSON format";

    private static readonly string[] Required = ["Required."];

    /// <summary>
    /// The commands endpoints read from a request body: by the convention of this code base, the
    /// first record of the assembly among a Wolverine HTTP method's parameters, unless it carries
    /// an attribute (an aggregate does) or comes from middleware (the actor). Wolverine logs every unreadable body as an error,
    /// with a stack trace, under the command's type name; a client's mistake is not the service's
    /// error, so those categories are silenced and the refusal is logged at Information instead.
    /// </summary>
    public static IEnumerable<Type> BodyTypesIn(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<Wolverine.Http.WolverineHttpMethodAttribute>().Any())
            .Select(m => m.GetParameters().FirstOrDefault(p => p.ParameterType.Assembly == assembly && p.ParameterType.GetMethod("<Clone>$") is not null))
            .Where(p => p is not null && !p.GetCustomAttributes().Any() && p.ParameterType != typeof(Access.Actor))
            .Select(p => p!.ParameterType)
            .Distinct();

    /// <summary>Silences Wolverine's error log for each command read from a body (see <see cref="BodyTypesIn"/>).</summary>
    public static ILoggingBuilder QuietUnreadableBodies(this ILoggingBuilder logging)
    {
        foreach (var body in BodyTypesIn(typeof(JsonBodyProblems).Assembly))
        {
            logging.AddFilter(body.FullName, LogLevel.None);
        }

        return logging;
    }

    /// <summary>Whether this problem is Wolverine's answer to a body it could not read.</summary>
    public static bool IsWolverineJsonProblem(ProblemDetails problem) =>
        problem.Status == StatusCodes.Status400BadRequest && problem.Type == WolverineType && problem.Title == WolverineTitle;

    /// <summary>Rewrites Wolverine's problem in place, from the serializer's message it carries.</summary>
    /// <param name="problem">Wolverine's problem.</param>
    /// <param name="bodyType">The command the body was read into, to name a nested field by its path.</param>
    public static void Rewrite(ProblemDetails problem, Type? bodyType = null)
    {
        var message = problem.Detail ?? "";
        problem.Extensions.Remove("lineNumber");
        problem.Extensions.Remove("bytePositionInLine");

        var errors = FieldErrors(message, bodyType);
        if (errors is not null)
        {
            problem.Type = Problems.TypeBase + "invalid-input";
            problem.Title = "The request is not valid";
            problem.Detail = "One or more fields are missing or invalid: " + string.Join(", ", errors.Keys) + ".";
            problem.Extensions["errors"] = errors;
            return;
        }

        var position = Position().Match(message);
        problem.Type = Problems.TypeBase + "malformed-json";
        problem.Title = "The body is not valid JSON";
        problem.Detail = position.Success
            ? $"The body is not valid JSON: it stops making sense at line {int.Parse(position.Groups["line"].Value, CultureInfo.InvariantCulture) + 1}, "
              + $"column {int.Parse(position.Groups["column"].Value, CultureInfo.InvariantCulture) + 1}."
            : "The body is not valid JSON.";
    }

    /// <summary>The fields the message is about, with what each should hold; null for a syntax error.</summary>
    public static Dictionary<string, string[]>? FieldErrors(string message, Type? bodyType = null)
    {
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            // The serializer names the object that lacks them, not where that object sits.
            var container = typeof(JsonBodyProblems).Assembly.GetType(missing.Groups["type"].Value);
            var parent = bodyType is not null && container is not null ? PathTo(bodyType, container) : null;
            return Quoted().Matches(missing.Groups["names"].Value)
                .Select(m => string.IsNullOrEmpty(parent) ? m.Groups[1].Value : parent + "." + m.Groups[1].Value)
                .ToDictionary(name => name, _ => Required, StringComparer.Ordinal);
        }

        var path = FieldPath(message);
        if (Unmapped().Match(message) is { Success: true } unmapped)
        {
            // The serializer names the object the field was found in, not where that object sits.
            var name = unmapped.Groups["name"].Value;
            var container = typeof(JsonBodyProblems).Assembly.GetType(unmapped.Groups["type"].Value);
            var parent = bodyType is not null && container is not null ? PathTo(bodyType, container) : null;
            return new() { [string.IsNullOrEmpty(parent) ? name : parent + "." + name] = ["The API does not know this field: leave it out."] };
        }

        if (NotNull().Match(message) is { Success: true } notNull)
        {
            var name = notNull.Groups["name"].Value;
            return new() { [path is null or "body" ? name : path] = ["Must not be null."] };
        }

        if (NotConvertible().Match(message) is { Success: true } conversion && path is not null)
        {
            return new() { [path] = [$"Expected {Kind(conversion.Groups["type"].Value, path)}."] };
        }

        return null;
    }

    /// <summary>Where an object of type <paramref name="target"/> sits in a body of type <paramref name="root"/>: "" for the body itself, "results[]" for an item of a list.</summary>
    private static string? PathTo(Type root, Type target)
    {
        var queue = new Queue<(Type Type, string Path)>([(root, "")]);
        var seen = new HashSet<Type>();
        while (queue.TryDequeue(out var next))
        {
            if (next.Type == target)
            {
                return next.Path;
            }

            if (!seen.Add(next.Type) || next.Type.Assembly != typeof(JsonBodyProblems).Assembly)
            {
                continue;
            }

            foreach (var property in next.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var name = (next.Path.Length == 0 ? "" : next.Path + ".") + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                var item = type.IsArray ? type.GetElementType() : type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[^1] : null;
                queue.Enqueue(item is null ? (type, name) : (item, name + "[]"));
            }
        }

        return null;
    }

    /// <summary>"$.address.region" as "address.region"; "$" (the body itself) as "body".</summary>
    private static string? FieldPath(string message)
    {
        var match = PathPart().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var path = match.Groups["path"].Value;
        return path == "$" ? "body" : path.TrimStart('$').TrimStart('.');
    }

    /// <summary>
    /// What the field should hold, in a client's words. The serializer names the type it failed to
    /// build, which for a command's constructor parameter is the command itself: then the field's
    /// own type is looked up on it.
    /// </summary>
    public static string Kind(string dotnetType, string? path = null)
    {
        var named = NullableOf().Match(dotnetType) is { Success: true } nullable ? nullable.Groups["inner"].Value : dotnetType;
        if (Simple(named) is { } simple)
        {
            return simple;
        }

        var type = typeof(JsonBodyProblems).Assembly.GetType(named);
        var field = path?.Split('.', '[')[^1];
        if (type is { IsClass: true } && field is not null
            && type.GetProperty(field, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
        {
            return Kind(property.PropertyType);
        }

        return type is not null ? Kind(type) : "a value of another kind";
    }

    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Simple(type.FullName ?? "") is { } simple)
        {
            return simple;
        }

        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => "\"" + JsonNamingPolicy.CamelCase.ConvertName(n) + "\""));
        }

        return type.IsArray || (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)) ? "a list" : "an object";
    }

    private static string? Simple(string type) => type switch
    {
        "System.Int16" or "System.Int32" or "System.Int64" or "System.Byte" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number",
        "System.Decimal" or "System.Double" or "System.Single" => "a number",
        "System.String" => "a string, without control characters or broken Unicode",
        "System.Boolean" => "true or false",
        "System.DateOnly" => "a date such as \"2026-05-01\"",
        "System.DateTimeOffset" or "System.DateTime" => "a date and time with its offset, such as \"2026-05-01T09:30:00+05:00\"",
        "System.TimeOnly" => "a time such as \"09:30\"",
        "System.Guid" => "an identifier such as \"3f2b6c1e-8a4d-4c55-9d1e-2b7f0a9c4e11\"",
        _ when type.EndsWith("[]", StringComparison.Ordinal) || type.StartsWith("System.Collections.", StringComparison.Ordinal) => "a list",
        _ => null,
    };

    [GeneratedRegex(@"for type '(?<type>[^']+)' was missing required properties including: (?<names>.*?)\.?$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"The JSON property '(?<name>[^']+)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"(?:property or field|constructor parameter) '(?<name>[^']+)' on type '[^']+' doesn't allow (?:setting )?null values")]
    private static partial Regex NotNull();

    [GeneratedRegex(@"could not be converted to (?<type>[^ ]+?)\. Path:")]
    private static partial Regex NotConvertible();

    [GeneratedRegex(@"Path: (?<path>\S+) \|")]
    private static partial Regex PathPart();

    [GeneratedRegex(@"LineNumber: (?<line>\d+) \| BytePositionInLine: (?<column>\d+)")]
    private static partial Regex Position();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>[^\]]+)\]$")]
    private static partial Regex NullableOf();
}

using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// A body that cannot be read into the command is refused by Wolverine before the endpoint runs,
/// with the serializer's own message: .NET type names, zero-based positions, one error at a time.
/// This answers instead with the API's own problem, worked out from the body and the command's
/// JSON contract (its type information under the API's options), never from the wording of an
/// exception: <c>invalid-input</c> naming every field that does not hold, as the client wrote it
/// (<c>address.region</c>, <c>results[0].outcome</c>), with what each should hold; or
/// <c>malformed-json</c> with the line and column where the text stops being JSON.
/// </summary>
public static class JsonBodyProblems
{
    private const string CapturedBody = "ovop.body";

    // One wording for every field problem, as Validation writes them: "is required", "must be …".
    private static readonly string[] Required = ["is required"];
    private static readonly string[] NotNull = ["must not be null"];
    private static readonly string[] Unknown = ["is not a field of this command: leave it out"];

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

    /// <summary>
    /// Keeps the body of a command request in memory (it is at most Ovop:MaxRequestBodyBytes), so that
    /// when it cannot be read into the command, what is wrong with it can be worked out from the body
    /// itself. Runs after routing: only endpoints that read a body are concerned.
    /// </summary>
    public static IApplicationBuilder UseBodyCapture(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<HttpChain>()?.RequestType is { IsValueType: false }
                && (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method)))
            {
                var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                body.Position = 0;
                context.Request.Body = body;
                context.Items[CapturedBody] = body;
            }

            await next(context);
        });

    /// <summary>The body UseBodyCapture kept for this request, if it kept one.</summary>
    public static MemoryStream? CapturedBodyOf(HttpContext context) => context.Items[CapturedBody] as MemoryStream;

    /// <summary>
    /// Whether this problem is the framework's refusal of a body it could not read: a 400 that is not
    /// one of the API's own problems, on an endpoint whose body was captured.
    /// </summary>
    public static bool IsUnreadableBody(ProblemDetailsContext context) =>
        context.ProblemDetails.Status == StatusCodes.Status400BadRequest
        && context.ProblemDetails.Type?.StartsWith(Problems.TypeBase, StringComparison.Ordinal) != true
        && context.HttpContext.Items.ContainsKey(CapturedBody);

    /// <summary>Rewrites the framework's refusal in place, from the captured body and the command's contract.</summary>
    public static void Rewrite(ProblemDetailsContext context)
    {
        var chain = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<HttpChain>();
        var body = (MemoryStream)context.HttpContext.Items[CapturedBody]!;
        var options = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        Rewrite(context.ProblemDetails, body.GetBuffer().AsSpan(0, (int)body.Length), chain!.RequestType!, options);
    }

    public static void Rewrite(ProblemDetails problem, ReadOnlySpan<byte> body, Type command, JsonSerializerOptions options)
    {
        problem.Extensions.Remove("lineNumber");
        problem.Extensions.Remove("bytePositionInLine");
        var described = Describe(body, command, options);
        problem.Type = described.Type;
        problem.Title = described.Title;
        problem.Detail = described.Detail;
        if (described is ValidationProblemDetails invalid)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]>(invalid.Errors, StringComparer.Ordinal);
        }
    }

    /// <summary>What is wrong with a body that should hold <paramref name="command"/>: every field that does not hold, or where the text stops being JSON.</summary>
    public static ProblemDetails Describe(ReadOnlySpan<byte> body, Type command, JsonSerializerOptions options)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException malformed)
        {
            return Problems.MalformedJson(malformed);
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            Check(document.RootElement, command, "body", options, errors, root: true);
            if (errors.Count == 0)
            {
                errors["body"] = [$"must be {Kind(command)}"];
            }

            return Problems.Invalid(errors);
        }
    }

    private static void Check(JsonElement value, Type type, string path, JsonSerializerOptions options, Dictionary<string, string[]> errors, bool root = false)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (Scalar(value, target) is { } holds)
        {
            if (!holds)
            {
                errors[path] = [$"must be {Kind(target)}"];
            }

            return;
        }

        if (target != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(target))
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                errors[path] = ["must be a list"];
                return;
            }

            var item = target.IsArray ? target.GetElementType()! : target.GetGenericArguments()[^1];
            var index = 0;
            foreach (var element in value.EnumerateArray())
            {
                var at = $"{path}[{index++}]";
                if (element.ValueKind == JsonValueKind.Null)
                {
                    errors[at] = NotNull;
                }
                else
                {
                    Check(element, item, at, options, errors);
                }
            }

            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors[path] = ["must be an object"];
            return;
        }

        var info = options.GetTypeInfo(target);
        var comparison = options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var sent = new HashSet<string>(comparison);
        foreach (var property in value.EnumerateObject())
        {
            if (Text(() => property.Name) is not { } name)
            {
                errors[path] = ["is a field name in broken Unicode"];
                continue;
            }

            sent.Add(name);
            var field = root ? name : path + "." + name;
            if (info.Properties.FirstOrDefault(p => comparison.Equals(p.Name, name)) is not { } known)
            {
                errors[field] = Unknown;
            }
            else if (property.Value.ValueKind == JsonValueKind.Null)
            {
                if (!MayBeNull(known))
                {
                    errors[field] = NotNull;
                }
            }
            else
            {
                Check(property.Value, known.PropertyType, field, options, errors);
            }
        }

        foreach (var missing in info.Properties.Where(p => !sent.Contains(p.Name) && (p.IsRequired || p.AssociatedParameter is { HasDefaultValue: false })))
        {
            errors[root ? missing.Name : path + "." + missing.Name] = Required;
        }
    }

    /// <summary>Text of the body, or null where its escapes spell broken Unicode (half a surrogate pair).</summary>
    private static string? Text(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool MayBeNull(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        property.AssociatedParameter?.IsNullable ?? property.IsSetNullable;

    /// <summary>Whether a value of a simple type holds (null when the type is not simple: a list or an object).</summary>
    private static bool? Scalar(JsonElement value, Type type)
    {
        if (type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String && Text(() => value.GetString()) is { } text && !InputGuards.IsUnsafe(text);
        }

        if (type.IsEnum)
        {
            return value.ValueKind == JsonValueKind.String
                   && Enum.GetNames(type).Any(n => string.Equals(JsonNamingPolicy.CamelCase.ConvertName(n), value.GetString(), StringComparison.OrdinalIgnoreCase));
        }

        return type switch
        {
            _ when type == typeof(bool) => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when type == typeof(int) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            _ when type == typeof(long) => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            _ when type == typeof(short) => value.ValueKind == JsonValueKind.Number && value.TryGetInt16(out _),
            _ when type == typeof(decimal) => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _),
            _ when type == typeof(double) || type == typeof(float) => value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()),
            _ when type == typeof(Guid) => value.ValueKind == JsonValueKind.String && value.TryGetGuid(out _),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _),
            _ when type == typeof(DateOnly) => value.ValueKind == JsonValueKind.String
                                               && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => null,
        };
    }

    /// <summary>What a field of this type should hold, in a client's words.</summary>
    public static string Kind(Type type)
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
}

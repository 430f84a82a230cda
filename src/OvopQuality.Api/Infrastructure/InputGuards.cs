using System.Text.Json;
using System.Text.Json.Serialization;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// Text that no field of the API has a use for, refused wherever a client sends it: control
/// characters other than tab and line breaks (a NUL cannot even be stored by PostgreSQL) and
/// halves of a UTF-16 surrogate pair, in bodies, query values and path values.
/// </summary>
public static class InputGuards
{
    public const string UnsafeText = "must not contain control characters (other than tab and line breaks) or broken Unicode";

    public static bool IsUnsafe(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Refuses unsafe text in the path or the query before any endpoint reads it, and answers an
    /// all-zero identifier in the path as the unknown id it is (the event store refuses it as a stream
    /// id). Runs after routing, so it sees the route's own parameter names.
    /// </summary>
    public static IApplicationBuilder UseInputGuards(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var (name, value) in context.Request.RouteValues)
            {
                if (value is string text && IsUnsafe(text))
                {
                    errors[name] = [UnsafeText];
                }
                else if (value is string id && Guid.TryParse(id, out var guid) && guid == Guid.Empty)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
            }

            foreach (var (name, values) in context.Request.Query)
            {
                if (IsUnsafe(name) || values.Any(v => v is not null && IsUnsafe(v)))
                {
                    errors[IsUnsafe(name) ? "query" : name] = [UnsafeText];
                }
            }

            if (errors.Count > 0)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = Problems.Invalid(errors),
                });
                return;
            }

            await next(context);
        });
}

/// <summary>
/// Every string read from a request body passes <see cref="InputGuards.IsUnsafe"/>: one that does
/// not is refused as the serializer refuses a value of the wrong kind (no message of its own, so
/// that the serializer adds the field's path), and the problem names the field.
/// </summary>
public sealed class SafeTextConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return text is not null && InputGuards.IsUnsafe(text) ? throw new JsonException() : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

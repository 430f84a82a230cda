using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace OvopQuality.Api.Consignments;

/// <summary>The settings of consignment reports (Ovop:Consignments:*).</summary>
public sealed record ConsignmentSettings
{
    /// <summary>Most codes in one consignment.</summary>
    public int MaxCodes { get; init; } = 100_000;

    /// <summary>Lists of up to this many codes are judged in the request (201); longer ones in the background (202).</summary>
    public int ImmediateMaxCodes { get; init; } = 1_000;

    /// <summary>The largest body a submission may have (a CSV of 100,000 codes with a few columns fits).</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How many reports one user may submit in 24 hours: each is kept.</summary>
    public int PerUserPerDay { get; init; } = 200;
}

/// <summary>A consignment's codes as submitted in JSON: the list, and optionally the shipment's date.</summary>
public sealed record ConsignmentSubmission(IReadOnlyList<string> Codes, string? ShipmentDate = null);

/// <summary>
/// Reads a submission's codes from its body: a JSON list (or <c>{codes, shipmentDate}</c>), a CSV (the
/// column headed <c>code</c>, else the first), or plain text (one code a line). A line that is a label's
/// QR address (<c>…/l/{code}#…</c>, what a scanner reads) counts as its code. Blank lines are skipped.
/// </summary>
public static class ConsignmentInput
{
    /// <summary>A QR address with its statement is about 520 characters; nothing a person or a scanner sends is longer.</summary>
    public const int LongestLine = 2_048;

    public sealed record Read(IReadOnlyList<string>? Codes, string? ShipmentDate, ProblemDetails? Problem);

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static Read Parse(string? mediaType, byte[] body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Invalid("body", "must be UTF-8 text (a list of codes): this looks like a binary file");
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        if (InputGuards.IsUnsafe(text))
        {
            return Invalid("body", "must be text (a list of codes): " + InputGuards.UnsafeText);
        }

        return mediaType switch
        {
            "application/json" => Json(text),
            "text/csv" => Csv(text),
            _ => Lines(text),
        };
    }

    private static Read Invalid(string field, string message) =>
        new(null, null, Problems.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] }));

    private static Read Json(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException malformed)
        {
            return new(null, null, Problems.MalformedJson(malformed));
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var root = document.RootElement;
            JsonElement? list = null;
            string? shipmentDate = null;
            switch (root.ValueKind)
            {
                case JsonValueKind.Array:
                    list = root;
                    break;
                case JsonValueKind.Object:
                    foreach (var property in root.EnumerateObject())
                    {
                        switch (property.Name.ToLowerInvariant())
                        {
                            case "codes":
                                list = property.Value;
                                break;
                            case "shipmentdate" when property.Value.ValueKind == JsonValueKind.String:
                                shipmentDate = property.Value.GetString();
                                break;
                            case "shipmentdate" when property.Value.ValueKind != JsonValueKind.Null:
                                errors[property.Name] = ["must be a day (2026-03-05) or an ISO 8601 instant"];
                                break;
                            case "shipmentdate":
                                break;
                            default:
                                errors[property.Name] = ["is not a field of this command: leave it out"];
                                break;
                        }
                    }

                    if (list is null)
                    {
                        errors["codes"] = ["is required"];
                    }

                    break;
                default:
                    errors["body"] = ["must be a list of codes, or an object with codes and shipmentDate"];
                    break;
            }

            var codes = new List<string>();
            if (list is { } array)
            {
                var prefix = root.ValueKind == JsonValueKind.Array ? "" : "codes";
                if (array.ValueKind != JsonValueKind.Array)
                {
                    errors[prefix.Length == 0 ? "body" : prefix] = ["must be a list of codes (text)"];
                }
                else
                {
                    var index = 0;
                    foreach (var item in array.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            errors[$"{prefix}[{index}]"] = ["must be a code (text)"];
                        }
                        else
                        {
                            Add(codes, item.GetString()!, $"{prefix}[{index}]", errors);
                        }

                        index++;
                        if (errors.Count >= 20)
                        {
                            break;
                        }
                    }
                }
            }

            return errors.Count > 0 ? new(null, null, Problems.Invalid(errors)) : new(codes, shipmentDate, null);
        }
    }

    private static Read Lines(string text)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var codes = new List<string>();
        var number = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            number++;
            if (!line.IsWhiteSpace())
            {
                Add(codes, line.ToString(), $"line {number}", errors);
                if (errors.Count >= 20)
                {
                    break;
                }
            }
        }

        return errors.Count > 0 ? new(null, null, Problems.Invalid(errors)) : new(codes, null, null);
    }

    private static Read Csv(string text)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var codes = new List<string>();
        var configuration = new CsvConfiguration(System.Globalization.CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            DetectDelimiterValues = [",", ";", "\t"],
            BadDataFound = null,
            MaxFieldSize = LongestLine,
        };
        try
        {
            using var parser = new CsvParser(new StringReader(text), configuration);
            var column = 0;
            var first = true;
            while (parser.Read())
            {
                var row = parser.Record ?? [];
                if (first)
                {
                    first = false;
                    var header = Array.FindIndex(row, c => c.Trim() is var name && (name.Equals("code", StringComparison.OrdinalIgnoreCase) || name.Equals("codes", StringComparison.OrdinalIgnoreCase) || name.Equals("label", StringComparison.OrdinalIgnoreCase)));
                    if (header >= 0)
                    {
                        column = header;
                        continue;
                    }
                }

                if (column < row.Length && !string.IsNullOrWhiteSpace(row[column]))
                {
                    Add(codes, row[column], $"row {parser.Row}", errors);
                }

                if (errors.Count >= 20)
                {
                    break;
                }
            }
        }
        catch (CsvHelperException bad)
        {
            errors[$"row {bad.Context?.Parser?.Row ?? 0}"] = [$"is not CSV that can be read: a field longer than {LongestLine} characters or broken quoting"];
        }

        return errors.Count > 0 ? new(null, null, Problems.Invalid(errors)) : new(codes, null, null);
    }

    private static void Add(List<string> codes, string given, string where, Dictionary<string, string[]> errors)
    {
        var text = given.Trim();
        if (text.Length > LongestLine)
        {
            errors[where] = [$"is {text.Length} characters long: a code (or a label's QR address) has at most {LongestLine}"];
            return;
        }

        // JSON may spell control characters as escapes, which the check of the raw body cannot see.
        if (InputGuards.IsUnsafe(text))
        {
            errors[where] = [InputGuards.UnsafeText];
            return;
        }

        codes.Add(CodeOf(text));
    }

    /// <summary>A label's QR address stands for its code; anything else is kept as given (trimmed).</summary>
    public static string CodeOf(string text)
    {
        var at = text.LastIndexOf("/l/", StringComparison.Ordinal);
        if (at < 0 || !text.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        var code = text[(at + 3)..];
        var end = code.IndexOfAny(['#', '?', '/']);
        return end >= 0 ? code[..end] : code;
    }
}

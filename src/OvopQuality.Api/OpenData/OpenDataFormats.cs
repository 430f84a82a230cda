using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using CsvHelper;
using CsvHelper.Configuration;

namespace OvopQuality.Api.OpenData;

/// <summary>
/// The open data's files: CSV (RFC 4180, UTF-8, a header row; a cell a spreadsheet could take for a
/// formula begins with an apostrophe), JSON (one array of objects) and JSON Lines (one object a
/// line). A row is serialised to JSON once and the CSV's cells are taken from it, so a value reads
/// the same in every format.
/// </summary>
public static class OpenDataFormats
{
    public static readonly IReadOnlyList<string> All = ["csv", "json", "jsonl"];

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Cyrillic stays readable; characters that mean something in HTML are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        NumberHandling = JsonNumberHandling.Strict,
    };

    private static readonly UTF8Encoding Utf8 = new(false);

    public static string MediaType(string format) => format switch
    {
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        _ => "application/jsonl; charset=utf-8",
    };

    /// <summary>The columns of a dataset, in order: its row's properties in snake_case.</summary>
    public static IReadOnlyList<string> Columns(Dataset dataset) =>
        [.. dataset.Row.GetConstructors()[0].GetParameters().Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name!))];

    public static byte[] Write(Dataset dataset, IReadOnlyList<object> rows, string format)
    {
        using var buffer = new MemoryStream();
        Write(dataset, rows, format, buffer);
        return buffer.ToArray();
    }

    public static void Write(Dataset dataset, IReadOnlyList<object> rows, string format, Stream output)
    {
        switch (format)
        {
            case "csv":
                WriteCsv(dataset, rows, output);
                break;
            case "json":
                JsonSerializer.Serialize(output, rows.Select(r => JsonSerializer.SerializeToElement(r, dataset.Row, Json)), Json);
                break;
            default:
                foreach (var row in rows)
                {
                    JsonSerializer.Serialize(output, row, dataset.Row, Json);
                    output.WriteByte((byte)'\n');
                }

                break;
        }
    }

    private static void WriteCsv(Dataset dataset, IReadOnlyList<object> rows, Stream output)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape, NewLine = "\r\n" };
        using var writer = new StreamWriter(output, Utf8, leaveOpen: true);
        using var csv = new CsvWriter(writer, configuration);
        var columns = Columns(dataset);
        foreach (var column in columns)
        {
            csv.WriteField(column);
        }

        csv.NextRecord();
        foreach (var row in rows)
        {
            var json = JsonSerializer.SerializeToElement(row, dataset.Row, Json);
            foreach (var column in columns)
            {
                var value = json.GetProperty(column);
                csv.WriteField(value.ValueKind switch
                {
                    JsonValueKind.Null => "",
                    JsonValueKind.String => value.GetString(),
                    _ => value.GetRawText(),
                });
            }

            csv.NextRecord();
        }
    }

    /// <summary>
    /// The JSON Schema (draft 2020-12) of a dataset's JSON file, an array of its rows; a line of its
    /// JSON Lines file is one of the array's <c>items</c>. Descriptions are the data dictionary's.
    /// </summary>
    public static JsonObject Schema(Dataset dataset, string publicBaseUrl)
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                var description = context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), true).OfType<DescriptionAttribute>().FirstOrDefault()
                    ?? (context.PropertyInfo is null ? context.TypeInfo.Type.GetCustomAttributes(typeof(DescriptionAttribute), true).OfType<DescriptionAttribute>().FirstOrDefault() : null);
                if (description is not null && node is JsonObject schema)
                {
                    schema.Insert(0, "description", description.Description);
                }

                return node;
            },
        };
        var items = Json.GetJsonSchemaAsNode(dataset.Row, exporter).AsObject();
        items["additionalProperties"] = false;
        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"{publicBaseUrl}/api/open-data/{dataset.Name}.schema.json",
            ["title"] = $"OVOP Tajikistan open data: {dataset.Name}",
            ["description"] = $"The JSON file {dataset.Name}.json: an array of rows. Each line of {dataset.Name}.jsonl is one row.",
            ["type"] = "array",
            ["items"] = items,
        };
    }

    /// <summary>The description of a dataset and of each column, from its row's attributes.</summary>
    public static (string Description, IReadOnlyList<(string Column, string Type, string Description)> Columns) Dictionary(Dataset dataset)
    {
        var items = Json.GetJsonSchemaAsNode(dataset.Row, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var parameters = dataset.Row.GetConstructors()[0].GetParameters();
        var properties = dataset.Row.GetProperties().ToDictionary(p => p.Name, StringComparer.Ordinal);
        return (
            Describe(dataset.Row.GetCustomAttributes(typeof(DescriptionAttribute), true)),
            [.. parameters.Select(p =>
            {
                var column = JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name!);
                var type = items["properties"]?[column]?["type"] is { } t
                    ? (t is JsonArray many ? string.Join(" or ", many.Select(x => x!.GetValue<string>())) : t.GetValue<string>())
                    : "string";
                var format = items["properties"]?[column]?["format"]?.GetValue<string>();
                return (column, format is null ? type : $"{type} ({format})", Describe(properties[p.Name!].GetCustomAttributes(typeof(DescriptionAttribute), true)));
            })]);

        static string Describe(object[] attributes) => attributes.OfType<DescriptionAttribute>().FirstOrDefault()?.Description ?? "";
    }
}

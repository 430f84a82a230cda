using System.Net;
using System.Text.Json.Nodes;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// The API's contract, checked on every operation of the OpenAPI document, so that an endpoint added
/// later cannot quietly answer in its own shape: command answers carry the version, lists page in one
/// envelope, collections are never null, errors are the API's problems, and who may call is stated.
/// </summary>
public class ApiShapeTests(AppFixture app) : ApiTest(app)
{
    /// <summary>
    /// Commands that change no stream, so have no version to give: a verification sent by POST, the
    /// signing keys (kept in their own table), the staff register (a PUT that replaces an entry whole),
    /// and a history checkpoint (a signed document in an append-only list of its own).
    /// </summary>
    private static readonly HashSet<string> NoStream = ["VerifyScannedToken", "RotateSigningKey", "RevokeSigningKey", "RegisterStaffMember", "PublishHistoryCheckpoint"];

    private async Task<JsonNode> Document() => JsonNode.Parse((await GetAnonymously("/openapi/v1.json")).Is(HttpStatusCode.OK).Body)!;

    private static IEnumerable<(string Id, string Method, string Path, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(m => m.Key is "get" or "post" or "put" or "patch" or "delete")
            .Select(m => (m.Value!["operationId"]?.GetValue<string>() ?? $"{m.Key} {path.Key}", m.Key, path.Key, m.Value!)));

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference.Split('/')[^1]]!
            : schema;

    private static IEnumerable<(string Status, JsonNode Schema)> Successes(JsonNode document, JsonNode operation) =>
        operation["responses"]!.AsObject()
            .Where(r => r.Key.StartsWith('2'))
            .Select(r => (r.Key, r.Value!["content"]?["application/json"]?["schema"]))
            .Where(r => r.Item2 is not null)
            .Select(r => (r.Key, Resolve(document, r.Item2!)));

    private static bool Has(JsonNode schema, string property) => schema["properties"]?[property] is not null;

    [Fact]
    public async Task Every_command_answers_with_the_version_its_next_command_needs_and_creates_name_what_they_made()
    {
        var document = await Document();
        var wrong = new List<string>();
        foreach (var (id, method, path, operation) in Operations(document).Where(o => o.Method != "get" && !NoStream.Contains(o.Id)))
        {
            var answers = Successes(document, operation).ToList();
            if (answers.Count == 0)
            {
                wrong.Add($"{id} ({method} {path}) answers no JSON body");
            }

            foreach (var (status, schema) in answers)
            {
                if (!Has(schema, "version"))
                {
                    wrong.Add($"{id} {status} has no version");
                }

                if (status == "201" && !(Has(schema, "id") && Has(schema, "url")))
                {
                    wrong.Add($"{id} 201 does not name what it created (id, url)");
                }

                if (Has(schema, "value"))
                {
                    wrong.Add($"{id} {status} wraps its answer in value");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Every_list_pages_in_one_envelope()
    {
        var document = await Document();
        var wrong = new List<string>();
        foreach (var (id, _, _, operation) in Operations(document).Where(o => o.Method == "get"))
        {
            foreach (var (status, schema) in Successes(document, operation))
            {
                if (schema["type"]?.ToJsonString().Contains("array", StringComparison.Ordinal) == true)
                {
                    wrong.Add($"{id} {status} answers a bare array");
                }

                var isPage = Has(schema, "items") && Has(schema, "next") && Has(schema, "total");
                var names = operation["parameters"]?.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
                if (isPage && !(names.Contains("limit") && names.Contains("cursor")))
                {
                    wrong.Add($"{id} pages but takes no limit and cursor");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task No_collection_in_an_answer_can_be_null()
    {
        var document = await Document();
        var wrong = new List<string>();
        var answers = new HashSet<string>();
        void Reach(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o when o["$ref"]?.GetValue<string>() is { } reference:
                    if (answers.Add(reference.Split('/')[^1]))
                    {
                        Reach(document["components"]!["schemas"]![reference.Split('/')[^1]]);
                    }

                    break;
                case JsonObject o:
                    foreach (var (_, value) in o)
                    {
                        Reach(value);
                    }

                    break;
                case JsonArray a:
                    foreach (var value in a)
                    {
                        Reach(value);
                    }

                    break;
            }
        }

        foreach (var (_, _, _, operation) in Operations(document))
        {
            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')))
            {
                Reach(response);
            }
        }

        Assert.Contains("CertificationFileView", answers);
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject().Where(s => answers.Contains(s.Key)))
        {
            foreach (var (property, value) in schema!["properties"]?.AsObject() ?? [])
            {
                var type = value!["type"]?.ToJsonString() ?? "";
                var alternatives = (value["oneOf"] ?? value["anyOf"])?.AsArray().Select(a => Resolve(document, a!)["type"]?.ToJsonString() ?? (a!["$ref"] is null ? "" : "object")).ToList() ?? [];
                var isArray = type.Contains("array", StringComparison.Ordinal) || alternatives.Any(a => a.Contains("array", StringComparison.Ordinal));
                var nullable = type.Contains("null", StringComparison.Ordinal) || alternatives.Any(a => a.Contains("null", StringComparison.Ordinal)) || value["nullable"]?.GetValue<bool>() == true;
                if (isArray && nullable && !name.StartsWith("HttpValidationProblemDetails", StringComparison.Ordinal))
                {
                    wrong.Add($"{name}.{property} may be null");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Every_field_states_its_type_so_that_generated_clients_are_typed()
    {
        var document = await Document();
        var wrong = new List<string>();
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        {
            foreach (var (property, value) in schema!["properties"]?.AsObject() ?? [])
            {
                var typed = value!["type"] is not null || value["$ref"] is not null || value["oneOf"] is not null || value["anyOf"] is not null || value["allOf"] is not null;
                // An event's data is any of the events of its stream: the one field that is any JSON value.
                if (!typed && !(name == "EventRecord" && property == "data"))
                {
                    wrong.Add($"{name}.{property} has no type");
                }

                if (value["type"]?.ToJsonString().Contains("array", StringComparison.Ordinal) == true && value["items"] is null)
                {
                    wrong.Add($"{name}.{property} is a list of nothing stated");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Every_operation_states_who_may_call_it_and_answers_errors_as_problems()
    {
        var document = await Document();
        var wrong = new List<string>();
        foreach (var (id, _, _, operation) in Operations(document))
        {
            if (operation["x-roles"] is not JsonArray roles || roles.Count == 0)
            {
                wrong.Add($"{id} states no roles");
            }

            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => r.Key[0] is '4' or '5'))
            {
                if (response!["content"]?["application/problem+json"] is null)
                {
                    wrong.Add($"{id} {status} is not a problem");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}

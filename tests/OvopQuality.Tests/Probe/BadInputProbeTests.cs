using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OvopQuality.Api.Access;

namespace OvopQuality.Tests.Probe;

/// <summary>
/// Every operation of the OpenAPI document, called as every role and anonymously, with hostile
/// and malformed path values, query values and bodies: no answer may be a 5xx, a 4xx must be the
/// API's own problem, and no answer may leak a .NET type, a stack trace or SQL. A fixed seed runs
/// the same requests every time; a changing seed (printed, and given again by OVOP_PROBE_SEED)
/// explores further on each run.
/// </summary>
public partial class BadInputProbeTests(ProbeHost probe) : IClassFixture<ProbeHost>
{
    public const int FixedSeed = 20261204;

    /// <summary>Requests per operation and role: 14 in CI (about 5,800 in all); OVOP_PROBE_REQUESTS explores further.</summary>
    private static readonly int RequestsPerRole =
        int.TryParse(Environment.GetEnvironmentVariable("OVOP_PROBE_REQUESTS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 14;

    private static readonly string?[] Roles_ = [null, .. Roles.All];

    /// <summary>Strings that have broken parsers, pages and queries elsewhere.</summary>
    private static readonly string[] Hostile =
    [
        "<script>alert(1)</script>",
        "<style>header{display:none}</style><h1>VALID</h1>",
        "' OR 1=1 --",
        "'; drop table mt_events; --",
        "../../../../etc/passwd",
        "%00%0d%0aSet-Cookie: a=b",
        "\u0000\u0001\u001f",
        "\r\nX-Injected: 1",
        "{{7*7}}${7*7}",
        "\ud83d\ude00\u202e\u200b",
        "00000000-0000-0000-0000-000000000000",
        "TJ-P-000000",
        "-1",
        "99999999999999999999999999",
        "1e309",
        "NaN",
        "",
        " ",
        new string('A', 5000),
        "null",
        "[]",
        "0000-0000-0000-0000-1",
    ];

    private static readonly JsonNode?[] WrongValues =
    [
        JsonValue.Create("not a number"),
        JsonValue.Create(-1),
        JsonValue.Create(0),
        JsonValue.Create(long.MaxValue),
        JsonValue.Create(1.5),
        JsonValue.Create(1e300),
        JsonValue.Create(true),
        null,
        new JsonArray(),
        new JsonObject(),
        new JsonArray(JsonValue.Create("<b>x</b>"), null),
        JsonValue.Create("2026-13-45"),
        JsonValue.Create("00000000-0000-0000-0000-000000000000"),
    ];

    /// <summary>Idempotency keys that do not hold (empty, too long, not ASCII, markup, SQL) and one key reused for every kind of request.</summary>
    private static readonly string[] HostileKeys = ["", new string('k', 256), "ключ", "<script>alert(1)</script>", "' or 1=1 --", "probe-reused-key"];

    private static readonly string[] RawBodies =
    [
        "",
        "null",
        "[]",
        "\"text\"",
        "42",
        "{",
        "{\"expectedVersion\":",
        "{\"a\":1,\"a\":2}",
        "{\"expectedVersion\": 1e999}",
        "{\"expectedVersion\": \"1\"}",
        new string('[', 2000) + new string(']', 2000),
        "{\"x\":\"\\ud800\"}",
        "\u00ff\u00fe{}",
    ];

    [Fact]
    public Task No_operation_answers_bad_input_with_a_server_error_or_a_leak_with_the_fixed_seed() => Probe(FixedSeed);

    [Fact]
    public Task No_operation_answers_bad_input_with_a_server_error_or_a_leak_with_a_changing_seed()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OVOP_PROBE_SEED"), CultureInfo.InvariantCulture, out var given)
            ? given
            : Environment.TickCount & int.MaxValue;
        Console.WriteLine($"probe: changing seed {seed} (run again with OVOP_PROBE_SEED={seed})");
        TestContext.Current.SendDiagnosticMessage($"probe: changing seed {seed}");
        return Probe(seed);
    }

    private sealed record Operation(string Method, string Path, JsonObject Definition);

    private IEnumerable<Operation> Operations() =>
        from path in probe.OpenApi["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where method.Key is "get" or "post" or "put" or "patch" or "delete"
        select new Operation(method.Key.ToUpperInvariant(), path.Key, method.Value!.AsObject());

    private async Task Probe(int seed)
    {
        var random = new Random(seed);
        var failures = new Dictionary<string, (int Count, string Example)>(StringComparer.Ordinal);
        var requests = 0;
        var succeeded = new HashSet<string>(StringComparer.Ordinal);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var operations = Operations().ToList();
        Assert.True(operations.Count >= 50, $"The OpenAPI document lists only {operations.Count} operations.");
        foreach (var operation in operations)
        {
            foreach (var role in Roles_)
            {
                foreach (var (url, body, contentType) in Requests(operation, random).Take(RequestsPerRole))
                {
                    requests++;
                    var current = random.Next(3) > 0 ? await WithCurrentVersion(url, body) : body;
                    var (status, problem, failure) = await Send(operation, role, url, current, contentType, IdempotencyKey(operation, random));
                    var key = operation.Method + " " + operation.Path;
                    if (status is >= 200 and < 300)
                    {
                        succeeded.Add(key);
                    }

                    if (status is not (401 or 403 or 404 or 405 or 415) && problem != "stale-version" && problem?.StartsWith("idempotency-key", StringComparison.Ordinal) != true)
                    {
                        reached.Add(key);
                    }

                    if (failure is { } found)
                    {
                        var kind = $"{operation.Method} {operation.Path}: {found.Kind}";
                        failures[kind] = failures.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.Example) : (1, found.Example);
                    }
                }
            }
        }

        var failed = failures.Values.Sum(f => f.Count);
        var summary = $"probe: seed {seed}, {operations.Count} operations ({reached.Count} reached past access and version checks, {succeeded.Count} answered 2xx), {requests} requests, {failed} failed";
        Console.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("OVOP_ARTIFACTS") is { Length: > 0 } artifacts)
        {
            Directory.CreateDirectory(artifacts);
            await File.AppendAllTextAsync(Path.Combine(artifacts, "probe.txt"), summary + Environment.NewLine, TestContext.Current.CancellationToken);
        }

        // A probe that only ever met 401, 404 and stale versions would prove nothing about the rules behind them.
        Assert.True(reached.Count * 10 >= operations.Count * 9,
            $"Only {reached.Count} of {operations.Count} operations were reached past access and version checks. Never: "
            + string.Join(", ", operations.Select(o => o.Method + " " + o.Path).Except(reached)));
        Assert.True(failures.Count == 0,
            $"Seed {seed}: {failed} of {requests} requests failed, in {failures.Count} ways:\n"
            + string.Join("\n", failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} ({f.Value.Count}×), e.g. {f.Value.Example}")));
    }

    private IEnumerable<(string Url, string? Body, string ContentType)> Requests(Operation operation, Random random)
    {
        var parameters = operation.Definition["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
        var pathNames = parameters.Where(p => p["in"]!.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()).ToList();
        var queryNames = parameters.Where(p => p["in"]!.GetValue<string>() == "query").Select(p => p["name"]!.GetValue<string>()).ToList();
        var bodySchema = operation.Definition["requestBody"]?["content"]?["application/json"]?["schema"];

        // HttpClient refuses to send a NUL in a path (Kestrel answers such a request line with 400 itself).
        string Url(Func<string, string> pathValue, string query) =>
            Regex.Replace(operation.Path, "{([^}]+)}", m => Uri.EscapeDataString(pathValue(m.Groups[1].Value).Replace("\u0000", "", StringComparison.Ordinal))) + query;

        string Real(string name) => probe.Known.TryGetValue(name, out var values) ? values[random.Next(values.Count)] : "x";

        string Plausible() => bodySchema is null ? "" : Sample(bodySchema, random, 0, hostile: false)?.ToJsonString() ?? "{}";

        // The real history behind the ids, with a plausible body and with hostile ones.
        yield return (Url(Real, ""), Plausible(), "application/json");
        if (bodySchema is not null)
        {
            yield return (Url(Real, ""), Sample(bodySchema, random, 0, hostile: true)?.ToJsonString(), "application/json");
            yield return (Url(Real, ""), Mutate(Sample(bodySchema, random, 0, hostile: false), random)?.ToJsonString(), "application/json");
            yield return (Url(Real, ""), Mutate(Sample(bodySchema, random, 0, hostile: false), random)?.ToJsonString(), "application/json");
            yield return (Url(Real, ""), RawBodies[random.Next(RawBodies.Length)], "application/json");
            yield return (Url(Real, ""), Plausible(), "text/plain");
        }

        // Each path value in turn replaced by a hostile one, the others real.
        foreach (var name in pathNames)
        {
            yield return (Url(n => n == name ? Hostile[random.Next(Hostile.Length)] : Real(n), ""), Plausible(), "application/json");
            yield return (Url(n => n == name ? "00000000-0000-0000-0000-000000000000" : Real(n), ""), Plausible(), "application/json");
        }

        // Query values: hostile, wrong type, repeated.
        foreach (var name in queryNames)
        {
            var value = Uri.EscapeDataString(Hostile[random.Next(Hostile.Length)]);
            yield return (Url(Real, $"?{name}={value}"), Plausible(), "application/json");
            yield return (Url(Real, $"?{name}=1&{name}=2"), Plausible(), "application/json");
        }

        while (true)
        {
            yield return (Url(n => random.Next(3) == 0 ? Hostile[random.Next(Hostile.Length)] : Real(n), ""),
                bodySchema is null ? null : Mutate(Sample(bodySchema, random, 0, hostile: random.Next(2) == 0), random)?.ToJsonString(), "application/json");
        }
    }

    /// <summary>The body with the expectedVersion of the record the URL names, read as staff, so that the rules behind the version check are met.</summary>
    private async Task<string?> WithCurrentVersion(string url, string? body)
    {
        if (body is null || !body.StartsWith('{') || !body.Contains("\"expectedVersion\":", StringComparison.Ordinal)
            || VersionedRecord().Match(url) is not { Success: true } record)
        {
            return body;
        }

        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, record.Value);
        request.Headers.Authorization = new("Bearer", probe.TokenFor(Roles.Administrator));
        using var response = await probe.Client.SendAsync(request, TestContext.Current.CancellationToken);
        if (!response.IsSuccessStatusCode
            || JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))?["version"] is not JsonValue version
            || json is null)
        {
            return body;
        }

        json["expectedVersion"] = version.DeepClone();
        return json.ToJsonString();
    }

    [GeneratedRegex(@"^/api/(certifications|producers|complaints|clone-signals)/[0-9a-f-]{36}")]
    private static partial Regex VersionedRecord();

    /// <summary>For one command request in three, an Idempotency-Key: a fresh one or one of <see cref="HostileKeys"/>.</summary>
    private static string? IdempotencyKey(Operation operation, Random random) =>
        operation.Definition["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "Idempotency-Key") == true && random.Next(3) == 0
            ? random.Next(2) == 0 ? $"probe-{random.Next():x8}{random.Next():x8}" : HostileKeys[random.Next(HostileKeys.Length)]
            : null;

    private async Task<(int Status, string? Problem, (string Kind, string Example)? Failure)> Send(
        Operation operation, string? role, string url, string? body, string contentType, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        if (operation.Method != "GET" && body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        if (role is not null)
        {
            request.Headers.Authorization = new("Bearer", probe.TokenFor(role));
        }

        HttpResponseMessage response;
        try
        {
            response = await probe.Client.SendAsync(request, TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (0, null, ("the request threw " + ex.GetType().Name, $"{url} as {role ?? "anonymous"}: {ex.Message}"));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var problem = mediaType == "application/problem+json" ? ProblemType().Match(text).Groups[1].Value : null;
            var what = $"{Shorten(url)} as {role ?? "anonymous"} with {Shorten(body ?? "")} → {status} {Shorten(text)}";
            if (status >= 500)
            {
                return (status, problem, (status.ToString(CultureInfo.InvariantCulture), what));
            }

            // The label page answers an unknown code with a page of its own, for the phone that scanned it;
            // the directory's pages answer an unknown producer or a search not understood with a page too.
            if (status >= 400 && mediaType != "application/problem+json" && !(IsPage(operation.Path) && mediaType == "text/html"))
            {
                return (status, problem, ($"{status} that is not a problem", what));
            }

            return (status, problem, Leak().Match(text) is { Success: true } leak ? ($"leaks '{leak.Value}'", what) : null);
        }
    }

    private static bool IsPage(string path) =>
        path.StartsWith("/l/", StringComparison.Ordinal) || path.StartsWith("/p/", StringComparison.Ordinal) || path == "/directory";

    [GeneratedRegex("\"type\":\"https://ovop.tj/problems/([a-z-]+)\"")]
    private static partial Regex ProblemType();

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    [GeneratedRegex(@"System\.[A-Z][A-Za-z]+|Microsoft\.[A-Z]|Npgsql|Marten\.|JasperFx|Wolverine\.|   at |Exception\b|\bSELECT\b.*\bFROM\b|mt_doc_", RegexOptions.CultureInvariant)]
    private static partial Regex Leak();

    /// <summary>A value for the schema: plausible, or with every string hostile.</summary>
    private JsonNode? Sample(JsonNode schema, Random random, int depth, bool hostile)
    {
        schema = Resolve(schema);
        if (depth > 6)
        {
            return null;
        }

        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values[random.Next(values.Count)]?.DeepClone();
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema[combinator] is JsonArray options && options.Count > 0)
            {
                var choices = options.Where(o => Resolve(o!)["type"]?.ToString() != "null").ToList();
                return Sample(choices.Count > 0 ? choices[random.Next(choices.Count)]! : options[0]!, random, depth, hostile);
            }
        }

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "null",
            JsonValue single => single.GetValue<string>(),
            _ => schema["properties"] is not null ? "object" : "string",
        };
        var format = schema["format"]?.GetValue<string>();
        return type switch
        {
            "object" => Object(schema, random, depth, hostile),
            "array" => new JsonArray([.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => schema["items"] is { } items ? Sample(items, random, depth + 1, hostile) : JsonValue.Create("x"))]),
            "integer" => JsonValue.Create(random.Next(0, 4) == 0 ? 1 : random.Next(1, 50)),
            "number" => JsonValue.Create(Math.Round(random.NextDouble() * 100, 2)),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            "null" => null,
            _ => JsonValue.Create(format switch
            {
                "uuid" => random.Next(3) == 0 ? Guid.Empty.ToString() : probe.Known.Values.SelectMany(v => v).Where(v => Guid.TryParse(v, out _)).ElementAtOrDefault(random.Next(12)) ?? Guid.NewGuid().ToString(),
                "date" => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(random.Next(-400, 400))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "date-time" => DateTimeOffset.UtcNow.AddDays(random.Next(-400, 30)).ToString("O", CultureInfo.InvariantCulture),
                _ when hostile => Hostile[random.Next(Hostile.Length)],
                _ => "Probe text " + random.Next(1000).ToString(CultureInfo.InvariantCulture),
            }),
        };
    }

    private JsonObject Object(JsonNode schema, Random random, int depth, bool hostile)
    {
        var result = new JsonObject();
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, property) in properties)
            {
                result[name] = Sample(property!, random, depth + 1, hostile);
            }
        }

        return result;
    }

    /// <summary>One or two fields, at any depth, given a value of the wrong kind; or one removed.</summary>
    private static JsonNode? Mutate(JsonNode? body, Random random)
    {
        if (body is not JsonObject root)
        {
            return body;
        }

        var containers = new List<JsonObject>();
        void Walk(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                containers.Add(o);
                foreach (var (_, child) in o)
                {
                    Walk(child);
                }
            }
            else if (node is JsonArray a)
            {
                foreach (var child in a)
                {
                    Walk(child);
                }
            }
        }

        Walk(root);
        for (var i = random.Next(1, 3); i > 0; i--)
        {
            var target = containers[random.Next(containers.Count)];
            if (target.Count == 0)
            {
                continue;
            }

            var key = target.ElementAt(random.Next(target.Count)).Key;
            if (random.Next(5) == 0)
            {
                target.Remove(key);
            }
            else
            {
                target[key] = WrongValues[random.Next(WrongValues.Length)]?.DeepClone();
            }
        }

        return root;
    }

    private JsonNode Resolve(JsonNode schema)
    {
        for (var hops = 0; schema["$ref"] is JsonValue reference && hops < 10; hops++)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            schema = probe.OpenApi["components"]!["schemas"]![name]!;
        }

        return schema;
    }
}

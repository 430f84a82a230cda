using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OvopQuality.Bench;

/// <summary>Bearer tokens of the users the benchmark acts as (an exporter's only for the webhook figure).</summary>
public sealed record BenchTokens(string Administrator, string Inspector, string Officer, string? Exporter = null)
{
    public static BenchTokens FromEnvironment() => new(
        Environment.GetEnvironmentVariable("OVOP_BENCH_ADMIN_TOKEN") ?? throw new InvalidOperationException("OVOP_BENCH_ADMIN_TOKEN is not set (bench.sh sets it)"),
        Environment.GetEnvironmentVariable("OVOP_BENCH_INSPECTOR_TOKEN") ?? throw new InvalidOperationException("OVOP_BENCH_INSPECTOR_TOKEN is not set"),
        Environment.GetEnvironmentVariable("OVOP_BENCH_OFFICER_TOKEN") ?? throw new InvalidOperationException("OVOP_BENCH_OFFICER_TOKEN is not set"),
        Environment.GetEnvironmentVariable("OVOP_BENCH_EXPORTER_TOKEN"));
}

/// <summary>The few commands and reads the benchmark needs, over the service's public HTTP API.</summary>
public sealed class BenchApi(HttpClient http, BenchTokens tokens)
{
    public const string Inspector = "inspector-bench";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static int _taxIds = Random.Shared.Next(100_000_000, 900_000_000);

    public HttpClient Http => http;

    public BenchTokens Tokens => tokens;

    public async Task<JsonNode> PostAsync(string url, object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new("Bearer", token ?? tokens.Administrator);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {text}");
    }

    public async Task<JsonNode> GetAsync(string url, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new("Bearer", token ?? tokens.Administrator);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {text}");
    }

    /// <summary>A command whose answer is read whole but not parsed (a million codes take the client seconds to parse).</summary>
    public async Task<byte[]> PostForBytesAsync(string url, object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new("Bearer", token ?? tokens.Administrator);
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode
            ? bytes
            : throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
    }

    public async Task<Guid> ProducerAsync()
    {
        var taxId = Interlocked.Increment(ref _taxIds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (await PostAsync("/api/producers", new
        {
            legalName = new { tg = "Кооперативи санҷишӣ", ru = "Тестовый кооператив", en = "Benchmark Cooperative" },
            taxId,
            address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
            contact = new { person = "Bench", phone = "+992 00 000 0000" },
        }))["id"]!.GetValue<Guid>();
    }

    /// <summary>A new producer with one product and a file for it, applied for: the file is at version 1.</summary>
    public async Task<Guid> ApplicationAsync(int annualUnits = 1000)
    {
        var producer = await ProducerAsync();
        var product = (await PostAsync($"/api/producers/{producer}/products", new
        {
            expectedVersion = 1,
            name = new { tg = "Зардолуи хушк", ru = "Курага", en = "Dried apricots" },
            category = "driedFruit",
            hsCode = "081310",
        }))["id"]!.GetValue<Guid>();

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return (await PostAsync("/api/certifications", new
        {
            producerId = producer,
            productId = product,
            standardCode = "OVOP-DF",
            declaredVolume = new { annualUnits, unit = "pack" },
            nationalEvidence = new
            {
                certificateNumber = "TJ-ST-1", issuedBy = "Tajikstandard", validUntil = today.AddYears(1),
                sanitaryConclusionNumber = "SES-1", sanitaryConclusionValidUntil = today.AddYears(1),
            },
        }))["id"]!.GetValue<Guid>();
    }

    public async Task<Guid> ScheduleAsync(Guid file, long expectedVersion) =>
        (await PostAsync($"/api/certifications/{file}/inspections", new
        {
            expectedVersion, inspectorId = Inspector, scheduledFor = DateOnly.FromDateTime(DateTime.UtcNow),
        }))["inspectionId"]!.GetValue<Guid>();

    public static readonly object[] AllPassed =
        [.. new[] { "DF-C1", "DF-C2", "DF-M1", "DF-M2", "DF-M3", "DF-Q1", "DF-Q2", "DF-Q3", "DF-Q4" }
            .Select(code => (object)new { requirementCode = code, outcome = "passed", note = "Checked on site; records and samples seen." })];

    public static object Inspection(long expectedVersion) => new
    {
        expectedVersion,
        tookPlaceOn = DateOnly.FromDateTime(DateTime.UtcNow),
        results = AllPassed,
        findings = new[] { new { requirementCode = "DF-M2", severity = "minor", description = "Origin story missing on the back label" } },
    };
}

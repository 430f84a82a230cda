using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OvopQuality.Api.Access;
using OvopQuality.Tests.Support;
using Wolverine;

namespace OvopQuality.Tests.Probe;

/// <summary>
/// A host of its own, on a database and key folder of its own, for the bad-input probe: the probe
/// rotates and revokes signing keys, publishes standard versions and suspends certificates, none of
/// which the shared host's tests may see. It holds one real history (a producer, a certified file
/// with a finding, a sample, labels, an appeal, a complaint) so that hostile input reaches the
/// rules behind the ids, not only the 404 in front of them.
/// </summary>
public sealed class ProbeHost : IAsyncLifetime
{
    private readonly OwnDatabase _database = new("probe");
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "ovop-probe-" + Guid.NewGuid().ToString("N"));

    public IAlbaHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public DevelopmentIssuer Issuer { get; private set; } = null!;

    public JsonObject OpenApi { get; private set; } = null!;

    /// <summary>Real values for each path parameter name, taken from the seeded history.</summary>
    public Dictionary<string, List<string>> Known { get; } = new(StringComparer.Ordinal);

    public string ProducerNumber { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var connectionString = (await _database.CreateAsync()).ConnectionString;
        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Ovop", connectionString);
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(_keys, "signing"));
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", "1000000");
            builder.UseSetting("Ovop:RateLimits:PublicBody:PermitLimit", "1000000");
            builder.UseSetting("Ovop:RateLimits:User:PermitLimit", "1000000");
            builder.ConfigureServices(services => services.RunWolverineInSoloMode());
        });
        Client = Host.Server.CreateClient();
        Issuer = Host.Services.GetRequiredService<DevelopmentIssuer>();
        OpenApi = (JsonObject)JsonNode.Parse(await Client.GetStringAsync("/openapi/v1.json"))!;
        await Seed();
    }

    public string TokenFor(string role) => Issuer.Issue("probe-" + role, role, producerNumber: role == Roles.Producer ? ProducerNumber : null);

    private async Task<JsonNode> Send(string url, object body, string role = Roles.Administrator)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", Issuer.Issue("probe-" + role, role));
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Seeding the probe's history failed at {url}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!;
    }

    private async Task<JsonNode> Read(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new("Bearer", Issuer.Issue("seed-admin", Roles.Administrator));
        using var response = await Client.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task Seed()
    {
        var producer = (await Send("/api/producers", new
        {
            legalName = new { tg = "Кооперативи санҷиш", ru = "Кооператив проба", en = "Probe Cooperative" },
            taxId = "77" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
            contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234" },
        }))["id"]!.GetValue<Guid>();
        ProducerNumber = (await Read($"/api/producers/{producer}"))["number"]!.GetValue<string>();
        Add("producerId", producer);

        // Files at each stage of the process, so that hostile input meets every state's rules.
        var producerVersion = 1L;
        foreach (var stage in Enum.GetValues<Stage>())
        {
            await AFile(producer, producerVersion++, stage);
        }

        var code = Known["code"][0];
        var complaint = (await Send("/api/complaints", new { category = "productQuality", description = "Mouldy apricots in the pack", labelCode = code }));
        var complaints = (await Read("/api/complaints")).ToJsonString();
        Add("complaintId", System.Text.RegularExpressions.Regex.Match(complaints, "\"id\":\"([0-9a-f-]{36})\"").Groups[1].Value);
        Add("reference", complaint["reference"]!.GetValue<string>());
        Add("keyId", (await Read("/.well-known/jwks.json"))["keys"]![0]!["kid"]!.GetValue<string>());
        await ACloneSignal(code);
        Add("inspectorId", "probe-inspector");
        Add("version", "1");
        Add("code", "OVOP-DF");
    }

    /// <summary>Two clients scan the label 3,000 km apart: a signal for staff, to confirm, dismiss or lift.</summary>
    private async Task ACloneSignal(string code)
    {
        foreach (var (address, position) in new[] { ("198.51.100.1", "lat=38.56&lon=68.79"), ("203.0.113.1", "lat=55.75&lon=37.62") })
        {
            await Host.Scenario(s =>
            {
                s.Get.Url($"/api/labels/{code}?{position}");
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address));
            });
        }

        for (var attempt = 0; attempt < 50; attempt++)
        {
            if ((await Read("/api/clone-signals"))["items"]!.AsArray().FirstOrDefault() is { } signal)
            {
                Add("signalId", signal["id"]!.GetValue<string>());
                return;
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException("Seeding the probe's history: the clone signal was not raised.");
    }

    private enum Stage
    {
        Applied,
        Inspected,
        Certified,
        Suspended,
        RefusedAndAppealed,
    }

    private async Task AFile(Guid producer, long producerVersion, Stage stage)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var product = (await Send($"/api/producers/{producer}/products", new
        {
            expectedVersion = producerVersion,
            name = new { tg = "Зардолуи хушк", ru = "Курага", en = "Dried apricots " + stage },
            category = "driedFruit",
            hsCode = "081310",
        }))["id"]!.GetValue<Guid>();
        Add("productId", product);
        var file = (await Send("/api/certifications", new
        {
            producerId = producer,
            productId = product,
            standardCode = "OVOP-DF",
            declaredVolume = new { annualUnits = 100_000, unit = "500 g pack" },
            nationalEvidence = new
            {
                certificateNumber = "TJ-ST-2026-1",
                issuedBy = "Tajikstandard",
                validUntil = today.AddYears(2),
                sanitaryConclusionNumber = "SES-1",
                sanitaryConclusionValidUntil = today.AddYears(1),
            },
        }))["id"]!.GetValue<Guid>();
        Add("fileId", file);
        if (stage == Stage.Applied)
        {
            return;
        }

        var inspection = (await Send($"/api/certifications/{file}/inspections", new { expectedVersion = 1, inspectorId = "probe-inspector", scheduledFor = today }))["inspectionId"]!.GetValue<Guid>();
        Add("inspectionId", inspection);
        string[] codes = ["DF-C1", "DF-C2", "DF-M1", "DF-M2", "DF-M3", "DF-Q1", "DF-Q2", "DF-Q3", "DF-Q4"];
        await Send($"/api/certifications/{file}/inspections/{inspection}/results", new
        {
            expectedVersion = 2,
            tookPlaceOn = today,
            results = codes.Select(c => new { requirementCode = c, outcome = "passed" }),
            findings = new[] { new { requirementCode = "DF-M2", severity = "minor", description = "Origin story missing" } },
        }, Roles.Inspector);
        Add("findingId", (await Read($"/api/certifications/{file}"))["findings"]![0]!["id"]!.GetValue<string>());
        Add("sampleId", (await Send($"/api/certifications/{file}/samples",
            new { expectedVersion = 3, takenAt = DateTimeOffset.UtcNow.AddHours(-1), place = "Store", conditions = "Sealed" }, Roles.Inspector))["id"]!.GetValue<Guid>());
        if (stage == Stage.Inspected)
        {
            return;
        }

        if (stage == Stage.RefusedAndAppealed)
        {
            await Send($"/api/certifications/{file}/decisions/refusal", new { expectedVersion = 4, reasons = new[] { "Drying log missing" } }, Roles.CertificationOfficer);
            Add("appealId", (await Send($"/api/certifications/{file}/appeals", new { expectedVersion = 5, grounds = "The log was kept on paper" }))["appealId"]!.GetValue<Guid>());
            return;
        }

        await Send($"/api/certifications/{file}/decisions/standard-met", new { expectedVersion = 4, scope = "Dried apricots" }, Roles.CertificationOfficer);
        Add("number", (await Read($"/api/certifications/{file}"))["certificate"]!["number"]!.GetValue<string>());
        var batch = (await Send($"/api/certifications/{file}/labels", new { expectedVersion = 5, lot = "LOT-1", quantity = 3 }));
        Add("batchId", batch["id"]!.GetValue<string>());
        Add("code", batch["codes"]![0]!.GetValue<string>());
        if (stage == Stage.Suspended)
        {
            await Send($"/api/certifications/{file}/suspension", new { expectedVersion = 6, reasonClass = "surveillanceFailed", reason = "Moisture 21 %" }, Roles.CertificationOfficer);
        }
    }

    private void Add(string name, object value)
    {
        if (!Known.TryGetValue(name, out var values))
        {
            Known[name] = values = [];
        }

        values.Add(value.ToString()!);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await _database.DisposeAsync();

        if (Directory.Exists(_keys))
        {
            Directory.Delete(_keys, recursive: true);
        }
    }
}

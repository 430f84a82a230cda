using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OvopQuality.Api.Access;
using OvopQuality.Tests.Support;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// A scheduled transition survives the service being stopped: the service that scheduled it is
/// stopped before it is due, a new one is started on the same database, and the transition happens.
/// Runs on a database of its own, with the real clock, so that the message falls due in seconds.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly OwnDatabase _database = new("restart");

    private string ConnectionString => _database.ConnectionString;

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_withdrawal_scheduled_before_a_restart_happens_after_it()
    {
        Guid fileId;
        await using (var first = await Service.StartAsync(ConnectionString))
        {
            fileId = await ASuspensionThatReachesItsCapIn(first, TimeSpan.FromSeconds(8));
            Assert.Equal("suspended", (await first.FileAsync(fileId))["status"]!.GetValue<string>());
        }

        await using var second = await Service.StartAsync(ConnectionString);
        var deadline = DateTime.UtcNow.AddSeconds(45);
        string status;
        do
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            status = (await second.FileAsync(fileId))["status"]!.GetValue<string>();
        }
        while (status != "withdrawn" && DateTime.UtcNow < deadline);

        Assert.Equal("withdrawn", status);
    }

    /// <summary>A certificate recorded from paper (valid since 2025), suspended from the moment that puts its cap shortly ahead.</summary>
    private static async Task<Guid> ASuspensionThatReachesItsCapIn(Service service, TimeSpan dueIn)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var producer = (await service.PostAsync("/api/producers", Roles.Administrator, new
        {
            legalName = new { tg = "Кооператив", ru = "Кооператив", en = "Restart Cooperative" },
            taxId = "777000111",
            address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
            contact = new { person = "Rahim", phone = "+992 1" },
        }))["id"]!.GetValue<Guid>();
        var product = (await service.PostAsync($"/api/producers/{producer}/products", Roles.Administrator, new
        {
            expectedVersion = 1, name = new { tg = "Зардолу", ru = "Курага", en = "Apricots" }, category = "driedFruit", hsCode = "081310",
        }))["id"]!.GetValue<Guid>();
        var file = (await service.PostAsync("/api/certifications", Roles.Administrator, new
        {
            producerId = producer, productId = product, standardCode = "OVOP-DF", declaredVolume = new { annualUnits = 100, unit = "pack" },
            nationalEvidence = new { certificateNumber = "N1", issuedBy = "Tajikstandard", validUntil = today.AddYears(1), sanitaryConclusionNumber = "S1", sanitaryConclusionValidUntil = today.AddYears(1) },
        }))["id"]!.GetValue<Guid>();
        var inspection = (await service.PostAsync($"/api/certifications/{file}/inspections", Roles.Administrator,
            new { expectedVersion = 1, inspectorId = "inspector-restart", scheduledFor = today }))["inspectionId"]!.GetValue<Guid>();
        await service.PostAsync($"/api/certifications/{file}/inspections/{inspection}/results", Roles.Inspector, new
        {
            expectedVersion = 2,
            tookPlaceOn = new DateOnly(2024, 12, 20),
            results = new[] { "DF-C1", "DF-C2", "DF-M1", "DF-M2", "DF-M3", "DF-Q1", "DF-Q2", "DF-Q3", "DF-Q4" }.Select(c => new { requirementCode = c, outcome = "passed" }),
        });
        await service.PostAsync($"/api/certifications/{file}/decisions/standard-met", Roles.CertificationOfficer,
            new { expectedVersion = 3, scope = "Apricots", validFrom = new DateOnly(2025, 1, 1) });
        // The first call of an endpoint in a new service compiles its handler, which takes seconds
        // on a busy machine: that happens here, on a file that does not exist, so that the
        // suspension below is recorded well before its cap falls due.
        await service.WarmUpAsync($"/api/certifications/{Guid.NewGuid()}/suspension");
        await service.PostAsync($"/api/certifications/{file}/suspension", Roles.CertificationOfficer,
            new { expectedVersion = 4, reasonClass = "nonConformity", reason = "Not corrected", effectiveFrom = DateTimeOffset.UtcNow + dueIn - TimeSpan.FromDays(183) });
        return file;
    }

    /// <summary>One run of the service on the test's own database, with the real clock.</summary>
    private sealed class Service(IAlbaHost host) : IAsyncDisposable
    {
        private readonly HttpClient _client = host.Server.CreateClient();
        private readonly DevelopmentIssuer _issuer = host.Services.GetRequiredService<DevelopmentIssuer>();

        public static async Task<Service> StartAsync(string connectionString) =>
            new(await AlbaHost.For<Program>(builder =>
            {
                builder.UseEnvironment("Development");
                builder.UseSetting("ConnectionStrings:Ovop", connectionString);
                builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
                builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
                builder.ConfigureServices(services => services.RunWolverineInSoloMode());
            }));

        /// <summary>Posts as a user of the role (the inspector is the one the inspection was scheduled for).</summary>
        public async Task<JsonNode> PostAsync(string url, string role, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", _issuer.Issue(role == Roles.Inspector ? "inspector-restart" : role + "-restart", role));
            using var response = await _client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{url}: {text}");
            return JsonNode.Parse(text)!;
        }

        public async Task WarmUpAsync(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { expectedVersion = 1, reasonClass = "nonConformity", reason = "warm-up", effectiveFrom = DateTimeOffset.UtcNow }) };
            request.Headers.Authorization = new("Bearer", _issuer.Issue(Roles.CertificationOfficer + "-restart", Roles.CertificationOfficer));
            using var response = await _client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        public async Task<JsonNode> FileAsync(Guid fileId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/certifications/{fileId}");
            request.Headers.Authorization = new("Bearer", _issuer.Issue("admin-restart", Roles.Administrator));
            using var response = await _client.SendAsync(request);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await host.DisposeAsync();
        }
    }
}

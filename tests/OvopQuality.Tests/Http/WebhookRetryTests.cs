using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Access;
using OvopQuality.Tests.Support;
using StandardWebhooks;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Retries as they happen: on a database of its own, with the real clock and Wolverine polling its
/// stored schedule every quarter second, and the retry settings shortened (first retry after 1 s,
/// doubling up to 2 s, given up 8 s after the delivery was made; an attempt ends after 1 s).
/// </summary>
public sealed class WebhookRetryTests : IAsyncLifetime
{
    private readonly OwnDatabase _database = new("webhooks");
    private IAlbaHost _host = null!;
    private HttpClient _client = null!;
    private DevelopmentIssuer _issuer = null!;

    public async ValueTask InitializeAsync()
    {
        await _database.CreateAsync();
        _host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Ovop", _database.ConnectionString);
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Webhooks:AllowInsecureLoopback", "true");
            builder.UseSetting("Ovop:Webhooks:Timeout", "00:00:01");
            builder.UseSetting("Ovop:Webhooks:FirstRetryAfter", "00:00:01");
            builder.UseSetting("Ovop:Webhooks:LongestWait", "00:00:02");
            builder.UseSetting("Ovop:Webhooks:RetryFor", "00:00:08");
            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.ConfigureWolverine(opts =>
                {
                    opts.Durability.ScheduledJobFirstExecution = TimeSpan.FromMilliseconds(100);
                    opts.Durability.ScheduledJobPollingTime = TimeSpan.FromMilliseconds(250);
                });
            });
        });
        _client = _host.Server.CreateClient();
        _issuer = _host.Services.GetRequiredService<DevelopmentIssuer>();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_receiver_that_fails_first_gets_the_retry_and_one_that_never_answers_is_retried_then_given_up()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (path, n) => path == "/silent" ? WebhookReceiver.Never : n == 1 ? 500 : 200;
        var secret = (await SendAsync(HttpMethod.Post, "/api/webhooks", Roles.Exporter, new { endpoint = receiver.Url + "/flaky" }))["secret"]!.GetValue<string>();
        await SendAsync(HttpMethod.Post, "/api/webhooks", Roles.Exporter, new { endpoint = receiver.Url + "/silent" });
        var (fileId, number) = await ACertificateAsync();
        await SendAsync(HttpMethod.Post, "/api/watches", Roles.Exporter, new { certificateNumber = number });

        await SendAsync(HttpMethod.Post, $"/api/certifications/{fileId}/suspension", Roles.CertificationOfficer,
            new { expectedVersion = 4, reasonClass = "nonConformity", reason = "Not corrected" });

        var failed = await receiver.NextAsync("/flaky", seconds: 60);
        var retried = await receiver.NextAsync("/flaky", seconds: 15);
        Assert.Equal(failed.Id, retried.Id);
        Assert.Equal(failed.Body, retried.Body);
        new StandardWebhook(secret).Verify(retried.Body, retried.Headers);
        Assert.True(retried.At - failed.At >= TimeSpan.FromSeconds(0.9), $"retried after {(retried.At - failed.At).TotalSeconds:F1} s");

        var deliveries = await DeliveriesWhenSettledAsync(seconds: 30);
        var flaky = deliveries.Single(d => d["endpoint"]!.GetValue<string>().EndsWith("/flaky", StringComparison.Ordinal));
        Assert.Equal("delivered", flaky["state"]!.GetValue<string>());
        Assert.Equal([500, 200], flaky["attempts"]!.AsArray().Select(a => a!["statusCode"]!.GetValue<int>()));

        var silent = deliveries.Single(d => d["endpoint"]!.GetValue<string>().EndsWith("/silent", StringComparison.Ordinal));
        Assert.Equal("failed", silent["state"]!.GetValue<string>());
        Assert.Null(silent["nextAttemptAt"]);
        var attempts = silent["attempts"]!.AsArray();
        Assert.True(attempts.Count >= 3, $"only {attempts.Count} attempts");
        Assert.All(attempts, a =>
        {
            Assert.Null(a!["statusCode"]);
            Assert.Contains("No complete answer within 1 s", a["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.InRange(a["durationMs"]!.GetValue<long>(), 900, 5000);
        });
        Assert.Equal(attempts.Count, receiver.All.Count(r => r.Path == "/silent"));

        // Given up: nothing more is tried, until the exporter asks for it.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.Equal(attempts.Count, receiver.All.Count(r => r.Path == "/silent"));
    }

    /// <summary>The deliveries, once none is pending any more.</summary>
    private async Task<IReadOnlyList<JsonNode>> DeliveriesWhenSettledAsync(int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var items = (await SendAsync(HttpMethod.Get, "/api/webhook-deliveries", Roles.Exporter))["items"]!.AsArray().Select(i => i!).ToList();
            if (items.Count > 0 && items.All(d => d["state"]!.GetValue<string>() != "pending"))
            {
                return items;
            }

            Assert.True(DateTime.UtcNow < deadline, "deliveries still pending: " + string.Join("\n", items.Select(i => i.ToJsonString())));
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A certificate granted through the API: version 4.</summary>
    private async Task<(Guid FileId, string Number)> ACertificateAsync()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var producer = (await SendAsync(HttpMethod.Post, "/api/producers", Roles.Administrator, new
        {
            legalName = new { tg = "Кооператив", ru = "Кооператив", en = "Retry Cooperative" },
            taxId = "777000222",
            address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
            contact = new { person = "Rahim", phone = "+992 1" },
        }))["id"]!.GetValue<Guid>();
        var product = (await SendAsync(HttpMethod.Post, $"/api/producers/{producer}/products", Roles.Administrator, new
        {
            expectedVersion = 1, name = new { tg = "Зардолу", ru = "Курага", en = "Apricots" }, category = "driedFruit", hsCode = "081310",
        }))["id"]!.GetValue<Guid>();
        var file = (await SendAsync(HttpMethod.Post, "/api/certifications", Roles.Administrator, new
        {
            producerId = producer, productId = product, standardCode = "OVOP-DF", declaredVolume = new { annualUnits = 100, unit = "pack" },
            nationalEvidence = new { certificateNumber = "N1", issuedBy = "Tajikstandard", validUntil = today.AddYears(1), sanitaryConclusionNumber = "S1", sanitaryConclusionValidUntil = today.AddYears(1) },
        }))["id"]!.GetValue<Guid>();
        var inspection = (await SendAsync(HttpMethod.Post, $"/api/certifications/{file}/inspections", Roles.Administrator,
            new { expectedVersion = 1, inspectorId = "inspector-webhooks", scheduledFor = today }))["inspectionId"]!.GetValue<Guid>();
        await SendAsync(HttpMethod.Post, $"/api/certifications/{file}/inspections/{inspection}/results", Roles.Inspector, new
        {
            expectedVersion = 2,
            tookPlaceOn = today,
            results = new[] { "DF-C1", "DF-C2", "DF-M1", "DF-M2", "DF-M3", "DF-Q1", "DF-Q2", "DF-Q3", "DF-Q4" }.Select(c => new { requirementCode = c, outcome = "passed" }),
        });
        await SendAsync(HttpMethod.Post, $"/api/certifications/{file}/decisions/standard-met", Roles.CertificationOfficer, new { expectedVersion = 3, scope = "Apricots" });
        var view = await SendAsync(HttpMethod.Get, $"/api/certifications/{file}", Roles.Administrator);
        return (file, view["certificate"]!["number"]!.GetValue<string>());
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string url, string role, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        var subject = role == Roles.Inspector ? "inspector-webhooks" : role + "-webhooks";
        request.Headers.Authorization = new("Bearer", _issuer.Issue(subject, role));
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}

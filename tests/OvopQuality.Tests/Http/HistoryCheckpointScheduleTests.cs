using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Access;
using OvopQuality.Tests.Support;
using OvopQuality.Verifier;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Checkpoints on their schedule, with two instances on one database (of this test's own, with the
/// real clock) and the hash chain switched off: appends carry no hash, each checkpoint chains what
/// came before it, and the two instances publish one checkpoint per interval between them.
/// </summary>
public sealed class HistoryCheckpointScheduleTests : IAsyncLifetime
{
    private readonly OwnDatabase _database = new("history");

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task With_the_chain_off_two_instances_publish_one_checkpoint_per_interval_and_each_chains_the_events_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await StartAsync(_database.ConnectionString);
        await using var second = await StartAsync(_database.ConnectionString);
        using var client = first.Server.CreateClient();
        var issuer = first.Services.GetRequiredService<DevelopmentIssuer>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/producers")
        {
            Content = JsonContent.Create(new
            {
                legalName = new { tg = "Кооператив", ru = "Кооператив", en = "Schedule Cooperative" },
                taxId = "777000222",
                address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
                contact = new { person = "Rahim", phone = "+992 1" },
            }),
        };
        request.Headers.Authorization = new("Bearer", issuer.Issue("admin-schedule", Roles.Administrator));
        using var created = await client.SendAsync(request, ct);
        var producer = JsonNode.Parse(await created.Content.ReadAsStringAsync(ct))!["id"]!.GetValue<Guid>();

        async Task<string> Read(IAlbaHost host, string url)
        {
            using var http = host.Server.CreateClient();
            using var get = new HttpRequestMessage(HttpMethod.Get, url);
            get.Headers.Authorization = new("Bearer", issuer.Issue("admin-schedule", Roles.Administrator));
            using var response = await http.SendAsync(get, ct);
            return await response.Content.ReadAsStringAsync(ct);
        }

        // Nothing on the append path: no trigger, no body hash in the events' headers.
        await using (var data = Npgsql.NpgsqlDataSource.Create(_database.ConnectionString))
        await using (var command = data.CreateCommand(
            "select (select count(*) from pg_trigger where tgname = 'ovop_chain_events') + (select count(*) from ovop.mt_events where headers ? 'ovop-body')"))
        {
            Assert.Equal(0L, await command.ExecuteScalarAsync(ct));
        }

        HistoryVerdict verdict;
        var deadline = DateTime.UtcNow.AddSeconds(40);
        do
        {
            await Task.Delay(500, ct);
            verdict = HistoryVerifier.Verify(await Read(second, $"/api/producers/{producer}/events/export"), await Read(first, "/.well-known/jwks.json"));
        }
        while (verdict.Verdict != "intact" && DateTime.UtcNow < deadline);

        Assert.True(verdict.Verdict == "intact", string.Join("\n", verdict.NotEstablished.Concat(verdict.Problems.Select(p => p.Detail))));
        Assert.Contains(verdict.Established, e => e.StartsWith($"events 1 of stream {producer} are exactly those covered by checkpoint #", StringComparison.Ordinal));

        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var list = JsonNode.Parse(await Read(first, "/api/history/checkpoints?limit=500"))!["items"]!.AsArray();
        var times = list.Select(c => c!["issuedAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1.9), $"{pair.First:O} then {pair.Second:O}"));
        var report = JsonNode.Parse(await Read(second, "/api/history/check"))!;
        Assert.True(report["intact"]!.GetValue<bool>(), report.ToJsonString());
    }

    private static Task<IAlbaHost> StartAsync(string connectionString) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Ovop", connectionString);
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:History:HashChain", "false");
            builder.UseSetting("Ovop:History:CheckpointSeconds", "2");
            builder.ConfigureServices(services => services.RunWolverineInSoloMode());
        });
}

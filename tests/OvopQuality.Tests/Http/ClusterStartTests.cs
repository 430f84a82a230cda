using System.Net;
using Alba;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OvopQuality.Api.Standards;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// A cluster's instances start together on a new database (a rollout, deploy/cluster.sh), each
/// seeding the first standards at the same moment: every one must start, with each standard
/// published once. (Found by deploy/cluster.sh: the second writer's stream collision stopped its start.)
/// </summary>
public sealed class ClusterStartTests : IAsyncLifetime
{
    private readonly OwnDatabase _database = new("cluster");
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "ovop-cluster-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        if (Directory.Exists(_keys))
        {
            Directory.Delete(_keys, recursive: true);
        }
    }

    private Task<IAlbaHost> Instance() =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Ovop", _database.ConnectionString);
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", _keys);
            builder.UseSetting("Ovop:PublicBaseUrl", AppFixture.PublicBaseUrl);
        });

    [Fact]
    public async Task Instances_seeding_the_standards_at_the_same_moment_all_start_and_each_standard_is_published_once()
    {
        await using var host = await Instance();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        // As on a new database: no standard yet, and eight instances start at once; again and again,
        // since the moment two of them meet is short.
        for (var round = 0; round < 20; round++)
        {
            await store.Advanced.Clean.DeleteAllEventDataAsync(TestContext.Current.CancellationToken);
            await store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(Standard), TestContext.Current.CancellationToken);
            using var together = new Barrier(8);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                together.SignalAndWait(TestContext.Current.CancellationToken);
                await new Api.Standards.Seeding.SeedStandards(store, TimeProvider.System, NullLogger<Api.Standards.Seeding.SeedStandards>.Instance)
                    .StartAsync(TestContext.Current.CancellationToken);
            })));
        }

        await using var session = store.QuerySession();
        foreach (var (code, _) in Api.Standards.Seeding.SeedStandards.Catalogue)
        {
            var events = await session.Events.FetchStreamAsync(Standard.StreamIdFor(code), token: TestContext.Current.CancellationToken);
            Assert.Single(events);
        }
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Infrastructure;

[assembly: AssemblyFixture(typeof(OvopQuality.Tests.Support.AppFixture))]

// One host and one database for the whole run; tests move the shared clock, so they run one at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

namespace OvopQuality.Tests.Support;

/// <summary>
/// The real application, in process, against the PostgreSQL that deploy/test.sh starts
/// (its connection string in ConnectionStrings__Ovop), with a clock the tests control.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public TestClock Clock { get; } = new(Start);

    public IAlbaHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public async ValueTask InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ConnectionStrings__Ovop")))
        {
            throw new InvalidOperationException("The tests need a PostgreSQL: run them with deploy/test.sh, which starts one, or set ConnectionStrings__Ovop.");
        }

        Host = await AlbaHost.For<Program>(builder =>
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock)));
        Client = Host.Server.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HttpConfiguration.Configure(options);
        options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip;
        return options;
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using OvopQuality.Api.Access;
using OvopQuality.Api.Infrastructure;
using Wolverine;

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

    /// <summary>The development issuer the test host trusts: tests sign in as any user with it.</summary>
    public DevelopmentIssuer Issuer { get; private set; } = null!;

    /// <summary>
    /// Anonymous calls allowed per client address and minute in the shared test host: every
    /// anonymous call of the run comes from the same (unknown) address, so the limit is lifted
    /// here; <see cref="Access.AbuseLimitTests"/> checks the limits on a host of its own.
    /// </summary>
    public const int PublicPermits = 1_000_000;

    public const string VerifierOrigin = "https://verify.example.org";

    public const string PublicBaseUrl = "https://verify.ovop.tj";

    public const int ConsignmentImmediateMaxCodes = 20;

    internal static readonly string KeyFile = Path.Combine(Path.GetTempPath(), "ovop-tests-" + Guid.NewGuid().ToString("N"), "issuer.pem");

    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public async ValueTask InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ConnectionStrings__Ovop")))
        {
            throw new InvalidOperationException("The tests need a PostgreSQL: run them with deploy/test.sh, which starts one, or set ConnectionStrings__Ovop.");
        }

        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(Path.GetDirectoryName(KeyFile)!, "signing"));
            builder.UseSetting("Ovop:PublicBaseUrl", PublicBaseUrl);
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ovop:RateLimits:PublicBody:PermitLimit", PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ovop:RateLimits:OpenDataAsOf:PermitLimit", PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ovop:Cors:VerificationOrigins:0", VerifierOrigin);
            // Lists longer than this are judged in the background: small here, so tests reach that path cheaply.
            builder.UseSetting("Ovop:Consignments:ImmediateMaxCodes", ConsignmentImmediateMaxCodes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // Webhooks go to receivers the tests start on 127.0.0.1 (never allowed in production).
            builder.UseSetting("Ovop:Webhooks:AllowInsecureLoopback", "true");
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                // Wolverine decides what is "for later" by this host's clock (the test clock, in
                // March 2026), but its background agent polls the stored schedule against the real
                // clock: a suspension's cap, due in September 2026, would fire a few seconds after
                // the suspension, in the middle of whatever test comes next. The tests here run
                // scheduled transitions themselves (InvokeMessageAndWaitAsync); RestartTests checks
                // the agent, on a database of its own, with the real clock.
                services.ConfigureWolverine(opts =>
                {
                    opts.Durability.ScheduledJobFirstExecution = TimeSpan.FromDays(1);
                    opts.Durability.ScheduledJobPollingTime = TimeSpan.FromDays(1);
                });
            });
        });
        Client = Host.Server.CreateClient();
        Issuer = Host.Services.GetRequiredService<DevelopmentIssuer>();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(KeyFile)!, recursive: true);
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HttpConfiguration.Configure(options);
        options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip;
        return options;
    }
}

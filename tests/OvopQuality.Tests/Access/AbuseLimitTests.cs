using System.Net;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using Wolverine;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Access;

/// <summary>
/// A host of its own, on a database of its own, with the public rate limit low: the shared host's
/// anonymous calls (all from one address) never meet a limit, and this test never depends on how
/// many of them ran in the same minute.
/// </summary>
public class LimitedHost : IAsyncLifetime
{
    public const int PublicPermits = 20;

    /// <summary>The reverse proxy this host trusts to say who the client is.</summary>
    public const string Proxy = "192.0.2.10";

    /// <summary>The proxy configured in Ovop:ForwardedHeaders:KnownProxies, if any.</summary>
    protected virtual string? TrustedProxy => Proxy;

    private readonly OwnDatabase _database = new("limits");

    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = (await _database.CreateAsync()).ConnectionString;
        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Ovop", connectionString);
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (TrustedProxy is not null)
            {
                builder.UseSetting("Ovop:ForwardedHeaders:KnownProxies:0", TrustedProxy);
            }

            builder.ConfigureServices(services => services.RunWolverineInSoloMode());
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>The same, as the service is deployed by default: no reverse proxy configured.</summary>
public sealed class LimitedHostWithoutProxy : LimitedHost
{
    protected override string? TrustedProxy => null;
}

public class AbuseLimitTests(AppFixture app, LimitedHost limited, LimitedHostWithoutProxy unproxied)
    : CertificationTest(app), IClassFixture<LimitedHost>, IClassFixture<LimitedHostWithoutProxy>
{
    [Fact]
    public async Task An_address_that_hammers_the_public_verification_gets_429_with_retry_after()
    {
        var address = IPAddress.Parse("203.0.113." + Random.Shared.Next(1, 254));
        IScenarioResult? last = null;
        for (var i = 0; i <= LimitedHost.PublicPermits; i++)
        {
            last = await limited.Host.Scenario(s =>
            {
                s.Get.Url("/api/labels/0000-0000-0000-0000-1");
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = address);
                s.IgnoreStatusCode();
            });
        }

        Assert.Equal(429, last!.Context.Response.StatusCode);
        Assert.True(int.Parse(last.Context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("too-many-requests", await last.ReadAsTextAsync(), StringComparison.Ordinal);

        var otherAddress = await limited.Host.Scenario(s =>
        {
            s.Get.Url("/api/labels/0000-0000-0000-0000-1");
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.20"));
            s.IgnoreStatusCode();
        });
        Assert.NotEqual(429, otherAddress.Context.Response.StatusCode);
    }

    [Fact]
    public async Task An_address_asking_for_many_as_of_open_data_files_gets_429_and_still_reads_the_current_files()
    {
        var address = IPAddress.Parse("203.0.113." + Random.Shared.Next(1, 254));
        async Task<IScenarioResult> Ask(string url) => await limited.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = address);
            s.IgnoreStatusCode();
        });

        var answers = new List<int>();
        for (var i = 0; i <= 10; i++)
        {
            answers.Add((await Ask("/api/open-data/certificates.csv?asOf=2026-01-01")).Context.Response.StatusCode);
        }

        Assert.All(answers[..10], status => Assert.Equal(200, status));
        Assert.Equal(429, answers[10]);
        Assert.NotEqual(429, (await Ask("/api/open-data")).Context.Response.StatusCode);
    }

    [Fact]
    public async Task Addresses_of_one_ipv6_64_network_share_one_limit_as_one_client()
    {
        var network = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:7";
        IScenarioResult? last = null;
        for (var i = 0; i <= LimitedHost.PublicPermits; i++)
        {
            last = await LookUpFrom($"{network}::{i + 1:x}", null);
        }

        Assert.Equal(429, last!.Context.Response.StatusCode);
        Assert.NotEqual(429, (await LookUpFrom($"{network[..^1]}8::1", null)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_proxy_x_forwarded_for_is_not_believed_and_gives_no_fresh_limit()
    {
        var address = "203.0.113." + Random.Shared.Next(1, 254);
        IScenarioResult? last = null;
        for (var i = 0; i <= LimitedHost.PublicPermits; i++)
        {
            last = await LookUpFrom(address, $"198.51.100.{i + 1}", unproxied);
        }

        Assert.Equal(429, last!.Context.Response.StatusCode);
        // Not even from the address a proxy would have: nobody is trusted until configured.
        for (var i = 0; i <= LimitedHost.PublicPermits; i++)
        {
            last = await LookUpFrom(LimitedHost.Proxy, $"198.51.100.{100 + i}", unproxied);
        }

        Assert.Equal(429, last!.Context.Response.StatusCode);
    }

    private Task<IScenarioResult> LookUpFrom(string address, string? forwardedFor, LimitedHost? host = null) =>
        (host ?? limited).Host.Scenario(s =>
        {
            s.Get.Url("/api/labels/0000-0000-0000-0000-1");
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
            if (forwardedFor is not null)
            {
                s.WithRequestHeader("X-Forwarded-For", forwardedFor);
            }

            s.IgnoreStatusCode();
        });

    [Fact]
    public async Task A_client_naming_itself_someone_else_in_x_forwarded_for_gets_no_fresh_limit_unless_it_comes_through_the_trusted_proxy()
    {
        var address = "203.0.113." + Random.Shared.Next(1, 254);
        IScenarioResult? last = null;
        for (var i = 0; i <= LimitedHost.PublicPermits; i++)
        {
            last = await LookUpFrom(address, $"198.51.100.{i + 1}");
        }

        Assert.Equal(429, last!.Context.Response.StatusCode);

        // Through the trusted proxy, each client it names is counted on its own.
        for (var i = 0; i <= LimitedHost.PublicPermits; i++)
        {
            Assert.NotEqual(429, (await LookUpFrom(LimitedHost.Proxy, $"198.51.100.{100 + i}")).Context.Response.StatusCode);
        }

        IScenarioResult? same = null;
        for (var i = 0; i <= LimitedHost.PublicPermits; i++)
        {
            same = await LookUpFrom(LimitedHost.Proxy, "198.51.100.250");
        }

        Assert.Equal(429, same!.Context.Response.StatusCode);
    }

    [Fact]
    public async Task Responses_carry_headers_that_stop_sniffing_framing_and_leaks()
    {
        var reply = await GetAnonymously("/health/live");

        Assert.Equal("nosniff", reply.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", reply.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", reply.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", reply.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Verification_answers_a_configured_web_origin_with_cors()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/labels/0000-0000-0000-0000-1");
        request.Headers.Add("Origin", AppFixture.VerifierOrigin);

        using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(AppFixture.VerifierOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Every_request_gets_a_correlation_id_that_its_events_keep()
    {
        var (producer, _) = await AProducerWithApricots();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/producers/{producer}/corrections")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                expectedVersion = 2,
                legalName = new { tg = "Кооператив", ru = "Кооператив", en = "Cooperative" },
                address = new { region = "sughd", district = "Isfara", village = "Vorukh" },
                contact = new { person = "Rahim", phone = "+992 1" },
                reason = "Moved",
            }),
        };
        request.Headers.Add("X-Correlation-Id", "shipment-check-42");
        request.Headers.Authorization = new("Bearer", TokenOf(Administrator));

        using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("shipment-check-42", response.Headers.GetValues("X-Correlation-Id").Single());
        var history = (await Get($"/api/producers/{producer}/events")).Items;
        Assert.Equal("shipment-check-42", history[^1]!["correlationId"]!.GetValue<string>());
        Assert.Equal((Administrator.Subject, "administrator"), (history[^1]!["actor"]!.GetValue<string>(), history[^1]!["actorRole"]!.GetValue<string>()));
        Assert.NotEqual("shipment-check-42", history[0]!["correlationId"]?.GetValue<string>());
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Tests.Support;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// The service checks its settings before it starts and refuses bad ones, all named in one message;
/// and what anyone may read (label verification, the page, the public keys, health) never waits on
/// the sign-in provider.
/// </summary>
public sealed class StartupConfigurationTests(AppFixture app) : CertificationTest(app)
{
    /// <summary>Settings each wrong in its own way, and how the refusal names each.</summary>
    private static readonly Dictionary<string, string?> BadSettings = new()
    {
        ["ConnectionStrings:Ovop"] = "Host=127.0.0.1;Port=not-a-port",
        ["Ovop:Auth:Authority"] = "http://sso.example.org/realms/ovop",
        ["Ovop:Auth:Audience"] = " ",
        ["Ovop:PublicBaseUrl"] = "verify.ovop.tj",
        ["Ovop:Signing:KeyEncryptionKey"] = Convert.ToBase64String(new byte[16]),
        ["Ovop:ForwardedHeaders:KnownProxies:0"] = "proxy.internal",
        ["Ovop:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/33",
        ["Ovop:Cluster:HealthCheckSeconds"] = "0",
        ["Ovop:RateLimits:Public:PermitLimit"] = "-1",
        ["Ovop:RateLimits:User:WindowSeconds"] = "a minute",
        ["Ovop:Verification:LabelsInMemory"] = "1e6",
        ["Ovop:RateLimits:OpenDataAsOf:PermitLimit"] = "0",
        ["Ovop:OpenData:CheckSeconds"] = "0",
    };

    private static IEnumerable<string> NamesOfBadSettings => BadSettings.Keys;

    [Fact]
    public async Task Given_several_bad_settings_a_host_will_not_start_and_says_what_each_one_is()
    {
        var start = () => AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in BadSettings)
            {
                builder.UseSetting(key, value);
            }
        });

        var failure = await Assert.ThrowsAnyAsync<Exception>(start);

        var refusal = Assert.IsType<SettingsRefusedException>(Causes(failure).OfType<SettingsRefusedException>().FirstOrDefault());
        Assert.Equal(BadSettings.Count, refusal.Problems.Count);
        foreach (var name in NamesOfBadSettings)
        {
            Assert.Contains(refusal.Problems, p => p.StartsWith(name + ": ", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("not-a-port;", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BadSettings["Ovop:Signing:KeyEncryptionKey"]!, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_bad_settings_the_service_process_exits_with_78_and_one_message_without_a_stack_trace()
    {
        var service = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [service])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
        };
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach (var (key, value) in BadSettings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var said = await output + await errors;

        Assert.True(process.ExitCode == SettingsCheck.RefusedExitCode, $"exit code {process.ExitCode}: {said}");
        Assert.StartsWith($"OvopQuality will not start: {BadSettings.Count} settings are wrong.", (await errors).TrimStart(), StringComparison.Ordinal);
        foreach (var name in NamesOfBadSettings)
        {
            Assert.Contains("  - " + name + ": ", said, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", said, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_that_are_right_are_accepted_and_plain_http_sign_in_only_on_this_machine_in_development()
    {
        var production = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Ovop"] = "Host=db.internal;Database=ovop;Username=ovop;Password=secret",
            ["Ovop:Auth:Authority"] = "https://sso.example.org/realms/ovop",
            ["Ovop:PublicBaseUrl"] = "https://verify.ovop.tj",
            ["Ovop:Signing:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Ovop:ForwardedHeaders:KnownProxies:0"] = "10.0.0.5",
            ["Ovop:ForwardedHeaders:KnownProxies:1"] = "fd00::5",
            ["Ovop:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
            ["Ovop:Cors:VerificationOrigins:0"] = "https://verify.example.org",
            ["Ovop:Cluster:HealthCheckSeconds"] = "2",
            ["Ovop:Cluster:StaleNodeSeconds"] = "8.5",
            ["Ovop:Verification:CertificateSeconds"] = "0",
        };
        Assert.Empty(Problems("Production", production));

        var localProvider = new Dictionary<string, string?>(production) { ["Ovop:Auth:Authority"] = "http://localhost:8080/realms/ovop" };
        Assert.Empty(Problems("Development", localProvider));
        Assert.Equal(["Ovop:Auth:Authority"], Problems("Production", localProvider).Select(NameOf));
        var remoteProvider = new Dictionary<string, string?>(production) { ["Ovop:Auth:Authority"] = "http://sso.example.org/realms/ovop" };
        Assert.Equal(["Ovop:Auth:Authority"], Problems("Development", remoteProvider).Select(NameOf));

        // A command that serves nothing (projections rebuild) needs the database only.
        var databaseOnly = new Dictionary<string, string?> { ["ConnectionStrings:Ovop"] = production["ConnectionStrings:Ovop"] };
        Assert.Empty(Problems("Production", databaseOnly, serving: false));
        Assert.Equal(["Ovop:Auth:Authority", "Ovop:PublicBaseUrl"], Problems("Production", databaseOnly).Select(NameOf));
    }

    [Fact]
    public async Task Given_a_sign_in_provider_that_cannot_be_reached_labels_verify_as_before_and_a_signed_in_caller_gets_a_401()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        await using var host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Ovop:Auth:Authority", "https://127.0.0.1:1/realms/unreachable");
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(Path.GetDirectoryName(AppFixture.KeyFile)!, "signing"));
            builder.UseSetting("Ovop:PublicBaseUrl", AppFixture.PublicBaseUrl);
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", AppFixture.PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(App.Clock);
                services.ConfigureWolverine(opts =>
                {
                    opts.Durability.ScheduledJobFirstExecution = TimeSpan.FromDays(1);
                    opts.Durability.ScheduledJobPollingTime = TimeSpan.FromDays(1);
                });
            });
        });
        using var client = host.Server.CreateClient();

        var verdict = await SendAsync(client, $"/api/labels/{code}");
        Assert.True(verdict.Status == HttpStatusCode.OK, verdict.Body);
        Assert.Equal("suspended", JsonNode.Parse(verdict.Body)!["status"]!.GetValue<string>());
        foreach (var url in new[] { $"/l/{code}", $"/api/labels/{code}/token", "/.well-known/jwks.json", "/api/status-snapshot", "/health/ready" })
        {
            var answer = await SendAsync(client, url);
            Assert.True(answer.Status == HttpStatusCode.OK, $"{url}: {(int)answer.Status} {answer.Body}");
        }

        // A token sent to a public endpoint does not make it depend on the provider either.
        var withToken = await SendAsync(client, $"/api/labels/{code}", TokenOf(Administrator));
        Assert.True(withToken.Status == HttpStatusCode.OK, withToken.Body);

        var signedIn = await SendAsync(client, "/api/standards", TokenOf(Administrator));
        Assert.True(signedIn.Status == HttpStatusCode.Unauthorized, $"{(int)signedIn.Status} {signedIn.Body}");
        var problem = JsonNode.Parse(signedIn.Body)!;
        Assert.Equal("https://ovop.tj/problems/unauthenticated", problem["type"]!.GetValue<string>());
        Assert.Contains("sign-in provider does not answer", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string url, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static IReadOnlyList<string> Problems(string environment, Dictionary<string, string?> settings, bool serving = true) =>
        SettingsCheck.Problems(
            new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment },
            serving);

    private static string NameOf(string problem) => problem[..problem.IndexOf(": ", StringComparison.Ordinal)];

    private static IEnumerable<Exception> Causes(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes))
                {
                    yield return inner;
                }
            }
        }
    }
}

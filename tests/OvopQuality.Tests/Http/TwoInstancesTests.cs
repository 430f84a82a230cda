using System.Diagnostics;
using System.Net;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Tests.Support;
using Microsoft.Extensions.Configuration;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Two instances on one database behave as one: a second host beside the shared one, whose own time
/// limits (certificate cache, clone refresh) are ten minutes, so only the change notifications can
/// bring it up to date within a second.
/// </summary>
public sealed class TwoInstancesTests(AppFixture app) : CertificationTest(app)
{
    private Task<IAlbaHost> StartOtherAsync() =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(Path.GetDirectoryName(AppFixture.KeyFile)!, "signing"));
            builder.UseSetting("Ovop:PublicBaseUrl", AppFixture.PublicBaseUrl);
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", AppFixture.PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ovop:Verification:CertificateSeconds", "600");
            builder.UseSetting("Ovop:Clones:RefreshSeconds", "600");
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

    private static async Task<string> StatusOn(IAlbaHost other, string code)
    {
        using var client = other.Server.CreateClient();
        var body = await client.GetStringAsync($"/api/labels/{code}", TestContext.Current.CancellationToken);
        return System.Text.Json.Nodes.JsonNode.Parse(body)!["status"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_suspension_made_on_one_instance_is_answered_by_the_other_within_a_second()
    {
        await using var other = await StartOtherAsync();
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        Assert.Equal("valid", await StatusOn(other, code));

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        var watch = Stopwatch.StartNew();
        var status = "valid";
        while (watch.Elapsed < TimeSpan.FromSeconds(1) && (status = await StatusOn(other, code)) != "suspended")
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.True(status == "suspended", $"the other instance still answered {status} after {watch.ElapsedMilliseconds} ms");
        var artifacts = Path.Combine(Checks.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        await System.IO.File.WriteAllTextAsync(Path.Combine(artifacts, "two-instances.txt"), $"propagate_ms={watch.ElapsedMilliseconds}\n", TestContext.Current.CancellationToken);
    }
}

/// <summary>The node-loss timings come from configuration, as the README says.</summary>
public sealed class ClusterSettingsTests
{
    [Fact]
    public void The_node_loss_timings_are_handed_to_wolverine_and_left_at_its_defaults_when_not_given()
    {
        var configured = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ovop:Cluster:HealthCheckSeconds"] = "2",
            ["Ovop:Cluster:StaleNodeSeconds"] = "8",
        }).Build().GetSection("Ovop:Cluster").Get<OvopQuality.Api.Infrastructure.ClusterSettings>()!;
        var durability = new WolverineOptions().Durability;
        var defaults = (durability.CheckAssignmentPeriod, durability.ScheduledJobPollingTime);

        configured.ApplyTo(durability);

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8)), (durability.HealthCheckPollingTime, durability.StaleNodeTimeout));
        Assert.Equal(defaults, (durability.CheckAssignmentPeriod, durability.ScheduledJobPollingTime));
    }
}

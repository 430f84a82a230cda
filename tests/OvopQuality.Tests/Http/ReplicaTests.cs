using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OvopQuality.Tests.Support;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Label verification from a streaming standby (ConnectionStrings:OvopReplica): a second host reads
/// there while the shared host changes things on the primary; the standby's replay is paused to
/// make it lag, as a busy or distant standby would.
/// </summary>
public sealed class ReplicaTests(AppFixture app, Standby standby) : CertificationTest(app), IClassFixture<Standby>
{
    private Task<IAlbaHost> StartReaderAsync(int certificateSeconds, int standbyMaxLagSeconds = 600) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:OvopReplica", standby.ReplicaConnectionString);
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(Path.GetDirectoryName(AppFixture.KeyFile)!, "signing"));
            builder.UseSetting("Ovop:PublicBaseUrl", AppFixture.PublicBaseUrl);
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", AppFixture.PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ovop:Verification:CertificateSeconds", certificateSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ovop:Verification:StandbyMaxLagSeconds", standbyMaxLagSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
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

    private static async Task<JsonNode> Verify(IAlbaHost host, string code)
    {
        using var client = host.Server.CreateClient();
        using var response = await client.GetAsync($"/api/labels/{code}", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{code}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>A certified file with a label, which the standby has replayed (and the reader host has verified once).</summary>
    private async Task<(Guid FileId, string Code)> ALabelTheStandbyHolds(IAlbaHost reader)
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        // The reader hears of the changes and notes the primary's position for the file; once the
        // standby replayed past it, a read there passes the note, and the standby answers for the file.
        var floors = reader.Services.GetRequiredService<OvopQuality.Api.Labels.Verifying.ReplayFloors>();
        var watch = Stopwatch.StartNew();
        do
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the reader's note for the file was not passed by a standby read in 10 s");
            await standby.CaughtUpAsync();
            Assert.Equal("valid", (await Verify(reader, code))["status"]!.GetValue<string>());
        }
        while (floors.For(fileId) is not { FileNote: null });

        return (fileId, code);
    }

    private async Task WhileReplayIsPaused(Func<Task> test)
    {
        await standby.PauseAsync();
        try
        {
            await test();
        }
        finally
        {
            await standby.ResumeAsync();
        }
    }

    [Fact]
    public async Task Given_a_replica_host_when_the_primary_alone_changes_a_certificate_behind_its_back_it_answers_what_the_paused_standby_holds()
    {
        await using var reader = await StartReaderAsync(certificateSeconds: 0);
        var (fileId, code) = await ALabelTheStandbyHolds(reader);

        await WhileReplayIsPaused(async () =>
        {
            // Written on the primary without any notification: only a read from the standby misses it.
            await using var primary = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("ConnectionStrings__Ovop")!);
            await using var change = primary.CreateCommand(
                "update ovop.mt_doc_publiccertificate set data = jsonb_set(data, '{productName,en}', '\"Changed on the primary alone\"') where id = $1");
            change.Parameters.AddWithValue(fileId);
            Assert.Equal(1, await change.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));

            Assert.Equal("Changed on the primary alone", (await GetAnonymously($"/api/labels/{code}")).Is(HttpStatusCode.OK).Json["productName"]!["en"]!.GetValue<string>());
            for (var i = 0; i < 5; i++)
            {
                Assert.NotEqual("Changed on the primary alone", (await Verify(reader, code))["productName"]!["en"]!.GetValue<string>());
            }
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(600)]
    public async Task Given_a_lagging_standby_a_suspension_made_on_another_host_is_answered_as_suspended_within_a_second_and_stays_so(int certificateSeconds)
    {
        await using var reader = await StartReaderAsync(certificateSeconds);
        var (fileId, code) = await ALabelTheStandbyHolds(reader);

        await WhileReplayIsPaused(async () =>
        {
            (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
            var watch = Stopwatch.StartNew();
            var status = "valid";
            while (watch.Elapsed < TimeSpan.FromSeconds(1) && (status = (await Verify(reader, code))["status"]!.GetValue<string>()) != "suspended")
            {
                await Task.Delay(25, TestContext.Current.CancellationToken);
            }

            Assert.True(status == "suspended", $"the replica host still answered {status} after {watch.ElapsedMilliseconds} ms");
            var answered = watch.ElapsedMilliseconds;
            for (var i = 0; i < 20; i++)
            {
                await Task.Delay(25, TestContext.Current.CancellationToken);
                Assert.Equal("suspended", (await Verify(reader, code))["status"]!.GetValue<string>());
            }

            // The standby itself still holds the certificate as it was: the answers did not come from it.
            Assert.Equal("certified", await standby.OnStandbyAsync<string>(
                $"select lower(data->>'status') from ovop.mt_doc_publiccertificate where id = '{fileId}'"));
            await ArtifactAsync($"replica-suspension-{certificateSeconds}s.txt", $"propagate_ms={answered}\n");
        });

        // Once the standby replayed the suspension, it answers the same.
        await standby.CaughtUpAsync();
        Assert.Equal("suspended", (await Verify(reader, code))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_lagging_standby_a_label_just_issued_is_still_found()
    {
        await using var reader = await StartReaderAsync(certificateSeconds: 0);
        var (fileId, _) = await ALabelTheStandbyHolds(reader);

        await WhileReplayIsPaused(async () =>
        {
            var code = (await IssueLabels(fileId, 5, 1, lot: "LOT-2026-03-B")).Json["codes"]![0]!.GetValue<string>();
            var answer = await Verify(reader, code);
            Assert.Equal(("valid", "LOT-2026-03-B"), (answer["status"]!.GetValue<string>(), answer["lot"]!.GetValue<string>()));
            // The standby does not hold it: it was found on the primary.
            var canonical = OvopQuality.Api.Certification.Labelling.LabelCode.Normalize(code);
            Assert.Equal(0L, await standby.OnStandbyAsync<long>($"select count(*) from ovop.labels where code = '{canonical}'"));
        });
    }

    [Fact]
    public async Task Given_a_standby_still_replaying_the_state_read_there_is_as_old_as_its_last_replayed_transaction()
    {
        await using var reader = await StartReaderAsync(certificateSeconds: 0);
        await using var strict = await StartReaderAsync(certificateSeconds: 0, standbyMaxLagSeconds: 1);
        var (_, code) = await ALabelTheStandbyHolds(reader);
        await ALabelTheStandbyHolds(strict);

        await WhileReplayIsPaused(async () =>
        {
            // A commit the standby receives but does not replay.
            await ACertifiedFile();
            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);

            var answer = await Verify(reader, code);
            var lag = answer["knownAt"]!.GetValue<DateTimeOffset>() - answer["stateReadAt"]!.GetValue<DateTimeOffset>();
            Assert.True(lag >= TimeSpan.FromSeconds(1.4), $"stateReadAt is {lag.TotalMilliseconds} ms before the read");

            // Lagging more than its StandbyMaxLagSeconds, the standby is not used: the state is read now.
            var fresh = await Verify(strict, code);
            Assert.Equal(fresh["knownAt"]!.GetValue<DateTimeOffset>(), fresh["stateReadAt"]!.GetValue<DateTimeOffset>());
            await ArtifactAsync("replica-lag.txt", $"state_age_ms={lag.TotalMilliseconds:0}\n");
        });

        // Caught up again, the standby's state is (nearly) as old as the read.
        await standby.CaughtUpAsync();
        var caughtUp = await Verify(reader, code);
        Assert.True(caughtUp["knownAt"]!.GetValue<DateTimeOffset>() - caughtUp["stateReadAt"]!.GetValue<DateTimeOffset>() < TimeSpan.FromSeconds(1));
    }

    private static async Task ArtifactAsync(string name, string text)
    {
        var artifacts = Path.Combine(Checks.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        await System.IO.File.WriteAllTextAsync(Path.Combine(artifacts, name), text, TestContext.Current.CancellationToken);
    }
}

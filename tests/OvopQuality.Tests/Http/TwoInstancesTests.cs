using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OvopQuality.Api.Labels.Scans;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Tests.Support;
using Microsoft.Extensions.Configuration;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Two instances on one database behave as one: a second host beside the shared one, whose own time
/// limits (certificate cache, status snapshot, clone refresh) are ten minutes, so only the change
/// notifications can bring it up to date within a second. Each kind of change is made through the
/// shared host and asked of the other; how long it took is noted in artifacts/two-instances.txt.
/// </summary>
public sealed class TwoInstancesTests(AppFixture app) : CertificationTest(app)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    private const string Dushanbe = "lat=38.56&lon=68.79";
    private const string Moscow = "lat=55.75&lon=37.62";

    private async Task<IAlbaHost> StartOtherAsync()
    {
        var other = await StartHostAsync();

        // Once it listens it drops all it holds (whatever changed before was not heard): wait for that,
        // so that from here on only notifications change what it holds.
        var certificates = other.Services.GetRequiredService<CertificateCache>();
        for (var attempt = 0; attempt < 100 && certificates.Generation == 0; attempt++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(certificates.Generation > 0, "the other instance did not begin listening for changes within 5 s");

        // On a fresh database the first signing key is made when first used, itself a change that would
        // make the other's status snapshot again: made here, before any test takes what the other holds.
        (await GetOn(other, "/.well-known/jwks.json")).Is(HttpStatusCode.OK);
        return other;
    }

    private Task<IAlbaHost> StartHostAsync() =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(Path.GetDirectoryName(AppFixture.KeyFile)!, "signing"));
            builder.UseSetting("Ovop:PublicBaseUrl", AppFixture.PublicBaseUrl);
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", AppFixture.PublicPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ovop:Verification:CertificateSeconds", "600");
            builder.UseSetting("Ovop:Signing:SnapshotCacheSeconds", "600");
            builder.UseSetting("Ovop:Clones:RefreshSeconds", "600");
            builder.UseSetting("Ovop:Directory:ReloadSeconds", "600");
            // Labels reach it by notification only, not by reading the whole table after start.
            builder.UseSetting("Ovop:Verification:PreloadLabels", "false");
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

    /// <summary>
    /// Asks the other instance every 25 ms until it gives the expected answer, for a second at most;
    /// fails saying what it still answered and after how long, else notes how long it took.
    /// </summary>
    private static async Task ReachesTheOther<T>(string change, Func<Task<T>> ask, Func<T, bool> expected)
    {
        var watch = Stopwatch.StartNew();
        var answer = await ask();
        while (!expected(answer) && watch.Elapsed < Within)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
            answer = await ask();
        }

        Assert.True(expected(answer), $"after the {change} on the first instance, the other still answered {(object?)answer ?? "nothing"} after {watch.ElapsedMilliseconds} ms");
        await Note(change, watch.ElapsedMilliseconds);
    }

    private static async Task Note(string change, long milliseconds)
    {
        var artifacts = Path.Combine(Checks.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        var file = Path.Combine(artifacts, "two-instances.txt");
        var key = change.Replace(' ', '_') + "_ms=";
        string[] earlier = System.IO.File.Exists(file) ? await System.IO.File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken) : [];
        await System.IO.File.WriteAllLinesAsync(file, [.. earlier.Where(l => !l.StartsWith(key, StringComparison.Ordinal)), key + milliseconds], TestContext.Current.CancellationToken);
    }

    private async Task<Reply> GetOn(IAlbaHost host, string url, User? user = null)
    {
        using var client = host.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (user is not null)
        {
            request.Headers.Authorization = new("Bearer", TokenOf(user));
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, null,
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers);
    }

    /// <summary>
    /// The other instance's verification of a label, asked for the present instant, which records no
    /// scan: a scan weighed there could read the code's clone signals from the store itself, or raise
    /// one of its own, and these tests are about what the notifications bring.
    /// </summary>
    private async Task<JsonNode> LabelOn(IAlbaHost other, string code) =>
        (await GetOn(other, $"/api/labels/{code}?at={Uri.EscapeDataString(App.Clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture))}"))
            .Is(HttpStatusCode.OK).Json;

    private async Task<string> StatusOn(IAlbaHost other, string code) => (await LabelOn(other, code))["status"]!.GetValue<string>();

    private async Task<string> WarningOn(IAlbaHost other, string code) => (await LabelOn(other, code))["warning"]?.GetValue<string>() ?? "no warning";

    /// <summary>The other instance's status snapshot: the key that signed it and its claims.</summary>
    private async Task<(string KeyId, JsonNode Claims)> SnapshotOn(IAlbaHost other)
    {
        var response = (await GetOn(other, "/api/status-snapshot")).Is(HttpStatusCode.OK).Json;
        var payload = response["snapshot"]!.GetValue<string>().Split('.')[1];
        return (response["keyId"]!.GetValue<string>(), JsonNode.Parse(Base64UrlEncoder.Decode(payload))!);
    }

    private sealed record SnapshotKeys(string SignedWith, string Revoked);

    private async Task<SnapshotKeys> SnapshotKeysOn(IAlbaHost other)
    {
        var (signedWith, claims) = await SnapshotOn(other);
        return new(signedWith, string.Join(' ', claims["revokedKeys"]!.AsArray().Select(k => k!.GetValue<string>())));
    }

    /// <summary>What the other instance's status snapshot says of a certificate: its status, or "not listed" (valid).</summary>
    private async Task<string> SnapshotEntryOn(IAlbaHost other, string number) =>
        (await SnapshotOn(other)).Claims["certs"]!.AsArray().FirstOrDefault(c => c![0]!.GetValue<string>() == number) is { } entry
            ? entry[1]!.GetValue<string>()
            : "not listed";

    private async Task<(Guid FileId, string Code, string Number)> ALabelSeenByTheOther(IAlbaHost other)
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        Assert.Equal("valid", await StatusOn(other, code));
        return (fileId, code, (await File(fileId))["certificate"]!["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_certificate_granted_suspended_and_a_contact_published_on_one_instance_reach_the_others_directory_within_a_second()
    {
        await using var other = await StartOtherAsync();
        // The other reads its directory now, before the changes: from here on only notifications bring them.
        (await GetOn(other, "/api/directory?limit=1")).Is(HttpStatusCode.OK);

        var fileId = await ACertifiedFile();
        var file = await File(fileId);
        var number = file["producerNumber"]!.GetValue<string>();
        await ReachesTheOther("directory grant", async () => (await GetOn(other, $"/api/directory/{number}")).Status, status => status == HttpStatusCode.OK);

        (await Suspend(fileId, 4)).Is(HttpStatusCode.OK);
        await ReachesTheOther("directory suspension", async () => (await GetOn(other, $"/api/directory/{number}")).Json["certificates"]![0]!["standing"]!.GetValue<string>(),
            standing => standing == "suspended");

        var producerId = file["producerId"]!.GetValue<Guid>();
        (await Send(HttpMethod.Put, $"/api/producers/{producerId}/contact-publication",
            System.Net.Http.Json.JsonContent.Create(new { expectedVersion = 2, publish = true, evidence = "Signed form 2026/18" }, options: AppFixture.Json), Administrator)).Is(HttpStatusCode.OK);
        await ReachesTheOther("directory contact", async () => (await GetOn(other, $"/api/directory/{number}")).Json["contact"]?["phone"]?.GetValue<string>() ?? "no contact",
            phone => phone == "+992 92 777 1234");
    }

    [Fact]
    public async Task A_suspension_made_on_one_instance_is_answered_by_the_other_within_a_second()
    {
        await using var other = await StartOtherAsync();
        var (fileId, code, _) = await ALabelSeenByTheOther(other);

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);

        await ReachesTheOther("suspension", () => StatusOn(other, code), status => status == "suspended");
    }

    [Fact]
    public async Task A_reinstatement_and_a_withdrawal_made_on_one_instance_are_answered_by_the_other_within_a_second()
    {
        await using var other = await StartOtherAsync();
        var (fileId, code, _) = await ALabelSeenByTheOther(other);
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        await ReachesTheOther("suspension", () => StatusOn(other, code), status => status == "suspended");

        (await Reinstate(fileId, 6)).Is(HttpStatusCode.OK);
        await ReachesTheOther("reinstatement", () => StatusOn(other, code), status => status == "valid");

        (await Withdraw(fileId, 7)).Is(HttpStatusCode.OK);
        await ReachesTheOther("withdrawal", () => StatusOn(other, code), status => status == "withdrawn");
    }

    [Fact]
    public async Task The_other_instances_status_snapshot_lists_a_suspension_made_on_one_within_a_second_drops_it_at_reinstatement_and_lists_the_withdrawal()
    {
        await using var other = await StartOtherAsync();
        var (fileId, _, number) = await ALabelSeenByTheOther(other);
        Assert.Equal("not listed", await SnapshotEntryOn(other, number));

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        await ReachesTheOther("suspension in the snapshot", () => SnapshotEntryOn(other, number), entry => entry == "suspended");

        (await Reinstate(fileId, 6)).Is(HttpStatusCode.OK);
        await ReachesTheOther("reinstatement in the snapshot", () => SnapshotEntryOn(other, number), entry => entry == "not listed");

        (await Withdraw(fileId, 7)).Is(HttpStatusCode.OK);
        await ReachesTheOther("withdrawal in the snapshot", () => SnapshotEntryOn(other, number), entry => entry == "withdrawn");
    }

    [Fact]
    public async Task A_signing_key_revoked_on_one_instance_is_listed_as_revoked_in_the_other_instances_snapshot_within_a_second_and_signs_nothing_there()
    {
        await using var other = await StartOtherAsync();
        var (_, code, _) = await ALabelSeenByTheOther(other);
        var (key, _) = await SnapshotOn(other);

        (await Post($"/api/signing-keys/{key}/revocation", new { reason = "Laptop with the key folder stolen" })).Is(HttpStatusCode.OK);

        await ReachesTheOther("key revocation in the snapshot", () => SnapshotKeysOn(other), keys => keys.SignedWith != key && keys.Revoked.Split(' ').Contains(key));
        Assert.DoesNotContain(key, (await GetOn(other, "/.well-known/jwks.json")).Is(HttpStatusCode.OK).Body, StringComparison.Ordinal);
        var statement = (await GetOn(other, $"/api/labels/{code}/token")).Is(HttpStatusCode.OK).Json["token"]!.GetValue<string>();
        Assert.NotEqual(key, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(statement).Kid);
    }

    /// <summary>An anonymous verification through the first instance from a given address, as a phone somewhere would make it.</summary>
    private async Task ScanOnTheFirst(string address, string code, string position)
    {
        await App.Host.Scenario(s =>
        {
            s.Get.Url($"/api/labels/{code}?{position}");
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
            s.StatusCodeShouldBe(HttpStatusCode.OK);
        });
    }

    /// <summary>Scans are weighed in batches off the request path: the signal raised on the code, once the first instance weighed them.</summary>
    private async Task<Guid> ASignalRaisedOnTheFirst(string code)
    {
        await ScanOnTheFirst("198.51.100.110", code, Dushanbe);
        await ScanOnTheFirst("203.0.113.111", code, Moscow);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var signals = (await Get("/api/clone-signals?status=raised&limit=500")).Is(HttpStatusCode.OK).Items;
            if (signals.FirstOrDefault(s => s!["code"]!.GetValue<string>() == code) is { } found)
            {
                return found["id"]!.GetValue<Guid>();
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        throw new InvalidOperationException("no signal was raised");
    }

    private Task<Reply> Decide(Guid signalId, string step, long expectedVersion) =>
        Post($"/api/clone-signals/{signalId}/{step}", new { expectedVersion, reason = "Checked with the exporter in Moscow" }, OfficerNamed(Officer));

    /// <summary>What the other instance holds of a code's clone signals (raised ones are never shown to the public, so this is asked of its memory).</summary>
    private static Task<CloneWatch.CodeState?> CloneStateOn(IAlbaHost other, string code) =>
        Task.FromResult(other.Services.GetRequiredService<CloneWatch>().StateOf(code));

    [Fact]
    public async Task A_clone_signal_raised_through_one_instance_is_known_to_the_other_and_its_confirmation_and_lifting_reach_the_others_verification_within_a_second()
    {
        await using var other = await StartOtherAsync();
        var (_, code, _) = await ALabelSeenByTheOther(other);

        var signal = await ASignalRaisedOnTheFirst(code);
        await ReachesTheOther("clone signal", () => CloneStateOn(other, code), state => state?.OpenSignal == signal);
        Assert.Equal("no warning", await WarningOn(other, code));

        (await Decide(signal, "confirmation", 1)).Is(HttpStatusCode.OK);
        await ReachesTheOther("clone confirmation", () => WarningOn(other, code), warning => warning.Contains("Copies of this label may be in circulation", StringComparison.Ordinal));

        (await Decide(signal, "lifting", 2)).Is(HttpStatusCode.OK);
        await ReachesTheOther("clone lifting", () => WarningOn(other, code), warning => warning == "no warning");
    }

    [Fact]
    public async Task A_clone_signal_dismissed_on_one_instance_is_closed_on_the_other_within_a_second()
    {
        await using var other = await StartOtherAsync();
        var (_, code, _) = await ALabelSeenByTheOther(other);
        var signal = await ASignalRaisedOnTheFirst(code);
        await ReachesTheOther("clone signal", () => CloneStateOn(other, code), state => state?.OpenSignal == signal);

        var dismissedAt = App.Clock.GetUtcNow();
        (await Decide(signal, "dismissal", 1)).Is(HttpStatusCode.OK);

        // Closed there too, and the scans it rested on are judged: only later ones count there again.
        await ReachesTheOther("clone dismissal", () => CloneStateOn(other, code), state => state == new CloneWatch.CodeState(null, null, dismissedAt));
    }

    [Fact]
    public async Task Each_instance_answers_the_cluster_view_with_itself_among_the_nodes_and_only_to_administrators()
    {
        await using var other = await StartOtherAsync();

        var here = (await Get("/api/cluster")).Is(HttpStatusCode.OK).Json;
        var there = (await GetOn(other, "/api/cluster", Administrator)).Is(HttpStatusCode.OK).Json;

        var (thisNode, otherNode) = (here["thisNode"]!.GetValue<int>(), there["thisNode"]!.GetValue<int>());
        Assert.NotEqual(thisNode, otherNode);
        foreach (var view in new[] { here, there })
        {
            var nodes = view["nodes"]!.AsArray().Select(n => n!["number"]!.GetValue<int>()).ToList();
            Assert.Contains(thisNode, nodes);
            Assert.Contains(otherNode, nodes);
        }

        (await Get("/api/cluster", InspectorNamed(Inspector))).IsProblem(HttpStatusCode.Forbidden, "forbidden");
        (await GetOn(other, "/api/cluster", InspectorNamed(Inspector))).IsProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_batch_of_labels_issued_through_one_instance_is_held_in_the_others_memory_within_a_second_before_anyone_asks_there()
    {
        await using var other = await StartOtherAsync();
        var fileId = await ACertifiedFile();
        var codes = (await IssueLabels(fileId, 4, 50)).Is(HttpStatusCode.Created).Json["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var index = other.Services.GetRequiredService<LabelIndex>();

        await ReachesTheOther("label batch", () => Task.FromResult(codes.Count(c => index.TryGet(c, out _))), held => held == codes.Count);
        Assert.Equal("valid", await StatusOn(other, codes[^1]));
    }

    [Fact]
    public async Task While_the_change_listener_beats_a_certificate_held_is_answered_from_memory_as_current_as_its_last_beat()
    {
        await using var other = await StartOtherAsync();
        var (fileId, code, _) = await ALabelSeenByTheOther(other);
        var before = await LabelOn(other, code);

        // The stored state changes behind the service's back (no notification): only a read of the
        // database would show it, so the answers below show that the other instance did not read it.
        var store = other.Services.GetRequiredService<Marten.IDocumentStore>();
        var table = ((Marten.IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(OvopQuality.Api.Labels.PublicCertificate)).TableName.QualifiedName;
        await using (var database = Npgsql.NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("ConnectionStrings__Ovop")!))
        await using (var tamper = database.CreateCommand($"update {table} set data = jsonb_set(data, '{{productName,en}}', '\"Changed without notice\"') where id = $1"))
        {
            tamper.Parameters.AddWithValue(fileId);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        var beat = App.Clock.GetUtcNow();

        // Within a beat or two (a second each), the state held is vouched for as of the beat: every
        // change committed before it would have been heard, and none was announced.
        var watch = Stopwatch.StartNew();
        var answer = await LabelOn(other, code);
        while (answer["stateReadAt"]!.GetValue<DateTimeOffset>() != beat && watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            answer = await LabelOn(other, code);
        }

        Assert.Equal(beat, answer["stateReadAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(before["stateReadAt"]!.GetValue<DateTimeOffset>().AddMinutes(1), answer["stateReadAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(before["productName"]!["en"]!.GetValue<string>(), answer["productName"]!["en"]!.GetValue<string>());
        Assert.Equal("valid", answer["status"]!.GetValue<string>());
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

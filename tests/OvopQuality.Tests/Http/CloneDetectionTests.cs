using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OvopQuality.Api.Labels.Scans;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Clone signals: raised by the scans for staff, never shown to the public until an officer
/// confirms them; dismissed or lifted with who and why; a client counts once.
/// </summary>
public class CloneDetectionTests(AppFixture app) : CertificationTest(app)
{
    private static readonly CloneSettings Settings = new();

    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private const string Dushanbe = "lat=38.56&lon=68.79";
    private const string Moscow = "lat=55.75&lon=37.62";

    [Fact]
    public void Scans_far_apart_by_different_clients_within_a_day_are_a_clone_signal_and_one_clients_positions_prove_nothing()
    {
        (DateTimeOffset, double?, double?, string) dushanbe = (Noon, 38.6, 68.8, "a"), khujand = (Noon.AddHours(3), 40.3, 69.6, "b"), moscow = (Noon.AddHours(5), 55.8, 37.6, "c");

        Assert.Null(ScanRecords.Weigh([dushanbe, khujand], Settings));
        Assert.Equal(CloneSignal.FarApart, ScanRecords.Weigh([dushanbe, khujand, moscow], Settings)!.Value.Signal);
        Assert.Null(ScanRecords.Weigh([dushanbe, moscow with { Item4 = "a" }], Settings));
        Assert.Null(ScanRecords.Weigh([dushanbe, (Noon.AddHours(1), null, null, "b")], Settings));
    }

    [Fact]
    public void Far_more_clients_than_one_unit_meets_is_a_clone_signal_and_one_client_scanning_often_is_not()
    {
        Assert.Equal(CloneSignal.TooOften,
            ScanRecords.Weigh([.. Enumerable.Range(0, 26).Select(i => (Noon.AddMinutes(i), (double?)null, (double?)null, "client-" + i))], Settings)!.Value.Signal);
        Assert.Null(ScanRecords.Weigh([.. Enumerable.Range(0, 200).Select(i => (Noon.AddMinutes(i), (double?)null, (double?)null, "one-client"))], Settings));
    }

    [Fact]
    public void The_box_a_codes_positions_span_never_understates_how_far_apart_two_of_them_are()
    {
        var random = new Random(17);
        for (var i = 0; i < 10_000; i++)
        {
            double Latitude() => (random.NextDouble() * 160) - 80;
            double Longitude() => (random.NextDouble() * 360) - 180;
            var (lat1, lat2, lon1, lon2) = (Latitude(), Latitude(), Longitude(), Longitude());

            var bound = ScanRecords.MostKilometresApart(Math.Min(lat1, lat2), Math.Max(lat1, lat2), Math.Min(lon1, lon2), Math.Max(lon1, lon2));

            Assert.True(ScanRecords.Kilometres(lat1, lon1, lat2, lon2) <= bound + 1e-6, $"({lat1}, {lon1}) – ({lat2}, {lon2})");
        }
    }

    [Fact]
    public void A_position_is_kept_only_to_a_tenth_of_a_degree_and_a_client_only_as_a_keyed_hash_of_its_network()
    {
        Assert.Equal((38.6, 68.8), ScanRecords.Coarse(38.5598, 68.7864));

        var clients = App.Host.Services.GetRequiredService<OvopQuality.Api.Access.ClientPseudonyms>();
        var name = clients.NameOf(IPAddress.Parse("203.0.113.7"))!;
        Assert.Equal(16, name.Length);
        Assert.DoesNotContain("203", name, StringComparison.Ordinal);
        Assert.Equal(name, clients.NameOf(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.Equal(clients.NameOf(IPAddress.Parse("2001:db8:1:2::1")), clients.NameOf(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(clients.NameOf(IPAddress.Parse("2001:db8:1:2::1")), clients.NameOf(IPAddress.Parse("2001:db8:1:3::1")));
    }

    private async Task<string> ALabel()
    {
        var fileId = await ACertifiedFile();
        return (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
    }

    /// <summary>An anonymous verification from a given address, as a phone somewhere would make it.</summary>
    private async Task<JsonNode> ScanFrom(string address, string code, string? position = null)
    {
        var result = await App.Host.Scenario(s =>
        {
            s.Get.Url($"/api/labels/{code}" + (position is null ? "" : "?" + position));
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
            s.StatusCodeShouldBe(HttpStatusCode.OK);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    /// <summary>What a phone is told for the signed statement it scanned from the label's QR code.</summary>
    private async Task<JsonNode> VerifyScanned(string code)
    {
        var token = (await GetAnonymously($"/api/labels/{code}/token")).Is(HttpStatusCode.OK).Json["token"]!.GetValue<string>();
        return (await Send(HttpMethod.Post, "/api/labels/verification", System.Net.Http.Json.JsonContent.Create(new { token }), null)).Is(HttpStatusCode.OK).Json;
    }

    /// <summary>Scans are weighed in batches off the request path: the signal on the code once the batch had its moment.</summary>
    private async Task<JsonNode?> SignalOn(string code, string status = "raised")
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var signals = (await Get($"/api/clone-signals?status={status}&limit=500")).Is(HttpStatusCode.OK).Json["items"]!.AsArray();
            if (signals.FirstOrDefault(s => s!["code"]!.GetValue<string>() == code) is { } found)
            {
                return found;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        return null;
    }

    private Task<Reply> Decide(JsonNode signal, string step, long version, User? user = null) =>
        Post($"/api/clone-signals/{signal["id"]}/{step}", new { expectedVersion = version, reason = "Checked with the exporter in Moscow" }, user ?? OfficerNamed(Officer));

    [Fact]
    public async Task Two_lookups_far_apart_raise_a_signal_for_staff_that_reaches_the_public_only_once_an_officer_confirms_it_and_leaves_it_once_lifted()
    {
        var code = await ALabel();
        await ScanFrom("198.51.100.10", code, Dushanbe);
        App.Clock.Advance(TimeSpan.FromHours(4));
        await ScanFrom("203.0.113.20", code, Moscow);

        var signal = await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised");
        Assert.Equal("farApart", signal["evidence"]!["signal"]!.GetValue<string>());
        var label = (await GetAnonymously($"/api/labels/{code}")).Json;
        Assert.Equal(label["certificateNumber"]!.GetValue<string>(), signal["label"]!["certificateNumber"]!.GetValue<string>());
        Assert.Equal("LOT-2026-03-A", signal["label"]!["lot"]!.GetValue<string>());
        Assert.Equal(signal["label"]!.ToJsonString(), (await Get($"/api/clone-signals/{signal["id"]}")).Json["label"]!.ToJsonString());
        Assert.Equal(2, signal["evidence"]!["distinctClients"]!.GetValue<int>());
        Assert.Equal(2, signal["evidence"]!["recent"]!.AsArray().Count);
        Assert.Contains(signal["evidence"]!["recent"]!.AsArray(), s => s!["latitude"]!.GetValue<double>() == 55.8);
        Assert.DoesNotContain("198.51.100.10", signal.ToJsonString(), StringComparison.Ordinal);

        Assert.Null((await ScanFrom("198.51.100.30", code))["warning"]);
        Assert.DoesNotContain("Copies of this label", (await GetAnonymously($"/l/{code}")).Body, StringComparison.Ordinal);

        Assert.Null((await VerifyScanned(code))["label"]!["warning"]);

        App.Clock.Advance(TimeSpan.FromHours(1));
        var confirmedAt = App.Clock.GetUtcNow();
        (await Decide(signal, "confirmation", 1)).Is(HttpStatusCode.OK);
        var warned = await ScanFrom("198.51.100.31", code);
        Assert.Contains("Copies of this label may be in circulation", warned["warning"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(confirmedAt, warned["warningConfirmedAt"]!.GetValue<DateTimeOffset>());
        Assert.Contains("Copies of this label", (await VerifyScanned(code))["label"]!["warning"]!.GetValue<string>(), StringComparison.Ordinal);
        var page = (await GetAnonymously($"/l/{code}")).Body;
        Assert.Contains("Copies of this label", page, StringComparison.Ordinal);
        Assert.Contains($"since {confirmedAt:yyyy-MM-dd}", page, StringComparison.Ordinal);

        // Another instance, or this one restarted, learns the confirmation from the database.
        using var elsewhere = new CloneWatch();
        var refresh = new CloneWatchRefresh(App.Host.Services.GetRequiredService<Marten.IDocumentStore>(), elsewhere, Settings, App.Clock, NullLogger<CloneWatchRefresh>.Instance);
        await refresh.StartAsync(TestContext.Current.CancellationToken);
        await refresh.StopAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(elsewhere.WarningFor(code));

        (await Decide(signal, "lifting", 2)).Is(HttpStatusCode.OK);
        var lookedUp = await ScanFrom("198.51.100.32", code);
        Assert.Null(lookedUp["warning"]);
        Assert.Null(lookedUp["warningConfirmedAt"]);
        Assert.Null((await VerifyScanned(code))["label"]!["warning"]);
        Assert.DoesNotContain("Copies of this label", (await GetAnonymously($"/l/{code}")).Body, StringComparison.Ordinal);
        var lifted = (await Get($"/api/clone-signals/{signal["id"]}")).Json;
        Assert.Equal("lifted", lifted["status"]!.GetValue<string>());
        Assert.Equal(["raised", "confirmed", "lifted"], lifted["steps"]!.AsArray().Select(s => s!["step"]!.GetValue<string>()));
        Assert.Equal(Officer, lifted["steps"]![2]!["by"]!.GetValue<string>());
        Assert.Equal("Checked with the exporter in Moscow", lifted["steps"]![2]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_dismissed_signal_is_closed_with_who_and_why_and_the_scans_it_rested_on_never_raise_it_again()
    {
        var code = await ALabel();
        await ScanFrom("198.51.100.40", code, Dushanbe);
        await ScanFrom("203.0.113.41", code, Moscow);
        var signal = await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised");

        (await Decide(signal, "dismissal", 1)).Is(HttpStatusCode.OK);
        (await Decide(signal, "confirmation", 2)).IsProblem(HttpStatusCode.Conflict, "clone-signal-dismissed");
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        await ScanFrom("198.51.100.42", code, Dushanbe);
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.Null(await SignalOn(code, "raised"));
        var dismissed = (await Get($"/api/clone-signals/{signal["id"]}")).Json;
        Assert.Equal(("dismissed", Officer), (dismissed["status"]!.GetValue<string>(), dismissed["steps"]![1]!["by"]!.GetValue<string>()));

        // New evidence after the dismissal raises a new signal.
        await ScanFrom("203.0.113.43", code, Moscow);
        Assert.NotEqual(signal["id"]!.GetValue<Guid>(), (await SignalOn(code))?["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task One_client_scanning_a_hundred_times_raises_nothing_and_many_different_clients_raise_a_signal()
    {
        var code = await ALabel();
        for (var scan = 0; scan < 100; scan++)
        {
            await ScanFrom("198.51.100.50", code);
        }

        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.Null(await SignalOn(code));

        for (var client = 1; client <= Settings.MaximumScans + 1; client++)
        {
            await ScanFrom($"203.0.113.{client}", code);
        }

        var signal = await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised");
        Assert.Equal("tooOften", signal["evidence"]!["signal"]!.GetValue<string>());
        Assert.Equal(Settings.MaximumScans + 2, signal["evidence"]!["distinctClients"]!.GetValue<int>());
    }

    [Fact]
    public async Task Only_a_certification_officer_decides_a_signal_with_a_reason_and_the_version_read_and_bad_requests_get_problems()
    {
        var code = await ALabel();
        await ScanFrom("198.51.100.60", code, Dushanbe);
        await ScanFrom("203.0.113.61", code, Moscow);
        var signal = await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised");

        (await Decide(signal, "confirmation", 1, ProducerOf("TJ-P-000001"))).IsProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Decide(signal, "confirmation", 1, InspectorNamed(Inspector))).IsProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Send(HttpMethod.Post, $"/api/clone-signals/{signal["id"]}/confirmation", System.Net.Http.Json.JsonContent.Create(new { expectedVersion = 1, reason = "x" }), null))
            .IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await GetAnonymously("/api/clone-signals")).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await Decide(signal, "confirmation", 1, Administrator)).IsProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Post($"/api/clone-signals/{signal["id"]}/dismissal", new { expectedVersion = 1, reason = " " }, OfficerNamed(Officer))).IsInvalid("reason");
        (await Decide(signal, "confirmation", 7)).IsProblem(HttpStatusCode.Conflict, "stale-version");
        (await Decide(signal, "lifting", 1)).IsProblem(HttpStatusCode.Conflict, "clone-signal-raised");
        (await Get("/api/clone-signals?limit=0")).IsInvalid("limit");
        (await Get("/api/clone-signals?cursor=garbage")).IsInvalid("cursor");
        (await Get($"/api/clone-signals/{Guid.NewGuid()}")).IsProblem(HttpStatusCode.NotFound, "clone-signal-not-found");
        Assert.Null((await ScanFrom("198.51.100.62", code))["warning"]);
    }

    [Fact]
    public async Task The_evidence_lists_each_client_at_each_place_once_with_how_often_and_only_its_latest_places()
    {
        var code = await ALabel();
        for (var place = 0; place < 15; place++)
        {
            await ScanFrom("198.51.100.70", code, $"lat={-70 + (place * 8)}&lon={-170 + (place * 20)}");
            App.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        for (var again = 0; again < 5; again++)
        {
            await ScanFrom("198.51.100.70", code, Dushanbe);
            App.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await ScanFrom("203.0.113.71", code, Moscow);

        var evidence = (await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised"))["evidence"]!;
        Assert.Equal((21, 2), (evidence["scans"]!.GetValue<int>(), evidence["distinctClients"]!.GetValue<int>()));
        var places = evidence["recent"]!.AsArray();
        Assert.Equal(ScanRecords.PlacesPerClient + 1, places.Count);
        var dushanbe = Assert.Single(places, p => p!["latitude"]!.GetValue<double>() == 38.6);
        Assert.Equal(5, dushanbe!["times"]!.GetValue<int>());
        Assert.Equal(TimeSpan.FromMinutes(4), dushanbe["at"]!.GetValue<DateTimeOffset>() - dushanbe["firstAt"]!.GetValue<DateTimeOffset>());
        Assert.DoesNotContain(places, p => p!["latitude"]!.GetValue<double>() == -70);
    }

    [Fact]
    public async Task An_instance_that_has_not_yet_heard_of_a_dismissal_made_elsewhere_does_not_raise_the_dismissed_scans_again()
    {
        var code = await ALabel();
        await ScanFrom("198.51.100.80", code, Dushanbe);
        await ScanFrom("203.0.113.81", code, Moscow);
        var signal = await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised");
        (await Decide(signal, "dismissal", 1)).Is(HttpStatusCode.OK);
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        // Another instance, whose memory has not yet read the dismissal, weighs a new scan of the code.
        using var elsewhere = new CloneWatch();
        await WeighElsewhere(elsewhere, new LabelScanned(code, App.Clock.GetUtcNow(), 38.6, 68.8, "client-c"));
        Assert.Null(await SignalOn(code, "raised"));

        // Scans after the dismissal are new evidence, there too.
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await WeighElsewhere(elsewhere, new LabelScanned(code, App.Clock.GetUtcNow(), 55.8, 37.6, "client-d"));
        var raised = await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised on the new scans");
        Assert.NotEqual(signal["id"]!.GetValue<Guid>(), raised["id"]!.GetValue<Guid>());
        Assert.Equal(2, raised["evidence"]!["distinctClients"]!.GetValue<int>());
    }

    [Fact]
    public async Task Two_instances_weighing_far_apart_scans_of_one_code_at_the_same_moment_raise_one_signal()
    {
        var services = App.Host.Services;
        var store = services.GetRequiredService<Marten.IDocumentStore>();
        for (var round = 0; round < 5; round++)
        {
            // A copied label scanned in Dushanbe and in Moscow: each instance got one of the scans and
            // weighs both (the other's scan is already stored) at the same moment.
            var code = await ALabel();
            var now = App.Clock.GetUtcNow();
            await WeighElsewhere(new CloneWatch(), new LabelScanned(code, now, 38.6, 68.8, "client-a"));
            using var together = new Barrier(2);
            await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
            {
                using var watch = new CloneWatch();
                await using var session = store.LightweightSession();
                together.SignalAndWait(TestContext.Current.CancellationToken);
                await LabelScannedHandler.Handle([new LabelScanned(code, now.AddSeconds(1 + i), 55.8, 37.6, "client-b" + i)],
                    services.GetRequiredService<Npgsql.NpgsqlDataSource>(), session, watch, Settings,
                    services.GetRequiredService<OvopQuality.Api.Infrastructure.OvopMetrics>(), App.Clock, TestContext.Current.CancellationToken);
                await session.SaveChangesAsync(TestContext.Current.CancellationToken);
            })));

            await using var query = store.QuerySession();
            var signals = await Marten.QueryableExtensions.CountAsync(query.Query<CloneSignalCase>().Where(c => c.Code == code), TestContext.Current.CancellationToken);
            Assert.True(signals == 1, $"round {round}: {signals} signals raised on one code");
        }
    }

    private async Task WeighElsewhere(CloneWatch watch, params LabelScanned[] scans)
    {
        var services = App.Host.Services;
        await using var session = services.GetRequiredService<Marten.IDocumentStore>().LightweightSession();
        await LabelScannedHandler.Handle(scans, services.GetRequiredService<Npgsql.NpgsqlDataSource>(), session, watch, Settings, services.GetRequiredService<OvopQuality.Api.Infrastructure.OvopMetrics>(), App.Clock,
            TestContext.Current.CancellationToken);
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Another_instance_learns_a_confirmation_committed_late_or_by_an_instance_whose_clock_is_behind()
    {
        var code = await ALabel();
        await ScanFrom("198.51.100.90", code, Dushanbe);
        await ScanFrom("203.0.113.91", code, Moscow);
        var signal = await SignalOn(code) ?? throw new InvalidOperationException("no signal was raised");

        // The other instance has read a signal raised an hour later already.
        App.Clock.Advance(TimeSpan.FromHours(1));
        var later = await ALabel();
        await ScanFrom("198.51.100.92", later, Dushanbe);
        await ScanFrom("203.0.113.93", later, Moscow);
        _ = await SignalOn(later) ?? throw new InvalidOperationException("no signal was raised");
        using var elsewhere = new CloneWatch();
        var refresh = new CloneWatchRefresh(
            App.Host.Services.GetRequiredService<Marten.IDocumentStore>(), elsewhere, new CloneSettings { RefreshSeconds = 0.2 }, App.Clock, NullLogger<CloneWatchRefresh>.Instance);
        await refresh.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            Assert.Null(elsewhere.WarningFor(code));

            // Confirmed by an instance whose clock is 30 seconds behind the one that reads.
            App.Clock.Advance(TimeSpan.FromSeconds(-30));
            (await Decide(signal, "confirmation", 1)).Is(HttpStatusCode.OK);
            App.Clock.Advance(TimeSpan.FromSeconds(30));

            for (var attempt = 0; attempt < 25 && elsewhere.WarningFor(code) is null; attempt++)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            Assert.NotNull(elsewhere.WarningFor(code));
        }
        finally
        {
            await refresh.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}

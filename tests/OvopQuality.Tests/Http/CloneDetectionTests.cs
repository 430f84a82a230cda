using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Labels.Scans;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class CloneDetectionTests(AppFixture app) : CertificationTest(app)
{
    private static readonly CloneSettings Settings = new();

    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Scans_far_apart_within_a_day_are_a_clone_signal_and_nearby_ones_are_not()
    {
        (DateTimeOffset, double?, double?) dushanbe = (Noon, 38.6, 68.8), khujand = (Noon.AddHours(3), 40.3, 69.6), moscow = (Noon.AddHours(5), 55.8, 37.6);

        Assert.Null(CloneWatch.Weigh([dushanbe, khujand], Settings));
        Assert.Equal(CloneSignal.FarApart, CloneWatch.Weigh([dushanbe, khujand, moscow], Settings)!.Value.Signal);
        Assert.Null(CloneWatch.Weigh([dushanbe, (Noon.AddHours(1), null, null)], Settings));
    }

    [Fact]
    public void Far_more_scans_than_one_unit_gets_is_a_clone_signal() =>
        Assert.Equal(CloneSignal.TooOften, CloneWatch.Weigh([.. Enumerable.Range(0, 26).Select(i => (Noon.AddMinutes(i), (double?)null, (double?)null))], Settings)!.Value.Signal);

    [Fact]
    public void The_box_a_codes_positions_span_never_understates_how_far_apart_two_of_them_are()
    {
        var random = new Random(17);
        for (var i = 0; i < 10_000; i++)
        {
            double Latitude() => (random.NextDouble() * 160) - 80;
            double Longitude() => (random.NextDouble() * 360) - 180;
            var (lat1, lat2, lon1, lon2) = (Latitude(), Latitude(), Longitude(), Longitude());

            var bound = CloneWatch.MostKilometresApart(Math.Min(lat1, lat2), Math.Max(lat1, lat2), Math.Min(lon1, lon2), Math.Max(lon1, lon2));

            Assert.True(CloneWatch.Kilometres(lat1, lon1, lat2, lon2) <= bound + 1e-6, $"({lat1}, {lon1}) – ({lat2}, {lon2})");
        }
    }

    [Fact]
    public void A_position_is_kept_only_to_a_tenth_of_a_degree() =>
        Assert.Equal((38.6, 68.8), CloneWatch.Coarse(38.5598, 68.7864));

    [Fact]
    public async Task A_label_scanned_far_more_often_than_one_unit_is_raises_an_alert()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["value"]!["codes"]![0]!.GetValue<string>();

        for (var scan = 0; scan <= Settings.MaximumScans; scan++)
        {
            (await GetAnonymously($"/api/labels/{code}")).Is(HttpStatusCode.OK);
        }

        Assert.Contains("scans within 24 hours", await WarningOnceWeighed(code), StringComparison.Ordinal);
        await AssertAlerted(code, "tooOften");
    }

    [Fact]
    public async Task A_label_scanned_in_dushanbe_and_in_moscow_the_same_day_raises_an_alert_and_then_verifies_with_a_warning()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["value"]!["codes"]![0]!.GetValue<string>();

        (await GetAnonymously($"/api/labels/{code}?lat=38.56&lon=68.79")).Is(HttpStatusCode.OK);
        App.Clock.Advance(TimeSpan.FromHours(4));
        (await GetAnonymously($"/api/labels/{code}?lat=55.75&lon=37.62")).Is(HttpStatusCode.OK);

        Assert.Contains("km apart", await WarningOnceWeighed(code), StringComparison.Ordinal);
        await AssertAlerted(code, "farApart");

        // Another instance, or this one after a restart, knows the alert before any new scan.
        var restarted = new CloneWatch();
        await new CloneAlertsOnStartup(App.Host.Services.GetRequiredService<Marten.IDocumentStore>(), restarted).StartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(CloneSignal.FarApart, restarted.AlertFor(code)?.Signal);
    }

    /// <summary>Scans are weighed in batches off the request path: the warning a verification carries once the batch had its moment.</summary>
    private async Task<string?> WarningOnceWeighed(string code)
    {
        string? warning = null;
        for (var attempt = 0; attempt < 50 && warning is null; attempt++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            warning = (await GetAnonymously($"/api/labels/{code}")).Json["warning"]?.GetValue<string>();
        }

        return warning;
    }

    private async Task AssertAlerted(string code, string signal)
    {
        var alerts = (await Get("/api/clone-alerts")).Is(HttpStatusCode.OK).Json.AsArray();
        Assert.Contains(alerts, a => a!["id"]!.GetValue<string>() == code && a["signal"]!.GetValue<string>() == signal);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>The programme in figures for the ministry; measured as differences, since the run shares one database.</summary>
public class StatisticsTests(AppFixture app) : CertificationTest(app)
{
    private static readonly User Ministry = new("ministry-analyst", Api.Access.Roles.Ministry);

    private async Task<JsonNode> Statistics(string query = "") => (await Get("/api/statistics" + query, Ministry)).Is(HttpStatusCode.OK).Json;

    private static int At(JsonNode node, string path) =>
        path.Split('.').Aggregate(node, (n, key) => n[key] ?? throw new Xunit.Sdk.XunitException($"{path}: no {key} in {n.ToJsonString()}")).GetValue<int>();

    [Fact]
    public async Task A_grant_a_batch_of_labels_and_a_suspension_move_the_figures_the_ministry_reads()
    {
        var before = await Statistics();

        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 30)).Is(HttpStatusCode.Created);
        var granted = await Statistics();

        Assert.Equal(1, At(granted, "certificates.granted") - At(before, "certificates.granted"));
        Assert.Equal(1, At(granted, "certificates.byStanding.by.valid") - At(before, "certificates.byStanding.by.valid"));
        Assert.Equal(1, At(granted, "certificates.validByRegion.by.sughd") - At(before, "certificates.validByRegion.by.sughd"));
        Assert.Equal(1, At(granted, "certificates.validByCategory.by.driedFruit") - At(before, "certificates.validByCategory.by.driedFruit"));
        Assert.Equal(1, At(granted, "certificates.validByStandard.OVOP-DF") - At(before, "certificates.validByStandard.OVOP-DF"));
        Assert.Equal(30, granted["labelsIssued"]!.GetValue<long>() - before["labelsIssued"]!.GetValue<long>());
        Assert.Equal(1, At(granted, "producersByRegion.total") - At(before, "producersByRegion.total"));

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        var suspended = await Statistics();

        Assert.Equal(-1, At(suspended, "certificates.byStanding.by.valid") - At(granted, "certificates.byStanding.by.valid"));
        Assert.Equal(1, At(suspended, "certificates.byStanding.by.suspended") - At(granted, "certificates.byStanding.by.suspended"));
        Assert.Equal(At(granted, "certificates.granted"), At(suspended, "certificates.granted"));
    }

    [Fact]
    public async Task Figures_as_of_an_earlier_instant_leave_out_what_came_after()
    {
        var earlier = App.Clock.GetUtcNow().AddHours(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var before = await Statistics("?at=" + Uri.EscapeDataString(earlier));

        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 5)).Is(HttpStatusCode.Created);
        var after = await Statistics("?at=" + Uri.EscapeDataString(earlier));

        Assert.Equal(At(before, "certificates.granted"), At(after, "certificates.granted"));
        Assert.Equal(before["labelsIssued"]!.GetValue<long>(), after["labelsIssued"]!.GetValue<long>());
        Assert.Equal(At(before, "producersByRegion.total"), At(after, "producersByRegion.total"));
    }

    [Fact]
    public async Task An_instant_that_is_not_one_is_a_400_naming_it() =>
        (await Get("/api/statistics?at=last-tuesday", Ministry)).IsInvalid("at");
}

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
    public async Task A_file_suspended_after_an_instant_counts_as_certified_at_that_instant_and_suspended_now()
    {
        var instant = "?at=" + Uri.EscapeDataString(App.Clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var thenBefore = await Statistics(instant);

        var fileId = await ACertifiedFile();
        var thenCertified = await Statistics(instant);
        App.Clock.Advance(TimeSpan.FromHours(1));
        var nowCertified = await Statistics();
        (await Suspend(fileId, 4)).Is(HttpStatusCode.OK);
        var thenSuspended = await Statistics(instant);
        var nowSuspended = await Statistics();

        Assert.Equal(1, At(thenCertified, "filesByStatus.by.certified") - At(thenBefore, "filesByStatus.by.certified"));
        Assert.Equal(1, At(thenCertified, "filesByStatus.total") - At(thenBefore, "filesByStatus.total"));
        Assert.Equal(At(thenCertified, "filesByStatus.by.certified"), At(thenSuspended, "filesByStatus.by.certified"));
        Assert.Equal(At(thenCertified, "filesByStatus.by.suspended"), At(thenSuspended, "filesByStatus.by.suspended"));
        Assert.Equal(-1, At(nowSuspended, "filesByStatus.by.certified") - At(nowCertified, "filesByStatus.by.certified"));
        Assert.Equal(1, At(nowSuspended, "filesByStatus.by.suspended") - At(nowCertified, "filesByStatus.by.suspended"));
    }

    [Fact]
    public async Task A_file_applied_for_after_an_instant_is_not_counted_at_that_instant()
    {
        var instant = "?at=" + Uri.EscapeDataString(App.Clock.GetUtcNow().AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var before = await Statistics(instant);

        await AnApplication();

        Assert.Equal(At(before, "filesByStatus.total"), At(await Statistics(instant), "filesByStatus.total"));
    }

    [Fact]
    public void Every_fact_of_a_file_says_when_it_was_recorded()
    {
        foreach (var type in Api.Certification.CertificationFileEvents.All)
        {
            var fact = (Api.Certification.IFileEvent)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
            Assert.Equal(default, Api.Statistics.FilesAt.RecordedAt(fact));
        }
    }

    [Fact]
    public async Task District_counts_rise_for_a_new_producer_and_a_new_certificate_under_the_first_spelling()
    {
        var district = "Ghafurov-" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var before = await Statistics();
        Assert.Equal(0, DistrictCount(before["producersByDistrict"]!, "sughd", district));

        var first = await AProducerIn(district);
        await AProducerIn("  " + district.ToUpperInvariant() + " ");
        var registered = await Statistics();

        Assert.Equal(2, DistrictCount(registered["producersByDistrict"]!, "sughd", district));
        Assert.DoesNotContain(registered["producersByDistrict"]!.AsArray(), d => d!["district"]!.GetValue<string>() != district && d["district"]!.GetValue<string>().Contains(district, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, DistrictCount(registered["certificates"]!["validByDistrict"]!, "sughd", district));

        await ACertifiedFileOf(first);
        var certified = await Statistics();

        Assert.Equal(1, DistrictCount(certified["certificates"]!["validByDistrict"]!, "sughd", district));
        Assert.Equal(2, DistrictCount(certified["producersByDistrict"]!, "sughd", district));
        var earlier = "?at=" + Uri.EscapeDataString(App.Clock.GetUtcNow().AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, DistrictCount((await Statistics(earlier))["producersByDistrict"]!, "sughd", district));
    }

    private static int DistrictCount(JsonNode list, string region, string district) =>
        list.AsArray()
            .Where(d => d!["region"]!.GetValue<string>() == region && d["district"]!.GetValue<string>() == district)
            .Select(d => d!["count"]!.GetValue<int>())
            .SingleOrDefault();

    private async Task<(Guid ProducerId, Guid ProductId)> AProducerIn(string district)
    {
        var body = new
        {
            legalName = new { tg = "Кооперативи «Ғафуров»", ru = "Кооператив «Гафуров»", en = "Ghafurov Cooperative" },
            taxId = NewTaxId(),
            address = new { region = "sughd", district, village = "Unji" },
            contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234" },
        };
        var producer = (await Post("/api/producers", body)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var product = (await Post($"/api/producers/{producer}/products", ApricotsBody(1))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return (producer, product);
    }

    private async Task<Guid> ACertifiedFileOf((Guid ProducerId, Guid ProductId) producer)
    {
        var fileId = (await Post("/api/certifications", ApplicationBody(producer.ProducerId, producer.ProductId))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2)).Is(HttpStatusCode.OK);
        (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK);
        return fileId;
    }

    private async Task<JsonArray> Series(string query) =>
        (await Get("/api/statistics/series" + query, Ministry)).Is(HttpStatusCode.OK).Json["points"]!.AsArray();

    private static int Point(JsonArray points, string period, string figure) =>
        points.Single(p => p!["period"]!.GetValue<string>() == period)![figure]!.GetValue<int>();

    [Fact]
    public async Task The_series_counts_a_grant_in_its_month_and_a_suspension_at_the_end_of_the_month_it_took_effect()
    {
        const string months = "?from=2026-01&to=2026-04";
        var april = new DateTimeOffset(2026, 4, 10, 9, 0, 0, TimeSpan.Zero);
        App.Clock.Set(april);
        var before = await Series(months);

        App.Clock.Set(AppFixture.Start);
        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 12)).Is(HttpStatusCode.Created);
        App.Clock.Set(april);
        var granted = await Series(months);
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        var suspended = await Series(months);

        Assert.Equal(["2026-01", "2026-02", "2026-03", "2026-04"], granted.Select(p => p!["period"]!.GetValue<string>()));
        Assert.Equal("2026-03-31T23:59:59.999999+05:00", granted[2]!["end"]!.GetValue<string>());
        int Rise(JsonArray after, string period, string figure) => Point(after, period, figure) - Point(before, period, figure);
        Assert.Equal([0, 0, 1, 0], new[] { "2026-01", "2026-02", "2026-03", "2026-04" }.Select(m => Rise(granted, m, "certificatesGranted")));
        Assert.Equal(12, Rise(granted, "2026-03", "labelsIssued"));
        Assert.Equal(1, Rise(granted, "2026-03", "producersRegistered"));
        Assert.Equal(0, Rise(granted, "2026-02", "validAtEnd"));
        Assert.Equal(1, Rise(granted, "2026-03", "validAtEnd"));
        Assert.Equal(1, Rise(granted, "2026-04", "validAtEnd"));

        Assert.Equal(1, Rise(suspended, "2026-03", "validAtEnd"));
        Assert.Equal(0, Rise(suspended, "2026-03", "suspendedAtEnd"));
        Assert.Equal(0, Rise(suspended, "2026-04", "validAtEnd"));
        Assert.Equal(1, Rise(suspended, "2026-04", "suspendedAtEnd"));
        Assert.Equal(1, Rise(suspended, "2026-03", "certificatesGranted"));
    }

    [Fact]
    public async Task Quarters_and_years_are_labelled_and_by_default_the_series_is_the_last_twelve_months()
    {
        var byDefault = await Series("");
        Assert.Equal(12, byDefault.Count);
        Assert.Equal("2026-03", byDefault[^1]!["period"]!.GetValue<string>());
        Assert.Equal("2025-04", byDefault[0]!["period"]!.GetValue<string>());

        var quarters = await Series("?from=2025-11&to=2026-03&interval=quarter");
        Assert.Equal(["2025-Q4", "2026-Q1"], quarters.Select(p => p!["period"]!.GetValue<string>()));
        Assert.Equal("2025-10-01T00:00:00+05:00", quarters[0]!["start"]!.GetValue<string>());

        var years = await Series("?from=2000-01&to=2119-12&interval=year");
        Assert.Equal(120, years.Count);
    }

    [Theory]
    [InlineData("?interval=week", "interval")]
    [InlineData("?from=2026-13", "from")]
    [InlineData("?from=March", "from")]
    [InlineData("?to=2026-03-01", "to")]
    [InlineData("?from=2026-04&to=2026-03", "from")]
    [InlineData("?from=2000-01&to=2026-03", "to")]
    [InlineData("?from=2000-01&to=2120-01&interval=year", "to")]
    public async Task A_bad_series_query_is_a_400_naming_the_field(string query, string field)
    {
        var reply = (await Get("/api/statistics/series" + query, Ministry)).IsProblem(HttpStatusCode.BadRequest, "invalid-input");
        Assert.NotNull(reply.Json["errors"]![field]);
    }

    [Fact]
    public async Task Inspectors_and_producers_may_not_read_the_figures()
    {
        (await Get("/api/statistics/series", InspectorNamed(Inspector))).Is(HttpStatusCode.Forbidden);
        (await Get("/api/statistics/series", ProducerOf("TJ-P-000001"))).Is(HttpStatusCode.Forbidden);
        (await Get("/api/statistics", InspectorNamed(Inspector))).Is(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_instant_that_is_not_one_is_a_400_naming_it() =>
        (await Get("/api/statistics?at=last-tuesday", Ministry)).IsInvalid("at");

    [Fact]
    public async Task A_bare_day_in_at_is_the_close_of_that_day_in_dushanbe()
    {
        var day = await Statistics("?at=2026-03-01");

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 19, 0, 0, TimeSpan.Zero).AddTicks(-1), day["asOf"]!.GetValue<DateTimeOffset>());
    }
}

using System.Net;
using System.Text.Json.Nodes;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Statistics;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// The programme in figures: the public figures anyone may read and the ministry's detail with its
/// CSV tables. The run shares one database, so most tests measure differences, or look for the one
/// certificate they made.
/// </summary>
public class FiguresTests(AppFixture app) : CertificationTest(app)
{
    private static readonly User Ministry = new("ministry-analyst", Api.Access.Roles.Ministry);

    private async Task<JsonNode> Public(string query = "") => (await GetAnonymously("/api/statistics/public" + query)).Is(HttpStatusCode.OK).Json;

    private async Task<JsonNode> Detail(string query = "") => (await Get("/api/statistics/detail" + query, Ministry)).Is(HttpStatusCode.OK).Json;

    private static int At(JsonNode node, string path) =>
        path.Split('.').Aggregate(node, (n, key) => n[key] ?? throw new Xunit.Sdk.XunitException($"{path}: no {key} in {n.ToJsonString()}")).GetValue<int>();

    private static int LastMonth(JsonNode figures, string figure) => figures["months"]!.AsArray()[^1]![figure]!.GetValue<int>();

    private static string Instant(DateTimeOffset instant) => "?at=" + Uri.EscapeDataString(instant.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Public_figures_move_when_a_file_is_certified_labelled_and_suspended()
    {
        var before = await Public();

        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 7)).Is(HttpStatusCode.Created);
        var certified = await Public();

        Assert.Equal(1, At(certified, "certificatesByStanding.by.valid") - At(before, "certificatesByStanding.by.valid"));
        Assert.Equal(1, At(certified, "certifiedProducersByRegion.by.sughd") - At(before, "certifiedProducersByRegion.by.sughd"));
        Assert.Equal(1, At(certified, "validByCategory.by.driedFruit") - At(before, "validByCategory.by.driedFruit"));
        Assert.Equal(1, SumOf(certified["validByStars"]!) - SumOf(before["validByStars"]!));
        Assert.Equal(1, At(certified, "applicationToDecision.count") - At(before, "applicationToDecision.count"));
        Assert.Equal(7, LastMonth(certified, "labelsIssued") - LastMonth(before, "labelsIssued"));
        Assert.Equal(1, LastMonth(certified, "certifiedProducers") - LastMonth(before, "certifiedProducers"));
        Assert.Equal(12, certified["months"]!.AsArray().Count);
        Assert.Equal("2026-03", certified["months"]!.AsArray()[^1]!["month"]!.GetValue<string>());

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        var suspended = await Public();

        Assert.Equal(-1, At(suspended, "certificatesByStanding.by.valid") - At(certified, "certificatesByStanding.by.valid"));
        Assert.Equal(1, At(suspended, "certificatesByStanding.by.suspended") - At(certified, "certificatesByStanding.by.suspended"));
        Assert.Equal(-1, At(suspended, "certifiedProducersByRegion.by.sughd") - At(certified, "certifiedProducersByRegion.by.sughd"));
        Assert.Equal(-1, LastMonth(suspended, "certifiedProducers") - LastMonth(certified, "certifiedProducers"));
    }

    [Fact]
    public async Task A_suspension_back_dated_into_an_earlier_month_takes_the_producer_out_of_that_months_figure_on()
    {
        App.Clock.Set(new DateTimeOffset(2026, 5, 10, 6, 0, 0, TimeSpan.Zero));
        var before = (await Public())["months"]!.AsArray();
        App.Clock.Set(AppFixture.Start);
        var fileId = await ACertifiedFile();
        App.Clock.Set(new DateTimeOffset(2026, 5, 10, 6, 0, 0, TimeSpan.Zero));
        var certified = (await Public())["months"]!.AsArray();
        (await Suspend(fileId, 4, new DateTimeOffset(2026, 4, 15, 0, 0, 0, TimeSpan.Zero))).Is(HttpStatusCode.OK);
        var suspended = (await Public())["months"]!.AsArray();
        (await Reinstate(fileId, 5)).Is(HttpStatusCode.OK);
        var reinstated = (await Public())["months"]!.AsArray();

        int Rise(JsonArray after, string month) => Month(after, month) - Month(before, month);
        static int Month(JsonArray months, string month) => months.Single(m => m!["month"]!.GetValue<string>() == month)!["certifiedProducers"]!.GetValue<int>();
        string[] spring = ["2026-02", "2026-03", "2026-04", "2026-05"];
        Assert.Equal([0, 1, 1, 1], spring.Select(m => Rise(certified, m)));
        Assert.Equal([0, 1, 0, 0], spring.Select(m => Rise(suspended, m)));
        Assert.Equal([0, 1, 0, 1], spring.Select(m => Rise(reinstated, m)));
    }

    private static int SumOf(JsonNode counts) => counts.AsObject().Sum(c => c.Value!.GetValue<int>());

    [Fact]
    public async Task A_complaint_received_and_resolved_is_counted_in_the_public_figures_without_its_words()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var before = await Public();

        const string description = "Mouldy apricots from Konibodom bazaar, sold as OVOP.";
        (await Send(HttpMethod.Post, "/api/complaints", System.Net.Http.Json.JsonContent.Create(new { category = "productQuality", description, labelCode = code }), null))
            .Is(HttpStatusCode.Created);
        var received = await Public();
        var id = (await Get("/api/complaints?limit=500")).Items.Single(c => c!["labelCode"]?.GetValue<string>() == code)!["id"]!.GetValue<Guid>();
        (await Get("/api/me", OfficerNamed("officer-sharipov"))).Is(HttpStatusCode.OK);
        (await Post($"/api/complaints/{id}/assignment", new { expectedVersion = 1, handler = "officer-sharipov" })).Is(HttpStatusCode.OK);
        (await Post($"/api/complaints/{id}/resolution", new { expectedVersion = 2, outcome = "notUpheld", answer = "Stored wet by the shop." }, OfficerNamed("officer-sharipov")))
            .Is(HttpStatusCode.OK);
        var resolved = await Public();

        Assert.Equal(1, At(received, "complaints.received") - At(before, "complaints.received"));
        Assert.Equal(0, At(received, "complaints.resolved") - At(before, "complaints.resolved"));
        Assert.Equal(1, LastMonth(received, "complaintsReceived") - LastMonth(before, "complaintsReceived"));
        Assert.Equal(1, At(resolved, "complaints.resolved") - At(received, "complaints.resolved"));
        Assert.Equal(1, LastMonth(resolved, "complaintsResolved") - LastMonth(received, "complaintsResolved"));
        Assert.DoesNotContain("Konibodom", resolved.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_figures_as_of_an_earlier_instant_leave_out_what_came_later()
    {
        var earlier = Instant(App.Clock.GetUtcNow().AddMinutes(-1));
        var before = await Public(earlier);

        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 3)).Is(HttpStatusCode.Created);
        var after = await Public(earlier);

        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        var day = await Public("?at=2026-01-15");
        Assert.Equal("2026-01", day["months"]!.AsArray()[^1]!["month"]!.GetValue<string>());
        Assert.Equal("2026-01-15T18:59:59.9999999+00:00", day["asOf"]!.GetValue<string>());
    }

    [Fact]
    public async Task Public_figures_name_no_producer_product_or_certificate_and_refuse_a_bad_day()
    {
        var fileId = await ACertifiedFile();
        var file = await File(fileId);
        var figures = (await GetAnonymously("/api/statistics/public")).Is(HttpStatusCode.OK).Body;

        Assert.DoesNotContain(file["producerNumber"]!.GetValue<string>(), figures, StringComparison.Ordinal);
        Assert.DoesNotContain(file["certificate"]!["number"]!.GetValue<string>(), figures, StringComparison.Ordinal);
        Assert.DoesNotContain("apricots", figures, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Isfara", figures, StringComparison.OrdinalIgnoreCase);
        (await GetAnonymously("/api/statistics/public?at=yesterday")).IsInvalid("at");
        (await GetAnonymously("/api/statistics/public?at=0001-01-01")).IsInvalid("at");
        (await GetAnonymously("/api/statistics/public?at=9999-12-31T23:59:59Z")).IsInvalid("at");
        (await GetAnonymously("/figures?at=9999-12-31")).IsInvalid("at");
        (await Get("/api/statistics/detail?at=0001-01-01T00:00:00Z", Ministry)).IsInvalid("at");
    }

    [Fact]
    public async Task While_two_computations_of_the_public_figures_are_under_way_a_third_is_told_to_come_back()
    {
        using (await PublicFiguresGate.EnterAsync(TestContext.Current.CancellationToken))
        using (await PublicFiguresGate.EnterAsync(TestContext.Current.CancellationToken))
        {
            var busy = (await GetAnonymously("/api/statistics/public")).IsProblem(HttpStatusCode.TooManyRequests, "figures-busy");
            Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
            (await GetAnonymously("/figures")).IsProblem(HttpStatusCode.TooManyRequests, "figures-busy");
            (await Get("/api/statistics/detail", Ministry)).Is(HttpStatusCode.OK);
        }

        (await GetAnonymously("/api/statistics/public")).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_certificate_expiring_within_90_days_with_no_renewal_is_flagged_until_a_renewal_is_filed()
    {
        var fileId = await ACertifiedFile();
        var file = await File(fileId);
        var number = file["certificate"]!["number"]!.GetValue<string>();
        var validUntil = DateOnly.Parse(file["certificate"]!["validUntil"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var warned = "?at=" + validUntil.AddDays(-45).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tooEarly = "?at=" + validUntil.AddDays(-120).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var expiring = (await Detail(warned))["expiring"]!.AsArray().Single(e => e!["certificateNumber"]!.GetValue<string>() == number)!;
        Assert.Equal(45, expiring["daysLeft"]!.GetValue<int>());
        Assert.Equal(file["producerNumber"]!.GetValue<string>(), expiring["producerNumber"]!.GetValue<string>());
        Assert.Equal("Dried apricots", expiring["productName"]!["en"]!.GetValue<string>());
        Assert.DoesNotContain((await Detail(tooEarly))["expiring"]!.AsArray(), e => e!["certificateNumber"]!.GetValue<string>() == number);

        var renewal = System.Text.Json.JsonSerializer.SerializeToNode(
            ApplicationBody(file["producerId"]!.GetValue<Guid>(), file["productId"]!.GetValue<Guid>()), AppFixture.Json)!;
        renewal["renewsCertificate"] = number;
        (await Post("/api/certifications", renewal)).Is(HttpStatusCode.Created);

        Assert.DoesNotContain((await Detail(warned))["expiring"]!.AsArray(), e => e!["certificateNumber"]!.GetValue<string>() == number);
        var beforeTheRenewal = Instant(App.Clock.GetUtcNow().AddTicks(-10));
        Assert.DoesNotContain((await Detail(beforeTheRenewal))["expiring"]!.AsArray(), e => e!["certificateNumber"]!.GetValue<string>() == number);
    }

    [Fact]
    public async Task Surveillance_shows_as_overdue_once_its_due_day_and_the_grace_period_have_passed()
    {
        var fileId = await ACertifiedFile();
        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();
        var dueOn = new DateOnly(2027, 3, 2);

        App.Clock.Set(new DateTimeOffset(2027, 3, 20, 6, 0, 0, TimeSpan.Zero));
        Assert.DoesNotContain((await Detail())["surveillanceOverdue"]!.AsArray(), o => o!["certificateNumber"]!.GetValue<string>() == number);

        App.Clock.Set(new DateTimeOffset(2027, 4, 15, 6, 0, 0, TimeSpan.Zero));
        var overdue = (await Detail())["surveillanceOverdue"]!.AsArray().Single(o => o!["certificateNumber"]!.GetValue<string>() == number)!;

        Assert.Equal(1, overdue["round"]!.GetValue<int>());
        Assert.Equal(dueOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), overdue["dueOn"]!.GetValue<string>());
        Assert.Equal(44, overdue["daysOverdue"]!.GetValue<int>());
        Assert.DoesNotContain((await Detail("?at=2026-12-31"))["surveillanceOverdue"]!.AsArray(), o => o!["certificateNumber"]!.GetValue<string>() == number);
    }

    [Fact]
    public async Task Lead_times_count_each_stage_a_file_went_through_in_days()
    {
        // Other tests' files were recorded on later days of the shared clock too, so each figure
        // is compared with the one read at the same instant before this file existed.
        var start = App.Clock.GetUtcNow();
        var inspected = start.AddDays(9);
        var labelled = start.AddDays(11);
        App.Clock.Set(inspected);
        var beforeInspection = (await Detail())["leadTimes"]!.AsArray();
        App.Clock.Set(labelled);
        var before = (await Detail())["leadTimes"]!.AsArray();
        App.Clock.Set(start);

        var fileId = await AnApplication();
        App.Clock.Advance(TimeSpan.FromDays(6));
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2)).Is(HttpStatusCode.OK);
        App.Clock.Set(inspected);
        var afterInspection = (await Detail())["leadTimes"]!.AsArray();
        (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK);
        App.Clock.Set(labelled);
        (await IssueLabels(fileId, 4, 2)).Is(HttpStatusCode.Created);
        var after = (await Detail())["leadTimes"]!.AsArray();

        int Count(JsonArray stages, string stage) => stages.Single(s => s!["stage"]!.GetValue<string>() == stage)!["count"]!.GetValue<int>();
        Assert.Equal(["applicationToInspection", "inspectionToDecision", "decisionToLabels", "applicationToDecision"], after.Select(s => s!["stage"]!.GetValue<string>()));
        Assert.Equal(1, Count(afterInspection, "applicationToInspection") - Count(beforeInspection, "applicationToInspection"));
        Assert.Equal(0, Count(afterInspection, "inspectionToDecision") - Count(beforeInspection, "inspectionToDecision"));
        Assert.Equal(1, Count(after, "inspectionToDecision") - Count(before, "inspectionToDecision"));
        Assert.Equal(1, Count(after, "decisionToLabels") - Count(before, "decisionToLabels"));
        Assert.Equal(1, Count(after, "applicationToDecision") - Count(before, "applicationToDecision"));
    }

    [Fact]
    public void Durations_give_mean_median_and_90th_percentile_in_days()
    {
        var figures = DurationFigures.Of([.. new[] { 1, 2, 3, 4, 10 }.Select(d => TimeSpan.FromDays(d))]);

        Assert.Equal(new DurationFigures(5, 4.0, 3.0, 7.6), figures);
        Assert.Equal(new DurationFigures(2, 1.5, 1.5, 1.9), DurationFigures.Of([TimeSpan.FromDays(1), TimeSpan.FromDays(2)]));
        Assert.Equal(new DurationFigures(0, null, null, null), DurationFigures.Of([]));
    }

    [Theory]
    [InlineData("Isfara", "Chorkuh", "Isfara")]
    [InlineData(" хуҷанд ", "", "Khujand")]
    [InlineData("Ghafurov", "Khorog", "Khorog")]
    [InlineData("Ghafurov", "Unji", null)]
    [InlineData("Куляб", "x", "Kulob")]
    public void A_city_is_the_district_or_village_the_address_names(string district, string village, string? city) =>
        Assert.Equal(city, Cities.Of(district, village));

    [Fact]
    public async Task Producers_are_counted_by_city_and_district_with_those_certified()
    {
        var before = await Detail();
        await ACertifiedFile();
        var after = await Detail();

        int City(JsonNode d, string name, string figure) => d["producersByCity"]!.AsArray().Single(c => c!["city"]!.GetValue<string>() == name)![figure]!.GetValue<int>();
        int District(JsonNode d, string figure) =>
            d["producersByDistrict"]!.AsArray().SingleOrDefault(c => c!["region"]!.GetValue<string>() == "sughd" && c["district"]!.GetValue<string>() == "Isfara")?[figure]!.GetValue<int>() ?? 0;
        Assert.Equal(Cities.Names, after["producersByCity"]!.AsArray().Select(c => c!["city"]!.GetValue<string>()));
        Assert.Equal(1, City(after, "Isfara", "producers") - City(before, "Isfara", "producers"));
        Assert.Equal(1, City(after, "Isfara", "certifiedProducers") - City(before, "Isfara", "certifiedProducers"));
        Assert.Equal(0, City(after, "Khorog", "producers") - City(before, "Khorog", "producers"));
        Assert.Equal(1, District(after, "producers") - District(before, "producers"));
        Assert.Equal(1, District(after, "certifiedProducers") - District(before, "certifiedProducers"));
    }

    [Fact]
    public async Task Each_table_downloads_as_csv_with_stable_columns_and_a_hostile_product_name_opens_as_text()
    {
        var producer = (await Post("/api/producers", ProducerBody(NewTaxId()))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var hostile = "=HYPERLINK(\"http://evil.example/\",\"Click\")";
        var product = (await Post($"/api/producers/{producer}/products", new
        {
            expectedVersion = 1,
            name = new { tg = hostile, ru = "+SUM(A1:A9)", en = "@cmd" },
            category = "driedFruit",
            hsCode = "081310",
        })).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var fileId = (await Post("/api/certifications", ApplicationBody(producer, product))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2)).Is(HttpStatusCode.OK);
        (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK);
        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();

        var csv = await Get("/api/statistics/detail/expiring.csv?at=2029-01-15", Ministry);

        csv.Is(HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.MediaType);
        var lines = csv.Body.Split("\r\n");
        Assert.Equal("certificateNumber,producerNumber,productTg,productRu,productEn,validUntil,daysLeft", lines[0]);
        var line = lines.Single(l => l.StartsWith(number, StringComparison.Ordinal));
        Assert.Contains("'=HYPERLINK", line, StringComparison.Ordinal);
        Assert.Contains("'+SUM(A1:A9)", line, StringComparison.Ordinal);
        Assert.Contains("'@cmd", line, StringComparison.Ordinal);
        Assert.EndsWith(",2029-03-01,45", line, StringComparison.Ordinal);
        var (response, _) = await Raw("/api/statistics/detail/expiring.csv?at=2029-01-15", Ministry);
        Assert.Equal("expiring-2029-01-15.csv", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);

        foreach (var (table, columns) in FiguresCsv.Columns)
        {
            var first = (await Get($"/api/statistics/detail/{table}.csv", Ministry)).Is(HttpStatusCode.OK).Body.Split("\r\n")[0];
            Assert.Equal(string.Join(',', columns), first);
        }

        Assert.Contains("stage,count,meanDays,medianDays,p90Days", (await Get("/api/statistics/detail/leadTimes.csv", Ministry)).Body, StringComparison.Ordinal);
        (await Get("/api/statistics/detail/secrets.csv", Ministry)).IsProblem(HttpStatusCode.NotFound, "figures-table-not-found");
        (await Get("/api/statistics/detail/expiring.csv?at=soon", Ministry)).IsInvalid("at");
    }

    [Fact]
    public async Task Markup_in_a_district_or_product_name_is_shown_as_text_in_the_ministrys_tables()
    {
        var body = new
        {
            legalName = new { tg = "Кооператив", ru = "Кооператив", en = "Cooperative" },
            taxId = NewTaxId(),
            address = new { region = "khatlon", district = "<svg onload=alert(1)>", village = "Qurghonteppa" },
            contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234" },
        };
        var producer = (await Post("/api/producers", body)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var product = (await Post($"/api/producers/{producer}/products", new
        {
            expectedVersion = 1,
            name = new { tg = "Зардолу", ru = "Курага", en = "</text><script>alert(2)</script>" },
            category = "driedFruit",
            hsCode = "081310",
        })).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var fileId = (await Post("/api/certifications", ApplicationBody(producer, product))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2)).Is(HttpStatusCode.OK);
        (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK);

        var fragment = (await Get("/figures/ministry/content?lang=en&at=2029-01-15", Ministry)).Is(HttpStatusCode.OK);

        Assert.Equal("text/html", fragment.MediaType);
        Assert.DoesNotContain("<script>", fragment.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg onload", fragment.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;/text&gt;&lt;script&gt;alert(2)&lt;/script&gt;", fragment.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;svg onload=alert(1)&gt;", fragment.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_figures_pages_allow_only_their_own_stylesheet_and_script()
    {
        foreach (var path in new[] { "/figures?lang=ru", "/figures/ministry?lang=tg" })
        {
            var page = (await GetAnonymously(path)).Is(HttpStatusCode.OK);
            var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));

            Assert.Equal("text/html", page.MediaType);
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("style-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>", page.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(" style=", page.Body, StringComparison.Ordinal);
        }

        Assert.Equal("text/css", (await GetAnonymously("/figures/figures.css")).Is(HttpStatusCode.OK).MediaType);
        Assert.Equal("text/javascript", (await GetAnonymously("/figures/figures.js")).Is(HttpStatusCode.OK).MediaType);
        (await GetAnonymously("/figures?at=tomorrow")).IsInvalid("at");
    }

    private async Task<(HttpResponseMessage Response, string Body)> Raw(string url, User user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenOf(user));
        var response = await App.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/statistics/detail")]
    [InlineData("/api/statistics/detail/expiring.csv")]
    [InlineData("/figures/ministry/content")]
    public async Task The_ministrys_detail_is_refused_to_anonymous_callers_producers_and_exporters(string url)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAnonymously(url)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(url, ProducerOf("TJ-P-000001"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(url, new User("exporter-silk-road", Api.Access.Roles.Exporter))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get(url, Ministry)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get(url, OfficerNamed(Officer))).Status);
    }
}

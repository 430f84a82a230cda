using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Certified producers for the directory's tests. The database is shared by the whole run, so every
/// test names its producers with a word of its own and searches with it.
/// </summary>
public abstract class DirectoryTest(AppFixture app) : CertificationTest(app)
{
    private static readonly object[] NoFindings = [];

    /// <summary>A word no other test uses, in Cyrillic and as it reads in Latin letters.</summary>
    internal static (string Cyrillic, string Latin) AWord()
    {
        const string cyrillic = "бвгдзклмнпрстф";
        const string latin = "bvgdzklmnprstf";
        var picks = Enumerable.Range(0, 9).Select(_ => Random.Shared.Next(cyrillic.Length)).ToArray();
        return (new string([.. picks.Select(i => cyrillic[i])]), new string([.. picks.Select(i => latin[i])]));
    }

    internal static object Apricots(string word = "") => new
    {
        name = new { tg = ("Зардолуи хушк " + word).Trim(), ru = ("Курага " + word).Trim(), en = ("Dried apricots " + word).Trim() },
        category = "driedFruit",
        hsCode = "081310",
    };

    internal static object Honey(string word = "") => new
    {
        name = new { tg = ("Асали кӯҳӣ " + word).Trim(), ru = ("Горный мёд " + word).Trim(), en = ("Mountain honey " + word).Trim() },
        category = "honey",
        hsCode = "040900",
    };

    internal static object[] HoneyResults() =>
        [.. new[] { "HN-C1", "HN-C2", "HN-M1", "HN-M2", "HN-M3", "HN-Q1", "HN-Q2", "HN-Q3", "HN-Q4" }.Select(code => (object)new { requirementCode = code, outcome = "passed" })];

    internal sealed record Certified(Guid ProducerId, string Number, Guid FileId, string CertificateNumber);

    /// <summary>A producer registered, its product applied for, inspected and certified: the file at version 4.</summary>
    internal async Task<Certified> ACertifiedProducer(
        string word, object? product = null, string region = "sughd", string district = "Исфара", string standard = "OVOP-DF", object[]? results = null, bool decide = true)
    {
        var registered = (await Post("/api/producers", new
        {
            legalName = new { tg = $"Ширкати «{word}»", ru = $"Товарищество «{word}»", en = $"{Labels(word)} Partnership" },
            taxId = NewTaxId(),
            address = new { region, district, village = "Чоркӯҳ" },
            contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234", email = "coop@example.tj" },
        })).Is(HttpStatusCode.Created).Json;
        var producerId = registered["id"]!.GetValue<Guid>();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(product ?? Apricots()))!.AsObject();
        body["expectedVersion"] = 1;
        var productId = (await Post($"/api/producers/{producerId}/products", body)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var fileId = (await Post("/api/certifications", ApplicationBody(producerId, productId, standardCode: standard))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(fileId, 1);
        (await Post($"/api/certifications/{fileId}/inspections/{inspection}/results",
            new { expectedVersion = 2, tookPlaceOn = Today, results = results ?? Results(), findings = NoFindings }, InspectorNamed(Inspector))).Is(HttpStatusCode.OK);
        var number = "";
        if (decide)
        {
            number = (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK).Json["certificateNumber"]?.GetValue<string>() ?? (await File(fileId))["certificateNumber"]!.GetValue<string>();
        }

        return new Certified(producerId, registered["number"]!.GetValue<string>(), fileId, number);
    }

    /// <summary>The word in Latin letters, for the English name.</summary>
    private static string Labels(string word) => OvopQuality.Api.Labels.Page.Transliteration.ToLatin(word);

    internal async Task<List<string>> Found(string query)
    {
        var page = (await GetAnonymously("/api/directory?" + query)).Is(HttpStatusCode.OK);
        return [.. page.Items.Select(i => i!["producerNumber"]!.GetValue<string>())];
    }
}

/// <summary>The public directory's API, searched and read without signing in.</summary>
public sealed class DirectoryTests(AppFixture app) : DirectoryTest(app)
{

    [Fact]
    public async Task A_certified_producer_is_found_by_its_name_and_products_in_tajik_russian_english_and_latin_letters()
    {
        var (cyrillic, latin) = AWord();
        var producer = await ACertifiedProducer(cyrillic, Apricots());

        Assert.Equal([producer.Number], await Found("q=" + Uri.EscapeDataString(cyrillic)));
        Assert.Equal([producer.Number], await Found("q=" + latin));
        Assert.Equal([producer.Number], await Found("q=" + latin.ToUpperInvariant()));
        Assert.Equal([producer.Number], await Found($"q=zardolui+{latin}"));
        Assert.Equal([producer.Number], await Found("q=" + Uri.EscapeDataString("курага " + cyrillic)));
        Assert.Equal([producer.Number], await Found($"q=dried+apricots+{latin}"));
        Assert.Equal([producer.Number], await Found($"q=Isfara+{latin}"));
        Assert.Equal([producer.Number], await Found($"q=081310+{latin}"));
        Assert.Equal([producer.Number], await Found($"q={producer.CertificateNumber}"));
        Assert.Empty(await Found($"q=honey+{latin}"));
    }

    [Fact]
    public async Task Each_filter_holds_and_the_certificate_filters_are_met_by_one_and_the_same_certificate()
    {
        var (word, latin) = AWord();
        var apricots = await ACertifiedProducer(word);
        var honey = await ACertifiedProducer(word, Honey(), region: "khatlon", district: "Кӯлоб", standard: "OVOP-HN", results: HoneyResults());
        // Community and story requirements failed: 70 of 100 points, three stars.
        var threeStars = await ACertifiedProducer(word, results: Results(("DF-C1", "failed"), ("DF-C2", "failed"), ("DF-M2", "failed")));
        (await Suspend(threeStars.FileId, 4)).Is(HttpStatusCode.OK);

        string[] Of(params Certified[] producers) => [.. producers.Select(p => p.Number).Order()];
        async Task<string[]> Search(string filters) => [.. (await Found($"q={latin}&{filters}")).Order()];

        Assert.Equal(Of(apricots, honey, threeStars), await Search(""));
        Assert.Equal(Of(honey), await Search("category=honey"));
        Assert.Equal(Of(honey), await Search("category=HONEY"));
        Assert.Equal(Of(honey), await Search("hsCode=0409"));
        Assert.Equal(Of(apricots, threeStars), await Search("hsCode=081310"));
        Assert.Equal(Of(honey), await Search("region=khatlon"));
        Assert.Equal(Of(apricots, threeStars), await Search("region=sughd"));
        Assert.Equal(Of(honey), await Search("district=Kulob"));
        Assert.Equal(Of(honey), await Search("district=" + Uri.EscapeDataString("кӯлоб")));
        Assert.Equal(Of(honey), await Search("standard=ovop-hn"));
        Assert.Equal(Of(apricots, honey), await Search("stars=4"));
        Assert.Equal(Of(apricots, honey, threeStars), await Search("stars=3"));
        Assert.Equal(Of(threeStars), await Search("standing=suspended"));
        Assert.Equal(Of(apricots, honey), await Search("standing=valid"));
        Assert.Equal(Of(apricots), await Search("category=driedFruit&standing=valid"));
        Assert.Empty(await Search("category=driedFruit&standing=valid&stars=5&region=khatlon"));
    }

    [Fact]
    public async Task A_district_is_found_in_the_spelling_a_buyer_knows_latin_tajik_or_russian()
    {
        var (word, latin) = AWord();
        var khorog = await ACertifiedProducer(word, region: "gbao", district: "Хоруғ");
        var ghafurov = await ACertifiedProducer(word, district: "Ғафуров");
        var isfara = await ACertifiedProducer(word);

        async Task<List<string>> In(string district) => await Found($"q={latin}&district={Uri.EscapeDataString(district)}");
        foreach (var spelling in new[] { "Khorog", "khorugh", "Хорог", "ХОРУҒ", " Khorog " })
        {
            Assert.Equal([khorog.Number], await In(spelling));
        }

        foreach (var spelling in new[] { "Ghafurov", "Gafurov", "Гафуров", "ғафуров" })
        {
            Assert.Equal([ghafurov.Number], await In(spelling));
        }

        Assert.Equal([isfara.Number], await In("Исфара"));
        Assert.Empty(await In("Khor"));
        Assert.Empty(await In("Kulob"));
        Assert.Equal([khorog.Number], await Found($"q=khorog+{latin}"));
    }

    [Theory]
    [InlineData("Хуҷанд", "Khudzhand")]
    [InlineData("Хуҷанд", "Khudjand")]
    [InlineData("Ҳисор", "Гиссар")]
    [InlineData("Бохтар", "Kurgan-Tyube")]
    [InlineData("Ҷаббор Расулов", "Dzhabbor Rasulov")]
    [InlineData("Қубодиён", "Kubodiyon")]
    public void District_spellings_of_one_place_compare_alike(string stored, string asked) =>
        Assert.Equal(OvopQuality.Api.PublicDirectory.IndexedProducer.DistrictKey(stored), OvopQuality.Api.PublicDirectory.IndexedProducer.DistrictKey(asked));

    [Fact]
    public async Task Results_are_paged_by_limit_and_cursor_and_sorted_by_name_stars_or_validity()
    {
        var (word, latin) = AWord();
        var first = await ACertifiedProducer(word);
        var second = await ACertifiedProducer(word, results: Results(("DF-C1", "failed"), ("DF-C2", "failed"), ("DF-M2", "failed")));
        var third = await ACertifiedProducer(word);

        var page1 = (await GetAnonymously($"/api/directory?q={latin}&sort=name&limit=2")).Is(HttpStatusCode.OK).Json;
        Assert.Equal(3, page1["total"]!.GetValue<int>());
        Assert.Equal(2, page1["items"]!.AsArray().Count);
        var cursor = page1["next"]!.GetValue<string>();
        var page2 = (await GetAnonymously($"/api/directory?q={latin}&sort=name&limit=2&cursor={cursor}")).Is(HttpStatusCode.OK).Json;
        Assert.Single(page2["items"]!.AsArray());
        Assert.Null(page2["next"]);
        var all = page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(i => i!["producerNumber"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { first.Number, second.Number, third.Number }.Order(), all.Order());
        var names = page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(i => i!["name"]!["en"]!.GetValue<string>()).ToList();
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);

        var byStars = await Found($"q={latin}&sort=stars");
        Assert.Equal(second.Number, byStars[^1]);
        Assert.Equal(3, (await Found($"q={latin}&sort=validUntil")).Count);
        Assert.Equal(3, (await Found($"q={latin}&sort=relevance")).Count);
    }

    [Fact]
    public async Task The_contact_is_public_only_after_the_producer_agreed_and_hidden_again_once_it_withdrew()
    {
        var (word, _) = AWord();
        var producer = await ACertifiedProducer(word);
        var entry = $"/api/directory/{producer.Number}";

        Assert.Null((await GetAnonymously(entry)).Is(HttpStatusCode.OK).Json["contact"]);
        Assert.DoesNotContain("777 1234", (await GetAnonymously(entry)).Body, StringComparison.Ordinal);

        (await Send(HttpMethod.Put, $"/api/producers/{producer.ProducerId}/contact-publication",
            JsonContent.Create(new { expectedVersion = 2, publish = true, evidence = "Signed form 2026/17" }, options: AppFixture.Json), Administrator)).Is(HttpStatusCode.OK);
        var contact = (await GetAnonymously(entry)).Is(HttpStatusCode.OK).Json["contact"]!;
        Assert.Equal("+992 92 777 1234", contact["phone"]!.GetValue<string>());
        Assert.Equal("Rahim Saidov", contact["person"]!.GetValue<string>());

        (await Send(HttpMethod.Put, $"/api/producers/{producer.ProducerId}/contact-publication",
            JsonContent.Create(new { expectedVersion = 3, publish = false }, options: AppFixture.Json), Administrator)).Is(HttpStatusCode.OK);
        Assert.Null((await GetAnonymously(entry)).Is(HttpStatusCode.OK).Json["contact"]);
        Assert.DoesNotContain("777 1234", (await GetAnonymously("/api/directory?q=" + producer.Number)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_producer_never_certified_is_not_in_the_directory()
    {
        var (word, latin) = AWord();
        var applied = await ACertifiedProducer(word, decide: false);

        Assert.Empty(await Found("q=" + latin));
        (await GetAnonymously($"/api/directory/{applied.Number}")).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await GetAnonymously("/api/directory/TJ-P-999999999")).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
    }

    [Fact]
    public async Task A_suspended_certificate_shows_suspended_with_its_reason_and_timeline_as_label_verification_does()
    {
        var (word, _) = AWord();
        var producer = await ACertifiedProducer(word);
        (await Suspend(producer.FileId, 4)).Is(HttpStatusCode.OK);

        var entry = (await GetAnonymously($"/api/directory/{producer.Number.ToLowerInvariant()}")).Is(HttpStatusCode.OK).Json;
        var certificate = entry["certificates"]!.AsArray().Single()!;
        var verified = (await GetAnonymously($"/api/certificates/{producer.CertificateNumber}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("suspended", certificate["standing"]!.GetValue<string>());
        Assert.Equal(verified["status"]!.GetValue<string>(), certificate["standing"]!.GetValue<string>());
        Assert.Equal(verified["reason"]!.GetValue<string>(), certificate["reason"]!.GetValue<string>());
        Assert.Equal("surveillanceFailed", certificate["reasonClass"]!.GetValue<string>());
        Assert.Equal(["granted", "suspended"], certificate["timeline"]!.AsArray().Select(t => t!["event"]!.GetValue<string>()));
        Assert.Equal("081310", certificate["hsCode"]!.GetValue<string>());
        Assert.Equal("sughd", entry["region"]!.GetValue<string>());
        Assert.Equal("Исфара", entry["district"]!.GetValue<string>());
        Assert.Equal("Isfara", entry["districtInLatin"]!.GetValue<string>());
        Assert.Equal(OvopQuality.Api.Labels.Page.Transliteration.ToLatin($"Ширкати «{word}»"), entry["nameInLatin"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_certificate_past_its_validity_stands_expired_without_any_new_fact()
    {
        var (word, latin) = AWord();
        var producer = await ACertifiedProducer(word);
        var validUntil = DateOnly.Parse((await GetAnonymously($"/api/directory/{producer.Number}")).Json["certificates"]![0]!["validUntil"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        // Searched once before, so that the standing held from that search must give way on the day it expires.
        Assert.Equal([producer.Number], await Found($"q={latin}&standing=valid"));
        var now = App.Clock.GetUtcNow();
        try
        {
            App.Clock.Set(new DateTimeOffset(validUntil.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            Assert.Equal([producer.Number], await Found($"q={latin}&standing=expired"));
            Assert.Empty(await Found($"q={latin}&standing=valid"));
            var hit = (await GetAnonymously($"/api/directory?q={latin}")).Is(HttpStatusCode.OK).Items.Single()!;
            Assert.Equal("expired", hit["certificates"]![0]!["standing"]!.GetValue<string>());
        }
        finally
        {
            App.Clock.Set(now);
        }

        Assert.Equal([producer.Number], await Found($"q={latin}&standing=valid"));
    }

    [Theory]
    [InlineData("category=fruitcake", "category")]
    [InlineData("category=0", "category")]
    [InlineData("region=mars", "region")]
    [InlineData("standing=revoked", "standing")]
    [InlineData("standing=unknown", "standing")]
    [InlineData("sort=random", "sort")]
    [InlineData("hsCode=08ab", "hsCode")]
    [InlineData("hsCode=0", "hsCode")]
    [InlineData("stars=9", "stars")]
    [InlineData("stars=0", "stars")]
    [InlineData("stars=many", "stars")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("cursor=not-ours", "cursor")]
    [InlineData("standard=%3Cscript%3E", "standard")]
    public async Task Every_parameter_not_understood_is_a_400_problem_naming_it(string query, string field)
    {
        (await GetAnonymously("/api/directory?" + query)).IsInvalid(field);
    }

    [Fact]
    public async Task Text_longer_than_two_hundred_characters_is_a_400_problem_naming_q()
    {
        (await GetAnonymously("/api/directory?q=" + new string('a', 201))).IsInvalid("q");
    }

    [Fact]
    public async Task The_search_page_draws_its_results_on_the_server_encoding_a_hostile_product_name_under_a_strict_policy()
    {
        var (word, latin) = AWord();
        const string hostile = "<img src=x onerror=alert(1)>";
        var producer = await ACertifiedProducer(word, new { name = new { tg = hostile, ru = hostile, en = hostile }, category = "driedFruit", hsCode = "081310" });

        var page = await GetAnonymously($"/directory?lang=ru&q={latin}");
        page.Is(HttpStatusCode.OK);
        Assert.StartsWith("text/html", page.MediaType, StringComparison.Ordinal);
        Assert.Contains($"data-number=\"{producer.Number}\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", page.Body, StringComparison.Ordinal);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);

        var producerPage = await GetAnonymously($"/p/{producer.Number}?lang=tg");
        producerPage.Is(HttpStatusCode.OK);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", producerPage.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", producerPage.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", producerPage.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_search_page_names_a_field_it_did_not_understand_and_an_unknown_producers_page_is_a_404()
    {
        var refused = await GetAnonymously("/directory?lang=en&region=mars&stars=lots");
        refused.Is(HttpStatusCode.BadRequest);
        Assert.Contains("region, stars", refused.Body, StringComparison.Ordinal);

        var (word, _) = AWord();
        var applied = await ACertifiedProducer(word, decide: false);
        Assert.Contains("No certified producer has this number.", (await GetAnonymously($"/p/{applied.Number}?lang=en")).Is(HttpStatusCode.NotFound).Body, StringComparison.Ordinal);
        (await GetAnonymously("/p/%3Cscript%3E?lang=en")).Is(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_directory_rebuilt_from_the_events_is_the_directory_the_commands_kept()
    {
        var (word, _) = AWord();
        var producer = await ACertifiedProducer(word, Honey(word), region: "khatlon", district: "Кӯлоб", standard: "OVOP-HN", results: HoneyResults());
        (await Suspend(producer.FileId, 4)).Is(HttpStatusCode.OK);
        (await Send(HttpMethod.Put, $"/api/producers/{producer.ProducerId}/contact-publication",
            JsonContent.Create(new { expectedVersion = 2, publish = true, evidence = "Signed form 2026/19" }, options: AppFixture.Json), Administrator)).Is(HttpStatusCode.OK);
        var kept = (await GetAnonymously($"/api/directory/{producer.Number}")).Is(HttpStatusCode.OK).Body;

        var store = App.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<OvopQuality.Api.PublicDirectory.DirectoryEntryProjection>(TestContext.Current.CancellationToken);
        }

        App.Host.Services.GetRequiredService<OvopQuality.Api.PublicDirectory.DirectoryIndex>().ReadAllAgain();
        Assert.Equal(kept, (await GetAnonymously($"/api/directory/{producer.Number}")).Is(HttpStatusCode.OK).Body);
        Assert.Contains("+992 92 777 1234", kept, StringComparison.Ordinal);
        Assert.Contains("\"standing\":\"suspended\"", kept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_written_without_a_command_is_found_by_the_check_for_unannounced_changes()
    {
        var (word, _) = AWord();
        var producer = await ACertifiedProducer(word);
        Assert.Equal($"Товарищество «{word}»", (await GetAnonymously($"/api/directory/{producer.Number}")).Json["name"]!["ru"]!.GetValue<string>());

        // As a restore or another process's rebuild would: straight into the store, no command, no notification.
        var store = App.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var entry = await session.LoadAsync<OvopQuality.Api.PublicDirectory.DirectoryEntry>(producer.ProducerId, TestContext.Current.CancellationToken);
            Assert.True(entry!.LastModified > DateTimeOffset.UnixEpoch, "the entry's last write is not read from the store");
            session.Store(entry with { Name = entry.Name with { Ru = "Восстановлено " + word } });
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var query = store.QuerySession())
        {
            await App.Host.Services.GetRequiredService<OvopQuality.Api.PublicDirectory.DirectoryIndex>().CheckAsync(query, TestContext.Current.CancellationToken);
        }

        Assert.Equal("Восстановлено " + word, (await GetAnonymously($"/api/directory/{producer.Number}")).Json["name"]!["ru"]!.GetValue<string>());
    }
}

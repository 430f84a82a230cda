using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class ProducerTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task A_tax_id_registers_one_producer_only()
    {
        var taxId = NewTaxId();
        (await Post("/api/producers", ProducerBody(taxId))).Is(HttpStatusCode.Created);

        (await Post("/api/producers", ProducerBody(taxId))).IsProblem(HttpStatusCode.Conflict, "producer-already-registered");

        Assert.Single((await Get($"/api/producers?taxId={taxId}")).Is(HttpStatusCode.OK).Items);
    }

    [Fact]
    public async Task Producer_numbers_are_assigned_by_the_system_and_never_repeat()
    {
        var first = (await Post("/api/producers", ProducerBody(NewTaxId()))).Is(HttpStatusCode.Created);
        var second = (await Post("/api/producers", ProducerBody(NewTaxId()))).Is(HttpStatusCode.Created);

        var a = (await Get(first.Location!)).Json["number"]!.GetValue<string>();
        var b = (await Get(second.Location!)).Json["number"]!.GetValue<string>();

        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task A_tax_id_that_is_not_nine_digits_is_refused_naming_the_field() =>
        (await Post("/api/producers", ProducerBody("12345"))).IsInvalid("taxId");

    [Fact]
    public async Task A_correction_changes_the_details_and_keeps_the_old_ones_in_the_history()
    {
        var (producerId, _) = await AProducerWithApricots();

        (await Post($"/api/producers/{producerId}/corrections", new
        {
            expectedVersion = 2,
            legalName = new { tg = "ҶДММ «Зардолу»", ru = "ООО «Зардолу»", en = "Zardolu LLC" },
            address = new { region = "sughd", district = "Isfara", village = "Vorukh" },
            contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234" },
            reason = "Registered as a company",
        })).Is(HttpStatusCode.OK);

        var producer = (await Get($"/api/producers/{producerId}")).Json;
        Assert.Equal("Zardolu LLC", producer["legalName"]!["en"]!.GetValue<string>());
        Assert.Equal("Vorukh", producer["address"]!["village"]!.GetValue<string>());
        var history = (await Get($"/api/producers/{producerId}/events")).Is(HttpStatusCode.OK).Items;
        Assert.Equal(["producerRegistered", "productRegistered", "producerDetailsCorrected"], history.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal("Isfara Apricot Cooperative", history[0]!["data"]!["legalName"]!["en"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_correction_on_a_stale_version_is_refused_and_changes_nothing()
    {
        var (producerId, _) = await AProducerWithApricots();

        (await Post($"/api/producers/{producerId}/corrections", new
        {
            expectedVersion = 1,
            legalName = new { tg = "x", ru = "y", en = "Stale name" },
            address = new { region = "sughd", district = "Isfara", village = "Vorukh" },
            contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234" },
            reason = "Typo",
        })).IsProblem(HttpStatusCode.Conflict, "stale-version");

        Assert.Equal("Isfara Apricot Cooperative", (await Get($"/api/producers/{producerId}")).Json["legalName"]!["en"]!.GetValue<string>());
        Assert.Equal(2, (await Get($"/api/producers/{producerId}/events")).Items.Count);
    }

    [Fact]
    public async Task A_product_needs_a_valid_hs_code_and_a_name_the_producer_has_not_used()
    {
        var (producerId, _) = await AProducerWithApricots();

        (await Post($"/api/producers/{producerId}/products", new
        {
            expectedVersion = 2, name = new { tg = "Асал", ru = "Мёд", en = "Honey" }, category = "honey", hsCode = "04-09",
        })).IsInvalid("hsCode");
        (await Post($"/api/producers/{producerId}/products", ApricotsBody(2))).IsProblem(HttpStatusCode.Conflict, "product-already-registered");
    }

    [Fact]
    public async Task An_unknown_producer_is_a_404_problem()
    {
        (await Get($"/api/producers/{Guid.NewGuid()}")).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Get($"/api/producers/{Guid.NewGuid()}/certifications")).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Post($"/api/producers/{Guid.NewGuid()}/products", ApricotsBody(1))).Is(HttpStatusCode.NotFound);
    }

    private Task<Reply> SetContactPublication(Guid producerId, object body, User user) =>
        Send(HttpMethod.Put, $"/api/producers/{producerId}/contact-publication", System.Net.Http.Json.JsonContent.Create(body, options: AppFixture.Json), user);

    [Fact]
    public async Task A_producers_contact_is_public_only_from_its_own_agreement_until_it_withdraws_it()
    {
        var (producerId, _) = await AProducerWithApricots();
        var number = (await Get($"/api/producers/{producerId}")).Json["number"]!.GetValue<string>();
        Assert.False((await Get($"/api/producers/{producerId}")).Json["contactPublished"]!.GetValue<bool>());

        (await SetContactPublication(producerId, new { expectedVersion = 2, publish = true }, ProducerOf("TJ-P-999998"))).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await SetContactPublication(producerId, new { expectedVersion = 2, publish = true }, Administrator)).IsInvalid("evidence");
        (await SetContactPublication(producerId, new { expectedVersion = 2, publish = false }, ProducerOf(number))).IsProblem(HttpStatusCode.Conflict, "contact-publication-unchanged");
        (await SetContactPublication(producerId, new { expectedVersion = 2, publish = true }, ProducerOf(number))).Is(HttpStatusCode.OK);
        Assert.True((await Get($"/api/producers/{producerId}")).Json["contactPublished"]!.GetValue<bool>());
        (await SetContactPublication(producerId, new { expectedVersion = 2, publish = false }, ProducerOf(number))).IsProblem(HttpStatusCode.Conflict, "stale-version");

        (await SetContactPublication(producerId, new { expectedVersion = 3, publish = false }, Administrator)).Is(HttpStatusCode.OK);
        (await SetContactPublication(producerId, new { expectedVersion = 4, publish = true, evidence = "Signed form 2026/117" }, Administrator)).Is(HttpStatusCode.OK);

        var history = (await Get($"/api/producers/{producerId}/events")).Items;
        Assert.Equal(["contactPublicationAgreed", "contactPublicationWithdrawn", "contactPublicationAgreed"], history.Skip(2).Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal("Signed form 2026/117", history[4]!["data"]!["evidence"]!.GetValue<string>());
    }
}

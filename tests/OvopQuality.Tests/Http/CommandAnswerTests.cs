using System.Net;
using System.Net.Http.Json;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Commands answer alike: what was created answers 201 with a Location that reads it and a body with
/// its id, its human number where it has one, and the version the next command needs; other
/// commands answer 200 with the version.
/// </summary>
public class CommandAnswerTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task Creates_answer_with_id_number_version_and_a_location_that_reads_what_was_created()
    {
        var producer = (await Post("/api/producers", ProducerBody(NewTaxId()))).Is(HttpStatusCode.Created);
        var producerId = producer.Json["id"]!.GetValue<Guid>();
        Assert.Matches("^TJ-P-[0-9]{6}$", producer.Json["number"]!.GetValue<string>());
        Assert.Equal(1, producer.Json["version"]!.GetValue<long>());
        Assert.Equal(producer.Json["number"]!.GetValue<string>(), (await Get(producer.Location!)).Is(HttpStatusCode.OK).Json["number"]!.GetValue<string>());

        var product = (await Post($"/api/producers/{producerId}/products", ApricotsBody(1))).Is(HttpStatusCode.Created);
        Assert.Equal(2, product.Json["version"]!.GetValue<long>());
        Assert.Equal("Dried apricots", (await Get(product.Location!)).Is(HttpStatusCode.OK).Json["name"]!["en"]!.GetValue<string>());
        (await Get($"/api/producers/{producerId}/products/{Guid.NewGuid()}")).IsProblem(HttpStatusCode.NotFound, "product-not-found");

        var file = (await Post("/api/certifications", ApplicationBody(producerId, product.Json["id"]!.GetValue<Guid>()))).Is(HttpStatusCode.Created);
        Assert.Equal(1, file.Json["version"]!.GetValue<long>());
        Assert.Equal(file.Json["id"]!.GetValue<Guid>(), (await Get(file.Location!)).Is(HttpStatusCode.OK).Json["id"]!.GetValue<Guid>());
        Assert.Null(file.Json["value"]);
    }

    [Fact]
    public async Task A_change_of_one_detail_keeps_the_others_and_answers_the_new_version()
    {
        var (producerId, _) = await AProducerWithApricots();

        var changed = (await Patch($"/api/producers/{producerId}", new { expectedVersion = 2, reason = "New phone", contact = new { phone = "+992 93 555 0101" } }))
            .Is(HttpStatusCode.OK).Json;

        Assert.Equal(3, changed["version"]!.GetValue<long>());
        var producer = (await Get($"/api/producers/{producerId}")).Json;
        Assert.Equal("+992 93 555 0101", producer["contact"]!["phone"]!.GetValue<string>());
        Assert.Equal("Rahim Saidov", producer["contact"]!["person"]!.GetValue<string>());
        Assert.Equal("Isfara Apricot Cooperative", producer["legalName"]!["en"]!.GetValue<string>());
        Assert.Equal("Chorkuh", producer["address"]!["village"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_change_that_leaves_the_details_invalid_or_is_stale_changes_nothing()
    {
        var (producerId, _) = await AProducerWithApricots();

        (await Patch($"/api/producers/{producerId}", new { expectedVersion = 2, reason = "Blank", legalName = new { en = "   " } })).IsInvalid("legalName.en");
        (await Patch($"/api/producers/{producerId}", new { expectedVersion = 1, reason = "Old", contact = new { phone = "+992 1" } })).IsProblem(HttpStatusCode.Conflict, "stale-version");
        (await Patch($"/api/producers/{producerId}", new { expectedVersion = 2, contact = new { phone = "+992 1" } })).IsInvalid("reason");

        Assert.Equal(2, (await Get($"/api/producers/{producerId}")).Json["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Histories_name_the_person_who_took_each_step()
    {
        var (producerId, _) = await AProducerWithApricots();
        var token = App.Issuer.Issue("officer-gulnora", OvopQuality.Api.Access.Roles.CertificationOfficer, name: "Gulnora Karimova");

        (await Send(HttpMethod.Patch, $"/api/producers/{producerId}", JsonContent.Create(new { expectedVersion = 2, reason = "Moved", address = new { village = "Vorukh" } }), null, token))
            .Is(HttpStatusCode.OK);

        var last = (await Get($"/api/producers/{producerId}/events")).Items[^1]!;
        Assert.Equal(("producerDetailsCorrected", "officer-gulnora", "Gulnora Karimova", "certification-officer"),
            (last["type"]!.GetValue<string>(), last["actor"]!.GetValue<string>(), last["actorName"]!.GetValue<string>(), last["actorRole"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Me_tells_a_producer_its_producer_its_files_and_where_to_go_and_staff_their_lists()
    {
        var fileId = await AnApplication();
        var file = await File(fileId);
        var number = file["producerNumber"]!.GetValue<string>();

        var me = (await Get("/api/me", ProducerOf(number))).Is(HttpStatusCode.OK).Json;

        Assert.Equal(("producer", number), (me["role"]!.GetValue<string>(), me["producer"]!["number"]!.GetValue<string>()));
        Assert.Equal(fileId, me["files"]!["items"]![0]!["fileId"]!.GetValue<Guid>());
        Assert.Equal($"/api/producers/{file["producerId"]}/notifications", me["links"]!["notifications"]!.GetValue<string>());

        var officer = (await Get("/api/me", OfficerNamed("officer-me"))).Is(HttpStatusCode.OK).Json;
        Assert.Null(officer["producer"]);
        Assert.Equal("/api/surveillance", officer["links"]!["surveillance"]!.GetValue<string>());
        var inspector = (await Get("/api/me", InspectorNamed("inspector-me"))).Json;
        Assert.Equal("/api/inspectors/inspector-me/reviews", inspector["links"]!["reviews"]!.GetValue<string>());
        (await GetAnonymously("/api/me")).Is(HttpStatusCode.Unauthorized);
    }

    private Task<Reply> Patch(string url, object body) => Send(HttpMethod.Patch, url, JsonContent.Create(body), Administrator);
}

/// <summary>Every error is the API's own problem: bad query values name the field and what it takes; a missing id and one the caller may not see give the same 404.</summary>
public class ErrorContractTests(AppFixture app) : CertificationTest(app)
{
    [Theory]
    [InlineData("/api/surveillance?overdue=yes", "overdue", "true or false")]
    [InlineData("/api/surveillance?limit=abc", "limit", "whole number")]
    [InlineData("/api/clone-signals?status=bogus", "status", "raised")]
    [InlineData("/api/complaints?status=bogus", "status", "received")]
    [InlineData("/api/labels/ABCD-EFGH-JKLM-NPQR?lon=x", "lon", "must be a number")]
    public async Task A_query_value_that_cannot_be_read_is_an_invalid_input_problem_naming_what_it_takes(string url, string field, string expected)
    {
        var reply = await Get(url);

        reply.IsInvalid(field);
        Assert.Contains(expected, reply.Json["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("OvopQuality", reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Producer_routes_take_the_producers_number_as_well_as_its_id_and_hide_the_id_behind_a_number_not_yours()
    {
        var (producerId, _) = await AProducerWithApricots();
        var number = (await Get($"/api/producers/{producerId}")).Json["number"]!.GetValue<string>();

        Assert.Equal(producerId, (await Get($"/api/producers/{number}")).Is(HttpStatusCode.OK).Json["id"]!.GetValue<Guid>());
        Assert.Equal(producerId, (await Get($"/api/producers/{number.ToLowerInvariant()}", ProducerOf(number))).Is(HttpStatusCode.OK).Json["id"]!.GetValue<Guid>());
        (await Get($"/api/producers/{number}/certifications")).Is(HttpStatusCode.OK);
        (await Send(HttpMethod.Patch, $"/api/producers/{number}", System.Net.Http.Json.JsonContent.Create(new { expectedVersion = 2, reason = "Phone", contact = new { phone = "+992 90 111 2233" } }), Administrator))
            .Is(HttpStatusCode.OK);

        var hidden = (await Get($"/api/producers/{number}", ProducerOf("TJ-P-999998"))).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        var unknown = (await Get("/api/producers/TJ-P-999997", ProducerOf("TJ-P-999998"))).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        Assert.DoesNotContain(producerId.ToString(), hidden.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"There is no producer {number}.", hidden.Json["detail"]!.GetValue<string>());
        Assert.Equal("There is no producer TJ-P-999997.", unknown.Json["detail"]!.GetValue<string>());
        (await GetAnonymously($"/api/producers/{number}")).Is(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_with_the_correlation_id_and_the_security_headers()
    {
        using var content = new StringContent("{\"lot\":\"" + new string('x', 1_100_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        var reply = await Send(HttpMethod.Post, $"/api/certifications/{Guid.NewGuid()}/labels", content, Administrator);

        reply.IsProblem(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        var correlation = reply.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Equal(correlation, reply.Json["correlationId"]!.GetValue<string>());
        Assert.Equal("nosniff", reply.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_command_on_an_id_that_does_not_exist_and_on_one_the_caller_may_not_see_get_the_same_404()
    {
        var (other, _) = await AProducerWithApricots();
        var stranger = ProducerOf("TJ-P-999999");
        object body = new { expectedVersion = 2, name = new { tg = "Асал", ru = "Мёд", en = "Honey" }, category = "honey", hsCode = "040900" };

        var hidden = (await Post($"/api/producers/{other}/products", body, stranger)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        var missing = (await Post($"/api/producers/{Guid.NewGuid()}/products", body, stranger)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");

        Assert.Equal(hidden.Json["title"]!.GetValue<string>(), missing.Json["title"]!.GetValue<string>());
        (await Post($"/api/certifications/{Guid.NewGuid()}/labels", new { expectedVersion = 5, lot = "L", quantity = 1 })).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
    }
}

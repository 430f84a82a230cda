using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>Bad input never yields a 500 or a stack trace, and never changes what is stored.</summary>
public class ApiContractTests(AppFixture app) : CertificationTest(app)
{
    [Theory]
    [InlineData("{\"expectedVersion\": 4, \"lot\": ", "malformed-json")]
    [InlineData("not json at all", "malformed-json")]
    [InlineData("{\"expectedVersion\": \"four\", \"lot\": \"L1\", \"quantity\": 1}", "expectedVersion")]
    [InlineData("{\"expectedVersion\": 4, \"lot\": \"L1\", \"quantity\": 1.5}", "quantity")]
    [InlineData("{\"expectedVersion\": 4, \"quantity\": 1}", "lot")]
    [InlineData("{\"expectedVersion\": 4, \"lot\": null, \"quantity\": 1}", "lot")]
    [InlineData("{\"expectedVersion\": 4, \"lot\": \"L1\", \"quantity\": 1, \"price\": 3}", "price")]
    [InlineData("[]", "must be an object")]
    [InlineData("null", "body")]
    [InlineData("{\"expectedVersion\": 4, \"lot\": \"L1\\u0000\", \"quantity\": 1}", "lot")]
    [InlineData("{\"expectedVersion\": 4, \"lot\": \"L1\\ud800\", \"quantity\": 1}", "lot")]
    public async Task Malformed_bodies_get_a_400_problem_and_change_nothing(string body, string named)
    {
        var fileId = await ACertifiedFile();

        var reply = await PostRaw($"/api/certifications/{fileId}/labels", body);

        reply.Is(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Contains(named, reply.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("OvopQuality", reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", reply.Body, StringComparison.Ordinal);
        Assert.Equal(4, (await File(fileId))["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_list_pages_in_one_envelope_and_a_bad_limit_or_cursor_is_a_problem_naming_it()
    {
        var fileId = await ACertifiedFile();
        var file = await File(fileId);
        string[] lists =
        [
            "/api/producers", $"/api/producers/{file["producerId"]}/events", $"/api/producers/{file["producerId"]}/certifications",
            $"/api/producers/{file["producerId"]}/notifications", $"/api/certifications/{fileId}/events", $"/api/inspectors/{Inspector}/inspections",
            "/api/surveillance", "/api/complaints", "/api/standards", "/api/signing-keys", "/api/clone-signals",
        ];
        foreach (var list in lists)
        {
            var first = (await Get(list + "?limit=1")).Is(HttpStatusCode.OK).Json;
            Assert.True(first["items"]!.AsArray().Count <= 1, list);
            Assert.True(first["total"]!.GetValue<int>() >= first["items"]!.AsArray().Count, list);
            (await Get(list + "?limit=0")).IsInvalid("limit");
            (await Get(list + "?limit=501")).IsInvalid("limit");
            (await Get(list + "?cursor=not-ours")).IsInvalid("cursor");
        }

        var history = (await Get($"/api/certifications/{fileId}/events?limit=2")).Json;
        Assert.Equal(4, history["total"]!.GetValue<int>());
        var next = (await Get($"/api/certifications/{fileId}/events?limit=2&cursor={history["next"]}")).Json;
        Assert.Equal(["standardMet"], next["items"]!.AsArray().Skip(1).Select(e => e!["type"]!.GetValue<string>()));
        Assert.Null(next["next"]);
    }

    [Fact]
    public async Task A_list_walked_page_by_page_gives_every_item_once_even_when_items_tie_and_change_between_pages()
    {
        // Certificates granted the same day fall due for surveillance the same day.
        var files = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            files.Add(await ACertifiedFile());
        }

        var all = (await Get("/api/surveillance?limit=500")).Is(HttpStatusCode.OK).Json;
        var expected = all["items"]!.AsArray().Select(i => i!["fileId"]!.GetValue<Guid>()).ToList();
        Assert.True(all["total"]!.GetValue<int>() == expected.Count, "the test needs the whole list on one page");

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await Get("/api/surveillance?limit=3" + (cursor is null ? "" : "&cursor=" + cursor))).Is(HttpStatusCode.OK).Json;
            var items = page["items"]!.AsArray().Select(i => i!["fileId"]!.GetValue<Guid>()).ToList();
            seen.AddRange(items);
            cursor = page["next"]?.GetValue<string>();
            // Files change while someone reads the list: those just read are suspended (and stay due for surveillance).
            foreach (var file in items.Intersect(files))
            {
                (await Suspend(file, await VersionOf(file))).Is(HttpStatusCode.OK);
            }
        }
        while (cursor is not null);

        Assert.Equal(expected.Order(), seen.Order());
    }

    [Fact]
    public async Task An_all_zero_id_is_an_unknown_id_and_a_control_character_in_the_query_is_refused_by_name()
    {
        var zero = Guid.Empty;
        (await Post($"/api/producers/{zero}/products", ApricotsBody(1))).Is(HttpStatusCode.NotFound);
        (await Post($"/api/certifications/{zero}/surrender", new { expectedVersion = 1, reason = "x" })).Is(HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", (await Get($"/api/certifications/{zero}")).Is(HttpStatusCode.NotFound).MediaType);

        (await Get("/api/producers?taxId=%00")).IsInvalid("taxId");
    }

    [Fact]
    public async Task An_unknown_enum_value_is_a_400_problem_naming_the_field()
    {
        var body = """
            {"legalName":{"tg":"a","ru":"b","en":"c"},"taxId":"123456789",
             "address":{"region":"atlantis","district":"x","village":"y"},"contact":{"person":"p","phone":"1"}}
            """;

        (await PostRaw("/api/producers", body)).IsInvalid("region");
    }

    [Fact]
    public async Task Every_invalid_field_is_named_at_once()
    {
        var reply = (await PostRaw("/api/producers", """
            {"legalName":{"tg":"","ru":"b","en":"c"},"taxId":"12",
             "address":{"region":"sughd","district":"","village":"y"},"contact":{"person":"p","phone":"call me","email":"nope"}}
            """)).IsProblem(HttpStatusCode.BadRequest, "invalid-input");

        var errors = reply.Json["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Equal(["legalName.tg", "address.district", "contact.phone", "contact.email", "taxId"], errors);
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_a_413_problem()
    {
        var fileId = await ACertifiedFile();
        var huge = "{\"expectedVersion\":4,\"lot\":\"" + new string('x', 2_000_000) + "\",\"quantity\":1}";

        var reply = await PostRaw($"/api/certifications/{fileId}/labels", huge);

        reply.IsProblem(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        Assert.Equal(4, (await File(fileId))["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_command_on_a_stale_version_is_a_409_problem_and_stores_nothing()
    {
        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 5)).Is(HttpStatusCode.Created);

        var reply = (await IssueLabels(fileId, 4, 5)).IsProblem(HttpStatusCode.Conflict, "stale-version");

        Assert.Contains("version 5", reply.Body, StringComparison.Ordinal);
        Assert.Equal(5, (await File(fileId))["labelsIssued"]!.GetValue<int>());
        Assert.Equal(5, (await Get($"/api/certifications/{fileId}/events")).Items.Count);
    }

    [Fact]
    public async Task Concurrent_writers_on_one_version_get_one_success_and_409s_never_a_lost_update()
    {
        var fileId = await ACertifiedFile();

        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => IssueLabels(fileId, 4, 10)));

        Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.Created), r => r.IsProblem(HttpStatusCode.Conflict, "stale-version"));
        var file = await File(fileId);
        Assert.Equal(10, file["labelsIssued"]!.GetValue<int>());
        Assert.Equal(5, file["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_address_is_a_404_problem()
    {
        var reply = (await Get("/api/nothing-here")).Is(HttpStatusCode.NotFound);

        Assert.Equal("application/problem+json", reply.MediaType);
    }
}

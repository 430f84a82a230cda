using System.Net;
using System.Net.Http.Json;
using Alba;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Complaints from anyone (ISO/IEC 17065, 7.13): submitted without signing in, followed with a
/// reference and key, handled by someone not involved in the certification, answered.
/// </summary>
public class ComplaintTests(AppFixture app) : CertificationTest(app)
{
    private Task<Reply> SubmitAnonymously(object body) =>
        Send(HttpMethod.Post, "/api/complaints", JsonContent.Create(body), null);

    private async Task<(string Code, Guid FileId)> ALabel()
    {
        var fileId = await ACertifiedFile();
        return ((await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>(), fileId);
    }

    private async Task<(Guid Id, string Reference, string Key)> AComplaintAbout(string code)
    {
        var receipt = (await SubmitAnonymously(new
        {
            category = "productQuality",
            description = "The apricots in this pack were mouldy, two weeks before the date on it.",
            labelCode = code,
            complainant = new { name = "Aziza Yusupova", organisation = "Bazaar Trade LLC", contact = "+992 93 000 0000" },
        })).Is(HttpStatusCode.Created).Json;
        var reference = receipt["reference"]!.GetValue<string>();
        var id = (await Get("/api/complaints?limit=500")).Items.Single(c => c!["reference"]!.GetValue<string>() == reference)!["id"]!.GetValue<Guid>();
        return (id, reference, receipt["trackingKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Anyone_may_complain_about_a_label_and_follow_the_complaint_with_its_reference_and_key()
    {
        var (code, _) = await ALabel();

        var reply = (await SubmitAnonymously(new
        {
            category = "counterfeitLabel", description = "Same code on forty jars at the Korvon bazaar, all with different lot numbers.", labelCode = code,
        })).Is(HttpStatusCode.Created);
        var receipt = reply.Json;

        Assert.Matches(@"^TJ-C-2026-\d{6}$", receipt["reference"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", receipt["trackingKey"]!.GetValue<string>());
        var status = (await GetAnonymously(reply.Location!)).Is(HttpStatusCode.OK).Json;
        Assert.Equal("received", status["status"]!.GetValue<string>());
        Assert.Equal("counterfeitLabel", status["category"]!.GetValue<string>());
        Assert.Null(status["answer"]);
    }

    [Fact]
    public async Task Without_the_right_key_a_complaint_is_not_found_whether_or_not_it_exists()
    {
        var (code, _) = await ALabel();
        var (_, reference, key) = await AComplaintAbout(code);

        (await GetAnonymously($"/api/complaints/{reference}/status?key={new string('0', 32)}")).IsProblem(HttpStatusCode.NotFound, "complaint-not-found");
        (await GetAnonymously($"/api/complaints/{reference}/status")).IsProblem(HttpStatusCode.NotFound, "complaint-not-found");
        (await GetAnonymously($"/api/complaints/TJ-C-2026-999999/status?key={key}")).IsProblem(HttpStatusCode.NotFound, "complaint-not-found");
    }

    [Fact]
    public async Task A_complaint_is_linked_to_the_certificate_of_its_label_and_staff_see_the_complainant_anonymous_submitters_are_the_public()
    {
        var (code, fileId) = await ALabel();
        var (id, _, _) = await AComplaintAbout(code);

        var complaint = (await Get($"/api/complaints/{id}")).Is(HttpStatusCode.OK).Json;

        Assert.Equal(fileId, complaint["fileId"]!.GetValue<Guid>());
        Assert.Equal((await File(fileId))["certificate"]!["number"]!.GetValue<string>(), complaint["certificateNumber"]!.GetValue<string>());
        Assert.Equal("Aziza Yusupova", complaint["complainant"]!["name"]!.GetValue<string>());
        Assert.Null(complaint["trackingKeyHash"]);
        Assert.Equal("public", complaint["steps"]![0]!["by"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_forged_code_the_registry_does_not_know_is_recorded_as_given()
    {
        var reply = (await SubmitAnonymously(new
        {
            category = "counterfeitLabel", description = "A label with this code on honey at the Khujand border post.", labelCode = "FAKE-CODE-123",
        })).Is(HttpStatusCode.Created);
        var reference = reply.Json["reference"]!.GetValue<string>();

        var complaint = (await Get("/api/complaints?status=received&limit=500")).Items.Single(c => c!["reference"]!.GetValue<string>() == reference)!;
        Assert.Equal("FAKE-CODE-123", complaint["labelCode"]!.GetValue<string>());
        Assert.Null(complaint["fileId"]);
    }

    [Theory]
    [InlineData("""{"category":"productQuality","description":"short"}""", "description")]
    [InlineData("""{"category":"counterfeitLabel","description":"A label that looks copied, no code given."}""", "labelCode")]
    [InlineData("""{"category":"rumours","description":"Something is wrong with these apricots."}""", "category")]
    public async Task An_incomplete_complaint_is_a_400_naming_the_field(string body, string field) =>
        (await Send(HttpMethod.Post, "/api/complaints", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), null)).IsInvalid(field);

    [Fact]
    public async Task The_producer_reads_what_a_complaint_about_its_certificate_says_and_how_it_ended_but_not_who_complained()
    {
        var (code, fileId) = await ALabel();
        var (id, reference, _) = await AComplaintAbout(code);
        var file = await File(fileId);
        var producer = ProducerOf(file["producerNumber"]!.GetValue<string>());
        var notifications = $"/api/producers/{file["producerId"]!.GetValue<Guid>()}/notifications";

        var received = (await Get(notifications, producer)).Is(HttpStatusCode.OK).Items
            .Single(n => n!["kind"]!.GetValue<string>() == "complaintReceived")!;
        Assert.Contains(reference, received["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("mouldy", received["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (await AssignTo(id, "officer-sharipov")).Is(HttpStatusCode.OK);
        (await Post($"/api/complaints/{id}/resolution", new { expectedVersion = 2, outcome = "notUpheld", answer = "The pack was opened and stored wet by the shop." },
            OfficerNamed("officer-sharipov"))).Is(HttpStatusCode.OK);

        var all = (await Get(notifications, producer)).Items;
        Assert.Contains(all, n => n!["kind"]!.GetValue<string>() == "complaintResolved" && n["message"]!.GetValue<string>().Contains("not upheld", StringComparison.Ordinal));
        Assert.DoesNotContain("Aziza", all.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Bazaar Trade", all.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>An anonymous complaint from a given address, as a phone somewhere would send it.</summary>
    private async Task<(int Status, System.Text.Json.Nodes.JsonNode Body)> ComplainFrom(string address, string code, string description)
    {
        var result = await App.Host.Scenario(s =>
        {
            s.Post.Json(new { category = "productQuality", description, labelCode = code }).ToUrl("/api/complaints");
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await result.ReadAsTextAsync())!);
    }

    [Fact]
    public async Task Repeated_complaints_about_a_label_from_one_client_or_in_the_same_words_are_held_for_staff_and_told_to_the_producer_once()
    {
        var (code, fileId) = await ALabel();
        var first = await ComplainFrom("198.51.100.70", code, "Mould inside the sealed pack, bought in Khujand.");
        var again = await ComplainFrom("198.51.100.70", code, "And another mouldy pack from the same shelf!");
        var copied = await ComplainFrom("203.0.113.71", code, "Mould inside the sealed pack, bought in Khujand.");
        var other = await ComplainFrom("203.0.113.72", code, "The stars on the label do not match the registry.");

        Assert.Equal(201, first.Status);
        var reference = first.Body["reference"]!.GetValue<string>();
        Assert.Null(first.Body["repeatOf"]);
        Assert.Equal((201, reference), (again.Status, again.Body["repeatOf"]!.GetValue<string>()));
        Assert.Equal((201, reference), (copied.Status, copied.Body["repeatOf"]!.GetValue<string>()));
        Assert.Null(other.Body["repeatOf"]);

        var file = await File(fileId);
        var producer = ProducerOf(file["producerNumber"]!.GetValue<string>());
        var told = (await Get($"/api/producers/{file["producerId"]}/notifications", producer)).Items
            .Where(n => n!["kind"]!.GetValue<string>() == "complaintReceived").ToList();
        Assert.Equal(2, told.Count);

        var staff = (await Get("/api/complaints?limit=500")).Items.Where(c => c!["labelCode"]?.GetValue<string>() == code).ToList();
        Assert.Equal(4, staff.Count);
        Assert.Equal(2, staff.Count(c => c!["repeatOf"]?.GetValue<string>() == reference));
        Assert.DoesNotContain("198.51.100.70", (await Get("/api/complaints?limit=500")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_names_itself_someone_else_in_x_forwarded_for_is_still_held_when_no_proxy_is_configured()
    {
        var (code, _) = await ALabel();
        async Task<System.Text.Json.Nodes.JsonNode> ComplainAs(string forwardedFor, string description) =>
            System.Text.Json.Nodes.JsonNode.Parse(await (await App.Host.Scenario(s =>
            {
                s.Post.Json(new { category = "productQuality", description, labelCode = code }).ToUrl("/api/complaints");
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.90"));
                s.WithRequestHeader("X-Forwarded-For", forwardedFor);
                s.StatusCodeShouldBe(201);
            })).ReadAsTextAsync())!;

        var first = await ComplainAs("203.0.113.1", "Mould inside the sealed pack, bought in Dushanbe.");
        var again = await ComplainAs("203.0.113.2", "Yet another mouldy pack, from another shop entirely.");

        Assert.Equal(first["reference"]!.GetValue<string>(), again["repeatOf"]?.GetValue<string>());
    }

    [Fact]
    public async Task One_client_may_complain_anonymously_ten_times_a_day_then_gets_429_and_a_signed_in_user_is_not_held()
    {
        var (code, _) = await ALabel();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(201, (await ComplainFrom("198.51.100.80", code, $"Complaint number {i} about this label")).Status);
        }

        var refused = await ComplainFrom("198.51.100.80", code, "An eleventh complaint the same day");
        Assert.Equal(429, refused.Status);
        Assert.Equal("https://ovop.tj/problems/complaint-limit", refused.Body["type"]!.GetValue<string>());
        Assert.Equal(201, (await ComplainFrom("198.51.100.81", code, "Another client complains the same day")).Status);
        (await Post("/api/complaints", new { category = "productQuality", description = "Staff record a complaint made by phone", labelCode = code })).Is(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Unknown_complaints_and_bad_filters_get_problems_never_a_500()
    {
        (await Get($"/api/complaints/{Guid.NewGuid()}")).IsProblem(HttpStatusCode.NotFound, "complaint-not-found");
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/api/complaints/not-a-complaint")).Status);
        (await Get("/api/complaints?status=lost")).IsInvalid("status");
        (await AssignTo(Guid.NewGuid(), "officer-sharipov")).Is(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_inspector_or_officer_of_the_certification_cannot_handle_a_complaint_about_it()
    {
        var (code, _) = await ALabel();
        var (id, _, _) = await AComplaintAbout(code);

        // An inspector handles no complaint at all; the officer who granted the certificate is known but involved.
        (await Post($"/api/complaints/{id}/assignment", new { expectedVersion = 1, handler = Inspector })).IsInvalid("handler");
        (await AssignTo(id, Officer)).IsProblem(HttpStatusCode.Conflict, "handler-not-impartial");
        (await AssignTo(id, "officer-sharipov")).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Only_the_handler_resolves_once_and_the_complainant_reads_the_answer()
    {
        var (code, _) = await ALabel();
        var (id, reference, key) = await AComplaintAbout(code);
        var resolution = new { expectedVersion = 2, outcome = "upheld", answer = "The lot was stored wet; the producer recalled it.", actionTaken = "Special inspection on 12 March" };

        (await Post($"/api/complaints/{id}/resolution", resolution with { expectedVersion = 1 }, OfficerNamed("officer-sharipov"))).IsProblem(HttpStatusCode.Conflict, "complaint-not-assigned");
        (await AssignTo(id, "officer-sharipov")).Is(HttpStatusCode.OK);
        (await Post($"/api/complaints/{id}/resolution", resolution, OfficerNamed("officer-other"))).IsProblem(HttpStatusCode.Forbidden, "not-the-handler");
        (await Post($"/api/complaints/{id}/resolution", resolution with { expectedVersion = 1 }, OfficerNamed("officer-sharipov"))).IsProblem(HttpStatusCode.Conflict, "stale-version");

        (await Post($"/api/complaints/{id}/resolution", resolution, OfficerNamed("officer-sharipov"))).Is(HttpStatusCode.OK);

        (await Post($"/api/complaints/{id}/resolution", resolution with { expectedVersion = 3 }, OfficerNamed("officer-sharipov"))).IsProblem(HttpStatusCode.Conflict, "complaint-resolved");
        var status = (await GetAnonymously($"/api/complaints/{reference}/status?key={key}")).Json;
        Assert.Equal(("resolved", "upheld"), (status["status"]!.GetValue<string>(), status["outcome"]!.GetValue<string>()));
        Assert.Equal(resolution.answer, status["answer"]!.GetValue<string>());
        Assert.DoesNotContain("Aziza", status.ToJsonString(), StringComparison.Ordinal);
        var steps = (await Get($"/api/complaints/{id}")).Json["steps"]!.AsArray().Select(s => s!["by"]!.GetValue<string>());
        Assert.Equal(["public", Administrator.Subject, "officer-sharipov"], steps);
    }

    /// <summary>Assigns the complaint to a member of staff the service knows: one who has used it.</summary>
    private async Task<Reply> AssignTo(Guid complaintId, string handler)
    {
        (await Get("/api/me", OfficerNamed(handler))).Is(HttpStatusCode.OK);
        return await Post($"/api/complaints/{complaintId}/assignment", new { expectedVersion = 1, handler });
    }

    [Fact]
    public async Task A_complaint_is_given_only_to_an_officer_or_administrator_the_service_knows()
    {
        var (code, _) = await ALabel();
        var reference = (await Post("/api/complaints", new { category = "productQuality", description = "Stones among the apricots", labelCode = code }, null)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        (await Post($"/api/complaints/{reference}/assignment", new { expectedVersion = 1, handler = "officer-nobody-knows" })).IsInvalid("handler");
        (await Get("/api/me", InspectorNamed("inspector-known"))).Is(HttpStatusCode.OK);
        (await Post($"/api/complaints/{reference}/assignment", new { expectedVersion = 1, handler = "inspector-known" })).IsInvalid("handler");
        (await Send(HttpMethod.Put, "/api/staff/officer-registered", System.Net.Http.Json.JsonContent.Create(new { name = "Firuza Sharipova", role = "certification-officer" }), Administrator))
            .Is(HttpStatusCode.OK);
        Assert.Contains((await Get("/api/staff?role=certification-officer&limit=500")).Items, s => s!["id"]!.GetValue<string>() == "officer-registered");
        (await Post($"/api/complaints/{reference}/assignment", new { expectedVersion = 1, handler = "Officer-Registered" })).Is(HttpStatusCode.OK);
    }
}

using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class RenewalAndAppealTests(AppFixture app) : CertificationTest(app)
{
    private async Task<Reply> ApplyForRenewal(Guid oldFile, string? byNumber = null)
    {
        var file = await File(oldFile);
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(
            ApplicationBody(file["producerId"]!.GetValue<Guid>(), file["productId"]!.GetValue<Guid>()), AppFixture.Json))!;
        if (byNumber is null)
        {
            body["renews"] = oldFile;
        }
        else
        {
            body["renewsCertificate"] = byNumber;
        }

        return await Post("/api/certifications", body);
    }

    [Fact]
    public async Task A_renewal_names_the_certificate_by_its_number_as_people_do()
    {
        var oldFile = await ACertifiedFile();
        var number = (await File(oldFile))["certificate"]!["number"]!.GetValue<string>();

        (await ApplyForRenewal(oldFile, "TJ-OVOP-1999-999999")).IsProblem(HttpStatusCode.Conflict, "not-renewable");
        var renewal = (await ApplyForRenewal(oldFile, number.ToLowerInvariant())).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var history = (await Get($"/api/certifications/{renewal}/events")).Items;
        Assert.Equal(oldFile, history[0]!["data"]!["renews"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_renewal_grants_a_new_certificate_that_supersedes_the_old_whose_labels_then_point_to_it()
    {
        var oldFile = await ACertifiedFile();
        var oldCode = (await IssueLabels(oldFile, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        App.Clock.Set(new DateTimeOffset(2028, 12, 1, 9, 0, 0, TimeSpan.Zero));

        var renewal = (await ApplyForRenewal(oldFile)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(renewal, 1);
        (await Record(renewal, inspection, 2)).Is(HttpStatusCode.OK);
        var granted = (await DecideMet(renewal, 3)).Is(HttpStatusCode.OK).Json;
        var newNumber = granted["certificateNumber"]!.GetValue<string>();

        Assert.Equal("superseded", (await File(oldFile))["status"]!.GetValue<string>());
        var label = (await GetAnonymously($"/api/labels/{oldCode}")).Json;
        Assert.Equal("superseded", label["status"]!.GetValue<string>());
        Assert.Equal(newNumber, label["supersededBy"]!.GetValue<string>());
        Assert.Contains(newNumber, label["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("valid", (await GetAnonymously($"/api/labels/{oldCode}?at=2027-06-01")).Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Renewal_is_only_for_the_certificate_in_force_and_a_certified_product_cannot_simply_apply_again()
    {
        var certified = await ACertifiedFile();
        var file = await File(certified);

        var again = (await Post("/api/certifications", ApplicationBody(file["producerId"]!.GetValue<Guid>(), file["productId"]!.GetValue<Guid>())))
            .IsProblem(HttpStatusCode.Conflict, "application-already-open");
        Assert.Contains("renewsCertificate = " + file["certificate"]!["number"]!.GetValue<string>(), again.Body, StringComparison.Ordinal);

        var refused = await AnInspectedFile(Results(("DF-Q1", "failed")));
        (await Refuse(refused, 3, "Moisture")).Is(HttpStatusCode.OK);
        (await ApplyForRenewal(refused)).IsProblem(HttpStatusCode.Conflict, "not-renewable");
    }

    [Fact]
    public async Task After_withdrawal_the_product_may_apply_afresh()
    {
        var fileId = await ACertifiedFile();
        (await Withdraw(fileId, 4)).Is(HttpStatusCode.OK);
        var file = await File(fileId);

        (await Post("/api/certifications", ApplicationBody(file["producerId"]!.GetValue<Guid>(), file["productId"]!.GetValue<Guid>()))).Is(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_upheld_appeal_against_a_refusal_lets_the_file_be_decided_again_by_someone_not_involved()
    {
        var fileId = await AnInspectedFile(Results(("DF-M2", "failed")));
        (await Refuse(fileId, 3, "Marketing material insufficient")).Is(HttpStatusCode.OK);
        var producer = ProducerOf((await File(fileId))["producerNumber"]!.GetValue<string>());

        var appeal = (await Post($"/api/certifications/{fileId}/appeals", new { expectedVersion = 4, grounds = "DF-M2 is not mandatory; the score meets four stars" }, producer))
            .Is(HttpStatusCode.OK).Json;
        Assert.Equal("refusal", appeal["against"]!.GetValue<string>());
        var appealId = appeal["appealId"]!.GetValue<Guid>();
        (await Post($"/api/certifications/{fileId}/appeals", new { expectedVersion = 5, grounds = "again" }, producer)).IsProblem(HttpStatusCode.Conflict, "appeal-open");

        (await Post($"/api/certifications/{fileId}/appeals/{appealId}/decision", new { expectedVersion = 5, upheld = true, reasoning = "Refusal rested on a non-mandatory requirement" }, OfficerNamed(Officer)))
            .IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        (await Post($"/api/certifications/{fileId}/appeals/{appealId}/decision", new { expectedVersion = 5, upheld = true, reasoning = "Refusal rested on a non-mandatory requirement" }, OfficerNamed("officer-appeals")))
            .Is(HttpStatusCode.OK);

        Assert.Equal("inspected", (await File(fileId))["status"]!.GetValue<string>());
        (await DecideMet(fileId, 7, officer: "officer-appeals")).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_upheld_appeal_against_a_withdrawal_puts_the_certificate_back_in_force_as_if_never_withdrawn_and_a_dismissed_one_changes_nothing()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        (await Withdraw(fileId, 5)).Is(HttpStatusCode.OK);
        App.Clock.Advance(TimeSpan.FromDays(10));

        var first = (await Post($"/api/certifications/{fileId}/appeals", new { expectedVersion = 6, grounds = "The labels were ours" })).Json["appealId"]!.GetValue<Guid>();
        (await Post($"/api/certifications/{fileId}/appeals/{first}/decision", new { expectedVersion = 7, upheld = false, reasoning = "Evidence stands" }, OfficerNamed("officer-appeals")))
            .Is(HttpStatusCode.OK);
        Assert.Equal("withdrawn", (await GetAnonymously($"/api/labels/{code}")).Json["status"]!.GetValue<string>());

        var second = (await Post($"/api/certifications/{fileId}/appeals", new { expectedVersion = 8, grounds = "New evidence: the market stall was not ours" })).Json["appealId"]!.GetValue<Guid>();
        (await Post($"/api/certifications/{fileId}/appeals/{second}/decision", new { expectedVersion = 9, upheld = true, reasoning = "Stall belonged to another seller" }, OfficerNamed("officer-appeals")))
            .Is(HttpStatusCode.OK);

        Assert.Equal("valid", (await GetAnonymously($"/api/labels/{code}")).Json["status"]!.GetValue<string>());
        Assert.Equal("valid", (await GetAnonymously($"/api/labels/{code}?at=2026-03-05")).Json["status"]!.GetValue<string>());
        Assert.Equal("withdrawn", (await GetAnonymously($"/api/labels/{code}?at=2026-03-05&knownAt=2026-03-05")).Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_scope_is_reduced_or_extended_with_a_reason_never_below_the_labels_issued()
    {
        var fileId = await ACertifiedFile(annualUnits: 1000);
        (await IssueLabels(fileId, 4, 600)).Is(HttpStatusCode.Created);

        (await Post($"/api/certifications/{fileId}/scope", new { expectedVersion = 5, scope = "Dried apricots, 250 g packs only", reason = "Line closed", certifiedUnits = 500 }, OfficerNamed(Officer)))
            .IsProblem(HttpStatusCode.Conflict, "volume-below-issued");
        (await Post($"/api/certifications/{fileId}/scope", new { expectedVersion = 5, scope = "Dried apricots, 250 g packs only", reason = "Line closed", certifiedUnits = 800 }, OfficerNamed(Officer)))
            .Is(HttpStatusCode.OK);

        (await IssueLabels(fileId, 6, 201)).IsProblem(HttpStatusCode.Conflict, "certified-volume-exceeded");
        Assert.Equal("Dried apricots, 250 g packs only", (await File(fileId))["certificate"]!["scope"]!.GetValue<string>());
    }
}

using System.Net;
using System.Net.Http.Json;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Staff never decide what they took part in (ISO/IEC 17065, 7.6): every decision of the body,
/// after the kinds of participation staff can have on a file through the API.
/// </summary>
public class ImpartialityTests(AppFixture app) : CertificationTest(app)
{
    private const string Adviser = "officer-adviser-2";
    private const string Neutral = "officer-neutral";

    private Task<Reply> Advise(Guid fileId, long expectedVersion, string officer) =>
        Post($"/api/certifications/{fileId}/advice", new { expectedVersion, topic = "Helped with the drying log", givenOn = Today }, OfficerNamed(officer));

    [Fact]
    public async Task An_officer_who_advised_on_a_file_cannot_reinstate_suspend_withdraw_or_change_the_scope_of_its_certificate()
    {
        var fileId = await ACertifiedFile();
        (await Advise(fileId, 4, Adviser)).Is(HttpStatusCode.OK);

        (await Post($"/api/certifications/{fileId}/suspension", new { expectedVersion = 5, reasonClass = "surveillanceFailed", reason = "Moisture" }, OfficerNamed(Adviser)))
            .IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        (await Post($"/api/certifications/{fileId}/withdrawal", new { expectedVersion = 5, reasonClass = "misuseOfLabels", reason = "x" }, OfficerNamed(Adviser)))
            .IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        (await Post($"/api/certifications/{fileId}/scope", new { expectedVersion = 5, scope = "Dried apricots, 1 kg", reason = "Asked", certifiedUnits = 900 }, OfficerNamed(Adviser)))
            .IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        (await Post($"/api/certifications/{fileId}/reinstatement", new { expectedVersion = 6, reason = "Cleared" }, OfficerNamed(Adviser)))
            .IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        Assert.Equal("suspended", (await File(fileId))["status"]!.GetValue<string>());
        (await Post($"/api/certifications/{fileId}/reinstatement", new { expectedVersion = 6, reason = "Cleared" }, OfficerNamed(Neutral))).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_officer_who_lodged_an_appeal_for_the_producer_cannot_decide_it()
    {
        var fileId = await AnInspectedFile(Results(("DF-M2", "failed")));
        (await Refuse(fileId, 3, "Marketing material insufficient")).Is(HttpStatusCode.OK);
        var appealId = (await Post($"/api/certifications/{fileId}/appeals", new { expectedVersion = 4, grounds = "Lodged at the district office for the cooperative" }, OfficerNamed("officer-lodger")))
            .Is(HttpStatusCode.OK).Json["appealId"]!.GetValue<Guid>();

        var decision = new { expectedVersion = 5, upheld = true, reasoning = "DF-M2 is not mandatory" };
        (await Post($"/api/certifications/{fileId}/appeals/{appealId}/decision", decision, OfficerNamed("officer-lodger")))
            .IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        (await Post($"/api/certifications/{fileId}/appeals/{appealId}/decision", decision, OfficerNamed(Neutral))).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Staff_who_applied_sent_samples_recorded_lab_results_or_answered_a_finding_for_the_producer_cannot_decide_the_file()
    {
        var (producer, product) = await AProducerWithApricots();
        var fileId = (await Post("/api/certifications", ApplicationBody(producer, product), OfficerNamed("officer-applicant")))
            .Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2, findings: [new { requirementCode = "DF-M2", severity = "major", description = "No origin on the label" }])).Is(HttpStatusCode.OK);
        var finding = (await File(fileId))["findings"]![0]!["id"]!.GetValue<Guid>();
        var sample = (await Post($"/api/certifications/{fileId}/samples",
            new { expectedVersion = 3, takenAt = App.Clock.GetUtcNow().AddHours(-1), place = "Store", conditions = "Sealed" }, InspectorNamed(Inspector)))
            .Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"/api/certifications/{fileId}/samples/{sample}/dispatch", new { expectedVersion = 4, laboratory = "Khujand lab" }, OfficerNamed("officer-courier"))).Is(HttpStatusCode.OK);
        (await Post($"/api/certifications/{fileId}/samples/{sample}/results",
            new { expectedVersion = 5, reportNumber = "KH-1", results = new[] { new { parameter = "moisture", value = 12m, unit = "%" } } }, OfficerNamed("officer-lab"))).Is(HttpStatusCode.OK);
        (await Post($"/api/certifications/{fileId}/findings/{finding}/corrective-actions", new { expectedVersion = 6, description = "Labels reprinted", evidenceHashes = Array.Empty<string>() }, OfficerNamed("officer-clerk")))
            .Is(HttpStatusCode.OK);
        (await Post($"/api/certifications/{fileId}/findings/{finding}/review", new { expectedVersion = 7, accepted = true }, InspectorNamed(Inspector))).Is(HttpStatusCode.OK);

        foreach (var person in new[] { "officer-applicant", "officer-courier", "officer-lab", "officer-clerk", Inspector })
        {
            (await DecideMet(fileId, 8, officer: person)).IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
            (await Refuse(fileId, 8, "x", officer: person)).IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        }

        (await DecideMet(fileId, 8, officer: Neutral)).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_handler_who_takes_part_in_the_file_after_being_assigned_its_complaint_can_no_longer_resolve_it()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var reference = (await Send(HttpMethod.Post, "/api/complaints", JsonContent.Create(new { category = "productQuality", description = "Mouldy apricots in the pack", labelCode = code }), null))
            .Is(HttpStatusCode.Created).Json["reference"]!.GetValue<string>();
        var id = (await Get("/api/complaints?limit=500")).Items.Single(c => c!["reference"]!.GetValue<string>() == reference)!["id"]!.GetValue<Guid>();
        (await Get("/api/me", OfficerNamed("officer-handler"))).Is(HttpStatusCode.OK);
        (await Post($"/api/complaints/{id}/assignment", new { expectedVersion = 1, handler = "officer-handler" })).Is(HttpStatusCode.OK);

        (await Advise(fileId, 5, "officer-handler")).Is(HttpStatusCode.OK);

        (await Post($"/api/complaints/{id}/resolution", new { expectedVersion = 2, outcome = "upheld", answer = "Recalled" }, OfficerNamed("officer-handler")))
            .IsProblem(HttpStatusCode.Conflict, "handler-not-impartial");
    }

    [Fact]
    public async Task Someone_not_assigned_to_a_file_is_told_it_does_not_exist_whatever_version_they_send()
    {
        var fileId = await AnInspectedFile();
        var sample = (await Post($"/api/certifications/{fileId}/samples",
            new { expectedVersion = 3, takenAt = App.Clock.GetUtcNow().AddHours(-1), place = "Store", conditions = "Sealed" }, InspectorNamed(Inspector)))
            .Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var stranger = InspectorNamed("inspector-stranger");
        var inspection = (await File(fileId))["inspections"]![0]!["inspectionId"]!.GetValue<Guid>();
        var otherProducer = ProducerOf("TJ-P-999999");

        foreach (var version in new[] { 4, 1 })
        {
            (await Post($"/api/certifications/{fileId}/samples/{sample}/dispatch", new { expectedVersion = version, laboratory = "Lab" }, stranger))
                .IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
            (await Post($"/api/certifications/{fileId}/samples", new { expectedVersion = version, takenAt = App.Clock.GetUtcNow(), place = "Store", conditions = "Sealed" }, stranger))
                .IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
            (await Record(fileId, inspection, version, inspector: "inspector-stranger")).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
            (await Post($"/api/certifications/{fileId}/surrender", new { expectedVersion = version, reason = "x" }, otherProducer))
                .IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        }

        (await Get($"/api/certifications/{fileId}", stranger)).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        Assert.Equal(4, await VersionOf(fileId));
    }
}

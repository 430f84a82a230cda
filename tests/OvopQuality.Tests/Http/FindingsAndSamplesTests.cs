using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class FindingsAndSamplesTests(AppFixture app) : CertificationTest(app)
{
    private const string EvidenceHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private async Task<(Guid File, Guid Finding)> AFileWithA(string severity)
    {
        var fileId = await AnApplication();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2, findings: [new { requirementCode = "DF-Q3", severity, description = "Drying racks open to insects" }])).Is(HttpStatusCode.OK);
        var finding = (await File(fileId))["findings"]![0]!;
        return (fileId, finding["id"]!.GetValue<Guid>());
    }

    private Task<Reply> SubmitAction(Guid fileId, Guid finding, long expectedVersion, User? user = null) =>
        Post($"/api/certifications/{fileId}/findings/{finding}/corrective-actions",
            new { expectedVersion, description = "Racks covered with fine mesh; photos attached", evidenceHashes = new[] { EvidenceHash } }, user);

    private Task<Reply> Review(Guid fileId, Guid finding, long expectedVersion, bool accepted, string inspector = Inspector) =>
        Post($"/api/certifications/{fileId}/findings/{finding}/review",
            new { expectedVersion, accepted, reason = accepted ? null : "Mesh does not cover the side vents" }, InspectorNamed(inspector));

    [Fact]
    public async Task No_standard_met_while_a_major_finding_is_open_and_met_once_its_corrective_action_is_accepted()
    {
        var (fileId, finding) = await AFileWithA("major");
        (await DecideMet(fileId, 3)).IsProblem(HttpStatusCode.Conflict, "open-major-finding");

        var producer = ProducerOf((await File(fileId))["producerNumber"]!.GetValue<string>());
        (await SubmitAction(fileId, finding, 3, producer)).Is(HttpStatusCode.OK);
        (await Review(fileId, finding, 4, accepted: true)).Is(HttpStatusCode.OK);

        (await DecideMet(fileId, 5)).Is(HttpStatusCode.OK);
        var closed = (await File(fileId))["findings"]![0]!;
        Assert.Equal("closed", closed["state"]!.GetValue<string>());
        Assert.Equal(EvidenceHash, closed["actions"]![0]!["evidenceHashes"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_minor_finding_may_stay_open_with_its_deadline_tracked()
    {
        var (fileId, _) = await AFileWithA("minor");

        (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK);

        var finding = (await File(fileId))["findings"]![0]!;
        Assert.Equal("open", finding["state"]!.GetValue<string>());
        Assert.Equal(Today.AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), finding["deadline"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rejected_corrective_action_reopens_the_finding_with_the_reason()
    {
        var (fileId, finding) = await AFileWithA("critical");
        (await SubmitAction(fileId, finding, 3)).Is(HttpStatusCode.OK);
        (await SubmitAction(fileId, finding, 4)).IsProblem(HttpStatusCode.Conflict, "action-under-review");

        (await Review(fileId, finding, 4, accepted: false)).Is(HttpStatusCode.OK);

        var view = (await File(fileId))["findings"]![0]!;
        Assert.Equal("open", view["state"]!.GetValue<string>());
        Assert.Equal("Mesh does not cover the side vents", view["actions"]![0]!["reason"]!.GetValue<string>());
        (await DecideMet(fileId, 5)).IsProblem(HttpStatusCode.Conflict, "open-major-finding");
    }

    [Fact]
    public async Task Only_an_inspector_of_the_file_reviews_and_evidence_is_named_by_its_hash()
    {
        var (fileId, finding) = await AFileWithA("major");
        (await Post($"/api/certifications/{fileId}/findings/{finding}/corrective-actions",
            new { expectedVersion = 3, description = "Fixed", evidenceHashes = new[] { "not-a-hash" } })).IsInvalid("evidenceHashes[0]");
        (await SubmitAction(fileId, finding, 3)).Is(HttpStatusCode.OK);

        (await Review(fileId, finding, 4, accepted: true, inspector: "inspector-stranger")).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
    }

    [Fact]
    public async Task A_laboratory_result_outside_the_standards_limit_raises_a_major_finding_that_blocks_the_grant()
    {
        var fileId = await AnInspectedFile();
        var sample = (await Post($"/api/certifications/{fileId}/samples",
            new { expectedVersion = 3, takenAt = App.Clock.GetUtcNow().AddHours(-2), place = "Drying yard, Chorkuh", conditions = "Sealed bag, 500 g, 24 °C" },
            InspectorNamed(Inspector))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"/api/certifications/{fileId}/samples/{sample}/dispatch", new { expectedVersion = 4, laboratory = "Tajikstandard laboratory, Khujand" }, InspectorNamed(Inspector)))
            .Is(HttpStatusCode.OK);

        var lab = (await Post($"/api/certifications/{fileId}/samples/{sample}/results", new
        {
            expectedVersion = 5,
            reportNumber = "KH-2026-0311",
            results = new[] { new { parameter = "moisture", value = 21.4m, unit = "%" }, new { parameter = "sulphur-dioxide", value = 1200m, unit = "mg/kg" } },
        })).Is(HttpStatusCode.OK).Json;

        Assert.Equal([false, true], lab["results"]!.AsArray().Select(r => r!["withinLimit"]!.GetValue<bool>()));
        Assert.Single(lab["findingsRaised"]!.AsArray());
        var finding = (await File(fileId))["findings"]!.AsArray().Single(f => f!["source"]!.GetValue<string>() == "laboratory")!;
        Assert.Equal(("DF-Q1", "major"), (finding["requirementCode"]!.GetValue<string>(), finding["severity"]!.GetValue<string>()));
        (await DecideMet(fileId, 7)).IsProblem(HttpStatusCode.Conflict, "open-major-finding");
    }

    [Fact]
    public async Task Results_are_held_to_the_parameters_and_units_the_standard_version_sets()
    {
        var fileId = await AnInspectedFile();
        var sample = (await Post($"/api/certifications/{fileId}/samples",
            new { expectedVersion = 3, takenAt = App.Clock.GetUtcNow(), place = "Store", conditions = "Sealed" }, InspectorNamed(Inspector))).Json["id"]!.GetValue<Guid>();
        (await Post($"/api/certifications/{fileId}/samples/{sample}/results", new { expectedVersion = 4, reportNumber = "R1", results = new[] { new { parameter = "moisture", value = 10m, unit = "%" } } }))
            .IsProblem(HttpStatusCode.Conflict, "sample-not-sent");
        (await Post($"/api/certifications/{fileId}/samples/{sample}/dispatch", new { expectedVersion = 4, laboratory = "Lab" }, InspectorNamed(Inspector))).Is(HttpStatusCode.OK);

        (await Post($"/api/certifications/{fileId}/samples/{sample}/results", new { expectedVersion = 5, reportNumber = "R1", results = new[] { new { parameter = "lead", value = 0.1m, unit = "mg/kg" } } }))
            .IsInvalid("results[0].parameter");
        (await Post($"/api/certifications/{fileId}/samples/{sample}/results", new { expectedVersion = 5, reportNumber = "R1", results = new[] { new { parameter = "moisture", value = 10m, unit = "g/kg" } } }))
            .IsInvalid("results[0].unit");
    }

    [Fact]
    public async Task A_submitted_corrective_action_waits_in_the_reviews_of_the_files_inspector_until_reviewed()
    {
        const string inspector = "inspector-reviews-check";
        var fileId = await AnApplication();
        var inspection = await Schedule(fileId, 1, inspector);
        (await Record(fileId, inspection, 2, inspector: inspector, findings: [new { requirementCode = "DF-Q3", severity = "minor", description = "Drying racks open to insects" }])).Is(HttpStatusCode.OK);
        var finding = (await File(fileId))["findings"]![0]!["id"]!.GetValue<Guid>();
        (await SubmitAction(fileId, finding, 3)).Is(HttpStatusCode.OK);

        var waiting = (await Get($"/api/inspectors/{inspector}/reviews", InspectorNamed(inspector))).Is(HttpStatusCode.OK).Items.Single()!;
        Assert.Equal((fileId, finding, 4L), (waiting["fileId"]!.GetValue<Guid>(), waiting["findingId"]!.GetValue<Guid>(), waiting["fileVersion"]!.GetValue<long>()));
        Assert.Equal("Racks covered with fine mesh; photos attached", waiting["description"]!.GetValue<string>());
        Assert.Empty((await Get("/api/inspectors/inspector-not-on-the-file/reviews", InspectorNamed("inspector-not-on-the-file"))).Items);
        (await Get($"/api/inspectors/{inspector}/reviews", InspectorNamed("inspector-not-on-the-file"))).IsProblem(HttpStatusCode.Forbidden, "not-your-worklist");

        (await Review(fileId, finding, 4, accepted: true, inspector: inspector)).Is(HttpStatusCode.OK);
        Assert.Empty((await Get($"/api/inspectors/{inspector}/reviews", InspectorNamed(inspector))).Items);
    }
}

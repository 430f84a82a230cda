using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class DecisionTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task No_decision_without_a_recorded_inspection()
    {
        var fileId = await AnApplication();
        (await DecideMet(fileId, 1)).IsProblem(HttpStatusCode.Conflict, "no-inspection-recorded");

        await Schedule(fileId, 1);
        (await DecideMet(fileId, 2)).IsProblem(HttpStatusCode.Conflict, "no-inspection-recorded");
        (await Refuse(fileId, 2, "x"))
            .IsProblem(HttpStatusCode.Conflict, "no-inspection-recorded");
    }

    [Fact]
    public async Task The_inspector_of_a_file_cannot_decide_it()
    {
        var fileId = await AnInspectedFile();

        (await DecideMet(fileId, 3, officer: Inspector)).IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        (await Refuse(fileId, 3, "x", officer: Inspector))
            .IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
    }

    [Fact]
    public async Task The_standard_is_not_met_when_a_mandatory_requirement_failed_whatever_the_score()
    {
        var fileId = await AnInspectedFile(Results(("DF-Q2", "failed")));

        var reply = (await DecideMet(fileId, 3)).IsProblem(HttpStatusCode.Conflict, "mandatory-requirement-failed");

        Assert.Contains("DF-Q2", reply.Body, StringComparison.Ordinal);
        Assert.Equal("inspected", (await File(fileId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_standard_is_not_met_below_the_one_star_threshold()
    {
        var strict = await ADriedFruitStandardWithThresholds(60, 70, 80, 90, 95);
        var fileId = await AnInspectedFile(Results(("DF-C1", "failed"), ("DF-C2", "failed"), ("DF-M2", "failed"), ("DF-M3", "failed"), ("DF-Q4", "failed")), standardCode: strict);

        (await DecideMet(fileId, 3)).IsProblem(HttpStatusCode.Conflict, "score-below-one-star");
    }

    [Fact]
    public async Task Stars_follow_from_the_score_not_from_the_officer()
    {
        var fileId = await AnInspectedFile(Results(("DF-C1", "failed"), ("DF-M2", "failed")));

        var granted = (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK).Json;

        Assert.Equal(80, granted["scorePercent"]!.GetValue<int>());
        Assert.Equal(4, granted["stars"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_refused_file_is_decided_once_and_gives_its_reasons()
    {
        var fileId = await AnInspectedFile(Results(("DF-Q1", "failed")));

        (await Refuse(fileId, 3, "Moisture 23 %, limit 18 %"))
            .Is(HttpStatusCode.OK);
        (await DecideMet(fileId, 4)).IsProblem(HttpStatusCode.Conflict, "file-already-decided");

        var file = await File(fileId);
        Assert.Equal("refused", file["status"]!.GetValue<string>());
        Assert.Equal("Moisture 23 %, limit 18 %", file["decision"]!["reasons"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_certified_file_cannot_be_certified_twice()
    {
        var fileId = await ACertifiedFile();

        (await DecideMet(fileId, 4)).IsProblem(HttpStatusCode.Conflict, "file-already-decided");
    }

    [Fact]
    public async Task A_decision_with_an_inspection_still_pending_waits_for_it()
    {
        var fileId = await AnInspectedFile();
        await Schedule(fileId, 3, "inspector-second");

        (await DecideMet(fileId, 4)).IsProblem(HttpStatusCode.Conflict, "inspection-pending");
    }

    [Fact]
    public async Task The_certified_volume_cannot_exceed_the_declared_volume_over_the_validity()
    {
        var fileId = await AnInspectedFile(annualUnits: 1000);

        (await DecideMet(fileId, 3, certifiedUnits: 3001)).IsProblem(HttpStatusCode.Conflict, "certified-volume-above-declared");
        Assert.Equal(3000, (await DecideMet(fileId, 3, certifiedUnits: 3000)).Is(HttpStatusCode.OK).Json["certifiedUnits"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_officer_who_advised_the_producer_on_the_file_cannot_decide_it()
    {
        var fileId = await AnInspectedFile();
        (await Post($"/api/certifications/{fileId}/advice", new { expectedVersion = 3, topic = "Helped prepare the drying log before the audit", givenOn = Today }, OfficerNamed("officer-adviser")))
            .Is(HttpStatusCode.OK);

        (await DecideMet(fileId, 4, officer: "officer-adviser")).IsProblem(HttpStatusCode.Conflict, "officer-not-impartial");
        (await DecideMet(fileId, 4)).Is(HttpStatusCode.OK);
    }
}

using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class InspectionTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task No_inspection_is_recorded_unless_scheduled()
    {
        var fileId = await AnApplication();
        (await Record(fileId, Guid.NewGuid(), 1)).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        Assert.Equal("applied", (await File(fileId))["status"]!.GetValue<string>());

        await Schedule(fileId, 1);
        (await Record(fileId, Guid.NewGuid(), 2)).IsProblem(HttpStatusCode.NotFound, "inspection-not-found");
        Assert.Equal("inspectionScheduled", (await File(fileId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_inspection_is_recorded_once()
    {
        var fileId = await AnApplication();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2)).Is(HttpStatusCode.OK);

        (await Record(fileId, inspection, 3)).IsProblem(HttpStatusCode.Conflict, "inspection-already-recorded");
    }

    [Fact]
    public async Task Only_the_assigned_inspector_records_an_inspection()
    {
        var fileId = await AnApplication();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2, inspector: "inspector-other")).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");

        await Schedule(fileId, 2, inspector: "inspector-other");
        (await Record(fileId, inspection, 3, inspector: "inspector-other")).IsProblem(HttpStatusCode.Forbidden, "not-the-assigned-inspector");
    }

    [Fact]
    public async Task Results_must_cover_every_requirement_of_the_standard_version()
    {
        var fileId = await AnApplication();
        var inspection = await Schedule(fileId, 1);

        var reply = (await Record(fileId, inspection, 2, Results().Take(5).ToArray())).IsInvalid("results");

        Assert.Contains("DF-Q4", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inspection_cannot_be_scheduled_in_the_past()
    {
        var fileId = await AnApplication();

        (await Post($"/api/certifications/{fileId}/inspections", new { expectedVersion = 1, inspectorId = Inspector, scheduledFor = Today.AddDays(-1) }))
            .IsInvalid("scheduledFor");
    }

    [Fact]
    public async Task A_recorded_inspection_leaves_the_inspectors_worklist()
    {
        const string inspector = "inspector-worklist-check";
        var fileId = await AnApplication();
        var inspection = await Schedule(fileId, 1, inspector);
        var listed = (await Get($"/api/inspectors/{inspector}/inspections")).Items.Single()!;
        Assert.Equal(fileId, listed["fileId"]!.GetValue<Guid>());
        Assert.Equal("Chorkuh", listed["producerAddress"]!["village"]!.GetValue<string>());

        (await Record(fileId, inspection, 2, inspector: inspector)).Is(HttpStatusCode.OK);

        Assert.Empty((await Get($"/api/inspectors/{inspector}/inspections")).Items);
        var past = (await Get($"/api/inspectors/{inspector}/inspections?state=recorded", InspectorNamed(inspector))).Items.Single()!;
        Assert.Equal((inspection, Today, 100), (past["inspectionId"]!.GetValue<Guid>(), DateOnly.Parse(past["recordedOn"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), past["scorePercent"]!.GetValue<int>()));
        Assert.Single((await Get($"/api/inspectors/{inspector}/inspections?state=all")).Items);
        (await Get($"/api/inspectors/{inspector}/inspections?state=recorded", InspectorNamed("inspector-other"))).IsProblem(HttpStatusCode.Forbidden, "not-your-worklist");
        var recorded = (await File(fileId))["inspections"]!.AsArray().Single()!;
        Assert.Equal(100, recorded["scorePercent"]!.GetValue<int>());
        Assert.Equal("minor", recorded["findings"]![0]!["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_inspection_is_scheduled_on_a_refused_file()
    {
        var fileId = await AnInspectedFile(Results(("DF-Q1", "failed")));
        (await Refuse(fileId, 3, "Moisture 23 %")).Is(HttpStatusCode.OK);

        (await Post($"/api/certifications/{fileId}/inspections", new { expectedVersion = 4, inspectorId = Inspector, scheduledFor = Today }))
            .IsProblem(HttpStatusCode.Conflict, "file-closed");
    }
}

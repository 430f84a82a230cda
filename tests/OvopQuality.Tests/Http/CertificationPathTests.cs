using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class CertificationPathTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task A_producer_applies_is_inspected_certified_and_issues_labels_that_anyone_can_verify()
    {
        var producer = (await Post("/api/producers", ProducerBody(NewTaxId()))).Is(HttpStatusCode.Created);
        var producerId = producer.Json["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/producers/{producerId}", producer.Location);
        var producerNumber = (await Get(producer.Location!)).Is(HttpStatusCode.OK).Json["number"]!.GetValue<string>();
        Assert.Matches("^TJ-P-[0-9]{6}$", producerNumber);

        var productId = (await Post($"/api/producers/{producerId}/products", ApricotsBody(1))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var application = (await Post("/api/certifications", ApplicationBody(producerId, productId, annualUnits: 2000))).Is(HttpStatusCode.Created);
        var fileId = application.Json["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/certifications/{fileId}", application.Location);

        var inspectionId = await Schedule(fileId, 1);
        var worklist = (await Get($"/api/inspectors/{Inspector}/inspections?limit=500")).Is(HttpStatusCode.OK).Items;
        Assert.Contains(worklist, i => i!["inspectionId"]!.GetValue<Guid>() == inspectionId);

        var inspection = (await Record(fileId, inspectionId, 2, Results(("DF-M2", "failed"), ("DF-M3", "notApplicable")))).Is(HttpStatusCode.OK).Json;
        Assert.Equal(89, inspection["scorePercent"]!.GetValue<int>());
        Assert.Equal(4, inspection["potentialStars"]!.GetValue<int>());

        var certificate = (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK).Json;
        var number = certificate["certificateNumber"]!.GetValue<string>();
        Assert.Matches("^TJ-OVOP-2026-[0-9]{6}$", number);
        Assert.Equal(4, certificate["stars"]!.GetValue<int>());
        Assert.Equal("2026-03-02", certificate["validFrom"]!.GetValue<string>());
        Assert.Equal("2029-03-01", certificate["validUntil"]!.GetValue<string>());

        var batch = (await IssueLabels(fileId, 4, 25)).Is(HttpStatusCode.Created);
        var codes = batch.Json["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(25, codes.Distinct().Count());

        var label = (await GetAnonymously($"/api/labels/{codes[7]}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("valid", label["status"]!.GetValue<string>());
        Assert.Equal(number, label["certificateNumber"]!.GetValue<string>());
        Assert.Equal(producerNumber, label["producerNumber"]!.GetValue<string>());
        Assert.Equal("Курага", label["productName"]!["ru"]!.GetValue<string>());
        Assert.Equal("Зардолуи хушк", label["productName"]!["tg"]!.GetValue<string>());
        Assert.Equal("Isfara Apricot Cooperative", label["producerName"]!["en"]!.GetValue<string>());
        Assert.Equal("OVOP-DF", label["standardCode"]!.GetValue<string>());
        Assert.Equal(1, label["standardVersion"]!.GetValue<int>());
        Assert.Equal(4, label["stars"]!.GetValue<int>());
        Assert.Equal("2029-03-01", label["validUntil"]!.GetValue<string>());
        Assert.Equal("LOT-2026-03-A", label["lot"]!.GetValue<string>());
        Assert.NotNull(label["issuedAt"]);
        Assert.NotNull(label["asOf"]);

        var file = await File(fileId);
        Assert.Equal("certified", file["status"]!.GetValue<string>());
        Assert.Equal(25, file["labelsIssued"]!.GetValue<int>());
        var steps = file["steps"]!.AsArray().Select(s => (s!["step"]!.GetValue<string>(), s["by"]?.GetValue<string>(), s["role"]?.GetValue<string>())).ToList();
        Assert.Equal(
            [
                ("applicationSubmitted", Administrator.Subject, "administrator"),
                ("inspectionScheduled", Administrator.Subject, "administrator"),
                ("inspectionRecorded", Inspector, "inspector"),
                ("standardMet", Officer, "certification-officer"),
                ("labelsIssued", Administrator.Subject, "administrator"),
            ],
            steps);

        var mine = (await Get($"/api/producers/{producerId}/certifications")).Is(HttpStatusCode.OK).Items.Single()!;
        Assert.Equal(number, mine["certificateNumber"]!.GetValue<string>());
        Assert.Equal(5, mine["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_full_event_history_of_a_file_is_available_in_order()
    {
        var fileId = await ACertifiedFile();

        var history = (await Get($"/api/certifications/{fileId}/events")).Is(HttpStatusCode.OK).Items;

        Assert.Equal(["applicationSubmitted", "inspectionScheduled", "inspectionRecorded", "standardMet"], history.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3, 4], history.Select(e => e!["version"]!.GetValue<int>()));
        Assert.Equal(fileId, history[0]!["data"]!["fileId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task An_unknown_file_is_a_404_problem_for_reads_and_commands_alike()
    {
        var unknown = Guid.NewGuid();

        (await Get($"/api/certifications/{unknown}")).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        (await Get($"/api/certifications/{unknown}/events")).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        (await IssueLabels(unknown, 4, 1)).Is(HttpStatusCode.NotFound);
        (await Post($"/api/certifications/{unknown}/inspections", new { expectedVersion = 1, inspectorId = Inspector, scheduledFor = Today })).Is(HttpStatusCode.NotFound);
    }
}

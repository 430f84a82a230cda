using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Access;

/// <summary>A producer never sees or changes another producer's data, by any route, and cannot tell it exists.</summary>
public class ProducerIsolationTests(AppFixture app) : CertificationTest(app)
{
    private async Task<(Guid Producer, string Number, Guid Product, Guid File, Guid Batch)> ACertifiedProducerWithLabels()
    {
        var fileId = await ACertifiedFile();
        var batch = (await IssueLabels(fileId, 4, 3)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var file = await File(fileId);
        return (file["producerId"]!.GetValue<Guid>(), file["producerNumber"]!.GetValue<string>(), file["productId"]!.GetValue<Guid>(), fileId, batch);
    }

    [Fact]
    public async Task Another_producers_records_answer_as_if_they_did_not_exist()
    {
        var victim = await ACertifiedProducerWithLabels();
        var (_, intruderNumber, _, _, _) = await ACertifiedProducerWithLabels();
        var intruder = ProducerOf(intruderNumber);

        (await Get($"/api/producers/{victim.Producer}", intruder)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Get($"/api/producers/{victim.Producer}/events", intruder)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Get($"/api/producers/{victim.Producer}/certifications", intruder)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Get($"/api/certifications/{victim.File}", intruder)).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        (await Get($"/api/certifications/{victim.File}/events", intruder)).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        (await Get($"/api/certifications/{victim.File}/labels/{victim.Batch}", intruder)).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
    }

    [Fact]
    public async Task Another_producers_records_cannot_be_changed_and_stay_as_they_were()
    {
        var victim = await ACertifiedProducerWithLabels();
        var (_, intruderNumber, _, _, _) = await ACertifiedProducerWithLabels();
        var intruder = ProducerOf(intruderNumber);

        (await Post($"/api/producers/{victim.Producer}/products", ApricotsBody(2), intruder)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Post($"/api/producers/{victim.Producer}/corrections", new
        {
            expectedVersion = 2,
            legalName = new { tg = "x", ru = "y", en = "Hijacked" },
            address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
            contact = new { person = "x", phone = "1" },
            reason = "hijack",
        }, intruder)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Post("/api/certifications", ApplicationBody(victim.Producer, victim.Product), intruder)).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Post($"/api/certifications/{victim.File}/labels", new { expectedVersion = 5, lot = "STOLEN", quantity = 10 }, intruder))
            .IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");

        Assert.Equal(2, (await Get($"/api/producers/{victim.Producer}/events")).Items.Count);
        Assert.Equal(3, (await File(victim.File))["labelsIssued"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_producer_works_on_its_own_records()
    {
        var mine = await ACertifiedProducerWithLabels();
        var me = ProducerOf(mine.Number);

        (await Get($"/api/producers/{mine.Producer}", me)).Is(HttpStatusCode.OK);
        (await Get($"/api/certifications/{mine.File}", me)).Is(HttpStatusCode.OK);
        (await Post($"/api/certifications/{mine.File}/labels", new { expectedVersion = 5, lot = "LOT-OWN", quantity = 10 }, me)).Is(HttpStatusCode.Created);
        var honey = new { expectedVersion = 2, name = new { tg = "Асал", ru = "Мёд", en = "Honey" }, category = "honey", hsCode = "040900" };
        (await Post($"/api/producers/{mine.Producer}/products", honey, me)).Is(HttpStatusCode.Created);

        var steps = (await File(mine.File))["steps"]!.AsArray();
        Assert.Equal(("producer-" + mine.Number, "producer"), (steps[^1]!["by"]!.GetValue<string>(), steps[^1]!["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_inspector_sees_only_the_files_and_worklist_assigned_to_them()
    {
        var fileId = await AnApplication();
        await Schedule(fileId, 1, "inspector-assigned");

        (await Get($"/api/certifications/{fileId}", InspectorNamed("inspector-assigned"))).Is(HttpStatusCode.OK);
        (await Get($"/api/certifications/{fileId}", InspectorNamed("inspector-elsewhere"))).IsProblem(HttpStatusCode.NotFound, "certification-file-not-found");
        (await Get("/api/inspectors/inspector-assigned/inspections", InspectorNamed("inspector-elsewhere"))).IsProblem(HttpStatusCode.Forbidden, "not-your-worklist");
        Assert.Single((await Get("/api/inspectors/inspector-assigned/inspections", InspectorNamed("inspector-assigned"))).Items);
    }
}

using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class ApplicationTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task An_application_for_an_unknown_producer_or_a_product_of_another_producer_is_a_404_problem()
    {
        var (producer, product) = await AProducerWithApricots();
        var (otherProducer, _) = await AProducerWithApricots();

        (await Post("/api/certifications", ApplicationBody(Guid.NewGuid(), product))).IsProblem(HttpStatusCode.NotFound, "producer-not-found");
        (await Post("/api/certifications", ApplicationBody(otherProducer, product))).IsProblem(HttpStatusCode.NotFound, "product-not-found");
        Assert.Empty((await Get($"/api/producers/{producer}/certifications")).Items);
    }

    [Fact]
    public async Task A_standard_for_another_kind_of_product_does_not_apply()
    {
        var (producer, product) = await AProducerWithApricots();
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ApplicationBody(producer, product), AppFixture.Json))!;
        body["standardCode"] = "OVOP-HN";

        (await Post("/api/certifications", body)).IsProblem(HttpStatusCode.Conflict, "standard-does-not-apply");
    }

    [Fact]
    public async Task The_national_certificate_and_sanitary_conclusion_must_be_valid_when_applying()
    {
        var (producer, product) = await AProducerWithApricots();

        (await Post("/api/certifications", ApplicationBody(producer, product, evidenceValidUntil: Today.AddDays(-1))))
            .IsProblem(HttpStatusCode.Conflict, "national-evidence-expired");
    }

    [Fact]
    public async Task A_product_has_one_open_file_per_standard()
    {
        var (producer, product) = await AProducerWithApricots();
        (await Post("/api/certifications", ApplicationBody(producer, product))).Is(HttpStatusCode.Created);

        (await Post("/api/certifications", ApplicationBody(producer, product))).IsProblem(HttpStatusCode.Conflict, "application-already-open");
    }

    [Fact]
    public async Task A_refused_product_may_apply_again()
    {
        var fileId = await AnInspectedFile(Results(("DF-Q1", "failed")));
        (await Refuse(fileId, 3, "Moisture 23 %")).Is(HttpStatusCode.OK);
        var file = await File(fileId);

        (await Post("/api/certifications", ApplicationBody(file["producerId"]!.GetValue<Guid>(), file["productId"]!.GetValue<Guid>()))).Is(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_application_without_its_evidence_is_refused_naming_the_missing_field()
    {
        var (producer, product) = await AProducerWithApricots();

        var body = $$"""{"producerId":"{{producer}}","productId":"{{product}}","standardCode":"OVOP-DF","declaredVolume":{"annualUnits":100,"unit":"pack"} }""";

        (await PostRaw("/api/certifications", body))
            .IsInvalid("nationalEvidence");
    }
}

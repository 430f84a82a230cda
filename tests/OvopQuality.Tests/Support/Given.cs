using System.Net;
using System.Text.Json.Nodes;

namespace OvopQuality.Tests.Support;

/// <summary>
/// Builds certification histories through the API's own commands, step by step, so every test
/// starts from real event streams. Each call returns what the next step needs.
/// </summary>
public abstract class CertificationTest(AppFixture app) : ApiTest(app)
{
    private static int _taxIds = Random.Shared.Next(100_000, 900_000) * 1000;

    protected const string Inspector = "inspector-nazarov";
    protected const string Officer = "officer-karimova";

    protected static string NewTaxId() => Interlocked.Increment(ref _taxIds).ToString("000000000", System.Globalization.CultureInfo.InvariantCulture);

    protected static object ProducerBody(string taxId) => new
    {
        legalName = new { tg = "Кооперативи «Зардолуи Исфара»", ru = "Кооператив «Исфаринский урюк»", en = "Isfara Apricot Cooperative" },
        taxId,
        address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
        contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234", email = "coop@isfara.tj" },
    };

    protected static object ApricotsBody(long expectedVersion) => new
    {
        expectedVersion,
        name = new { tg = "Зардолуи хушк", ru = "Курага", en = "Dried apricots" },
        category = "driedFruit",
        hsCode = "081310",
    };

    protected async Task<(Guid ProducerId, Guid ProductId)> AProducerWithApricots()
    {
        var producer = (await Post("/api/producers", ProducerBody(NewTaxId()))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var product = (await Post($"/api/producers/{producer}/products", ApricotsBody(1))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return (producer, product);
    }

    protected object ApplicationBody(Guid producerId, Guid productId, int annualUnits = 1000, DateOnly? evidenceValidUntil = null, string standardCode = "OVOP-DF") => new
    {
        producerId,
        productId,
        standardCode,
        declaredVolume = new { annualUnits, unit = "500 g pack" },
        nationalEvidence = new
        {
            certificateNumber = "TJ-ST-2026-4411",
            issuedBy = "Tajikstandard, Sughd branch",
            validUntil = evidenceValidUntil ?? Today.AddYears(2),
            sanitaryConclusionNumber = "SES-2026-118",
            sanitaryConclusionValidUntil = evidenceValidUntil ?? Today.AddYears(1),
        },
    };

    /// <summary>A file just applied for: version 1.</summary>
    protected async Task<Guid> AnApplication(int annualUnits = 1000, string standardCode = "OVOP-DF")
    {
        var (producer, product) = await AProducerWithApricots();
        return (await Post("/api/certifications", ApplicationBody(producer, product, annualUnits, standardCode: standardCode))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
    }

    protected async Task<Guid> Schedule(Guid fileId, long expectedVersion, string inspector = Inspector)
    {
        var reply = await Post($"/api/certifications/{fileId}/inspections", new { expectedVersion, inspectorId = inspector, scheduledFor = Today.AddDays(1) });
        return reply.Is(HttpStatusCode.OK).Json["inspectionId"]!.GetValue<Guid>();
    }

    /// <summary>Results for the dried-fruit standard: all passed unless named otherwise.</summary>
    protected static object[] Results(params (string Code, string Outcome)[] exceptions)
    {
        string[] codes = ["DF-C1", "DF-C2", "DF-M1", "DF-M2", "DF-M3", "DF-Q1", "DF-Q2", "DF-Q3", "DF-Q4"];
        return [.. codes.Select(code => (object)new
        {
            requirementCode = code,
            outcome = exceptions.FirstOrDefault(e => e.Code == code).Outcome ?? "passed",
        })];
    }

    protected Task<Reply> Record(Guid fileId, Guid inspectionId, long expectedVersion, object[]? results = null, string inspector = Inspector, object[]? findings = null) =>
        Post($"/api/certifications/{fileId}/inspections/{inspectionId}/results", InspectionBody(expectedVersion, results, findings), InspectorNamed(inspector));

    protected static readonly object[] OneMinorFinding = [new { requirementCode = "DF-M2", severity = "minor", description = "Origin story missing on the back label" }];

    protected object InspectionBody(long expectedVersion, object[]? results = null, object[]? findings = null) =>
        new
        {
            expectedVersion,
            tookPlaceOn = Today,
            results = results ?? Results(),
            findings = findings ?? OneMinorFinding,
        };

    /// <summary>A file inspected with the given results: version 3.</summary>
    protected async Task<Guid> AnInspectedFile(object[]? results = null, int annualUnits = 1000, string standardCode = "OVOP-DF")
    {
        var fileId = await AnApplication(annualUnits, standardCode);
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2, results)).Is(HttpStatusCode.OK);
        return fileId;
    }

    protected Task<Reply> DecideMet(Guid fileId, long expectedVersion, string officer = Officer, int? certifiedUnits = null) =>
        Post($"/api/certifications/{fileId}/decisions/standard-met", new { expectedVersion, scope = "Dried apricots in 500 g packs", certifiedUnits }, OfficerNamed(officer));

    protected Task<Reply> Refuse(Guid fileId, long expectedVersion, string reason, string officer = Officer) =>
        Post($"/api/certifications/{fileId}/decisions/refusal", new { expectedVersion, reasons = new[] { reason } }, OfficerNamed(officer));

    /// <summary>A certified file: version 4.</summary>
    protected async Task<Guid> ACertifiedFile(int annualUnits = 1000, int? certifiedUnits = null)
    {
        var fileId = await AnInspectedFile(annualUnits: annualUnits);
        (await DecideMet(fileId, 3, certifiedUnits: certifiedUnits)).Is(HttpStatusCode.OK);
        return fileId;
    }

    /// <summary>Publishes a dried-fruit standard with the seed's requirements and other thresholds, under a new code.</summary>
    protected async Task<string> ADriedFruitStandardWithThresholds(int one, int two, int three, int four, int five)
    {
        var code = "T-DF-" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var definition = OvopQuality.Api.Standards.Seeding.SeedStandards.Catalogue[0].Definition with
        {
            Stars = new OvopQuality.Api.Standards.StarThresholds(one, two, three, four, five),
        };
        (await Post($"/api/standards/{code}/versions", definition)).Is(HttpStatusCode.Created);
        return code;
    }

    protected Task<Reply> IssueLabels(Guid fileId, long expectedVersion, int quantity, string lot = "LOT-2026-03-A") =>
        Post($"/api/certifications/{fileId}/labels", new { expectedVersion, lot, quantity });

    protected Task<Reply> Suspend(Guid fileId, long expectedVersion, DateTimeOffset? effectiveFrom = null, string reasonClass = "surveillanceFailed") =>
        Post($"/api/certifications/{fileId}/suspension",
            new { expectedVersion, reasonClass, reason = "Moisture 21 % at surveillance, limit 18 %", effectiveFrom }, OfficerNamed(Officer));

    protected Task<Reply> Reinstate(Guid fileId, long expectedVersion) =>
        Post($"/api/certifications/{fileId}/reinstatement", new { expectedVersion, reason = "Drying room repaired; retest within limits" }, OfficerNamed(Officer));

    protected Task<Reply> Withdraw(Guid fileId, long expectedVersion) =>
        Post($"/api/certifications/{fileId}/withdrawal", new { expectedVersion, reasonClass = "misuseOfLabels", reason = "Labels found on uncertified produce" }, OfficerNamed(Officer));

    protected Task<Reply> Surrender(Guid fileId, long expectedVersion) =>
        Post($"/api/certifications/{fileId}/surrender", new { expectedVersion, reason = "The cooperative stops drying apricots" });

    protected async Task<long> VersionOf(Guid fileId) => (await File(fileId))["version"]!.GetValue<long>();

    protected async Task<JsonNode> File(Guid fileId) => (await Get($"/api/certifications/{fileId}")).Is(HttpStatusCode.OK).Json;
}

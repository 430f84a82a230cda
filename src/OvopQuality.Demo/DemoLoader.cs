using System.Globalization;
using System.Text.Json.Nodes;

namespace OvopQuality.Demo;

/// <summary>Plays each demo producer's history through the API; a producer already registered is left as it is.</summary>
public sealed class DemoLoader(Api api, TextWriter log)
{
    /// <summary>The inspector whose token the demo is given (run.sh mints it for inspector-nazarov).</summary>
    public const string Inspector = "inspector-nazarov";

    public async Task<int> LoadAsync(IReadOnlyList<DemoProducer> producers)
    {
        var added = 0;
        for (var i = 0; i < producers.Count; i++)
        {
            var producer = producers[i];
            var prefix = $"demo [{i + 1}/{producers.Count}] {producer.LegalName.En}";
            var existing = (await api.GetAsync($"/api/producers?taxId={producer.TaxId}")).AsArray();
            if (existing.Count > 0)
            {
                log.WriteLine($"{prefix}: already registered as {existing[0]!["number"]}");
                continue;
            }

            var outcome = await PlayAsync(producer);
            log.WriteLine($"{prefix}: {outcome}");
            added++;
        }

        return added;
    }

    private async Task<string> PlayAsync(DemoProducer p)
    {
        var producerId = Id(await api.PostAsync("/api/producers", new
        {
            legalName = p.LegalName,
            taxId = p.TaxId,
            address = new { region = p.Region, district = p.District, village = p.Village },
            contact = new { person = p.Person, phone = p.Phone },
        }));
        var productId = Id(await api.PostAsync($"/api/producers/{producerId}/products", new
        {
            expectedVersion = 1, name = p.Product.Name, category = p.Product.Category, hsCode = p.Product.HsCode,
        }));
        var number = (await api.GetAsync($"/api/producers/{producerId}"))["number"]!.GetValue<string>();
        if (p.Outcome == Outcome.Registered || p.Product.Standard is null)
        {
            return $"registered as {number}";
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var fileId = Id(await api.PostAsync("/api/certifications", new
        {
            producerId,
            productId,
            standardCode = p.Product.Standard,
            declaredVolume = new { annualUnits = p.Product.AnnualUnits, unit = p.Product.Unit },
            nationalEvidence = new
            {
                certificateNumber = "TJ-ST-" + p.TaxId[^4..],
                issuedBy = "Tajikstandard",
                validUntil = Iso(today.AddYears(2)),
                sanitaryConclusionNumber = "SES-" + p.TaxId[^4..],
                sanitaryConclusionValidUntil = Iso(today.AddYears(1)),
            },
        }));
        var inspectionId = (await api.PostAsync($"/api/certifications/{fileId}/inspections", new
        {
            expectedVersion = 1, inspectorId = Inspector, scheduledFor = Iso(today),
        }))["inspectionId"]!.GetValue<Guid>();
        if (p.Outcome == Outcome.UnderEvaluation)
        {
            return $"{number}, inspection scheduled";
        }

        var standard = await api.GetAsync($"/api/standards/{p.Product.Standard}");
        var requirements = standard["versions"]!.AsArray()[^1]!["requirements"]!.AsArray().Select(r => r!["code"]!.GetValue<string>());
        var recorded = await api.PostAsync($"/api/certifications/{fileId}/inspections/{inspectionId}/results", new
        {
            expectedVersion = 2,
            tookPlaceOn = Iso(today),
            results = requirements.Select(code => new { requirementCode = code, outcome = p.FailedRequirements.Contains(code) ? "failed" : "passed" }),
            findings = p.FailedRequirements.Select(code => new { requirementCode = code, severity = "major", description = $"Requirement {code} not met at the visit" }),
        }, DemoUser.Inspector);
        if (p.Outcome == Outcome.Refused)
        {
            await api.PostAsync($"/api/certifications/{fileId}/decisions/refusal", new
            {
                expectedVersion = 3, reasons = p.FailedRequirements.Select(code => $"Mandatory requirement {code} failed"),
            }, DemoUser.Officer);
            return $"{number}, refused ({string.Join(", ", p.FailedRequirements)} failed)";
        }

        var granted = await api.PostAsync($"/api/certifications/{fileId}/decisions/standard-met", new
        {
            expectedVersion = 3, scope = $"{p.Product.Name.En}, {p.Product.Unit}",
        }, DemoUser.Officer);
        var version = granted["version"]!.GetValue<long>();
        for (var batch = 1; batch <= p.LabelBatches; batch++)
        {
            var issued = await api.PostAsync($"/api/certifications/{fileId}/labels", new
            {
                expectedVersion = version, lot = $"LOT-{today:yyyyMM}-{batch}", quantity = 50,
            });
            version = issued["value"]!["version"]!.GetValue<long>();
        }

        return $"{number}, certificate {granted["certificateNumber"]} with {granted["stars"]} stars (score {recorded["scorePercent"]} %), {p.LabelBatches * 50} labels";
    }

    private static Guid Id(JsonNode created) => created["value"]!.GetValue<Guid>();

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

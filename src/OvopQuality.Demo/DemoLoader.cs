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
            var existing = (await api.GetAsync($"/api/producers?taxId={producer.TaxId}"))["items"]!.AsArray();
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
        var (historicInspection, historicValidFrom) = p.Outcome switch
        {
            Outcome.Expired => ((DateOnly?)new DateOnly(2022, 5, 10), (DateOnly?)new DateOnly(2022, 5, 20)),
            Outcome.Renewed => (today.AddYears(-3).AddDays(-10), today.AddYears(-3).AddDays(7)),
            _ => (null, null),
        };
        var fileId = await ApplyAsync(p, producerId, productId, renews: null);
        var (version, recorded) = await InspectAsync(p, fileId, 1, historicInspection ?? today);
        if (p.Outcome == Outcome.UnderEvaluation)
        {
            return $"{number}, inspection scheduled";
        }

        if (p.Outcome == Outcome.Refused)
        {
            await api.PostAsync($"/api/certifications/{fileId}/decisions/refusal", new
            {
                expectedVersion = version, reasons = p.FailedRequirements.Select(code => $"Mandatory requirement {code} failed"),
            }, DemoUser.Officer);
            return $"{number}, refused ({string.Join(", ", p.FailedRequirements)} failed)";
        }

        var granted = await api.PostAsync($"/api/certifications/{fileId}/decisions/standard-met", new
        {
            expectedVersion = version, scope = $"{p.Product.Name.En}, {p.Product.Unit}", validFrom = historicValidFrom is { } from ? Iso(from) : null,
        }, DemoUser.Officer);
        version = granted["version"]!.GetValue<long>();
        var certificate = $"certificate {granted["certificateNumber"]} with {granted["stars"]} stars (score {recorded["scorePercent"]} %)";
        for (var batch = 1; batch <= p.LabelBatches; batch++)
        {
            var issued = await api.PostAsync($"/api/certifications/{fileId}/labels", new
            {
                expectedVersion = version, lot = $"LOT-{today:yyyyMM}-{batch}", quantity = 50,
            });
            version = issued["version"]!.GetValue<long>();
        }

        var labels = p.LabelBatches > 0 ? $", {p.LabelBatches * 50} labels" : "";
        switch (p.Outcome)
        {
            case Outcome.Suspended:
                await api.PostAsync($"/api/certifications/{fileId}/suspension", new
                {
                    expectedVersion = version, reasonClass = "surveillanceFailed",
                    reason = "HMF 52 mg/kg in the surveillance sample (limit 40 mg/kg); honey stored in the sun",
                }, DemoUser.Officer);
                return $"{number}, {certificate}{labels}, then suspended (surveillance failed)";
            case Outcome.Withdrawn:
                // A buyer's complaint, submitted without signing in, handed to an officer not involved in the file.
                var complaint = await api.PostAsync("/api/complaints", new
                {
                    category = "misuseOfMark", labelCode = (string?)null, certificateNumber = granted["certificateNumber"]!.GetValue<string>(),
                    description = "OVOP labels of this certificate on apricots sold by a trader who buys from growers all over the valley.",
                    complainant = new { name = "Farrukh Nazarov", organisation = "Dushanbe wholesale market", contact = "+992 90 000 00 00" },
                }, user: null);
                var reference = complaint["reference"]!.GetValue<string>();
                var complaints = await api.GetAsync("/api/complaints?status=received");
                var complaintId = complaints["items"]!.AsArray().Single(c => c!["reference"]!.GetValue<string>() == reference)!["id"]!.GetValue<Guid>();
                await api.PutAsync("/api/staff/officer-sharipova", new { name = "Firuza Sharipova", role = "certification-officer" });
                await api.PostAsync($"/api/complaints/{complaintId}/assignment", new { expectedVersion = 1, handler = "officer-sharipova" });
                await api.PostAsync($"/api/certifications/{fileId}/withdrawal", new
                {
                    expectedVersion = version, reasonClass = "misuseOfLabels", reason = "OVOP labels found on apricots bought from uncertified growers",
                }, DemoUser.Officer);
                return $"{number}, {certificate}{labels}, complaint {reference} under investigation, then withdrawn (misuse of labels)";
            case Outcome.Expired:
                return $"{number}, {certificate}, granted on paper in 2022 and recorded late: expired after {granted["validUntil"]}";
            case Outcome.Renewed:
                var renewal = await ApplyAsync(p, producerId, productId, renews: fileId);
                var (renewalVersion, _) = await InspectAsync(p, renewal, 1, today);
                var renewed = await api.PostAsync($"/api/certifications/{renewal}/decisions/standard-met", new
                {
                    expectedVersion = renewalVersion, scope = $"{p.Product.Name.En}, {p.Product.Unit}",
                }, DemoUser.Officer);
                return $"{number}, {certificate}{labels} from {Iso(historicValidFrom!.Value)}, renewed: {renewed["certificateNumber"]} supersedes it";
            default:
                return $"{number}, {certificate}{labels}";
        }
    }

    private async Task<Guid> ApplyAsync(DemoProducer p, Guid producerId, Guid productId, Guid? renews)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return Id(await api.PostAsync("/api/certifications", new
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
            renews,
        }));
    }

    /// <summary>Schedules an inspection and records it; returns the file's version and the recorded inspection.</summary>
    private async Task<(long Version, JsonNode Recorded)> InspectAsync(DemoProducer p, Guid fileId, long version, DateOnly tookPlaceOn)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var inspectionId = (await api.PostAsync($"/api/certifications/{fileId}/inspections", new
        {
            expectedVersion = version, inspectorId = Inspector, scheduledFor = Iso(today),
        }))["inspectionId"]!.GetValue<Guid>();
        if (p.Outcome == Outcome.UnderEvaluation)
        {
            return (version + 1, new JsonObject());
        }

        var standard = await api.GetAsync($"/api/standards/{p.Product.Standard}");
        var requirements = standard["versions"]!.AsArray()[^1]!["requirements"]!.AsArray().Select(r => r!["code"]!.GetValue<string>());
        var recorded = await api.PostAsync($"/api/certifications/{fileId}/inspections/{inspectionId}/results", new
        {
            expectedVersion = version + 1,
            tookPlaceOn = Iso(tookPlaceOn),
            results = requirements.Select(code => new { requirementCode = code, outcome = p.FailedRequirements.Contains(code) ? "failed" : "passed" }),
            findings = p.FailedRequirements.Select(code => new { requirementCode = code, severity = p.Outcome == Outcome.Refused ? "major" : "minor", description = $"Requirement {code} not met at the visit" }),
        }, DemoUser.Inspector);
        return (recorded["version"]!.GetValue<long>(), recorded);
    }

    private static Guid Id(JsonNode created) => created["id"]!.GetValue<Guid>();

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

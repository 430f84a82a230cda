using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>A producer reads what happened to its files in its own language: the facts are kept, the sentences written when read.</summary>
public class NotificationTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task A_suspension_and_a_complaint_are_told_in_tajik_russian_or_english_as_the_reader_asks()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        (await Post("/api/complaints", new { category = "productQuality", description = "Mould inside the sealed pack.", labelCode = code })).Is(HttpStatusCode.Created);
        var file = await File(fileId);
        var producer = ProducerOf(file["producerNumber"]!.GetValue<string>());
        var number = file["certificate"]!["number"]!.GetValue<string>();
        var url = $"/api/producers/{file["producerId"]}/notifications";

        string Told(Reply reply, string kind) => reply.Is(HttpStatusCode.OK).Items.Single(n => n!["kind"]!.GetValue<string>() == kind)!["message"]!.GetValue<string>();

        Assert.StartsWith($"Certificate {number} is suspended from 2026-03-02: Moisture 21 % at surveillance", Told(await Get(url, producer), "suspended"), StringComparison.Ordinal);
        Assert.StartsWith($"Сертификат {number} приостановлен с 2026-03-02", Told(await Get(url + "?lang=ru", producer), "suspended"), StringComparison.Ordinal);
        using var tajik = new HttpRequestMessage(HttpMethod.Get, url);
        tajik.Headers.Authorization = new("Bearer", TokenOf(producer));
        tajik.Headers.Add("Accept-Language", "tg-TJ,ru;q=0.8");
        using var answer = await App.Client.SendAsync(tajik, TestContext.Current.CancellationToken);
        var body = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains($"Сертификати {number} аз 2026-03-02 боздошта шуд", body, StringComparison.Ordinal);
        Assert.Contains("(сифати маҳсулот)", body, StringComparison.Ordinal);

        var complaint = Told(await Get(url, producer), "complaintReceived");
        Assert.Contains("(product quality) received: Mould inside the sealed pack.", complaint, StringComparison.Ordinal);
        Assert.DoesNotContain("ProductQuality", complaint, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<(string Kind, string Message)>> Notices(Guid fileId, string lang = "en")
    {
        var file = await File(fileId);
        var reply = await Get($"/api/producers/{file["producerId"]}/notifications?limit=100&lang={lang}", ProducerOf(file["producerNumber"]!.GetValue<string>()));
        return [.. reply.Is(HttpStatusCode.OK).Items.Where(n => n!["fileId"]!.GetValue<Guid>() == fileId)
            .Select(n => (n!["kind"]!.GetValue<string>(), n["message"]!.GetValue<string>()))];
    }

    [Fact]
    public async Task The_producer_is_told_of_every_turn_of_a_granted_file()
    {
        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 3, lot: "LOT-Isfara-7")).Is(HttpStatusCode.Created);
        (await Post($"/api/certifications/{fileId}/scope", new { expectedVersion = 5, scope = "Dried apricots, 1 kg", reason = "Asked", certifiedUnits = 900 }, OfficerNamed("officer-scope")))
            .Is(HttpStatusCode.OK);
        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();

        var told = (await Notices(fileId)).ToDictionary(n => n.Kind, n => n.Message);

        Assert.Equal(["findingRaised", "granted", "labelsIssued", "scopeChanged"], told.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith($"Certificate {number} is granted: ", told["granted"], StringComparison.Ordinal);
        Assert.Equal("3 labels were issued for lot LOT-Isfara-7.", told["labelsIssued"]);
        Assert.Contains("Dried apricots, 1 kg (900 units a year)", told["scopeChanged"], StringComparison.Ordinal);
        Assert.StartsWith("A non-conformity was found: Origin story missing on the back label. Submit a corrective action by ", told["findingRaised"], StringComparison.Ordinal);
        var russian = (await Notices(fileId, "ru")).ToDictionary(n => n.Kind, n => n.Message);
        Assert.StartsWith($"Выдан сертификат {number}", russian["granted"], StringComparison.Ordinal);
        Assert.Equal("Выдано знаков: 3 для партии LOT-Isfara-7.", russian["labelsIssued"]);
    }

    [Fact]
    public async Task The_producer_is_told_of_a_refusal_and_of_the_appeal_decided_on_it()
    {
        var fileId = await AnInspectedFile(Results(("DF-M2", "failed")));
        (await Refuse(fileId, 3, "Marketing material insufficient")).Is(HttpStatusCode.OK);
        var producer = ProducerOf((await File(fileId))["producerNumber"]!.GetValue<string>());
        var appealId = (await Post($"/api/certifications/{fileId}/appeals", new { expectedVersion = 4, grounds = "DF-M2 is not mandatory" }, producer)).Is(HttpStatusCode.OK).Json["appealId"]!.GetValue<Guid>();
        (await Post($"/api/certifications/{fileId}/appeals/{appealId}/decision", new { expectedVersion = 5, upheld = false, reasoning = "The refusal stands on DF-M1" }, OfficerNamed("officer-appeals")))
            .Is(HttpStatusCode.OK);

        var told = (await Notices(fileId)).ToDictionary(n => n.Kind, n => n.Message);

        Assert.Equal(["appealDismissed", "findingRaised", "refused"], told.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Your appeal is dismissed: The refusal stands on DF-M1", told["appealDismissed"]);
        Assert.Equal("Certification is refused: Marketing material insufficient. You may appeal.", told["refused"]);
        Assert.Equal("Ваша апелляция отклонена: The refusal stands on DF-M1", (await Notices(fileId, "ru")).Single(n => n.Kind == "appealDismissed").Message);
    }
}

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
}

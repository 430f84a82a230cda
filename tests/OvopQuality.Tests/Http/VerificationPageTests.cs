using System.Net;
using OvopQuality.Api.Labels.Page;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class VerificationPageTests(AppFixture app) : CertificationTest(app)
{
    private async Task<Reply> Page(string url, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
        {
            request.Headers.Add("Accept-Language", acceptLanguage);
        }

        using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, null,
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers);
    }

    private async Task<(Guid File, string Code)> ALabel()
    {
        var fileId = await ACertifiedFile();
        return (fileId, (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("tg", "АСЛӢ ВА ЭЪТИБОРНОК", "Зардолуи хушк", "(Zardolui khushk)")]
    [InlineData("ru", "ПОДЛИННЫЙ И ДЕЙСТВУЮЩИЙ", "Курага", "(Kuraga)")]
    [InlineData("en", "GENUINE AND VALID", "Dried apricots", "Isfara Apricot Cooperative")]
    public async Task A_valid_labels_page_speaks_each_language_with_names_also_in_latin_letters(string language, string verdict, string product, string alsoShown)
    {
        var (_, code) = await ALabel();

        var page = (await Page($"/l/{code}?lang={language}")).Is(HttpStatusCode.OK);

        Assert.Equal("text/html", page.MediaType);
        Assert.Contains($"<html lang=\"{language}\">", page.Body, StringComparison.Ordinal);
        Assert.Contains(verdict, page.Body, StringComparison.Ordinal);
        Assert.Contains(product, page.Body, StringComparison.Ordinal);
        Assert.Contains(alsoShown, page.Body, StringComparison.Ordinal);
        Assert.Contains("★★★★★", page.Body, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private const string HostileLot = "<style>header{display:none}</style><h1>VALID</h1><script>alert(1)</script>";

    [Fact]
    public async Task A_producers_text_is_shown_as_text_on_the_page_and_the_sheet_and_the_pages_allow_no_inline_style_or_script()
    {
        var fileId = await ACertifiedFile();
        var batch = (await IssueLabels(fileId, 4, 2, lot: HostileLot)).Is(HttpStatusCode.Created).Json;
        var code = batch["codes"]![0]!.GetValue<string>();
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);

        var page = (await Page($"/l/{code}?lang=en")).Is(HttpStatusCode.OK);
        Assert.Contains("&lt;style&gt;header{display:none}&lt;/style&gt;&lt;h1&gt;VALID&lt;/h1&gt;", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", page.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<h1>VALID", page.Body, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page.Body, "<script"));
        Assert.Contains("data-status=\"suspended\"", page.Body, StringComparison.Ordinal);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", policy, StringComparison.Ordinal);

        var sheet = await Get($"/api/certifications/{fileId}/labels/{batch["id"]}/sheet");
        sheet.Is(HttpStatusCode.OK);
        Assert.Contains("lot &lt;style&gt;", sheet.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", sheet.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", sheet.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unsafe-inline", sheet.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        using var stylesheet = await App.Client.GetAsync("/l/verify.css", TestContext.Current.CancellationToken);
        Assert.Equal("text/css", stylesheet.Content.Headers.ContentType?.MediaType);
        Assert.Contains("header.suspended", await stylesheet.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_reference_runs_only_the_scripts_the_service_gave_it_a_fresh_nonce_for()
    {
        var first = (await Page("/docs/")).Is(HttpStatusCode.OK);
        var second = (await Page("/docs/")).Is(HttpStatusCode.OK);

        string NonceOf(Reply reply)
        {
            var policy = reply.Headers.GetValues("Content-Security-Policy").Single();
            var scripts = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
            Assert.DoesNotContain("unsafe-inline", scripts, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
            var nonce = System.Text.RegularExpressions.Regex.Match(scripts, "'nonce-([A-Za-z0-9+/=_-]{16,})'").Groups[1].Value;
            Assert.NotEmpty(nonce);
            var tags = System.Text.RegularExpressions.Regex.Matches(reply.Body, "<script[^>]*>").Select(m => m.Value).ToList();
            Assert.NotEmpty(tags);
            Assert.All(tags, tag => Assert.Contains($"nonce=\"{nonce}\"", tag, StringComparison.Ordinal));
            return nonce;
        }

        Assert.NotEqual(NonceOf(first), NonceOf(second));
    }

    [Fact]
    public async Task The_page_defaults_to_the_browsers_language()
    {
        var (_, code) = await ALabel();

        Assert.Contains("ПОДЛИННЫЙ", (await Page($"/l/{code}", "ru-RU,ru;q=0.9,en;q=0.8")).Body, StringComparison.Ordinal);
        Assert.Contains("АСЛӢ", (await Page($"/l/{code}", "tg")).Body, StringComparison.Ordinal);
        Assert.Contains("GENUINE", (await Page($"/l/{code}", "de-DE,fr;q=0.8")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_labels_page_says_why_and_since_when_in_the_language()
    {
        var (fileId, code) = await ALabel();
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);

        var page = (await Page($"/l/{code}?lang=ru")).Is(HttpStatusCode.OK).Body;

        Assert.Contains("ПРИОСТАНОВЛЕН", page, StringComparison.Ordinal);
        Assert.Contains("инспекционный контроль выявил несоответствие стандарту (с 2026-03-02)", page, StringComparison.Ordinal);
        Assert.Contains("data-status=\"suspended\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_codes_page_is_a_404_that_warns_the_product_may_not_be_genuine()
    {
        var page = (await Page("/l/0000-0000-0000-0000-1?lang=tg")).Is(HttpStatusCode.NotFound);

        Assert.Contains("ЁФТ НАШУД", page.Body, StringComparison.Ordinal);
        Assert.Contains("қалбакӣ", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_signature_check_script_is_served_from_the_service()
    {
        var script = (await Page("/l/verify.js")).Is(HttpStatusCode.OK);

        Assert.Equal("text/javascript", script.MediaType);
        Assert.Contains("crypto.subtle.verify", script.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ҳисор", "Hisor")]
    [InlineData("Асали кӯҳӣ", "Asali kuhi")]
    [InlineData("Кооператив «Исфаринский урюк»", "Kooperativ \"Isfarinskiy uryuk\"")]
    [InlineData("Ҷӯроби пашмин", "Jurobi pashmin")]
    public void Tajik_and_russian_names_are_transliterated_to_latin(string cyrillic, string latin) =>
        Assert.Equal(latin, Transliteration.ToLatin(cyrillic));
}

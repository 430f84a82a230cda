using System.Net;
using Microsoft.Playwright;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Browser;

/// <summary>
/// The verification page in a real browser (Debian's Chromium, driven by Playwright): every request
/// the page makes is answered by the service in process, at the public address a QR code holds, so
/// the page runs in a secure context and checks the signature with WebCrypto. Screenshots go to
/// the artifacts folder (OVOP_ARTIFACTS, which deploy/test.sh sets).
/// </summary>
public sealed class VerificationPageBrowserTests(AppFixture app) : CertificationTest(app), IAsyncDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static string Chromium => Environment.GetEnvironmentVariable("OVOP_CHROMIUM") ?? "/usr/bin/chromium";

    private static string Screenshots => Path.Combine(Environment.GetEnvironmentVariable("OVOP_ARTIFACTS") ?? Path.GetTempPath(), "screenshots");

    private async Task<IPage> OpenAsync(string url, string locale, List<string>? errors = null)
    {
        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        await context.RouteAsync("**/*", ServeFromTheServiceAsync);
        var page = await context.NewPageAsync();
        if (errors is not null)
        {
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning")
                {
                    lock (errors)
                    {
                        errors.Add(message.Text);
                    }
                }
            };
            page.PageError += (_, error) =>
            {
                lock (errors)
                {
                    errors.Add(error);
                }
            };
        }

        await page.GotoAsync(url);
        return page;
    }

    private async Task ServeFromTheServiceAsync(IRoute route)
    {
        var uri = new Uri(route.Request.Url);
        if (!route.Request.Url.StartsWith(AppFixture.PublicBaseUrl, StringComparison.Ordinal))
        {
            await route.AbortAsync();
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(route.Request.Method), uri.PathAndQuery);
        if (route.Request.Headers.TryGetValue("accept-language", out var language))
        {
            request.Headers.Add("Accept-Language", language);
        }

        if (route.Request.PostDataBuffer is { } body)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(route.Request.Headers["content-type"]);
        }

        using var response = await App.Client.SendAsync(request);
        await route.FulfillAsync(new RouteFulfillOptions
        {
            Status = (int)response.StatusCode,
            BodyBytes = await response.Content.ReadAsByteArrayAsync(),
            ContentType = response.Content.Headers.ContentType?.ToString(),
            Headers = response.Headers.Where(h => h.Key == "Content-Security-Policy").ToDictionary(h => h.Key, h => string.Join(", ", h.Value)),
        });
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    private async Task<(Guid File, string Code, string Address)> ALabel()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var address = (await GetAnonymously($"/api/labels/{code}/token")).Json["url"]!.GetValue<string>();
        return (fileId, code, address);
    }

    [Theory]
    [InlineData("tg-TJ", "АСЛӢ ВА ЭЪТИБОРНОК", "Имзо санҷида шуд")]
    [InlineData("ru-RU", "ПОДЛИННЫЙ И ДЕЙСТВУЮЩИЙ", "Подпись проверена")]
    [InlineData("en-GB", "GENUINE AND VALID", "Signature checked")]
    public async Task A_valid_label_scanned_from_its_qr_shows_the_verdict_and_a_checked_signature_in_the_phones_language(string locale, string verdict, string signature)
    {
        var (_, _, address) = await ALabel();

        var page = await OpenAsync(address, locale);
        await page.WaitForSelectorAsync("#signature[data-result]");
        await ScreenshotAsync(page, "valid-" + locale);

        Assert.Equal(verdict, await page.InnerTextAsync("#verdict"));
        Assert.Equal("valid", await page.GetAttributeAsync("#signature", "data-result"));
        Assert.StartsWith(signature, await page.InnerTextAsync("#signature"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_label_shows_suspended_with_the_reason_and_since_when()
    {
        var (fileId, _, address) = await ALabel();
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);

        var page = await OpenAsync(address, "en-US");
        await page.WaitForSelectorAsync("#signature[data-result]");
        await ScreenshotAsync(page, "suspended-en");

        Assert.Equal("SUSPENDED", await page.InnerTextAsync("#verdict"));
        Assert.Contains("since 2026-03-02", await page.InnerTextAsync("#why"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markup_a_producer_put_in_a_lot_neither_hides_the_suspension_nor_shows_its_own_verdict()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1, lot: "<style>header{display:none}</style><h1>VALID</h1>")).Json["codes"]![0]!.GetValue<string>();
        var address = (await GetAnonymously($"/api/labels/{code}/token")).Json["url"]!.GetValue<string>();
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);

        var page = await OpenAsync(address, "en-US");
        await page.WaitForSelectorAsync("#signature[data-result]");
        await ScreenshotAsync(page, "hostile-lot-suspended-en");

        Assert.True(await page.IsVisibleAsync("header"));
        Assert.Equal("SUSPENDED", await page.InnerTextAsync("#verdict"));
        Assert.Equal("rgb(154, 91, 0)", await page.EvalOnSelectorAsync<string>("header", "h => getComputedStyle(h).backgroundColor"));
        Assert.Equal(1, await page.Locator("h1").CountAsync());
        Assert.Equal(0, await page.Locator("style").CountAsync());
        Assert.Contains("<style>header{display:none}</style><h1>VALID</h1>", await page.InnerTextAsync("main"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_label_warns_and_a_tampered_statement_is_caught_in_the_browser()
    {
        var unknown = await OpenAsync($"{AppFixture.PublicBaseUrl}/l/0000-0000-0000-0000-1", "tg");
        await ScreenshotAsync(unknown, "unknown-tg");
        Assert.Equal("ЁФТ НАШУД", await unknown.InnerTextAsync("#verdict"));

        var (_, _, address) = await ALabel();
        var tampered = address[..^6] + (address[^6] == 'A' ? 'B' : 'A') + address[^5..];
        var page = await OpenAsync(tampered, "en");
        await page.WaitForSelectorAsync("#signature[data-result]");
        await ScreenshotAsync(page, "tampered-en");
        Assert.Equal("invalid", await page.GetAttributeAsync("#signature", "data-result"));

        // A genuine signature on a document of another kind (the status snapshot) is no label statement.
        var snapshot = (await GetAnonymously("/api/status-snapshot")).Json["snapshot"]!.GetValue<string>();
        var other = await OpenAsync(address[..address.IndexOf('#', StringComparison.Ordinal)] + "#" + snapshot, "en");
        await other.WaitForSelectorAsync("#signature[data-result]");
        Assert.Equal("invalid", await other.GetAttributeAsync("#signature", "data-result"));
    }

    [Fact]
    public async Task A_buyer_reports_a_problem_from_the_page_and_gets_a_complaint_number_staff_see_linked_to_the_certificate()
    {
        var (fileId, _, address) = await ALabel();
        var page = await OpenAsync(address, "ru-RU");
        Assert.False(await page.IsVisibleAsync("#complaint textarea"));

        await page.ClickAsync("#report summary");
        await page.SelectOptionAsync("#complaint select[name=category]", "productQuality");
        await page.FillAsync("#complaint textarea[name=description]", "Курага в пачке заплесневела, Корвон, 14 марта.");
        await page.FillAsync("#complaint input[name=contact]", "+992 93 111 2233");
        await page.ClickAsync("#complaint button[type=submit]");
        await page.WaitForSelectorAsync("#complaint-result[data-result]");
        await ScreenshotAsync(page, "complaint-sent-ru");

        Assert.True("sent" == await page.GetAttributeAsync("#complaint-result", "data-result"), await page.InnerTextAsync("#complaint-result"));
        Assert.StartsWith("Отправлено. Номер вашей жалобы: TJ-C-", await page.InnerTextAsync("#complaint-result"), StringComparison.Ordinal);
        var reference = await page.GetAttributeAsync("#complaint-result", "data-reference");
        var complaint = (await Get("/api/complaints?status=received&limit=500")).Items.Single(c => c!["reference"]!.GetValue<string>() == reference)!;
        Assert.Equal(fileId, complaint["fileId"]!.GetValue<Guid>());
        Assert.Equal("+992 93 111 2233", complaint["complainant"]!["contact"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_code_the_registry_does_not_know_can_be_reported_as_counterfeit_from_its_page()
    {
        var page = await OpenAsync($"{AppFixture.PublicBaseUrl}/l/0000-0000-0000-0000-1", "en");

        Assert.Equal("counterfeitLabel", await page.InputValueAsync("#complaint select[name=category]"));
        await page.FillAsync("#complaint textarea[name=description]", "Honey jars with this code at the Khujand border post.");
        await page.ClickAsync("#complaint button[type=submit]");
        await page.WaitForSelectorAsync("#complaint-result[data-result]");

        Assert.Equal("sent", await page.GetAttributeAsync("#complaint-result", "data-result"));
        Assert.True(await page.IsHiddenAsync("#complaint"));
    }

    [Fact]
    public async Task The_api_reference_works_under_its_policy_with_no_inline_script_but_its_own()
    {
        var errors = new List<string>();
        var page = await OpenAsync($"{AppFixture.PublicBaseUrl}/docs/", "en", errors);
        await page.GetByText("Registers a product of a producer").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await ScreenshotAsync(page, "api-reference");

        lock (errors)
        {
            Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        }
    }

    public new async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

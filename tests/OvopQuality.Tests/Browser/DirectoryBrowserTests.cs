using System.Net;
using Microsoft.Playwright;
using OvopQuality.Tests.Http;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Browser;

/// <summary>
/// The directory's pages in a real browser (Debian's Chromium, driven by Playwright) on a phone's
/// screen, every request answered by the service in process; screenshots to the artifacts folder.
/// </summary>
public sealed class DirectoryBrowserTests(AppFixture app) : DirectoryTest(app), IAsyncDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static string Chromium => Environment.GetEnvironmentVariable("OVOP_CHROMIUM") ?? "/usr/bin/chromium";

    private static string Screenshots => Path.Combine(Environment.GetEnvironmentVariable("OVOP_ARTIFACTS") ?? Path.GetTempPath(), "screenshots");

    private async Task<IPage> OpenAsync(string path, string locale, List<string> errors)
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
        page.Dialog += (_, dialog) =>
        {
            lock (errors)
            {
                errors.Add("dialog: " + dialog.Message);
            }
        };
        await page.GotoAsync(AppFixture.PublicBaseUrl + path);
        return page;
    }

    private async Task ServeFromTheServiceAsync(IRoute route)
    {
        if (!route.Request.Url.StartsWith(AppFixture.PublicBaseUrl, StringComparison.Ordinal))
        {
            await route.AbortAsync();
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(route.Request.Method), new Uri(route.Request.Url).PathAndQuery);
        if (route.Request.Headers.TryGetValue("accept-language", out var language))
        {
            request.Headers.Add("Accept-Language", language);
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

    [Theory]
    [InlineData("tg-TJ", "Ҷустуҷӯ", "Сертификатҳо", "Сертификат дода шуд", "Боздошта шуд")]
    [InlineData("ru-RU", "Поиск", "Сертификаты", "Сертификат выдан", "Приостановлен")]
    [InlineData("en-GB", "Search", "Certificates", "Certificate granted", "Suspended")]
    public async Task A_buyer_types_a_name_sees_the_producer_appear_and_opens_its_page_with_certificates_and_history_in_the_phones_language(
        string locale, string searchLabel, string certificatesHeading, string granted, string suspended)
    {
        var (word, latin) = AWord();
        var producer = await ACertifiedProducer(word);
        var second = await ACertifiedProducer(word, Honey(), region: "khatlon", district: "Кӯлоб", standard: "OVOP-HN", results: HoneyResults());
        (await Suspend(second.FileId, 4)).Is(HttpStatusCode.OK);
        var errors = new List<string>();

        var page = await OpenAsync("/directory", locale, errors);
        Assert.Equal(searchLabel, await page.InnerTextAsync("label[for=q]"));
        await page.FillAsync("#q", latin);
        // The page first lists every producer; the script's answer replaces the list and says so.
        await page.WaitForSelectorAsync("#results[data-drawn]");
        Assert.Equal(2, await page.Locator("li.result").CountAsync());
        Assert.Equal(1, await page.Locator($"li.result[data-number='{producer.Number}']").CountAsync());
        Assert.Equal(1, await page.Locator($"li.result[data-number='{second.Number}']").CountAsync());
        Assert.Contains("q=" + latin, page.Url, StringComparison.Ordinal);
        Assert.Equal(suspended, await page.InnerTextAsync($"li.result[data-number='{second.Number}'] .standing"));
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 412"), "the page is wider than the phone");
        await ScreenshotAsync(page, "directory-" + locale);

        await page.ClickAsync($"li.result[data-number='{second.Number}'] a");
        await page.WaitForSelectorAsync("#certificates .certificate");
        Assert.Equal(certificatesHeading, await page.InnerTextAsync("h2"));
        Assert.Equal("suspended", await page.GetAttributeAsync(".certificate", "data-standing"));
        Assert.Equal(["granted", "suspended"], await page.Locator(".timeline li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.event)"));
        Assert.Contains(granted, await page.InnerTextAsync(".timeline li[data-event=granted]"), StringComparison.Ordinal);
        Assert.Contains(suspended, await page.InnerTextAsync(".timeline li[data-event=suspended]"), StringComparison.Ordinal);
        Assert.Equal("★★★★★", await page.InnerTextAsync(".certificate .stars"));
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 412"), "the page is wider than the phone");
        await ScreenshotAsync(page, "producer-" + locale);

        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_hostile_product_name_stays_text_when_the_script_draws_the_results()
    {
        var (word, latin) = AWord();
        const string hostile = "<img src=x onerror=alert(1)>";
        var producer = await ACertifiedProducer(word, new { name = new { tg = hostile, ru = hostile, en = hostile }, category = "driedFruit", hsCode = "081310" });
        var errors = new List<string>();

        var page = await OpenAsync("/directory?lang=en", "en-GB", errors);
        await page.FillAsync("#q", latin);
        await page.WaitForSelectorAsync("#results[data-drawn]");
        Assert.Equal(1, await page.Locator("li.result").CountAsync());

        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Contains(hostile, await page.InnerTextAsync($"li.result[data-number='{producer.Number}'] .certs"), StringComparison.Ordinal);
        await page.ClickAsync($"li.result[data-number='{producer.Number}'] a");
        await page.WaitForSelectorAsync("#certificates .certificate");
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Equal(hostile, await page.InnerTextAsync(".certificate h3"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Without_script_the_form_still_searches_on_the_server()
    {
        var (word, latin) = AWord();
        var producer = await ACertifiedProducer(word);
        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ru-RU", JavaScriptEnabled = false, ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        await context.RouteAsync("**/*", ServeFromTheServiceAsync);
        var page = await context.NewPageAsync();
        await page.GotoAsync(AppFixture.PublicBaseUrl + "/directory");

        await page.FillAsync("#q", latin);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync($"li.result[data-number='{producer.Number}']");

        Assert.Contains("lang=ru", page.Url, StringComparison.Ordinal);
        Assert.Equal("Найдено: 1", await page.InnerTextAsync("#count"));
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

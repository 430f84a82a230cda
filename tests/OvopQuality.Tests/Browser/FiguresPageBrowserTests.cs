using System.Net;
using Microsoft.Playwright;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Browser;

/// <summary>
/// The programme in pictures in a real browser (Debian's Chromium through Playwright), on a phone's
/// width, with the service's Content-Security-Policy in force: every request the page makes is
/// answered by the service in process. Screenshots go to the artifacts folder.
/// </summary>
public sealed class FiguresPageBrowserTests(AppFixture app) : CertificationTest(app), IAsyncDisposable
{
    private static readonly User Ministry = new("ministry-analyst", Api.Access.Roles.Ministry);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static string Chromium => Environment.GetEnvironmentVariable("OVOP_CHROMIUM") ?? "/usr/bin/chromium";

    private static string Screenshots => Path.Combine(Environment.GetEnvironmentVariable("OVOP_ARTIFACTS") ?? Path.GetTempPath(), "screenshots");

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string path, string locale)
    {
        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale, ViewportSize = new ViewportSize { Width = 412, Height = 915 }, AcceptDownloads = true,
        });
        await context.RouteAsync("**/*", ServeFromTheServiceAsync);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
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
        await page.GotoAsync(AppFixture.PublicBaseUrl + path);
        return (page, errors);
    }

    /// <summary>Answers the browser's request from the service, with the headers that matter here: language, the bearer token, the CSP, the download's name.</summary>
    private async Task ServeFromTheServiceAsync(IRoute route)
    {
        if (!route.Request.Url.StartsWith(AppFixture.PublicBaseUrl, StringComparison.Ordinal))
        {
            await route.AbortAsync();
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(route.Request.Method), new Uri(route.Request.Url).PathAndQuery);
        foreach (var header in new[] { "accept-language", "authorization" })
        {
            if (route.Request.Headers.TryGetValue(header, out var value))
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }
        }

        using var response = await App.Client.SendAsync(request);
        var headers = response.Headers.Where(h => h.Key == "Content-Security-Policy").ToDictionary(h => h.Key, h => string.Join(", ", h.Value));
        if (response.Content.Headers.ContentDisposition is { } disposition)
        {
            headers["Content-Disposition"] = disposition.ToString();
        }

        await route.FulfillAsync(new RouteFulfillOptions
        {
            Status = (int)response.StatusCode,
            BodyBytes = await response.Content.ReadAsByteArrayAsync(),
            ContentType = response.Content.Headers.ContentType?.ToString(),
            Headers = headers,
        });
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    public new async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Theory]
    [InlineData("tg-TJ", "Барномаи OVOP дар рақамҳо", "Вилояти Суғд")]
    [InlineData("ru-RU", "Программа OVOP в цифрах", "Согдийская область")]
    [InlineData("en-GB", "The OVOP programme in figures", "Sughd")]
    public async Task The_figures_page_draws_each_chart_with_a_title_and_the_table_of_its_numbers_in_the_phones_language(string locale, string title, string sughd)
    {
        var fileId = await ACertifiedFile();
        (await IssueLabels(fileId, 4, 9)).Is(HttpStatusCode.Created);
        var figures = (await GetAnonymously("/api/statistics/public")).Is(HttpStatusCode.OK).Json;

        var (page, errors) = await OpenAsync("/figures", locale);
        await ScreenshotAsync(page, "figures-" + locale);

        Assert.Equal(title, await page.InnerTextAsync("h1"));
        var charts = page.Locator("svg.chart[role=img]");
        Assert.Equal(7, await charts.CountAsync());
        for (var i = 0; i < 7; i++)
        {
            var chart = charts.Nth(i);
            var labelledBy = (await chart.GetAttributeAsync("aria-labelledby"))!.Split(' ');
            Assert.False(string.IsNullOrWhiteSpace(await page.Locator("#" + labelledBy[0]).TextContentAsync()));
            Assert.Equal("title", await page.Locator("#" + labelledBy[0]).EvaluateAsync<string>("e => e.tagName"));
            Assert.Equal("desc", await page.Locator("#" + labelledBy[1]).EvaluateAsync<string>("e => e.tagName"));
            Assert.NotNull(await chart.GetAttributeAsync("viewBox"));
            Assert.True((await chart.BoundingBoxAsync())!.Width <= 412, "the chart fits a phone's width");
            Assert.Equal(1, await chart.Locator("xpath=ancestor::section[1]//table/caption").CountAsync());
        }

        var sughdCertified = figures["certifiedProducersByRegion"]!["by"]!["sughd"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(sughdCertified, await page.Locator("#by-region-table tr", new PageLocatorOptions { HasText = sughd }).Locator("td").First.TextContentAsync());
        var labels = figures["months"]!.AsArray()[^1]!["labelsIssued"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(labels, await page.Locator("#labels-per-month-table tbody tr").Last.Locator("td").TextContentAsync());
        Assert.True((await page.EvaluateAsync<int>("document.documentElement.scrollWidth")) <= 412, "the page does not scroll sideways on a phone");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_date_picker_shows_the_figures_as_they_stood_on_the_day_chosen()
    {
        await ACertifiedFile();
        var (page, errors) = await OpenAsync("/figures?lang=en", "en-GB");
        var today = await page.InnerTextAsync("#decisions");

        await page.FillAsync("input[name=at]", "2026-01-31");
        await page.ClickAsync(".picker button[type=submit]");
        await page.WaitForURLAsync("**/figures?at=2026-01-31&lang=en");
        await ScreenshotAsync(page, "figures-2026-01-31-en-GB");

        Assert.Contains("2026-01-31", await page.InnerTextAsync("#as-of"), StringComparison.Ordinal);
        Assert.Equal("2026-01", await page.Locator("#labels-per-month-table tbody tr").Last.Locator("th").TextContentAsync());
        var then = await page.InnerTextAsync("#decisions");
        Assert.True(int.Parse(then, System.Globalization.CultureInfo.InvariantCulture) < int.Parse(today, System.Globalization.CultureInfo.InvariantCulture),
            $"decisions on 2026-01-31 ({then}) are fewer than today ({today})");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_ministry_page_asks_for_the_token_shows_the_tables_and_downloads_a_table_as_csv()
    {
        var fileId = await ACertifiedFile();
        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();
        var (page, errors) = await OpenAsync("/figures/ministry?lang=en&at=2029-01-15", "en-GB");
        Assert.True(await page.IsVisibleAsync("#token-form"));

        await page.FillAsync("#token-form input[name=token]", "not-a-token");
        await page.ClickAsync("#token-form button[type=submit]");
        await page.WaitForSelectorAsync("#detail-status[data-result=refused]");
        Assert.True(await page.IsVisibleAsync("#token-form"));

        await page.FillAsync("#token-form input[name=token]", TokenOf(Ministry));
        await page.ClickAsync("#token-form button[type=submit]");
        await page.WaitForSelectorAsync("#detail[data-loaded]");
        await ScreenshotAsync(page, "figures-ministry-en-GB");

        Assert.False(await page.IsVisibleAsync("#token-form"));
        Assert.DoesNotContain("token", page.Url, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(number, await page.InnerTextAsync("#expiring"), StringComparison.Ordinal);
        Assert.Equal(4, await page.Locator("#stages tbody tr").CountAsync());
        Assert.Equal(9, await page.Locator("#cities tbody tr").CountAsync());
        Assert.Equal(2, await page.Locator("#detail svg.chart[role=img]").CountAsync());

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[data-csv=expiring]"));
        Assert.Equal("expiring-2029-01-15.csv", download.SuggestedFilename);
        var saved = await System.IO.File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        Assert.StartsWith("certificateNumber,producerNumber,productTg,productRu,productEn,validUntil,daysLeft", saved, StringComparison.Ordinal);
        Assert.Contains(number, saved, StringComparison.Ordinal);

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#detail[data-loaded]");
        await page.ClickAsync("#forget");
        Assert.True(await page.IsVisibleAsync("#token-form"));
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('ovop.figures.token')"));
        Assert.DoesNotContain(errors, e => !e.Contains("401", StringComparison.Ordinal));
    }
}

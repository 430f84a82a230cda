using System.Globalization;
using System.Text;
using Npgsql;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Statistics.Page;

/// <summary>
/// The programme in pictures for anyone: the public figures (<see cref="PublicFigures"/>) drawn as
/// accessible SVG charts, each with the table of its numbers, in Tajik, Russian or English (the
/// browser's language unless <c>?lang=</c>), for any day (<c>?at=</c>, a date picker in a plain GET
/// form, so it works without script). Served with its own stylesheet; the page runs no script.
/// </summary>
public static class FiguresPageEndpoint
{
    [WolverineGet("/figures", OperationId = "FiguresPage")]
    [Tags("Statistics")]
    [AllowAnonymous]
    [Produces("text/html")]
    [ProducesResponseType(typeof(HttpValidationProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(
        string? at, string? lang, HttpContext context, IQuerySession session, NpgsqlDataSource database, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (instant, invalid) = FiguresSource.ParseAt(at, now);
        if (instant is null)
        {
            return TypedResults.Problem(invalid);
        }

        using var slot = await PublicFiguresGate.EnterAsync(ct);
        if (slot is null)
        {
            return TypedResults.Problem(PublicFiguresGate.Busy(context));
        }

        var texts = FiguresTexts.For(lang, context.Request.Headers.AcceptLanguage);
        var figures = await GetPublicFiguresEndpoint.ComputeAsync(session, database, instant.Value, now, ct);
        return Results.Content(Render(texts, figures, now), "text/html; charset=utf-8", Encoding.UTF8);
    }

    public static string Render(FiguresTexts t, PublicFigures f, DateTimeOffset now)
    {
        var day = FiguresPages.Day(f.AsOf);
        var months = f.Months;
        var body = new List<Html>
        {
            FiguresPages.Head(t, t.Title, "/figures", day, FiguresPages.Day(now)),
            Html.Of($"""
                <main>
                <section class="figure" id="decision-days">
                <h2>{t.DaysToDecision}</h2>
                <dl class="numbers">
                <div><dt>{t.Median}</dt><dd id="median-days">{Days(t, f.ApplicationToDecision.MedianDays)}</dd></div>
                <div><dt>{t.Mean}</dt><dd id="mean-days">{Days(t, f.ApplicationToDecision.MeanDays)}</dd></div>
                <div><dt>{t.P90}</dt><dd>{Days(t, f.ApplicationToDecision.P90Days)}</dd></div>
                <div><dt>{t.Count}</dt><dd id="decisions">{f.ApplicationToDecision.Count}</dd></div>
                </dl>
                </section>
                """),
            SvgCharts.Bars(new Chart("by-region", t.CertifiedProducersByRegion, t.Region, [t.Producers],
                [.. t.Regions.Select(r => new ChartRow(r.Value, [f.CertifiedProducersByRegion.By[r.Key.Wire()]]))]), t.Table),
            SvgCharts.Lines(new Chart("certified-over-time", t.CertifiedProducersOverTime, t.Month, [t.Producers],
                [.. months.Select(m => new ChartRow(m.Month, [m.CertifiedProducers]))]), t.Table),
            SvgCharts.Bars(new Chart("by-standing", t.CertificatesByStanding, t.Standing, [t.Certificates],
                [.. GetPublicFiguresEndpoint.Standings.Select(s => new ChartRow(t.Standings[s], [f.CertificatesByStanding.By[s.Wire()]]))]), t.Table),
            SvgCharts.Bars(new Chart("by-category", t.ValidByCategory, t.Category, [t.Certificates],
                [.. t.Categories.Select(c => new ChartRow(c.Value, [f.ValidByCategory.By[c.Key.Wire()]]))]), t.Table),
            SvgCharts.Bars(new Chart("by-stars", t.ValidByStars, t.Stars, [t.Certificates],
                [.. f.ValidByStars.Select(s => new ChartRow(new string('★', int.Parse(s.Key, CultureInfo.InvariantCulture)), [s.Value]))]), t.Table),
            SvgCharts.Columns(new Chart("labels-per-month", t.LabelsPerMonth, t.Month, [t.Labels],
                [.. months.Select(m => new ChartRow(m.Month, [m.LabelsIssued]))]), t.Table),
            SvgCharts.Columns(new Chart("complaints-per-month", t.ComplaintsPerMonth, t.Month, [t.Received, t.Resolved],
                [.. months.Select(m => new ChartRow(m.Month, [m.ComplaintsReceived, m.ComplaintsResolved]))]), t.Table),
            Html.Of($"""
                <section class="figure" id="complaints-so-far">
                <h2>{t.ComplaintsSoFar}</h2>
                <dl class="numbers">
                <div><dt>{t.Received}</dt><dd id="complaints-received">{f.Complaints.Received}</dd></div>
                <div><dt>{t.Resolved}</dt><dd id="complaints-resolved">{f.Complaints.Resolved}</dd></div>
                </dl>
                </section>
                </main>
                <footer><p>{t.Footnote}</p><p><a href="/figures/ministry?lang={t.Language}&amp;at={day}">{t.MinistryLink}</a></p></footer>
                </body></html>
                """),
        };
        return Html.Join(body).Encoded;
    }

    private static string Days(FiguresTexts t, double? days) => days is { } d ? SvgCharts.V(d) + " " + t.Days : t.None;
}

/// <summary>What the public and the ministry's page share: the head, the title, the day picker and the language links.</summary>
public static class FiguresPages
{
    public static string Day(DateTimeOffset instant) => ProgrammeTime.DayOf(instant).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The page's head and header. The picker offers days up to <paramref name="latest"/>: today on
    /// the public page; no limit on the ministry's, which looks ahead for certificates about to lapse.
    /// </summary>
    public static Html Head(FiguresTexts t, string title, string path, string day, string? latest) =>
        Html.Join([PageAssets.Start(t.Language, title, "/figures/figures.css"), Html.Of($"""
            <header>
            <h1>{title}</h1>
            <p id="as-of">{t.AsOf} <time datetime="{day}">{day}</time></p>
            <form class="picker" method="get" action="{path}">
            <label>{t.Day} <input type="date" name="at" value="{day}"{(latest is null ? Html.Empty : Html.Of($" max=\"{latest}\""))}></label>
            <input type="hidden" name="lang" value="{t.Language}">
            <button type="submit">{t.Show}</button>
            </form>
            <nav class="languages">{Html.Join(FiguresTexts.Languages.Select(language => Html.Of(
                $"<a href=\"{path}?lang={language}&amp;at={day}\" hreflang=\"{language}\" lang=\"{language}\">{(language switch { "tg" => "Тоҷикӣ", "ru" => "Русский", _ => "English" })}</a>")))}</nav>
            </header>
            """)]);
}

/// <summary>
/// The ministry's page: a shell that asks once for the access token (kept in this tab's
/// sessionStorage only, never in the address or a cookie), then fetches the figures as an HTML
/// fragment from <c>/figures/ministry/content</c> with it, and downloads each table's CSV with it.
/// </summary>
public static class MinistryFiguresPageEndpoint
{
    [WolverineGet("/figures/ministry", OperationId = "MinistryFiguresPage")]
    [Tags("Statistics")]
    [AllowAnonymous]
    [Produces("text/html")]
    [ProducesResponseType(typeof(HttpValidationProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    public static IResult Get(string? at, string? lang, HttpContext context, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var (instant, invalid) = FiguresSource.ParseAt(at, now);
        if (instant is null)
        {
            return TypedResults.Problem(invalid);
        }

        var t = FiguresTexts.For(lang, context.Request.Headers.AcceptLanguage);
        var m = t.Ministry;
        var day = FiguresPages.Day(instant.Value);
        var page = Html.Join([
            FiguresPages.Head(t, m.Title, "/figures/ministry", day, null),
            Html.Of($"""
                <main>
                <form id="token-form" class="token">
                <label>{m.TokenLabel} <input type="password" name="token" autocomplete="off" spellcheck="false" required></label>
                <button type="submit">{m.SignIn}</button>
                <p class="hint">{m.TokenHint}</p>
                </form>
                <p id="detail-status" role="status"></p>
                <div id="detail" aria-live="polite" data-lang="{t.Language}" data-at="{(string.IsNullOrWhiteSpace(at) ? "" : day)}"
                 data-refused="{m.Refused}" data-failed="{m.Failed}" data-loading="{m.Loading}"></div>
                <p><button id="forget" type="button" hidden>{m.SignOut}</button></p>
                </main>
                <footer><p><a href="/figures?lang={t.Language}&amp;at={day}">{t.PublicLink}</a></p></footer>
                <script src="/figures/figures.js"></script>
                </body></html>
                """),
        ]);
        return Results.Content(page.Encoded, "text/html; charset=utf-8", Encoding.UTF8);
    }
}

public static class MinistryFiguresContentEndpoint
{
    /// <summary>
    /// The ministry's figures (<see cref="FiguresDetail"/>) as an HTML fragment for the ministry's
    /// page (ministry and programme staff): lead times (a chart and a table), certificates expiring
    /// with no renewal filed, surveillance overdue, producers by city (a chart and a table) and by
    /// district, each table with a link to its CSV. <c>?at=</c> and <c>?lang=</c> as on the page.
    /// </summary>
    [WolverineGet("/figures/ministry/content", OperationId = "MinistryFiguresContent")]
    [Tags("Statistics")]
    [Authorize(Roles = Roles.Ministry + "," + Roles.Staff)]
    [Produces("text/html")]
    [ProducesResponseType(typeof(HttpValidationProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(
        string? at, string? lang, HttpContext context, IQuerySession session, NpgsqlDataSource database, [FromServices] LifecycleSettings lifecycle, TimeProvider clock,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (instant, invalid) = FiguresSource.ParseAt(at, now);
        if (instant is null)
        {
            return TypedResults.Problem(invalid);
        }

        var texts = FiguresTexts.For(lang, context.Request.Headers.AcceptLanguage);
        var detail = await GetFiguresDetailEndpoint.ComputeAsync(session, database, lifecycle, instant.Value, now, ct);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(Render(texts, detail).Encoded, "text/html; charset=utf-8", Encoding.UTF8);
    }

    public static Html Render(FiguresTexts t, FiguresDetail d)
    {
        var m = t.Ministry;
        var instant = Uri.EscapeDataString(d.AsOf.ToString("O", CultureInfo.InvariantCulture));
        var day = FiguresPages.Day(d.AsOf);
        Html Csv(string table) =>
            Html.Of($"<p><a class=\"csv\" data-csv=\"{table}\" href=\"/api/statistics/detail/{table}.csv?at={instant}\" download=\"{table}-{day}.csv\">{m.DownloadCsv} ({table}.csv)</a></p>");
        string Product(LocalizedText name) => t.Language switch { "tg" => name.Tg, "ru" => name.Ru, _ => name.En };

        return Html.Join([
            SvgCharts.Bars(new Chart("lead-times", m.MedianPerStage, m.Stage, [t.Median],
                [.. d.LeadTimes.Select(l => new ChartRow(m.Stages[l.Stage], [l.MedianDays ?? 0]))]), t.Table),
            Table("stages", m.LeadTimes, [m.Stage, t.Count, t.Mean, t.Median, t.P90],
                d.LeadTimes.Select(l => (m.Stages[l.Stage], new[] { l.Count.ToString(CultureInfo.InvariantCulture), Days(l.MeanDays), Days(l.MedianDays), Days(l.P90Days) })), t.None),
            Csv("leadTimes"),
            Table("expiring", m.Expiring, [m.Certificate, m.Producer, m.Product, m.ValidUntil, m.DaysLeft],
                d.Expiring.Select(e => (e.CertificateNumber, new[] { e.ProducerNumber, Product(e.ProductName), Date(e.ValidUntil), e.DaysLeft.ToString(CultureInfo.InvariantCulture) })), t.None),
            Csv("expiring"),
            Table("surveillance-overdue", m.Overdue, [m.Certificate, m.Producer, m.Product, m.Round, m.DueOn, m.DaysOverdue],
                d.SurveillanceOverdue.Select(o => (o.CertificateNumber, new[]
                    { o.ProducerNumber, Product(o.ProductName), o.Round.ToString(CultureInfo.InvariantCulture), Date(o.DueOn), o.DaysOverdue.ToString(CultureInfo.InvariantCulture) })), t.None),
            Csv("surveillanceOverdue"),
            SvgCharts.Bars(new Chart("by-city", m.ByCity, m.City, [t.Producers], [.. d.ProducersByCity.Select(c => new ChartRow(c.City, [c.Producers]))]), t.Table),
            Table("cities", m.ByCity, [m.City, t.Producers, m.Certified],
                d.ProducersByCity.Select(c => (c.City, new[] { c.Producers.ToString(CultureInfo.InvariantCulture), c.CertifiedProducers.ToString(CultureInfo.InvariantCulture) })), t.None),
            Html.Of($"<p class=\"hint\">{m.CityRule} {m.Elsewhere}: <span id=\"elsewhere\">{d.ProducersOutsideCities}</span>.</p>"),
            Csv("producersByCity"),
            Table("by-district", m.ByDistrict, [t.Region, m.District, t.Producers, m.Certified],
                d.ProducersByDistrict.Select(p => (t.Regions[p.Region], new[]
                    { p.District, p.Producers.ToString(CultureInfo.InvariantCulture), p.CertifiedProducers.ToString(CultureInfo.InvariantCulture) })), t.None),
            Csv("producersByDistrict"),
        ]);

        static string Days(double? days) => days is { } value ? SvgCharts.V(value) : "";

        static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>A table under its own heading; its first cell is the row's header. Every cell is encoded.</summary>
    private static Html Table(string id, string caption, IReadOnlyList<string> headers, IEnumerable<(string Head, string[] Cells)> rows, string none)
    {
        var body = rows.Select(r => Html.Of($"<tr><th scope=\"row\">{r.Head}</th>{Html.Join(r.Cells.Select(c => Html.Of($"<td>{c}</td>")))}</tr>")).ToList();
        return Html.Of($"""
            <section class="table" id="{id}-section">
            <div class="scroll"><table id="{id}"><caption>{caption}</caption>
            <thead><tr>{Html.Join(headers.Select(h => Html.Of($"<th scope=\"col\">{h}</th>")))}</tr></thead>
            <tbody>{(body.Count == 0 ? Html.Of($"<tr><td colspan=\"{headers.Count}\">{none}</td></tr>") : Html.Join(body))}</tbody>
            </table></div>
            </section>
            """);
    }
}

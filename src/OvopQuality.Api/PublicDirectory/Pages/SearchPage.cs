using System.Text;
using OvopQuality.Api.Labels.Page;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;
using OvopQuality.Api.PublicDirectory.Searching;

namespace OvopQuality.Api.PublicDirectory.Pages;

/// <summary>
/// The directory's search page: a plain GET form whose results the server draws from the same search
/// as <c>GET /api/directory</c>, so it works without script; its own script then searches as one
/// types (through the API) and keeps the address in step, so that a search can be shared as a link.
/// </summary>
public static class DirectorySearchPageEndpoint
{
    /// <summary>Results a page shows at once: enough for a phone's screen or three.</summary>
    public const int PageSize = 20;

    [WolverineGet("/directory", OperationId = "DirectorySearchPage")]
    [Tags("Directory")]
    [AllowAnonymous]
    [Produces("text/html")]
    public static async Task<IResult> Get(
        string? lang, string? q, string? category, string? hsCode, string? region, string? district, string? standard, string? stars, string? standing, string? sort,
        string? cursor, HttpContext context, [FromServices] DirectoryIndex index, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var t = DirectoryTexts.For(PageTexts.Choose(lang, context.Request.Headers.AcceptLanguage));
        // Stars come from a select; anything else written in the address is refused like the API refuses it.
        int? starsAsked = string.IsNullOrWhiteSpace(stars) ? null : int.TryParse(stars, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        var (query, invalid) = DirectoryQuery.Read(q, category, hsCode, region, district, standard, starsAsked, standing, sort, PageSize, cursor);
        var asked = new SearchForm(q?.Trim() ?? "", category, hsCode, region, district, standard, stars, standing, sort);
        if (query is null)
        {
            var fields = invalid is ValidationProblemDetails named ? named.Errors.Keys : [];
            return Page(Render(t, asked, null, fields), StatusCodes.Status400BadRequest);
        }

        var found = DirectorySearch.Run(await index.AllAsync(session, ct), query, clock.GetUtcNow());
        return Page(Render(t, asked, found, []), StatusCodes.Status200OK);
    }

    private static IResult Page(string html, int status) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>What the form was given, to show again as it was typed.</summary>
    public sealed record SearchForm(
        string Q, string? Category, string? HsCode, string? Region, string? District, string? Standard, string? Stars, string? Standing, string? Sort)
    {
        public IEnumerable<KeyValuePair<string, string?>> Parameters() =>
            new Dictionary<string, string?>
            {
                ["q"] = Q, ["category"] = Category, ["hsCode"] = HsCode, ["region"] = Region, ["district"] = District,
                ["standard"] = Standard, ["stars"] = Stars, ["standing"] = Standing, ["sort"] = Sort,
            }.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value!.Trim()));
    }

    /// <summary>The page, built only from <see cref="Html"/>: every value typed or stored is encoded where it goes.</summary>
    public static string Render(DirectoryTexts t, SearchForm form, Page<DirectoryHit>? found, IEnumerable<string> notUnderstood)
    {
        var page = new List<Html>
        {
            Head(t, t.Title),
            Html.Of($"""
                <header class="top"><h1>{t.Title}</h1><p>{t.Intro}</p></header>
                <main>
                <form id="search" method="get" action="/directory" role="search">
                <input type="hidden" name="lang" value="{t.Language}">
                <label for="q" class="big">{t.Search}</label>
                <input id="q" name="q" type="search" value="{form.Q}" placeholder="{t.Placeholder}" maxlength="{DirectoryQuery.MaxTextLength}" autocomplete="off">
                <div class="filters">
                """),
            Choice(t.Category, "category", form.Category, t.Any, t.Categories.Select(c => (DirectoryTexts.Wire(c.Key), c.Value))),
            Choice(t.Region, "region", form.Region, t.Any, t.Regions.Select(r => (DirectoryTexts.Wire(r.Key), r.Value))),
            Html.Of($"<label>{t.District}<input name=\"district\" value=\"{form.District ?? ""}\" maxlength=\"100\"></label>"),
            Html.Of($"<label>{t.HsCode}<input name=\"hsCode\" value=\"{form.HsCode ?? ""}\" maxlength=\"10\" inputmode=\"numeric\"></label>"),
            Choice(t.Standing, "standing", form.Standing, t.Any, t.Standings.Select(s => (DirectoryTexts.Wire(s.Key), s.Value))),
            Choice(t.StarsAtLeast, "stars", form.Stars, t.Any, Enumerable.Range(1, 5).Select(s => (s.ToString(System.Globalization.CultureInfo.InvariantCulture), new string('★', s)))),
            Choice(t.Sort, "sort", form.Sort, null, t.Sorts.Select(s => (DirectoryTexts.Wire(s.Key), s.Value))),
            Html.Of($"""
                </div>
                <button type="submit">{t.Find}</button>
                </form>
                <section id="results" aria-live="polite" data-texts="{System.Text.Json.JsonSerializer.Serialize(t.ForScript())}">
                """),
        };
        var refused = notUnderstood.ToList();
        if (refused.Count > 0)
        {
            page.Add(Html.Of($"<p id=\"count\" class=\"problem\">{t.NotUnderstood} {string.Join(", ", refused)}</p>"));
        }

        if (found is not null)
        {
            page.Add(Html.Of($"<p id=\"count\">{(found.Total > 0 ? string.Format(System.Globalization.CultureInfo.InvariantCulture, t.FoundFormat, found.Total) : t.NothingFound)}</p><ol id=\"hits\">"));
            foreach (var hit in found.Items)
            {
                page.Add(Hit(t, hit));
            }

            page.Add(Html.Trusted("</ol>"));
            if (found.Next is not null)
            {
                var next = form.Parameters().Append(KeyValuePair.Create("lang", (string?)t.Language)).Append(KeyValuePair.Create("cursor", (string?)found.Next));
                page.Add(Html.Of($"<a id=\"more\" href=\"/directory{QueryString.Create(next).ToString()}\">{t.More}</a>"));
            }
        }

        page.Add(Html.Trusted("</section></main>"));
        page.Add(Languages(form.Parameters()));
        page.Add(Html.Trusted("<script src=\"/directory/directory.js\"></script></body></html>"));
        return Html.Join(page).Encoded;
    }

    private static Html Hit(DirectoryTexts t, DirectoryHit hit)
    {
        var certificates = hit.Certificates.Select(c => Html.Of(
            $"<li><span class=\"standing {DirectoryTexts.Tone(c.Standing)}\">{t.StandingOf(c.Standing)}</span> {t.Pick(c.ProductName)} <span class=\"stars\">{new string('★', c.Stars ?? 0)}</span> <span class=\"until\">→ {c.ValidUntil:yyyy-MM-dd}</span></li>"));
        var latin = t.Language == "en" ? Html.Empty : Html.Of($" <span class=\"latin\">{hit.NameInLatin}</span>");
        return Html.Of($"""
            <li class="result" data-number="{hit.ProducerNumber}"><a href="/p/{Uri.EscapeDataString(hit.ProducerNumber)}?lang={t.Language}">{t.Pick(hit.Name)}</a>{latin}
            <div class="place">{t.Regions[hit.Region]} · {(t.Language == "en" ? hit.DistrictInLatin : hit.District)} · {hit.ProducerNumber}</div>
            <ul class="certs">{Html.Join(certificates)}</ul></li>
            """);
    }

    private static Html Choice(string label, string name, string? chosen, string? any, IEnumerable<(string Value, string Text)> options)
    {
        var items = new List<Html> { Html.Of($"<label>{label}<select name=\"{name}\">") };
        if (any is not null)
        {
            items.Add(Html.Of($"<option value=\"\">{any}</option>"));
        }

        foreach (var (value, text) in options)
        {
            var selected = string.Equals(value, chosen?.Trim(), StringComparison.OrdinalIgnoreCase) ? Html.Trusted(" selected") : Html.Empty;
            items.Add(Html.Of($"<option value=\"{value}\"{selected}>{text}</option>"));
        }

        items.Add(Html.Trusted("</select></label>"));
        return Html.Join(items);
    }

    /// <summary>The page's head: its own stylesheet, nothing inline.</summary>
    public static Html Head(DirectoryTexts t, string title) => PageAssets.Start(t.Language, title, "/directory/directory.css");

    /// <summary>Links to the same page in the other languages, the search kept.</summary>
    public static Html Languages(IEnumerable<KeyValuePair<string, string?>> parameters, string path = "/directory")
    {
        var kept = parameters.ToList();
        var links = new List<Html> { Html.Trusted("<nav class=\"languages\">") };
        foreach (var language in PageTexts.Languages)
        {
            var name = language switch { "tg" => "Тоҷикӣ", "ru" => "Русский", _ => "English" };
            var address = QueryString.Create(kept.Append(KeyValuePair.Create("lang", (string?)language))).ToString();
            links.Add(Html.Of($"<a href=\"{path}{address}\" hreflang=\"{language}\" lang=\"{language}\">{name}</a>"));
        }

        links.Add(Html.Trusted("</nav>"));
        return Html.Join(links);
    }
}

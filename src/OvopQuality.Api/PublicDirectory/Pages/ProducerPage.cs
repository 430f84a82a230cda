using System.Text;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Page;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.PublicDirectory.Reading;

namespace OvopQuality.Api.PublicDirectory.Pages;

/// <summary>
/// A certified producer's public page, the same entry as <c>GET /api/directory/{producerNumber}</c>:
/// its names (also in Latin letters), where it is, each certificate with its standing now and why,
/// stars, validity, standard and history; its contact only while it agrees to publish it.
/// </summary>
public static class ProducerPageEndpoint
{
    [WolverineGet("/p/{producerNumber}", OperationId = "ProducerPage")]
    [Tags("Directory")]
    [AllowAnonymous]
    [Produces("text/html")]
    public static async Task<IResult> Get(
        string producerNumber, string? lang, HttpContext context, [FromServices] DirectoryIndex index, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var t = DirectoryTexts.For(PageTexts.Choose(lang, context.Request.Headers.AcceptLanguage));
        var found = producerNumber.Length <= 40 ? await index.FindAsync(DirectoryProducer.Normalize(producerNumber), session, ct) : null;
        var now = clock.GetUtcNow();
        var html = found is null ? RenderNotListed(t, producerNumber) : Render(t, DirectoryProducer.Of(found, now));
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, found is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
    }

    public static string Render(DirectoryTexts t, DirectoryProducer p)
    {
        var shown = t.Pick(p.Name);
        var latin = t.Language switch { "tg" => p.NameInLatin, "ru" => p.RussianNameInLatin, _ => null };
        var page = new List<Html>
        {
            DirectorySearchPageEndpoint.Head(t, shown + " · OVOP"),
            Html.Of($"""
                <header class="top"><p><a id="back" href="/directory?lang={t.Language}">← {t.BackToDirectory}</a></p>
                <h1 id="name">{shown}</h1>{(latin is null ? Html.Empty : Html.Of($"<p class=\"latin\">{latin}</p>"))}<p class="number">{p.ProducerNumber}</p></header>
                <main>
                <dl id="place"><dt>{t.Region}</dt><dd>{t.Regions[p.Region]}</dd><dt>{t.District}</dt><dd>{(t.Language == "en" ? p.DistrictInLatin : p.District)}</dd><dt>{t.Village}</dt><dd>{(t.Language == "en" ? p.VillageInLatin : p.Village)}</dd>
                """),
        };
        if (p.Contact is { } contact)
        {
            page.Add(Html.Of($"<dt>{t.Contact}</dt><dd id=\"contact\">{contact.Person} · {contact.Phone}{(contact.Email is null ? "" : " · " + contact.Email)}</dd>"));
        }

        page.Add(Html.Of($"</dl><h2>{t.Certificates}</h2><section id=\"certificates\">"));
        foreach (var c in p.Certificates)
        {
            page.Add(Certificate(t, c));
        }

        page.Add(Html.Trusted("</section></main>"));
        page.Add(DirectorySearchPageEndpoint.Languages([], "/p/" + Uri.EscapeDataString(p.ProducerNumber)));
        page.Add(Html.Of($"<footer>{t.AsOf} {p.AsOf:yyyy-MM-dd HH:mm} UTC</footer></body></html>"));
        return Html.Join(page).Encoded;
    }

    private static Html Certificate(DirectoryTexts t, DirectoryCertificate c)
    {
        var l = t.Label;
        var why = c.Standing switch
        {
            LabelStatus.Suspended or LabelStatus.Withdrawn => $"{l.Reason(c.ReasonClass)} ({l.Since} {Day(c.Since)})",
            LabelStatus.Superseded => $"{l.ReplacedBy} {c.SupersededBy}",
            LabelStatus.Expired => $"{l.Since} {Day(c.Since)}",
            _ => "",
        };
        var product = t.Pick(c.ProductName);
        var productLatin = t.Language == "en" ? Html.Empty : Html.Of($" <span class=\"latin\">({Transliteration.ToLatin(product)})</span>");
        var timeline = c.Timeline.Select(e =>
        {
            var effective = Day(e.EffectiveFrom);
            var recorded = Day(e.RecordedAt);
            var detail = e.Event switch
            {
                TimelineEvent.Suspended or TimelineEvent.Withdrawn or TimelineEvent.Surrendered => ": " + l.Reason(e.ReasonClass),
                TimelineEvent.Superseded => " " + e.LinkedCertificateNumber,
                _ => "",
            };
            var late = recorded == effective ? Html.Empty : Html.Of($" <span class=\"recorded\">({t.Recorded} {recorded})</span>");
            return Html.Of($"<li data-event=\"{DirectoryTexts.Wire(e.Event)}\"><time>{effective}</time> {t.Events.GetValueOrDefault(e.Event, e.Event.ToString())}{detail}{late}</li>");
        });
        return Html.Of($"""
            <article class="certificate" data-number="{c.CertificateNumber}" data-standing="{DirectoryTexts.Wire(c.Standing)}">
            <h3>{product}{productLatin}</h3>
            <p class="standing {DirectoryTexts.Tone(c.Standing)}">{t.StandingOf(c.Standing)}{(why.Length > 0 ? " — " + why : "")}</p>
            <dl>
            <dt>{l.Certificate}</dt><dd>{c.CertificateNumber}</dd>
            <dt>{l.Stars}</dt><dd class="stars">{new string('★', c.Stars ?? 0)}</dd>
            <dt>{l.ValidFromTo}</dt><dd>{c.ValidFrom:yyyy-MM-dd} – {c.ValidUntil:yyyy-MM-dd}</dd>
            <dt>{l.Standard}</dt><dd>{c.StandardCode} v{c.StandardVersion} — {t.Pick(c.StandardTitle)}</dd>
            <dt>{t.Category}</dt><dd>{t.Categories[c.Category]}</dd>
            <dt>{t.HsCode}</dt><dd>{c.HsCode ?? ""}</dd>
            </dl>
            <h4>{t.Timeline}</h4>
            <ol class="timeline">{Html.Join(timeline)}</ol>
            </article>
            """);
    }

    private static string RenderNotListed(DirectoryTexts t, string asked) =>
        Html.Join(
        [
            DirectorySearchPageEndpoint.Head(t, t.Title),
            Html.Of($"""
                <header class="top bad"><h1 id="name">{t.Label.Unknown}</h1><p>{t.NotListed}</p></header>
                <main><p class="number">{(asked.Length > 40 ? asked[..40] : asked)}</p><p><a id="back" href="/directory?lang={t.Language}">← {t.BackToDirectory}</a></p></main>
                </body></html>
                """),
        ]).Encoded;

    private static string Day(DateTimeOffset? instant) =>
        instant is { } at ? ProgrammeTime.DayOf(at).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "";
}

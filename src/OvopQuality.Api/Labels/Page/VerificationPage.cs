using System.Text;
using OvopQuality.Api.Labels.Verifying;
using Wolverine;

namespace OvopQuality.Api.Labels.Page;

/// <summary>
/// The page a phone opens from a label's QR code: the verdict in large words and colour, the
/// product, producer, stars and validity, and why and since when for a label not valid; in Tajik,
/// Russian or English (the browser's language unless <c>?lang=</c>), names also in Latin letters.
/// When the address carries the signed statement (after #), the page checks its signature in the
/// browser against the service's public keys.
/// </summary>
public static class VerificationPageEndpoint
{
    [WolverineGet("/l/{code}", OperationId = "LabelPage")]
    [Tags("Labels")]
    [AllowAnonymous]
    [Produces("text/html")]
    public static async Task<IResult> Get(
        string code, string? lang, HttpContext context, LabelLookup labels, Scans.CloneWatch clones, ClientPseudonyms clients, IMessageBus bus, OvopMetrics metrics, TimeProvider clock,
        CancellationToken ct)
    {
        var texts = PageTexts.For(PageTexts.Choose(lang, context.Request.Headers.AcceptLanguage));
        var answer = await GetLabelEndpoint.Get(code, null, null, null, null, labels, clones, clients, context, bus, metrics, clock, ct);
        var label = answer.Result is Microsoft.AspNetCore.Http.HttpResults.Ok<LabelAnswer> ok ? ok.Value : null;
        var html = Render(texts, code, label, clock.GetUtcNow());
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, label is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
    }

    /// <summary>
    /// The page, built only from <see cref="Html"/>: every value (a lot, a product's name, a reason)
    /// is encoded where it goes, and the page's look comes from its own stylesheet, so that text
    /// posing as markup can neither add elements nor restyle the verdict.
    /// </summary>
    public static string Render(PageTexts t, string code, LabelAnswer? label, DateTimeOffset now)
    {
        var status = label?.Status ?? LabelStatus.Unknown;
        var tone = status switch
        {
            LabelStatus.Valid => "valid",
            LabelStatus.Suspended => "suspended",
            LabelStatus.Expired or LabelStatus.Superseded => "ended",
            _ => "bad",
        };
        var page = new List<Html>
        {
            PageAssets.Start(t.Language, t.Title, "/l/verify.css"),
            Html.Of($"""
                <header class="{tone}" data-status="{status.ToString().ToLowerInvariant()}">
                <h1 id="verdict">{t.Verdict(status)}</h1>
                """),
        };
        if (label is null)
        {
            page.Add(Html.Of($"<div class=\"why\">{t.UnknownExplained}</div></header><main><p>{code}</p></main>"));
        }
        else
        {
            var why = status switch
            {
                LabelStatus.Suspended or LabelStatus.Withdrawn => $"{t.Reason(label.ReasonClass)} ({t.Since} {label.Since:yyyy-MM-dd})",
                LabelStatus.Superseded => $"{t.ReplacedBy} {label.SupersededBy}",
                LabelStatus.Expired => $"{t.Since} {label.Since:yyyy-MM-dd}",
                _ => "",
            };
            page.Add(Html.Of($"<div class=\"why\" id=\"why\">{why}</div></header><main><dl>"));
            Row(t.Product, Pick(t, label.ProductName));
            Row(t.Producer, Html.Of($"{Pick(t, label.ProducerName)} · {label.ProducerNumber}"));
            Row(t.Stars, Html.Text(new string('★', label.Stars ?? 0)));
            Row(t.Certificate, Html.Text(label.CertificateNumber));
            Row(t.Standard, Html.Of($"{label.StandardCode} v{label.StandardVersion} — {Pick(t, label.StandardTitle)}"));
            Row(t.ValidFromTo, Html.Of($"{label.ValidFrom:yyyy-MM-dd} – {label.ValidUntil:yyyy-MM-dd}"));
            Row(t.Lot, Html.Text(label.Lot));
            page.Add(Html.Trusted("</dl>"));
            if (label.Warning is not null)
            {
                page.Add(Html.Of($"<div class=\"warning\">{t.Warning} ({t.Since} {label.WarningConfirmedAt:yyyy-MM-dd}): {label.Warning}</div>"));
            }

            page.Add(Html.Of(
                $"<div id=\"signature\" class=\"sig\" data-code=\"{label.Code}\" data-valid=\"{t.SignatureValid}\" data-invalid=\"{t.SignatureInvalid}\" data-absent=\"{t.SignatureAbsent}\">{t.SignatureChecking}</div></main>"));
        }

        var r = t.Report;
        var reported = label?.Code ?? (code.Length > 64 ? code[..64] : code);
        var (first, second) = label is null ? (("counterfeitLabel", r.Counterfeit), ("productQuality", r.Quality)) : (("productQuality", r.Quality), ("counterfeitLabel", r.Counterfeit));
        page.Add(Html.Of($"""
            <details id="report"{(label is null ? Html.Trusted(" open") : Html.Empty)}><summary>{r.Title}</summary>
            <form id="complaint" data-code="{reported}" data-sent="{r.Sent}" data-failed="{r.Failed}">
            <label>{r.What}<select name="category">
            <option value="{first.Item1}">{first.Item2}</option>
            <option value="{second.Item1}">{second.Item2}</option>
            <option value="misuseOfMark">{r.Misuse}</option><option value="other">{r.Other}</option></select></label>
            <label>{r.Description}<textarea name="description" required minlength="10" maxlength="4000" rows="4"></textarea></label>
            <label>{r.Contact}<input name="contact" maxlength="200" autocomplete="tel"></label>
            <button type="submit">{r.Send}</button>
            </form><p id="complaint-result" role="status"></p></details>
            """));
        page.Add(Html.Trusted("<nav>"));
        foreach (var language in PageTexts.Languages)
        {
            var name = language switch { "tg" => "Тоҷикӣ", "ru" => "Русский", _ => "English" };
            page.Add(Html.Of($"<a href=\"?lang={language}\" hreflang=\"{language}\" lang=\"{language}\">{name}</a>"));
        }

        page.Add(Html.Of($"</nav><footer>{t.CheckedAt}: {now:yyyy-MM-dd HH:mm} UTC · {label?.DisplayCode ?? code}</footer>"));
        page.Add(Html.Trusted("<script src=\"/l/verify.js\"></script></body></html>"));
        return Html.Join(page).Encoded;

        void Row(string name, Html value) => page.Add(Html.Of($"<dt>{name}</dt><dd>{value}</dd>"));

        static Html Pick(PageTexts t, LocalizedText text)
        {
            var shown = t.Language switch { "tg" => text.Tg, "ru" => text.Ru, _ => text.En };
            var latin = t.Language == "en" ? null : Transliteration.ToLatin(shown);
            return latin is null ? Html.Text(shown) : Html.Of($"{shown} <span class=\"latin\">({latin})</span>");
        }
    }
}

public static class VerificationStylesEndpoint
{
    /// <summary>The verification page's look, a stylesheet of its own so that the page allows no inline style.</summary>
    [WolverineGet("/l/verify.css", OperationId = "LabelPageStyles")]
    [Tags("Labels")]
    [AllowAnonymous]
    [Produces("text/css")]
    public static IResult Get(HttpContext context) => PageAssets.Stylesheet(context, Styles);

    private const string Styles = """
        body { font-family: system-ui, sans-serif; margin: 0; background: #fff; color: #111; font-size: 18px; line-height: 1.4; }
        header { padding: 24px 16px; color: #fff; }
        header.valid { background: #0a6b2d; } header.suspended { background: #9a5b00; } header.ended { background: #3d4a5c; } header.bad { background: #a3140f; }
        h1 { margin: 0; font-size: 34px; letter-spacing: 0.02em; }
        .why { margin-top: 8px; font-size: 20px; }
        main { padding: 16px; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 12px; margin: 0; }
        dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
        .latin { color: #444; font-size: 16px; }
        .sig { margin-top: 16px; padding: 10px; border: 2px solid #999; } .sig.ok { border-color: #0a6b2d; } .sig.bad { border-color: #a3140f; font-weight: 700; }
        .warning { margin-top: 16px; padding: 10px; background: #fff3cd; border: 2px solid #9a5b00; }
        nav { padding: 16px; } nav a { margin-right: 16px; font-size: 20px; }
        footer { padding: 0 16px 24px; color: #444; font-size: 15px; overflow-wrap: anywhere; }
        #report { padding: 0 16px 16px; } #report summary { font-size: 20px; font-weight: 600; cursor: pointer; padding: 8px 0; } #report label { display: block; margin: 8px 0; }
        #report select, #report textarea, #report input { display: block; width: 100%; box-sizing: border-box; font-size: 18px; margin-top: 4px; }
        #report button { font-size: 20px; padding: 10px 20px; margin-top: 8px; } #complaint-result { font-weight: 600; overflow-wrap: anywhere; }
        .sheet { display: grid; grid-template-columns: repeat(5, 1fr); gap: 4mm; }
        .sheet-body { margin: 0; font-size: 12px; }
        .label { text-align: center; break-inside: avoid; }
        .label svg { width: 34mm; height: 34mm; }
        .code { font-family: ui-monospace, monospace; font-size: 8pt; letter-spacing: 0.05em; }
        .meta { font-size: 9pt; margin-bottom: 4mm; }
        @page { size: A4; margin: 10mm; }
        """;
}

public static class VerificationScriptEndpoint
{
    /// <summary>
    /// Checks the signed statement in the page's address (after #) with WebCrypto against the
    /// published keys, and sends the page's problem report as a complaint about the label.
    /// </summary>
    [WolverineGet("/l/verify.js", OperationId = "LabelPageScript")]
    [Tags("Labels")]
    [AllowAnonymous]
    public static IResult Get() => Results.Content(Script, "text/javascript; charset=utf-8");

    /// <summary>The label statement's claims and the JavaScript type of each, for the page's own check.</summary>
    private static readonly string RequiredClaimsForScript = System.Text.Json.JsonSerializer.Serialize(
        Signing.DocumentKind.LabelStatement.RequiredClaims.ToDictionary(c => c.Key, c => c.Value.ToString().ToLowerInvariant()));

    private static readonly string Script = $$"""
        (async () => {
          const box = document.getElementById('signature');
          if (!box) return;
          const token = decodeURIComponent(location.hash.slice(1));
          if (!token) { box.textContent = box.dataset.absent; return; }
          const bytes = (part) => Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4)), c => c.charCodeAt(0));
          try {
            const [h, p, s] = token.split('.');
            const header = JSON.parse(new TextDecoder().decode(bytes(h)));
            const claims = JSON.parse(new TextDecoder().decode(bytes(p)));
            const jwks = await (await fetch('/.well-known/jwks.json')).json();
            const jwk = jwks.keys.find(k => k.kid === header.kid);
            // Only a label statement: a status snapshot or any other document signed by the same key is refused.
            if (!jwk || header.alg !== 'ES256' || header.typ !== '{{Signing.DocumentKind.LabelStatement.Type}}') throw new Error('kind');
            const required = {{RequiredClaimsForScript}};
            if (Object.entries(required).some(([c, kind]) => kind === 'array' ? !Array.isArray(claims[c]) : typeof claims[c] !== kind)) throw new Error('claims');
            const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
            const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes(s), new TextEncoder().encode(h + '.' + p));
            const genuine = ok && claims.lbl === box.dataset.code;
            box.textContent = genuine ? box.dataset.valid : box.dataset.invalid;
            box.className = genuine ? 'sig ok' : 'sig bad';
            box.dataset.result = genuine ? 'valid' : 'invalid';
          } catch (e) {
            box.textContent = box.dataset.invalid;
            box.className = 'sig bad';
            box.dataset.result = 'invalid';
          }
        })();
        (() => {
          const form = document.getElementById('complaint');
          if (!form) return;
          const result = document.getElementById('complaint-result');
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const data = new FormData(form);
            const contact = (data.get('contact') || '').trim();
            const body = { category: data.get('category'), description: (data.get('description') || '').trim(), labelCode: form.dataset.code };
            if (contact) body.complainant = { contact };
            try {
              const response = await fetch('/api/complaints', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' }, body: JSON.stringify(body) });
              const answer = await response.json();
              if (!response.ok) throw new Error(answer.detail || String(response.status));
              result.textContent = form.dataset.sent.replace('{0}', answer.reference).replace('{1}', answer.trackingKey);
              result.dataset.result = 'sent';
              result.dataset.reference = answer.reference;
              form.hidden = true;
            } catch (e) {
              result.textContent = form.dataset.failed + ' ' + e.message;
              result.dataset.result = 'failed';
            }
          });
        })();
        """;
}

namespace OvopQuality.Api.PublicDirectory.Pages;

public static class DirectoryStylesEndpoint
{
    /// <summary>The directory pages' look, a stylesheet of their own so that the pages allow no inline style; narrow screens first.</summary>
    [WolverineGet("/directory/directory.css", OperationId = "DirectoryPageStyles")]
    [Tags("Directory")]
    [AllowAnonymous]
    [Produces("text/css")]
    public static IResult Get(HttpContext context) => PageAssets.Stylesheet(context, Styles);

    private const string Styles = """
        body { font-family: system-ui, sans-serif; margin: 0; background: #fff; color: #111; font-size: 17px; line-height: 1.4; }
        .top { padding: 16px; background: #0a4d6b; color: #fff; } .top.bad { background: #a3140f; }
        .top h1 { margin: 0 0 4px; font-size: 24px; } .top p { margin: 4px 0; } .top a { color: #fff; }
        .top .latin { color: #d6e6ee; } .number { font-family: ui-monospace, monospace; }
        main { padding: 12px 16px; max-width: 960px; }
        form label { display: block; margin: 8px 0 2px; font-weight: 600; } form label.big { font-size: 19px; }
        input, select, button { font-size: 17px; box-sizing: border-box; }
        #q { width: 100%; padding: 10px; border: 2px solid #0a4d6b; border-radius: 6px; }
        .filters { display: grid; grid-template-columns: 1fr 1fr; gap: 0 12px; }
        .filters select, .filters input { display: block; width: 100%; margin-top: 2px; padding: 6px; font-weight: 400; }
        button { margin-top: 12px; padding: 10px 22px; background: #0a4d6b; color: #fff; border: 0; border-radius: 6px; }
        #count { font-weight: 600; margin: 16px 0 8px; } #count.problem { color: #a3140f; }
        #hits { list-style: none; padding: 0; margin: 0; }
        .result { padding: 12px 0; border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
        .result > a { font-size: 19px; font-weight: 600; color: #0a4d6b; }
        .latin { color: #555; font-size: 15px; } .place { color: #333; font-size: 15px; margin: 2px 0 4px; }
        .certs { list-style: none; padding: 0; margin: 0; font-size: 15px; } .certs li { margin: 3px 0; }
        .standing { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 14px; font-weight: 600; }
        .standing.valid { background: #0a6b2d; } .standing.suspended { background: #9a5b00; } .standing.ended { background: #3d4a5c; } .standing.bad { background: #a3140f; }
        p.standing { display: block; border-radius: 6px; padding: 6px 10px; font-size: 16px; }
        .stars { color: #b37400; letter-spacing: 0.05em; }
        #more { display: inline-block; margin: 16px 0; font-size: 18px; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 8px 0; }
        dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
        .certificate { border: 1px solid #ccc; border-radius: 8px; padding: 10px 12px; margin: 12px 0; }
        .certificate h3 { margin: 0 0 6px; font-size: 19px; overflow-wrap: anywhere; } .certificate h4 { margin: 10px 0 4px; }
        .timeline { margin: 0; padding-left: 20px; font-size: 15px; } .timeline time { font-family: ui-monospace, monospace; }
        .recorded { color: #555; }
        nav.languages { padding: 16px; } nav.languages a { margin-right: 16px; font-size: 18px; }
        footer { padding: 0 16px 24px; color: #444; font-size: 14px; }
        @media (min-width: 700px) { .filters { grid-template-columns: repeat(3, 1fr); } }
        """;
}

public static class DirectoryScriptEndpoint
{
    /// <summary>
    /// The search page's enhancement: searches through <c>/api/directory</c> as one types (after a
    /// pause), draws the results with DOM text nodes only (never markup from data), and keeps the
    /// address in step with the form. Without it, the form still submits and the server draws the results.
    /// </summary>
    [WolverineGet("/directory/directory.js", OperationId = "DirectoryPageScript")]
    [Tags("Directory")]
    [AllowAnonymous]
    public static IResult Get(HttpContext context) => PageAssets.Script(context, Script);

    private const string Script = """
        (() => {
          const form = document.getElementById('search');
          const results = document.getElementById('results');
          if (!form || !results) return;
          const t = JSON.parse(results.dataset.texts);
          let timer = 0;
          let asked = 0;
          const el = (tag, cls, text) => {
            const e = document.createElement(tag);
            if (cls) e.className = cls;
            if (text !== undefined && text !== null) e.textContent = String(text);
            return e;
          };
          const pick = (text) => (text && (text[t.lang] ?? text.en)) || '';
          const tone = (s) => s === 'valid' ? 'valid' : s === 'suspended' ? 'suspended' : (s === 'expired' || s === 'superseded') ? 'ended' : 'bad';
          const asFilled = () => {
            const p = new URLSearchParams();
            for (const [k, v] of new FormData(form)) {
              if (k !== 'lang' && typeof v === 'string' && v.trim() !== '') p.set(k, v.trim());
            }
            return p;
          };
          const draw = (page, p) => {
            const count = el('p', null, page.total > 0 ? t.found.replace('{0}', page.total) : t.nothing);
            count.id = 'count';
            const list = el('ol');
            list.id = 'hits';
            for (const hit of page.items) {
              const item = el('li', 'result');
              item.dataset.number = hit.producerNumber;
              const link = el('a', null, pick(hit.name));
              link.href = '/p/' + encodeURIComponent(hit.producerNumber) + '?lang=' + encodeURIComponent(t.lang);
              item.append(link);
              if (t.lang !== 'en') item.append(' ', el('span', 'latin', hit.nameInLatin));
              item.append(el('div', 'place', [t.regions[hit.region] ?? hit.region, t.lang === 'en' ? hit.districtInLatin : hit.district, hit.producerNumber].join(' · ')));
              const certificates = el('ul', 'certs');
              for (const c of hit.certificates) {
                const line = el('li');
                line.append(el('span', 'standing ' + tone(c.standing), t.standings[c.standing] ?? c.standing), ' ', pick(c.productName), ' ',
                  el('span', 'stars', '★'.repeat(c.stars || 0)), ' ', el('span', 'until', '→ ' + (c.validUntil ?? '')));
                certificates.append(line);
              }
              item.append(certificates);
              list.append(item);
            }
            const parts = [count, list];
            if (page.next) {
              const address = new URLSearchParams(p);
              address.set('lang', t.lang);
              address.set('cursor', page.next);
              const more = el('a', null, t.more);
              more.id = 'more';
              more.href = '/directory?' + address;
              parts.push(more);
            }
            results.replaceChildren(...parts);
            results.dataset.drawn = String(asked);
          };
          const search = async () => {
            const p = asFilled();
            const mine = ++asked;
            const address = new URLSearchParams(p);
            address.set('lang', t.lang);
            history.replaceState(null, '', '/directory?' + address);
            const api = new URLSearchParams(p);
            api.set('limit', '20');
            try {
              const response = await fetch('/api/directory?' + api, { headers: { Accept: 'application/json' } });
              const answer = await response.json();
              if (mine !== asked) return;
              if (!response.ok) {
                const problem = el('p', 'problem', answer.detail || String(response.status));
                problem.id = 'count';
                results.replaceChildren(problem);
                return;
              }
              draw(answer, p);
            } catch (e) {
              // Offline or refused: the form still submits to the server.
            }
          };
          const soon = () => { clearTimeout(timer); timer = setTimeout(search, 250); };
          form.addEventListener('input', soon);
          form.addEventListener('change', soon);
          form.addEventListener('submit', (event) => { event.preventDefault(); clearTimeout(timer); search(); });
        })();
        """;
}

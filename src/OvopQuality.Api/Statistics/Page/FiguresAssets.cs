namespace OvopQuality.Api.Statistics.Page;

public static class FiguresStylesEndpoint
{
    /// <summary>The figures pages' look, and the charts' colours: a stylesheet of their own, so that the pages allow no inline style.</summary>
    [WolverineGet("/figures/figures.css", OperationId = "FiguresPageStyles")]
    [Tags("Statistics")]
    [AllowAnonymous]
    [Produces("text/css")]
    public static IResult Get(HttpContext context) => PageAssets.Stylesheet(context, Styles);

    private const string Styles = """
        body { font-family: system-ui, sans-serif; margin: 0; background: #fff; color: #111; font-size: 17px; line-height: 1.4; }
        header { padding: 16px; background: #0a4d6b; color: #fff; }
        header h1 { margin: 0 0 4px; font-size: 26px; }
        header a { color: #fff; }
        .picker { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 8px 0; }
        .picker input, .picker button, .token input, .token button, #forget { font-size: 17px; padding: 6px 10px; }
        .languages a { margin-right: 14px; }
        main { padding: 8px 16px; max-width: 760px; }
        h2 { font-size: 19px; margin: 24px 0 8px; }
        .chart { display: block; width: 100%; height: auto; max-width: 640px; overflow: visible; }
        .chart text { font-family: system-ui, sans-serif; fill: #111; }
        .chart .label { font-size: 13px; } .chart .value { font-size: 13px; font-weight: 600; }
        .chart .tick { font-size: 10px; text-anchor: end; fill: #444; } .chart .month { font-size: 10px; text-anchor: middle; fill: #444; }
        .chart .over { font-size: 10px; text-anchor: middle; } .chart .legend { font-size: 12px; }
        .chart .grid { stroke: #ddd; stroke-width: 1; } .chart .axis { stroke: #666; stroke-width: 1; }
        .chart .bar.s0, .chart .dot.s0 { fill: #0a6b2d; } .chart .bar.s1, .chart .dot.s1 { fill: #c47a00; }
        .chart .line { fill: none; stroke-width: 2.5; } .chart .line.s0 { stroke: #0a6b2d; } .chart .line.s1 { stroke: #c47a00; }
        details { margin: 6px 0 12px; } summary { cursor: pointer; color: #0a4d6b; padding: 4px 0; }
        table { border-collapse: collapse; font-size: 15px; min-width: 60%; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        section.table caption { font-size: 19px; padding: 20px 0 8px; }
        .scroll th, .scroll td { white-space: nowrap; }
        th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
        td { font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; }
        .numbers { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; }
        .numbers div { border: 1px solid #ccc; border-radius: 6px; padding: 8px 12px; min-width: 120px; }
        .numbers dt { font-size: 14px; color: #444; } .numbers dd { margin: 0; font-size: 24px; font-weight: 700; }
        .token label { display: block; margin: 8px 0; } .token input { display: block; width: 100%; box-sizing: border-box; margin-top: 4px; }
        .hint { color: #444; font-size: 15px; }
        #detail-status { font-weight: 600; }
        footer { padding: 8px 16px 24px; color: #444; font-size: 15px; }
        """;
}

public static class FiguresScriptEndpoint
{
    /// <summary>
    /// The ministry page's script: asks for the access token once per tab (sessionStorage, never the
    /// address), fetches the figures fragment with it and puts it in the page, and downloads each
    /// table's CSV with the token too (a fetch saved through a Blob address).
    /// </summary>
    [WolverineGet("/figures/figures.js", OperationId = "FiguresPageScript")]
    [Tags("Statistics")]
    [AllowAnonymous]
    public static IResult Get(HttpContext context) => PageAssets.Script(context, Script);

    private const string Script = """
        (() => {
          const box = document.getElementById('detail');
          const form = document.getElementById('token-form');
          const status = document.getElementById('detail-status');
          const forget = document.getElementById('forget');
          if (!box || !form) return;
          const key = 'ovop.figures.token';
          const say = (text, result) => { status.textContent = text; status.dataset.result = result; };
          const ask = () => { form.hidden = false; forget.hidden = true; };
          const load = async () => {
            const token = sessionStorage.getItem(key);
            if (!token) { ask(); return; }
            form.hidden = true;
            say(box.dataset.loading, 'loading');
            const query = new URLSearchParams({ lang: box.dataset.lang });
            if (box.dataset.at) query.set('at', box.dataset.at);
            try {
              const response = await fetch('/figures/ministry/content?' + query, { headers: { 'Authorization': 'Bearer ' + token } });
              if (response.status === 401 || response.status === 403) {
                sessionStorage.removeItem(key);
                box.textContent = '';
                say(box.dataset.refused, 'refused');
                ask();
                return;
              }
              if (!response.ok) throw new Error(String(response.status));
              // The fragment is the service's own HTML, every value in it encoded on the server.
              box.innerHTML = await response.text();
              box.dataset.loaded = 'true';
              say('', 'loaded');
              forget.hidden = false;
            } catch (e) {
              say(box.dataset.failed + ' ' + e.message, 'failed');
            }
          };
          form.addEventListener('submit', (event) => {
            event.preventDefault();
            const token = form.elements.token.value.trim();
            form.elements.token.value = '';
            if (!token) return;
            sessionStorage.setItem(key, token);
            load();
          });
          forget.addEventListener('click', () => {
            sessionStorage.removeItem(key);
            box.textContent = '';
            delete box.dataset.loaded;
            say('', 'forgotten');
            ask();
          });
          box.addEventListener('click', async (event) => {
            const link = event.target.closest('a[data-csv]');
            if (!link) return;
            event.preventDefault();
            const token = sessionStorage.getItem(key);
            if (!token) { ask(); return; }
            try {
              const response = await fetch(link.href, { headers: { 'Authorization': 'Bearer ' + token } });
              if (!response.ok) throw new Error(String(response.status));
              const address = URL.createObjectURL(await response.blob());
              const save = document.createElement('a');
              save.href = address;
              save.download = link.getAttribute('download') || 'figures.csv';
              document.body.appendChild(save);
              save.click();
              save.remove();
              setTimeout(() => URL.revokeObjectURL(address), 10000);
              link.dataset.downloaded = 'true';
            } catch (e) {
              say(box.dataset.failed + ' ' + e.message, 'failed');
            }
          });
          load();
        })();
        """;
}

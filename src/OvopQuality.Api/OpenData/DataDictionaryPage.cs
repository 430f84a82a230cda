using System.Text;
using OvopQuality.Api.Labels.Signing;

namespace OvopQuality.Api.OpenData;

/// <summary>
/// The data dictionary: every dataset of the open data, what a row is, each column's type and
/// meaning, the formats, the licence, how to check the signed manifest, and what an as-of file is.
/// Built from the rows' own descriptions, so it says what the files hold.
/// </summary>
public static class DataDictionaryPage
{
    [WolverineGet("/open-data", OperationId = "OpenDataDictionaryPage")]
    [Tags("Open data")]
    [AllowAnonymous]
    [Produces("text/html")]
    public static async Task<IResult> Get(OpenDataFiles files, IConfiguration configuration, HttpContext context, CancellationToken ct)
    {
        var stored = (await files.ListAsync(ct)).ToDictionary(f => f.Name, StringComparer.Ordinal);
        var manifest = stored.GetValueOrDefault(OpenDataFiles.ManifestJws);
        var api = LabelStatements.PublicBaseUrl(configuration) + "/api/open-data";
        var page = new List<Html>
        {
            PageAssets.Start("en", "OVOP Tajikistan open data: data dictionary", "/open-data/style.css"),
            Html.Of($"""
                <header><h1>OVOP Tajikistan open data</h1>
                <p lang="tg">Маълумоти кушодаи сертификатсияи OVOP</p><p lang="ru">Открытые данные сертификации OVOP</p></header>
                <main>
                <section id="licence"><h2>Licence</h2>
                <p>Every file is published under <a href="{OpenDataFiles.LicenceUrl}">Creative Commons Attribution 4.0 (CC BY 4.0)</a>: use it freely, naming "{OpenDataFiles.Publisher}" as its source.</p></section>
                <section id="generation"><h2>Current generation</h2>
                <p id="generated">{(manifest is null ? "The first generation is being made." : $"Made {manifest.GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC, reflecting every event up to sequence {manifest.Sequence}. Made again within a minute or so of a change to the registry, and each day.")}</p>
                <p>Index: <a href="{api}">{api}</a> · manifest: <a href="{api}/{OpenDataFiles.ManifestJson}">{OpenDataFiles.ManifestJson}</a>, signed: <a href="{api}/{OpenDataFiles.ManifestJws}">{OpenDataFiles.ManifestJws}</a></p></section>
                <section id="verify"><h2>Checking a download</h2>
                <p>The signed manifest is a JWS (compact form, ES256, <code>typ</code> <code>{DocumentKind.OpenDataManifest.Type}</code>) made with a key published at <code>/.well-known/jwks.json</code>.
                Check its signature, then that each file's SHA-256 (hex) equals the manifest's <code>files[].sha256</code> (also sent as the <code>ETag</code> and <code>X-Content-SHA256</code> headers). <code>seq</code> is the event store's global sequence the files reflect; <code>generatedAt</code> the instant.</p></section>
                <section id="formats"><h2>Formats</h2>
                <p>Each dataset as CSV (RFC 4180, UTF-8, a header row of the column names below; a cell that a spreadsheet could take for a formula begins with an apostrophe), JSON (one array of objects whose fields are the columns) and JSON Lines (one such object a line).
                Empty cells in CSV are nulls in JSON. Times are UTC in ISO 8601; days are <code>YYYY-MM-DD</code> in Asia/Dushanbe. Column names never change; a changed meaning gets a new dataset.</p>
                <p>{OpenDataEndpoints.AsOfExplained}</p></section>
                """),
        };
        foreach (var dataset in Dataset.All)
        {
            var (description, columns) = OpenDataFormats.Dictionary(dataset);
            page.Add(Html.Of($"<section class=\"dataset\" id=\"{dataset.Name}\"><h2>{dataset.Name}</h2><p>{description}</p><p>"));
            page.Add(Html.Join(OpenDataFormats.All.Select(format =>
            {
                var name = $"{dataset.Name}.{format}";
                var size = stored.TryGetValue(name, out var file) ? $" ({file.Bytes:N0} bytes)" : "";
                return Html.Of($"<a href=\"{api}/{name}\">{name}</a>{size} · ");
            })));
            page.Add(Html.Of($"<a href=\"{api}/schemas/{dataset.Name}\">JSON Schema</a></p><div class=\"scroll\"><table><thead><tr><th>column</th><th>type</th><th>meaning</th></tr></thead><tbody>"));
            page.Add(Html.Join(columns.Select(c => Html.Of($"<tr><td><code>{c.Column}</code></td><td>{c.Type}</td><td>{c.Description}</td></tr>"))));
            page.Add(Html.Trusted("</tbody></table></div></section>"));
        }

        page.Add(Html.Trusted("</main></body></html>"));
        context.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Content(Html.Join(page).Encoded, "text/html; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>The data dictionary's look, a stylesheet of its own: the page allows no inline style.</summary>
    [WolverineGet("/open-data/style.css", OperationId = "OpenDataDictionaryStyles")]
    [Tags("Open data")]
    [AllowAnonymous]
    [Produces("text/css")]
    public static IResult GetStyles(HttpContext context) => PageAssets.Stylesheet(context, """
            body { font-family: system-ui, sans-serif; margin: 0; color: #111; line-height: 1.45; }
            header { background: #0a4f6b; color: #fff; padding: 16px; } header p { margin: 4px 0 0; }
            h1 { margin: 0; font-size: 26px; } main { padding: 0 16px 24px; max-width: 1100px; }
            section { margin-top: 20px; } .scroll { overflow-x: auto; }
            table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; vertical-align: top; }
            code { font-family: ui-monospace, monospace; overflow-wrap: anywhere; } a { overflow-wrap: anywhere; }
            """);
}

using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.OpenData;

/// <summary>A file of a dataset: its address, size (and gzip size) and SHA-256 (hex) as the signed manifest states them.</summary>
public sealed record OpenDataFileEntry(string Name, string Format, string Url, long Bytes, long GzipBytes, string Sha256);

/// <summary>A dataset: what a row is, its columns in order, its JSON Schema and its files.</summary>
public sealed record OpenDataDataset(string Name, string Description, IReadOnlyList<string> Columns, string Schema, IReadOnlyList<OpenDataFileEntry> Files);

/// <summary>
/// The open data's index: the licence, the current generation (when it was made and the highest
/// event sequence it reflects; null until the first is made, a few seconds after the service first
/// starts), the manifest in both forms, the keys to check its signature, the data dictionary, and
/// every dataset.
/// </summary>
public sealed record OpenDataIndex(
    string Licence, string LicenceUrl, string Publisher, DateTimeOffset? GeneratedAt, long? Sequence,
    string Manifest, string SignedManifest, string Keys, string Dictionary, string AsOf, IReadOnlyList<OpenDataDataset> Datasets);

public static class OpenDataEndpoints
{
    public const string AsOfExplained =
        "Add ?asOf=YYYY-MM-DD (a day, read to its end in Asia/Dushanbe, or an instant) to any dataset file for the registry as it stood then, as known now: " +
        "certificates granted by then with their standing then, the producers that held one with their details as they stood then (a contact only if agreed by then), " +
        "their products and the standards' versions published by then. As-of files are made on request and not listed in the manifest.";

    /// <summary>As-of files being made on this instance at once; per instance by design (it bounds this process's memory, not a fact shared with others).</summary>
    private static readonly SemaphoreSlim AsOfBuilds = new(2, 2);

    /// <summary>
    /// The open data's index (no sign-in): licence (CC BY 4.0), the current generation's time and
    /// event sequence, the signed manifest, the data dictionary, and each dataset with its columns,
    /// JSON Schema and files (CSV, JSON, JSON Lines) with their sizes and SHA-256.
    /// </summary>
    [WolverineGet("/api/open-data", OperationId = "GetOpenDataIndex")]
    [Tags("Open data")]
    [AllowAnonymous]
    public static async Task<Ok<OpenDataIndex>> GetIndex(OpenDataFiles files, IConfiguration configuration, CancellationToken ct)
    {
        var stored = (await files.ListAsync(ct)).ToDictionary(f => f.Name, StringComparer.Ordinal);
        var baseUrl = LabelStatements.PublicBaseUrl(configuration) + "/api/open-data";
        var manifest = stored.GetValueOrDefault(OpenDataFiles.ManifestJws);
        return TypedResults.Ok(new OpenDataIndex(
            OpenDataFiles.Licence, OpenDataFiles.LicenceUrl, OpenDataFiles.Publisher, manifest?.GeneratedAt, manifest?.Sequence,
            $"{baseUrl}/{OpenDataFiles.ManifestJson}", $"{baseUrl}/{OpenDataFiles.ManifestJws}",
            LabelStatements.PublicBaseUrl(configuration) + "/.well-known/jwks.json", LabelStatements.PublicBaseUrl(configuration) + "/open-data", AsOfExplained,
            [.. Dataset.All.Select(d => new OpenDataDataset(
                d.Name, OpenDataFormats.Dictionary(d).Description, OpenDataFormats.Columns(d), $"{baseUrl}/schemas/{d.Name}",
                [.. OpenDataFormats.All.Select(format => $"{d.Name}.{format}").Select(name => stored.GetValueOrDefault(name)).OfType<StoredFile>()
                    .Select(f => new OpenDataFileEntry(f.Name, f.Name[(f.Name.LastIndexOf('.') + 1)..], $"{baseUrl}/{f.Name}", f.Bytes, f.GzipBytes, f.Sha256))]))]));
    }

    /// <summary>
    /// A dataset's file, e.g. <c>certificates.csv</c>, <c>producers.json</c>, <c>certificate-events.jsonl</c>:
    /// the current generation with a strong <c>ETag</c> (its SHA-256), <c>Last-Modified</c>, 304 on a
    /// matching <c>If-None-Match</c> or <c>If-Modified-Since</c>, gzip when the client accepts it.
    /// With <c>?asOf=</c> (a day or an instant), the registry as it stood then, as known now, made on request.
    /// </summary>
    [WolverineGet("/api/open-data/{file}", OperationId = "GetOpenDataFile")]
    [Tags("Open data")]
    [AllowAnonymous]
    [Produces("text/csv", "application/json", "application/jsonl")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public static async Task<IResult> GetFile(string file, string? asOf, OpenDataFiles files, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var dot = file.LastIndexOf('.');
        var dataset = dot > 0 ? Dataset.Find(file[..dot]) : null;
        var format = dot > 0 ? file[(dot + 1)..] : "";
        if (dataset is null || !OpenDataFormats.All.Contains(format))
        {
            return TypedResults.Problem(Problems.NotFound("open-data-file",
                $"There is no open data file '{Shown(file)}': files are {string.Join(", ", Dataset.All.Select(d => d.Name))}, each as .csv, .json or .jsonl."));
        }

        if (!string.IsNullOrWhiteSpace(asOf))
        {
            var now = clock.GetUtcNow();
            var (parsed, invalid) = AsOf.Parse(asOf, null, now);
            if (parsed is null)
            {
                return TypedResults.Problem(invalid);
            }

            // Each build holds the whole registry in memory for a moment, then the file written from
            // it: a few at a time on an instance, whatever the number of clients (each is also
            // rate-limited on its own). The file is written here, inside the bound, and only sent
            // after it, so a slow client holds its own bytes, not a build's turn.
            if (!await AsOfBuilds.WaitAsync(TimeSpan.FromSeconds(10), ct))
            {
                return TypedResults.Problem(new ProblemDetails
                {
                    Type = Problems.TypeBase + "open-data-busy",
                    Title = "Open data busy",
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Detail = "Too many as-of files are being made on this instance; ask again in a minute, or take the current files, which are made ahead.",
                });
            }

            try
            {
                await using var session = store.QuerySession();
                var snapshot = await RegistrySnapshot.BuildAsync(session, parsed.At, now, ct);
                return new AsOfFileResult(dataset, format, OpenDataFormats.Write(dataset, snapshot.Rows(dataset), format), parsed.At);
            }
            finally
            {
                AsOfBuilds.Release();
            }
        }

        return await files.FindAsync(file, ct) is { } stored
            ? new StoredFileResult(stored, files, attachment: true)
            : NotReady();
    }

    /// <summary>The current generation's manifest, readable: its claims (every file's size and SHA-256, the time, the event sequence, the licence), the signing key and the signed form.</summary>
    [WolverineGet("/api/open-data/manifest.json", OperationId = "GetOpenDataManifest")]
    [Tags("Open data")]
    [AllowAnonymous]
    [Produces("application/json")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public static async Task<IResult> GetManifest(OpenDataFiles files, CancellationToken ct) =>
        await files.FindAsync(OpenDataFiles.ManifestJson, ct) is { } stored ? new StoredFileResult(stored, files, attachment: false) : NotReady();

    /// <summary>
    /// The current generation's manifest signed (JWS compact, ES256, <c>typ</c> ovop-open-data+jws),
    /// verifiable with the keys at /.well-known/jwks.json: check it, then each file's SHA-256.
    /// </summary>
    [WolverineGet("/api/open-data/manifest.jws", OperationId = "GetOpenDataSignedManifest")]
    [Tags("Open data")]
    [AllowAnonymous]
    [Produces("application/jose")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public static async Task<IResult> GetSignedManifest(OpenDataFiles files, CancellationToken ct) =>
        await files.FindAsync(OpenDataFiles.ManifestJws, ct) is { } stored ? new StoredFileResult(stored, files, attachment: false) : NotReady();

    /// <summary>A dataset's JSON Schema (draft 2020-12) for its JSON file; each line of its JSON Lines file is one of the schema's <c>items</c>.</summary>
    [WolverineGet("/api/open-data/schemas/{dataset}", OperationId = "GetOpenDataSchema")]
    [Tags("Open data")]
    [AllowAnonymous]
    [Produces("application/schema+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static IResult GetSchema(string dataset, HttpContext context, IConfiguration configuration)
    {
        if (Dataset.Find(dataset) is not { } found)
        {
            return TypedResults.Problem(Problems.NotFound("open-data-dataset",
                $"There is no dataset '{Shown(dataset)}': datasets are {string.Join(", ", Dataset.All.Select(d => d.Name))}."));
        }

        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(OpenDataFormats.Schema(found, LabelStatements.PublicBaseUrl(configuration)).ToJsonString(), "application/schema+json", Encoding.UTF8);
    }

    private static string Shown(string value) => value.Length > 80 ? value[..80] + "…" : value;

    private static ProblemHttpResult NotReady() => TypedResults.Problem(new ProblemDetails
    {
        Type = Problems.TypeBase + "open-data-not-ready",
        Title = "Open data not ready",
        Status = StatusCodes.Status503ServiceUnavailable,
        Detail = "The open data's first generation is being made; ask again in a minute.",
    });

    /// <summary>Whether the client takes gzip (Accept-Encoding with gzip or *, not at q=0).</summary>
    internal static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e =>
            (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value.Equals("*", StringComparison.Ordinal)) && (e.Quality ?? 1) > 0);
}

/// <summary>
/// A stored file, streamed from the database: a strong ETag per representation (the SHA-256 of the
/// file's bytes; with "-gzip" for the compressed copy), Last-Modified, 304 on a match.
/// </summary>
public sealed class StoredFileResult(StoredFile file, OpenDataFiles files, bool attachment) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var context = httpContext;
        var request = context.Request;
        var response = context.Response;
        var gzip = OpenDataEndpoints.AcceptsGzip(request);
        var identity = new EntityTagHeaderValue($"\"{file.Sha256}\"");
        var compressed = new EntityTagHeaderValue($"\"{file.Sha256}-gzip\"");
        var modified = file.GeneratedAt.ToUniversalTime();
        modified = modified.AddTicks(-(modified.Ticks % TimeSpan.TicksPerSecond));
        var headers = response.GetTypedHeaders();
        headers.ETag = gzip ? compressed : identity;
        headers.LastModified = modified;
        response.Headers.CacheControl = "public, max-age=60";
        response.Headers.Vary = "Accept-Encoding";
        response.Headers["X-Content-SHA256"] = file.Sha256;

        var asked = request.GetTypedHeaders();
        var notModified = asked.IfNoneMatch is { Count: > 0 } tags
            ? tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(identity, useStrongComparison: true) || t.Compare(compressed, useStrongComparison: true))
            : asked.IfModifiedSince is { } since && modified <= since;
        if (notModified)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = file.MediaType;
        response.ContentLength = gzip ? file.GzipBytes : file.Bytes;
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        if (attachment)
        {
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = file.Name }.ToString();
        }

        if (!await files.CopyAsync(file, gzip, response.Body, context.RequestAborted))
        {
            // Nothing was sent yet: the headers given for the replaced file are taken back.
            response.Clear();
            response.Headers.RetryAfter = "1";
            await TypedResults.Problem(new ProblemDetails
            {
                Type = Problems.TypeBase + "open-data-replaced",
                Title = "Open data replaced",
                Status = StatusCodes.Status503ServiceUnavailable,
                Detail = $"A new generation of the open data replaced {file.Name} while it was being sent; ask again.",
            }).ExecuteAsync(context);
        }
    }
}

/// <summary>A dataset as it stood at an instant, already written, sent as it is asked for (gzip when the client takes it); it is not stored, so it carries no ETag.</summary>
public sealed class AsOfFileResult(Dataset dataset, string format, byte[] bytes, DateTimeOffset at) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var context = httpContext;
        var response = context.Response;
        var day = ProgrammeTime.DayOf(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        response.ContentType = OpenDataFormats.MediaType(format);
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = $"{dataset.Name}-{day}.{format}" }.ToString();
        response.Headers.CacheControl = "public, max-age=60";
        response.Headers.Vary = "Accept-Encoding";
        response.Headers["X-Ovop-As-Of"] = at.ToString("O", CultureInfo.InvariantCulture);
        var gzip = OpenDataEndpoints.AcceptsGzip(context.Request);
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        if (gzip)
        {
            await using var compressed = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await compressed.WriteAsync(bytes, context.RequestAborted);
        }
        else
        {
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }
}

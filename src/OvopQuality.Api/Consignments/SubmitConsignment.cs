using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Api.Labels.Verifying;
using Wolverine;

namespace OvopQuality.Api.Consignments;

/// <summary>
/// A consignment report as its reader sees it: where it stands (queued, running, done, with codes
/// done of total), the instant its codes are judged as of, and once done the summary, the certificates
/// its codes belong to, the SHA-256 of its CSV and the signature over it all; <c>url</c> is its
/// address, and the addresses of its lines, CSV, printable page and signed form follow.
/// </summary>
public sealed record ConsignmentReportView(
    string Id,
    string Url,
    long Version,
    ConsignmentStatus Status,
    int CodesTotal,
    int CodesDone,
    DateTimeOffset SubmittedAt,
    DateTimeOffset At,
    DateTimeOffset KnownAt,
    string? ShipmentDate,
    ConsignmentSummary? Summary,
    IReadOnlyList<string> CertificateNumbers,
    DateTimeOffset? CompletedAt,
    string? CsvSha256,
    string? KeyId,
    string LinesUrl,
    string CsvUrl,
    string PageUrl,
    string SignedUrl)
{
    public static ConsignmentReportView Of(ConsignmentReport r)
    {
        var url = $"/api/consignments/{r.Id}";
        return new(r.Id, url, r.Version, r.Status, r.CodesTotal, r.CodesDone, r.SubmittedAt, r.At, r.KnownAt, r.ShipmentDate, r.Summary, r.CertificateNumbers,
            r.CompletedAt, r.CsvSha256, r.KeyId, url + "/lines", url + "/csv", url + "/page", url + "/signed");
    }
}

/// <summary>Judges a queued consignment in the background (Wolverine's durable local queue "consignments").</summary>
public sealed record JudgeConsignment(string ReportId);

public static class SubmitConsignmentEndpoint
{
    /// <summary>Who may submit: each report is kept, so only signed-in exporters, the ministry and staff.</summary>
    public const string Submitters = Roles.Exporter + "," + Roles.Ministry + "," + Roles.Staff;

    /// <summary>
    /// Submits a consignment's label codes (up to 100,000) to be judged together, optionally as of the
    /// shipment's date (<c>shipmentDate</c>: a day such as 2026-03-05, meaning its close in Asia/Dushanbe,
    /// or an ISO 8601 instant; in the JSON body or the query). The body is a JSON list of codes or
    /// <c>{"codes": [...], "shipmentDate": "..."}</c> (application/json), a CSV whose column headed
    /// <c>code</c> (else the first) holds the codes (text/csv), or one code a line (text/plain). Codes are
    /// read as label verification reads them: any case, hyphens, spaces, O for 0, I and L for 1; a label's
    /// QR address counts as its code. A list of up to Ovop:Consignments:ImmediateMaxCodes (1,000) codes is
    /// judged at once: 201 with the report; a longer one is queued: 202, with <c>Location</c> to follow its
    /// progress. The report is kept under an unguessable id; anyone holding its address may read it.
    /// </summary>
    [WolverinePost("/api/consignments", OperationId = "SubmitConsignment")]
    [Tags("Consignments")]
    [Authorize(Roles = Submitters)]
    [Consumes(typeof(ConsignmentSubmission), "application/json", "text/csv", "text/plain")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public static async Task<Results<Created<ConsignmentReportView>, Accepted<ConsignmentReportView>, ProblemHttpResult>> Post(
        HttpRequest request, string? shipmentDate, IDocumentSession session, IMessageBus bus, ConsignmentJudge judge, SigningKeys keys,
        [FromServices] ConsignmentSettings settings, IConfiguration configuration, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var actor = request.HttpContext.User.Actor();
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        if (mediaType is not ("application/json" or "text/csv" or "text/plain"))
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Type = Problems.TypeBase + "unsupported-media-type",
                Title = "Unsupported media type",
                Status = StatusCodes.Status415UnsupportedMediaType,
                Detail = "Send the codes as application/json, text/csv or text/plain.",
            });
        }

        var since = now.AddDays(-1);
        if (await session.Query<ConsignmentReport>().CountAsync(r => r.Owner == actor.Subject && r.SubmittedAt > since, ct) >= settings.PerUserPerDay)
        {
            request.HttpContext.Response.Headers.RetryAfter = "3600";
            return TypedResults.Problem(new ProblemDetails
            {
                Type = Problems.TypeBase + "consignment-limit",
                Title = "Too many consignment reports",
                Status = StatusCodes.Status429TooManyRequests,
                Detail = $"You submitted {settings.PerUserPerDay} consignments in the last 24 hours; each is kept. Try again later, or put more codes in one.",
            });
        }

        var body = await ReadBodyAsync(request, settings.MaxBodyBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem(TooLarge($"The body is larger than {settings.MaxBodyBytes} bytes."));
        }

        var read = ConsignmentInput.Parse(mediaType, body);
        if (read.Problem is { } unreadable)
        {
            return TypedResults.Problem(unreadable);
        }

        var codes = read.Codes!;
        if (codes.Count == 0)
        {
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["codes"] = ["must hold at least one code"] }));
        }

        if (codes.Count > settings.MaxCodes)
        {
            return TypedResults.Problem(TooLarge($"The consignment has {codes.Count} codes; one report takes at most {settings.MaxCodes}: split it."));
        }

        if (read.ShipmentDate is not null && shipmentDate is not null)
        {
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["shipmentDate"] = ["is given twice (body and query): give it once"] }));
        }

        var date = read.ShipmentDate ?? shipmentDate;
        var (asOf, invalid) = AsOf.Parse(date, null, now);
        if (asOf is null || asOf.At > now.AddDays(1))
        {
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]>
            {
                ["shipmentDate"] = [asOf is null
                    ? "must be a day (2026-03-05, meaning its end in Asia/Dushanbe) or an ISO 8601 instant (2026-03-05T12:00:00Z)"
                    : "cannot be in the future: a report says what holds, not what will"],
            }));
        }

        var report = new ConsignmentReport(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), actor.Subject, actor.Role, now, asOf.At, asOf.KnownAt,
            string.IsNullOrWhiteSpace(date) ? null : date.Trim(), ConsignmentStatus.Queued, codes.Count, 0, null, [], null, null, null, null);
        var location = $"/api/consignments/{report.Id}";
        if (codes.Count > settings.ImmediateMaxCodes)
        {
            session.Store(report);
            ConsignmentTables.QueueInputs(session, report.Id, codes);
            await bus.PublishAsync(new JudgeConsignment(report.Id));
            return TypedResults.Accepted(location, ConsignmentReportView.Of(report));
        }

        var lines = await judge.JudgeAsync(codes, asOf, null, ct);
        var (done, csv) = await ConsignmentDocuments.CompleteAsync(report, lines, keys, LabelStatements.PublicBaseUrl(configuration), clock.GetUtcNow(), ct);
        session.Store(done);
        ConsignmentTables.QueueLines(session, done.Id, lines);
        ConsignmentTables.QueueCsv(session, done.Id, csv);
        return TypedResults.Created(location, ConsignmentReportView.Of(done));
    }

    private static ProblemDetails TooLarge(string detail) => new()
    {
        Type = Problems.TypeBase + "consignment-too-large",
        Title = "Consignment too large",
        Status = StatusCodes.Status413PayloadTooLarge,
        Detail = detail,
    };

    /// <summary>The body, or null once it passes the limit (a body of unknown length is read no further).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace OvopQuality.Api.Consignments;

/// <summary>
/// Reading a report: anyone holding its address may (its id is 128 random bits, and it is meant to be
/// handed to customs or a buyer). An id that was never made answers 404, like any unknown one.
/// </summary>
public static class ReadConsignmentEndpoints
{
    public const int LinesPerPrintedPage = 1_000;

    private static ProblemDetails NotFound(string id) => Problems.NotFound("consignment", $"There is no consignment report {id}.");

    private static ProblemDetails NotReady(ConsignmentReport report) => Problems.Conflict("consignment-not-ready",
        $"The report is {report.Status.ToString().ToLowerInvariant()} ({report.CodesDone} of {report.CodesTotal} codes judged): follow /api/consignments/{report.Id} until it is done.");

    /// <summary>
    /// A consignment report: status (queued, running, done) with codes done of total while it is made,
    /// then the summary, the certificates its codes belong to (<c>certificateNumbers</c>), the SHA-256 of
    /// its CSV and the key that signed it. Anyone holding the report's address may read it.
    /// </summary>
    [WolverineGet("/api/consignments/{id}", OperationId = "GetConsignment")]
    [Tags("Consignments")]
    [AllowAnonymous]
    public static async Task<Results<Ok<ConsignmentReportView>, ProblemHttpResult>> Get(string id, IQuerySession session, CancellationToken ct) =>
        await FindAsync(id, session, ct) is { } report ? TypedResults.Ok(ConsignmentReportView.Of(report)) : TypedResults.Problem(NotFound(id));

    /// <summary>The report's lines in the order the codes were given, paged: each code's verdict and reason, certificate, product, producer and lot.</summary>
    [WolverineGet("/api/consignments/{id}/lines", OperationId = "GetConsignmentLines")]
    [Tags("Consignments")]
    [AllowAnonymous]
    public static async Task<Results<Ok<Page<ConsignmentLine>>, ProblemHttpResult>> GetLines(
        string id, int? limit, string? cursor, IQuerySession session, NpgsqlDataSource database, CancellationToken ct)
    {
        var (paging, invalid) = Paging.Read(limit, cursor);
        if (paging is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (await FindAsync(id, session, ct) is not { } report)
        {
            return TypedResults.Problem(NotFound(id));
        }

        if (report.Status != ConsignmentStatus.Done)
        {
            return TypedResults.Problem(NotReady(report));
        }

        var lines = await ConsignmentTables.LinesAsync(database, report.Id, paging.Offset, paging.Limit, ct);
        return TypedResults.Ok(Paging.PageOf(lines, paging, report.CodesTotal));
    }

    /// <summary>
    /// The report's lines as CSV, exactly the bytes the signature's <c>csv</c> claim hashes (SHA-256,
    /// base64url). A cell a spreadsheet could take for a formula begins with an apostrophe.
    /// </summary>
    [WolverineGet("/api/consignments/{id}/csv", OperationId = "GetConsignmentCsv")]
    [Tags("Consignments")]
    [AllowAnonymous]
    [Produces("text/csv")]
    public static async Task<IResult> GetCsv(string id, IQuerySession session, NpgsqlDataSource database, CancellationToken ct)
    {
        if (await FindAsync(id, session, ct) is not { } report)
        {
            return TypedResults.Problem(NotFound(id));
        }

        if (report.Status != ConsignmentStatus.Done || await ConsignmentTables.CsvAsync(database, report.Id, ct) is not { } csv)
        {
            return TypedResults.Problem(NotReady(report));
        }

        return TypedResults.File(csv, "text/csv; charset=utf-8", $"consignment-{report.Id}.csv");
    }

    /// <summary>
    /// The report signed (JWS compact, ES256, <c>typ</c> ovop-consignment+jws): its id, instants, counts,
    /// certificates and the SHA-256 of its CSV, verifiable with the keys at /.well-known/jwks.json, also
    /// offline (<c>ovop-verify consignment report.jws [report.csv]</c>).
    /// </summary>
    [WolverineGet("/api/consignments/{id}/signed", OperationId = "GetSignedConsignment")]
    [Tags("Consignments")]
    [AllowAnonymous]
    [Produces("application/jose")]
    public static async Task<IResult> GetSigned(string id, IQuerySession session, CancellationToken ct)
    {
        if (await FindAsync(id, session, ct) is not { } report)
        {
            return TypedResults.Problem(NotFound(id));
        }

        return report is { Status: ConsignmentStatus.Done, Signature: { } signature }
            ? Results.Text(signature, "application/jose", Encoding.ASCII)
            : TypedResults.Problem(NotReady(report));
    }

    /// <summary>The report as a printable page: summary, certificates, the CSV's hash and signing key, and its lines, 1,000 a page (<c>?page=</c>).</summary>
    [WolverineGet("/api/consignments/{id}/page", OperationId = "GetConsignmentPage")]
    [Tags("Consignments")]
    [AllowAnonymous]
    [Produces("text/html")]
    public static async Task<IResult> GetPage(string id, int? page, IQuerySession session, NpgsqlDataSource database, CancellationToken ct)
    {
        if (await FindAsync(id, session, ct) is not { } report)
        {
            return TypedResults.Problem(NotFound(id));
        }

        if (report.Status != ConsignmentStatus.Done)
        {
            return TypedResults.Problem(NotReady(report));
        }

        var pages = Math.Max(1, (report.CodesTotal + LinesPerPrintedPage - 1) / LinesPerPrintedPage);
        var number = page ?? 1;
        if (number < 1 || number > pages)
        {
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["page"] = [$"must be from 1 to {pages}"] }));
        }

        var lines = await ConsignmentTables.LinesAsync(database, report.Id, (number - 1) * LinesPerPrintedPage, LinesPerPrintedPage, ct);
        return Results.Content(ConsignmentDocuments.Page(report, lines, number, pages), "text/html; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>
    /// The certificate numbers a report's codes belong to, for whatever follows a consignment's
    /// certificates (a watch on them): empty until the report is done, and for an unknown report.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CertificatesOfAsync(string id, IQuerySession session, CancellationToken ct) =>
        await FindAsync(id, session, ct) is { Status: ConsignmentStatus.Done } report ? report.CertificateNumbers : [];

    private static async Task<ConsignmentReport?> FindAsync(string id, IQuerySession session, CancellationToken ct) =>
        id.Length == 32 && id.All(char.IsAsciiHexDigitLower) ? await session.LoadAsync<ConsignmentReport>(id, ct) : null;
}

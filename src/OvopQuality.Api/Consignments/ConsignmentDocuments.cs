using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.IdentityModel.Tokens;
using OvopQuality.Api.Labels.Signing;

namespace OvopQuality.Api.Consignments;

/// <summary>The claims of a signed consignment report (<see cref="DocumentKind.ConsignmentReport"/>).</summary>
public sealed record ConsignmentClaims(
    string Cid, long Iat, string At, string KnownAt, string? Ship, int N, IReadOnlyDictionary<string, int> Sum, string Csv, IReadOnlyList<string> Certs, string Url);

/// <summary>
/// The forms a report is handed on in: its CSV (the canonical lines, which the signature covers by
/// hash), its signature, and its printable page.
/// </summary>
public static class ConsignmentDocuments
{
    public static readonly string[] CsvHeader =
    [
        "line", "given", "code", "verdict", "reason", "reasonClass", "since", "certificate", "product", "producerNumber", "producer", "lot", "duplicateOf",
        "cloneWarningSince",
    ];

    private static readonly JsonNamingPolicy Wire = JsonNamingPolicy.CamelCase;

    /// <summary>
    /// The lines as CSV (RFC 4180, UTF-8, no byte-order mark, \r\n), written by CsvHelper with its
    /// injection guard: a cell a spreadsheet would take for a formula (starting with =, +, -, @, a tab or
    /// a carriage return) is prefixed with an apostrophe, so a hostile "code" opens as text.
    /// </summary>
    public static byte[] Csv(IReadOnlyList<ConsignmentLine> lines)
    {
        var configuration = CsvFiles.Configuration();
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), leaveOpen: true))
        using (var csv = new CsvWriter(writer, configuration))
        {
            foreach (var name in CsvHeader)
            {
                csv.WriteField(name);
            }

            csv.NextRecord();
            foreach (var l in lines)
            {
                csv.WriteField(l.Position.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(l.Given);
                csv.WriteField(l.Code ?? "");
                csv.WriteField(Wire.ConvertName(l.Verdict.ToString()));
                csv.WriteField(l.Reason);
                csv.WriteField(l.ReasonClass is { } reason ? Wire.ConvertName(reason.ToString()) : "");
                csv.WriteField(ConsignmentJudge.Day(l.Since));
                csv.WriteField(l.CertificateNumber ?? "");
                csv.WriteField(l.Product ?? "");
                csv.WriteField(l.ProducerNumber ?? "");
                csv.WriteField(l.Producer ?? "");
                csv.WriteField(l.Lot ?? "");
                csv.WriteField(l.DuplicateOf?.ToString(CultureInfo.InvariantCulture) ?? "");
                csv.WriteField(l.CloneWarningSince?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "");
                csv.NextRecord();
            }
        }

        return buffer.ToArray();
    }

    public static string Sha256(byte[] bytes) => Base64UrlEncoder.Encode(SHA256.HashData(bytes));

    public static string Instant(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>The certificates the lines name, each once, in order.</summary>
    public static IReadOnlyList<string> Certificates(IEnumerable<ConsignmentLine> lines) =>
        [.. lines.Select(l => l.CertificateNumber).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Judges nothing: completes a report from its lines (summary, certificates, CSV and its hash, signature).</summary>
    public static async Task<(ConsignmentReport Report, byte[] Csv)> CompleteAsync(
        ConsignmentReport report, IReadOnlyList<ConsignmentLine> lines, SigningKeys keys, string publicBaseUrl, DateTimeOffset now, CancellationToken ct)
    {
        var summary = ConsignmentSummary.Of(lines);
        var certificates = Certificates(lines);
        var csv = Csv(lines);
        var hash = Sha256(csv);
        var (key, privateKey) = await keys.ActiveAsync(ct);
        var claims = new ConsignmentClaims(
            report.Id, now.ToUnixTimeSeconds(), Instant(report.At), Instant(report.KnownAt), report.ShipmentDate, lines.Count, summary.Counts(), hash,
            certificates, $"{publicBaseUrl}/api/consignments/{report.Id}");
        var signature = SignedDocuments.Sign(DocumentKind.ConsignmentReport, claims, key.Id, privateKey);
        return (report with
        {
            Status = ConsignmentStatus.Done,
            CodesDone = lines.Count,
            Summary = summary,
            CertificateNumbers = certificates,
            CompletedAt = now,
            CsvSha256 = hash,
            Signature = signature,
            KeyId = key.Id,
            Version = report.Version + 1,
        }, csv);
    }

    /// <summary>
    /// The printable page of a report (a page of its lines at a time): built only from
    /// <see cref="Html"/>, so every value, a code as submitted above all, is encoded where it goes.
    /// </summary>
    public static string Page(ConsignmentReport report, IReadOnlyList<ConsignmentLine> lines, int page, int pages)
    {
        var s = report.Summary!;
        var html = new List<Html>
        {
            Html.Of($"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Consignment report {report.Id}</title>
                <link rel="stylesheet" href="/l/verify.css"></head><body class="report-body">
                <h1>OVOP Tajikistan — consignment report</h1>
                <dl class="report-meta">
                <dt>Report</dt><dd id="report-id">{report.Id}</dd>
                <dt>Codes judged as of</dt><dd>{report.ShipmentDate ?? Instant(report.At)} (as known at {Instant(report.KnownAt)})</dd>
                <dt>Made</dt><dd>{Instant(report.CompletedAt ?? report.SubmittedAt)}</dd>
                <dt>CSV SHA-256</dt><dd>{report.CsvSha256}</dd>
                <dt>Signed with key</dt><dd>{report.KeyId}</dd>
                <dt>Certificates</dt><dd>{string.Join(", ", report.CertificateNumbers)}</dd>
                </dl>
                <table class="report-summary"><tr><th>lines</th><th>valid</th><th>suspended</th><th>withdrawn</th><th>expired</th><th>superseded</th><th>unknown</th><th>malformed</th><th>duplicated</th><th>copies reported</th></tr>
                <tr id="summary"><td>{s.Lines}</td><td>{s.Valid}</td><td>{s.Suspended}</td><td>{s.Withdrawn}</td><td>{s.Expired}</td><td>{s.Superseded}</td><td>{s.Unknown}</td><td>{s.Malformed}</td><td>{s.Duplicated}</td><td>{s.UnderCloneWarning}</td></tr></table>
                <p>Lines page {page} of {pages}. Check this report: its signed form is at /api/consignments/{report.Id}/signed, its CSV at /api/consignments/{report.Id}/csv.</p>
                <table class="report-lines"><thead><tr><th>#</th><th>code as given</th><th>verdict</th><th>reason</th><th>certificate</th><th>product</th><th>producer</th><th>lot</th></tr></thead><tbody>
                """),
        };
        foreach (var l in lines)
        {
            var verdict = Wire.ConvertName(l.Verdict.ToString());
            var warning = l.CloneWarningSince is { } since ? Html.Of($" <strong class=\"clone\">Copies of this label reported since {since:yyyy-MM-dd}.</strong>") : Html.Empty;
            html.Add(Html.Of($"<tr class=\"{verdict}\"><td>{l.Position}</td><td>{l.Given}</td><td>{verdict}</td><td>{l.Reason}{warning}</td><td>{l.CertificateNumber}</td><td>{l.Product}</td><td>{l.Producer} {l.ProducerNumber}</td><td>{l.Lot}</td></tr>"));
        }

        html.Add(Html.Trusted("</tbody></table></body></html>"));
        return Html.Join(html).Encoded;
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Labelling;
using OvopQuality.Api.Certification.Reading;
using QRCoder;

namespace OvopQuality.Api.Labels.Signing;

public static class PrintSheetEndpoint
{
    public const int MaximumPerPage = 500;

    /// <summary>
    /// A print-ready page of a batch's labels (A4, 5 × 8 a sheet): each QR code with its code in
    /// text under it. Large batches come in pages of up to 500 labels (<c>?page=</c>, <c>&amp;perPage=</c>).
    /// </summary>
    [WolverineGet("/api/certifications/{fileId}/labels/{batchId}/sheet", OperationId = "GetLabelSheet")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    [Produces("text/html")]
    public static async Task<IResult> Get(
        Guid fileId, Guid batchId, int? page, int? perPage, IQuerySession session, Actor actor, SigningKeys keys, IConfiguration configuration, CancellationToken ct)
    {
        var size = perPage ?? 200;
        var number = page ?? 1;
        if (size is < 1 or > MaximumPerPage || number < 1)
        {
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]>
            {
                [size is < 1 or > MaximumPerPage ? "perPage" : "page"] = [$"pages hold 1 to {MaximumPerPage} labels, numbered from 1"],
            }));
        }

        var view = await session.LoadAsync<CertificationFileView>(fileId, ct);
        if (view is null || !actor.MaySeeFile(view.ProducerNumber, []))
        {
            return TypedResults.Problem(Problems.CertificationFileNotFound(fileId));
        }

        var batches = await session.Events.QueryRawEventDataOnly<LabelsIssued>().Where(e => e.FileId == fileId && e.BatchId == batchId).ToListAsync(ct);
        if (batches.Count == 0 || batches[0] is not { } batch)
        {
            return TypedResults.Problem(Problems.NotFound("label-batch", $"File {fileId} has no label batch {batchId}."));
        }

        var codes = batch.Codes.Skip((number - 1) * size).Take(size).ToList();
        var certificate = await session.LoadAsync<PublicCertificate>(fileId, ct);
        var (key, privateKey) = await keys.ActiveAsync(ct);
        var baseUrl = LabelStatements.PublicBaseUrl(configuration);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Labels {{WebUtility.HtmlEncode(batch.Lot)}}</title>
            <style>
            @page { size: A4; margin: 10mm; }
            body { font-family: system-ui, sans-serif; margin: 0; }
            .sheet { display: grid; grid-template-columns: repeat(5, 1fr); gap: 4mm; }
            .label { text-align: center; break-inside: avoid; }
            .label svg { width: 34mm; height: 34mm; }
            .code { font-family: ui-monospace, monospace; font-size: 8pt; letter-spacing: 0.05em; }
            .meta { font-size: 9pt; margin-bottom: 4mm; }
            </style></head><body>
            <div class="meta">{{WebUtility.HtmlEncode(view.ProductName.En)}} · {{WebUtility.HtmlEncode(view.Certificate?.Number)}} · lot {{WebUtility.HtmlEncode(batch.Lot)}} · labels {{(number - 1) * size + 1}}–{{(number - 1) * size + codes.Count}} of {{batch.Quantity}}</div>
            <div class="sheet">
            """);
        foreach (var code in codes)
        {
            using var data = QrCodes.Encode(LabelStatements.Sign(code, certificate!, batch.IssuedAt, key, privateKey, baseUrl).Url);
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"label\">{new SvgQRCode(data).GetGraphic(2)}<div class=\"code\">{LabelCode.Display(code)}</div></div>");
        }

        html.Append("</div></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8);
    }
}

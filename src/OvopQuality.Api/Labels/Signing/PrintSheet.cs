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

        var view = await session.LoadAsync<FileSummary>(fileId, ct);
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
        var html = new List<Html>
        {
            Html.Of($"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Labels {batch.Lot}</title>
                <link rel="stylesheet" href="/l/verify.css"></head><body class="sheet-body">
                <div class="meta">{view.ProductName.En} · {view.CertificateNumber} · lot {batch.Lot} · labels {(number - 1) * size + 1}–{(number - 1) * size + codes.Count} of {batch.Quantity}</div>
                <div class="sheet">
                """),
        };
        foreach (var code in codes)
        {
            using var data = QrCodes.Encode(LabelStatements.Sign(code, certificate!, batch.IssuedAt, key, privateKey, baseUrl).Url);
            // The SVG is drawn by QRCoder from the label's own address: no user text reaches it.
            html.Add(Html.Of($"<div class=\"label\">{Html.Trusted(new SvgQRCode(data).GetGraphic(2))}<div class=\"code\">{LabelCode.Display(code)}</div></div>"));
        }

        html.Add(Html.Trusted("</div></body></html>"));
        return Results.Content(Html.Join(html).Encoded, "text/html; charset=utf-8", Encoding.UTF8);
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification.Labelling;
using OvopQuality.Api.Labels.Verifying;
using QRCoder;

namespace OvopQuality.Api.Labels.Signing;

/// <summary>
/// The signed statement a label's QR code carries for offline checks, with short claim names to
/// keep the code small: label code, certificate, producer number and name, product, standard and
/// version, stars, validity and when the label was issued.
/// </summary>
public sealed record LabelStatement(
    string Lbl, string Cert, string Pn, string Pnm, string Prod, string Std, int Sv, int? St, string? Vf, string? Vu, long Iat);

public sealed record LabelToken(string Code, string Token, string KeyId, string Url);

public static class LabelStatements
{
    public static string PublicBaseUrl(IConfiguration configuration) => (configuration["Ovop:PublicBaseUrl"] ?? "http://127.0.0.1:5080").TrimEnd('/');

    public static async Task<LabelToken?> IssueAsync(string code, LabelLookup labels, SigningKeys keys, IConfiguration configuration, CancellationToken ct)
    {
        var canonical = LabelCode.Normalize(code);
        if (canonical is null || !LabelCode.HasValidCheck(canonical) || await labels.FindAsync(canonical, ct) is not { } found)
        {
            return null;
        }

        var (issue, snapshot) = found;
        var (key, privateKey) = await keys.ActiveAsync(ct);
        return Sign(canonical, snapshot.Certificate, issue.IssuedAt, key, privateKey, PublicBaseUrl(configuration));
    }

    /// <summary>Signs the statement of one label of a certificate, with a key already in hand (a whole batch shares both).</summary>
    public static LabelToken Sign(string canonicalCode, PublicCertificate c, DateTimeOffset issuedAt, SigningKey key, System.Security.Cryptography.ECDsa privateKey, string publicBaseUrl)
    {
        var statement = new LabelStatement(
            canonicalCode, c.CertificateNumber ?? "", c.ProducerNumber, c.ProducerName.En, c.ProductName.En, c.StandardCode, c.StandardVersion, c.Stars,
            c.ValidFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            c.ValidUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            issuedAt.ToUnixTimeSeconds());
        var token = SignedDocuments.Sign(DocumentKind.LabelStatement, statement, key.Id, privateKey);
        return new LabelToken(canonicalCode, token, key.Id, $"{publicBaseUrl}/l/{canonicalCode}#{token}");
    }
}

public static class GetLabelTokenEndpoint
{
    /// <summary>The label's signed statement and the address its QR code holds (GS1 Digital Link style, the statement in the fragment).</summary>
    [WolverineGet("/api/labels/{code}/token", OperationId = "GetLabelToken")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(AccessConfiguration.VerificationCors)]
    public static async Task<Results<Ok<LabelToken>, ProblemHttpResult>> Get(string code, LabelLookup labels, SigningKeys keys, IConfiguration configuration, CancellationToken ct) =>
        await LabelStatements.IssueAsync(code, labels, keys, configuration, ct) is { } token
            ? TypedResults.Ok(token)
            : TypedResults.Problem(Problems.NotFound("label", $"The code '{code}' is not a label issued by OVOP Tajikistan."));
}

public static class GetLabelQrEndpoint
{
    /// <summary>The label's QR code as PNG (<c>format=png</c>, default) or SVG (<c>format=svg</c>), error correction M.</summary>
    [WolverineGet("/api/labels/{code}/qr", OperationId = "GetLabelQr")]
    [Tags("Labels")]
    [AllowAnonymous]
    public static async Task<IResult> Get(string code, string? format, LabelLookup labels, SigningKeys keys, IConfiguration configuration, CancellationToken ct)
    {
        if (format is not (null or "png" or "svg"))
        {
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["format"] = ["must be png or svg"] }));
        }

        if (await LabelStatements.IssueAsync(code, labels, keys, configuration, ct) is not { } token)
        {
            return TypedResults.Problem(Problems.NotFound("label", $"The code '{code}' is not a label issued by OVOP Tajikistan."));
        }

        using var data = QrCodes.Encode(token.Url);
        return format == "svg"
            ? TypedResults.Text(new SvgQRCode(data).GetGraphic(4), "image/svg+xml")
            : TypedResults.File(new PngByteQRCode(data).GetGraphic(8), "image/png", token.Code + ".png");
    }
}

public static class QrCodes
{
    /// <summary>Medium error correction: survives a scuffed jar label and stays at a version phones read at once.</summary>
    public static QRCodeData Encode(string text)
    {
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
    }
}

public sealed record JsonWebKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

public sealed record JsonWebKeySet(IReadOnlyList<JsonWebKey> Keys);

public static class GetJwksEndpoint
{
    /// <summary>The public keys that verify label statements and status snapshots: the active key and retired ones (revoked keys are listed in the status snapshot).</summary>
    [WolverineGet("/.well-known/jwks.json", OperationId = "GetJwks")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(AccessConfiguration.VerificationCors)]
    public static async Task<JsonWebKeySet> Get(SigningKeys keys, CancellationToken ct)
    {
        await keys.ActiveAsync(ct);
        return new JsonWebKeySet([.. (await keys.AllAsync(ct))
            .Where(k => k.Status != KeyStatus.Revoked)
            .Select(k => new JsonWebKey("EC", "P-256", k.X, k.Y, k.Id, "sig", "ES256"))]);
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OvopQuality.Tests.Support;
using SkiaSharp;
using ZXing;
using ZXing.Common;

namespace OvopQuality.Tests.Http;

public class SignedLabelTests(AppFixture app) : CertificationTest(app)
{
    private async Task<(Guid File, string Code)> ALabel()
    {
        var fileId = await ACertifiedFile();
        return (fileId, (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>());
    }

    private async Task<string> TokenOf(string code) => (await GetAnonymously($"/api/labels/{code}/token")).Is(HttpStatusCode.OK).Json["token"]!.GetValue<string>();

    private Task<Reply> VerifyScanned(string token) => Send(HttpMethod.Post, "/api/labels/verification", System.Net.Http.Json.JsonContent.Create(new { token }), null);

    /// <summary>
    /// Checks a document with the jose library (Node), a JOSE implementation that shares no code with
    /// the service's: against the published JWKS, ES256 only, and the typ of the kind expected.
    /// </summary>
    private async Task<System.Text.Json.Nodes.JsonNode> VerifyIndependently(string token, string typ)
    {
        var jwks = Path.Combine(Path.GetTempPath(), "ovop-jwks-" + Guid.NewGuid().ToString("N") + ".json");
        await System.IO.File.WriteAllTextAsync(jwks, (await GetAnonymously("/.well-known/jwks.json")).Is(HttpStatusCode.OK).Body, TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, errors) = await Checks.RunAsync("node", ["verify-jws.mjs", jwks, typ], token);
            var answer = System.Text.Json.Nodes.JsonNode.Parse(output) ?? throw new InvalidOperationException(errors);
            answer["exitCode"] = exitCode;
            return answer;
        }
        finally
        {
            System.IO.File.Delete(jwks);
        }
    }

    [Fact]
    public async Task A_labels_signed_statement_verifies_with_an_independent_jose_library_against_the_published_keys()
    {
        var (fileId, code) = await ALabel();
        var token = await TokenOf(code);

        var result = await VerifyIndependently(token, "ovop-label+jws");

        Assert.True(result["exitCode"]!.GetValue<int>() == 0, result.ToJsonString());
        var claims = result["payload"]!;
        Assert.Equal(code, claims["lbl"]!.GetValue<string>());
        Assert.Equal((await File(fileId))["certificate"]!["number"]!.GetValue<string>(), claims["cert"]!.GetValue<string>());
        Assert.Equal("Dried apricots", claims["prod"]!.GetValue<string>());
        Assert.Equal("OVOP-DF", claims["std"]!.GetValue<string>());
        Assert.Equal("2029-03-01", claims["vu"]!.GetValue<string>());
        Assert.Equal("ES256", result["header"]!["alg"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_kind_of_signed_document_carries_its_own_type_and_a_verifier_refuses_one_of_another_kind()
    {
        var (_, code) = await ALabel();
        var statement = await TokenOf(code);
        var snapshot = (await GetAnonymously("/api/status-snapshot")).Json["snapshot"]!.GetValue<string>();

        Assert.Equal(0, (await VerifyIndependently(snapshot, "ovop-status+jws"))["exitCode"]!.GetValue<int>());
        Assert.Equal(1, (await VerifyIndependently(snapshot, "ovop-label+jws"))["exitCode"]!.GetValue<int>());
        Assert.Equal(1, (await VerifyIndependently(statement, "ovop-status+jws"))["exitCode"]!.GetValue<int>());

        // The service's own verification takes a label statement and nothing else signed with its keys.
        var asLabel = (await VerifyScanned(snapshot)).Is(HttpStatusCode.OK).Json;
        Assert.Equal("wrongKind", asLabel["signature"]!.GetValue<string>());
        Assert.Null(asLabel["label"]);
        Assert.Contains("not an OVOP label statement", asLabel["verdict"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("valid", (await VerifyScanned(statement)).Json["signature"]!.GetValue<string>());

        // A genuine signature over a label claim of the wrong kind of value is no label statement either.
        var keys = App.Host.Services.GetRequiredService<OvopQuality.Api.Labels.Signing.SigningKeys>();
        var (key, privateKey) = await keys.ActiveAsync(TestContext.Current.CancellationToken);
        var odd = OvopQuality.Api.Labels.Signing.SignedDocuments.Sign(OvopQuality.Api.Labels.Signing.DocumentKind.LabelStatement,
            new { lbl = 5, cert = "TJ-OVOP-2026-000001", pn = "TJ-P-000001", prod = "Honey", std = "OVOP-HN", sv = 1, iat = 1 }, key.Id, privateKey);
        Assert.Equal("wrongKind", (await VerifyScanned(odd)).Json["signature"]!.GetValue<string>());
        Assert.Equal("unknown", new OvopQuality.Verifier.OfflineVerifier((await GetAnonymously("/.well-known/jwks.json")).Body, null).Verify(odd, App.Clock.GetUtcNow()).Verdict);

        // The kinds the service signs are the kinds the offline verifier knows.
        Assert.Equal(OvopQuality.Verifier.OfflineVerifier.LabelType, OvopQuality.Api.Labels.Signing.DocumentKind.LabelStatement.Type);
        Assert.Equal(OvopQuality.Verifier.OfflineVerifier.SnapshotType, OvopQuality.Api.Labels.Signing.DocumentKind.StatusSnapshot.Type);
        Assert.Equal(OvopQuality.Verifier.OfflineVerifier.LabelClaims, OvopQuality.Api.Labels.Signing.DocumentKind.LabelStatement.RequiredClaims);
        Assert.Equal(OvopQuality.Verifier.OfflineVerifier.SnapshotClaims, OvopQuality.Api.Labels.Signing.DocumentKind.StatusSnapshot.RequiredClaims);
    }

    [Fact]
    public async Task The_qr_png_decodes_back_to_the_verification_address_with_the_statement_and_stays_small()
    {
        var (_, code) = await ALabel();
        var png = await App.Client.GetByteArrayAsync($"/api/labels/{code}/qr", TestContext.Current.CancellationToken);

        using var bitmap = SKBitmap.Decode(png);
        var pixels = bitmap.Pixels.SelectMany(p => new[] { p.Red, p.Green, p.Blue }).ToArray();
        // ZXing, told the image is a clean code (as it is); its search for finder patterns in a photo
        // misses about one such code in sixty, which the verifier's reader retries (OfflineVerifierTests).
        var reader = new BarcodeReaderGeneric { Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], PureBarcode = true } };
        var decoded = reader.Decode(new RGBLuminanceSource(pixels, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.RGB24));

        Assert.NotNull(decoded);
        Assert.StartsWith($"{AppFixture.PublicBaseUrl}/l/{code}#", decoded.Text, StringComparison.Ordinal);
        var token = decoded.Text[(decoded.Text.IndexOf('#', StringComparison.Ordinal) + 1)..];
        Assert.Equal(0, (await VerifyIndependently(token, "ovop-label+jws"))["exitCode"]!.GetValue<int>());
        using var data = Api.Labels.Signing.QrCodes.Encode(decoded.Text);
        Assert.InRange(data.Version, 1, 20);
        Assert.Equal("valid", (await VerifyScanned(token)).Is(HttpStatusCode.OK).Json["label"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_qr_comes_as_svg_too_and_an_unknown_format_is_a_400()
    {
        var (_, code) = await ALabel();

        var svg = await GetAnonymously($"/api/labels/{code}/qr?format=svg");

        Assert.Equal("image/svg+xml", svg.Is(HttpStatusCode.OK).MediaType);
        Assert.StartsWith("<svg", svg.Body.TrimStart(), StringComparison.Ordinal);
        (await GetAnonymously($"/api/labels/{code}/qr?format=gif")).IsInvalid("format");
    }

    [Fact]
    public async Task A_tampered_or_foreign_statement_is_refused_and_says_so()
    {
        var (_, code) = await ALabel();
        var token = await TokenOf(code);
        var parts = token.Split('.');
        var forged = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("\"st\":5", "\"st\":1", StringComparison.Ordinal).Replace("Dried apricots", "Dried apricotz", StringComparison.Ordinal));

        Assert.Equal("invalid", (await VerifyScanned($"{parts[0]}.{forged}.{parts[2]}")).Json["signature"]!.GetValue<string>());
        var foreignHeader = Base64UrlEncoder.Encode("{\"alg\":\"ES256\",\"kid\":\"someone-else\",\"typ\":\"ovop-label+jws\"}");
        Assert.Equal("unknownKey", (await VerifyScanned($"{foreignHeader}.{parts[1]}.{parts[2]}")).Json["signature"]!.GetValue<string>());
        Assert.Equal("malformed", (await VerifyScanned("not.a-token")).Json["signature"]!.GetValue<string>());
    }

    [Fact]
    public async Task After_rotation_old_labels_still_verify_and_after_revocation_labels_signed_by_the_key_verify_as_revoked()
    {
        var (_, code) = await ALabel();
        var oldToken = await TokenOf(code);
        var oldKey = JsonWebTokenKid(oldToken);

        var rotated = (await Post("/api/signing-keys/rotation", new { })).Is(HttpStatusCode.OK).Json["id"]!.GetValue<string>();
        Assert.NotEqual(oldKey, rotated);
        Assert.Equal(rotated, JsonWebTokenKid(await TokenOf(code)));
        Assert.Equal("valid", (await VerifyScanned(oldToken)).Json["signature"]!.GetValue<string>());
        Assert.Equal(0, (await VerifyIndependently(oldToken, "ovop-label+jws"))["exitCode"]!.GetValue<int>());

        (await Post($"/api/signing-keys/{oldKey}/revocation", new { reason = "Laptop with the key folder stolen" })).Is(HttpStatusCode.OK);

        var answer = (await VerifyScanned(oldToken)).Json;
        Assert.Equal("revokedKey", answer["signature"]!.GetValue<string>());
        Assert.Equal("revoked", answer["label"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(oldKey, (await GetAnonymously("/.well-known/jwks.json")).Body, StringComparison.Ordinal);
        var snapshot = (await GetAnonymously("/api/status-snapshot")).Json["snapshot"]!.GetValue<string>();
        Assert.Contains(oldKey, Base64UrlEncoder.Decode(snapshot.Split('.')[1]), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_new_keys_private_half_is_sealed_in_the_database_under_a_key_file_the_service_alone_reads_and_a_revoked_one_is_destroyed()
    {
        var folder = Path.Combine(Path.GetDirectoryName(AppFixture.KeyFile)!, "signing");
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode othersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var store = App.Host.Services.GetRequiredService<Marten.IDocumentStore>();

        var id = (await Post("/api/signing-keys/rotation", new { })).Is(HttpStatusCode.OK).Json["id"]!.GetValue<string>();
        Assert.False(System.IO.File.Exists(Path.Combine(folder, id + ".pem")));
        await using (var session = store.QuerySession())
        {
            var sealedKey = await session.LoadAsync<OvopQuality.Api.Labels.Signing.SealedSigningKey>(id, TestContext.Current.CancellationToken);
            Assert.NotNull(sealedKey);
            Assert.DoesNotContain("PRIVATE", sealedKey.Ciphertext, StringComparison.Ordinal);
        }

        Assert.Equal(ownerOnly, System.IO.File.GetUnixFileMode(Path.Combine(folder, "key-encryption.key")));
        Assert.Equal((UnixFileMode)0, System.IO.File.GetUnixFileMode(folder) & othersAny);
        Assert.Equal(ownerOnly, System.IO.File.GetUnixFileMode(AppFixture.KeyFile));
        Assert.Equal((UnixFileMode)0, System.IO.File.GetUnixFileMode(Path.GetDirectoryName(AppFixture.KeyFile)!) & othersAny);

        (await Post($"/api/signing-keys/{id}/revocation", new { reason = "Backup tape with the key folder lost" })).Is(HttpStatusCode.OK);

        await using (var session = store.QuerySession())
        {
            Assert.Null(await session.LoadAsync<OvopQuality.Api.Labels.Signing.SealedSigningKey>(id, TestContext.Current.CancellationToken));
        }

        var (_, code) = await ALabel();
        Assert.NotEqual(id, JsonWebTokenKid(await TokenOf(code)));
        Assert.Equal("valid", (await VerifyScanned(await TokenOf(code))).Json["signature"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_status_snapshot_is_signed_lists_certificates_not_valid_and_says_how_long_to_trust_it()
    {
        var fileId = await ACertifiedFile();
        (await Suspend(fileId, 4)).Is(HttpStatusCode.OK);
        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();

        var response = (await GetAnonymously("/api/status-snapshot")).Is(HttpStatusCode.OK).Json;
        var snapshot = response["snapshot"]!.GetValue<string>();

        Assert.Equal(0, (await VerifyIndependently(snapshot, "ovop-status+jws"))["exitCode"]!.GetValue<int>());
        var claims = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(snapshot.Split('.')[1]))!;
        Assert.Equal(86400, claims["maxAge"]!.GetValue<int>());
        Assert.Contains(claims["certs"]!.AsArray(), c => c![0]!.GetValue<string>() == number && c[1]!.GetValue<string>() == "suspended");
    }

    [Fact]
    public async Task The_status_snapshot_is_made_once_for_many_downloads_and_again_as_soon_as_a_certificate_changes()
    {
        var fileId = await ACertifiedFile();
        // A signature is new each time it is made (ES256 is randomised): the same one twice in a row
        // means it was not made again. (Three downloads, in case a scheduled transition of another
        // test's file lands between two of them.)
        var downloads = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            downloads.Add((await GetAnonymously("/api/status-snapshot")).Is(HttpStatusCode.OK).Json["snapshot"]!.GetValue<string>());
        }

        Assert.True(downloads[0] == downloads[1] || downloads[1] == downloads[2], "the snapshot was made again for every download");

        (await Suspend(fileId, 4)).Is(HttpStatusCode.OK);
        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();

        var after = (await GetAnonymously("/api/status-snapshot")).Is(HttpStatusCode.OK).Json["snapshot"]!.GetValue<string>();
        Assert.Contains(number, Base64UrlEncoder.Decode(after.Split('.')[1]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task The_status_snapshot_downloads_compressed_when_the_client_accepts_it(string encoding)
    {
        await ACertifiedFile();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status-snapshot");
        request.Headers.AcceptEncoding.ParseAdd(encoding);

        using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        await using var compressed = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await using Stream plain = encoding == "br"
            ? new System.IO.Compression.BrotliStream(compressed, System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress);
        var json = await System.Text.Json.Nodes.JsonNode.ParseAsync(plain, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, (await VerifyIndependently(json!["snapshot"]!.GetValue<string>(), "ovop-status+jws"))["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_label_answer_is_not_compressed()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/labels/{code}");
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task A_batch_prints_as_a_sheet_of_qr_codes_with_each_code_in_text_in_pages()
    {
        var fileId = await ACertifiedFile();
        var issued = (await IssueLabels(fileId, 4, 12)).Json;
        var batch = issued["id"]!.GetValue<Guid>();
        var codes = issued["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();

        var sheet = (await Get($"/api/certifications/{fileId}/labels/{batch}/sheet?perPage=10&page=2")).Is(HttpStatusCode.OK);

        Assert.Equal("text/html", sheet.MediaType);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(sheet.Body, "<svg"));
        Assert.Contains(Api.Certification.Labelling.LabelCode.Display(codes[11]), sheet.Body, StringComparison.Ordinal);
        Assert.Contains("labels 11–12 of 12", sheet.Body, StringComparison.Ordinal);
        (await Get($"/api/certifications/{fileId}/labels/{batch}/sheet?perPage=501")).IsInvalid("perPage");
    }

    private static string JsonWebTokenKid(string token) => new JsonWebToken(token).Kid;
}

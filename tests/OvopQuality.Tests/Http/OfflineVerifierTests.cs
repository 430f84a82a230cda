using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using OvopQuality.Tests.Support;
using OvopQuality.Verifier;

namespace OvopQuality.Tests.Http;

/// <summary>The offline verifier, fed with what a phone would have cached: the key set and a status snapshot.</summary>
public class OfflineVerifierTests(AppFixture app) : CertificationTest(app)
{
    private async Task<(Guid File, string Code, string Token)> ALabel()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var token = (await GetAnonymously($"/api/labels/{code}/token")).Json["token"]!.GetValue<string>();
        return (fileId, code, token);
    }

    private async Task<OfflineVerifier> CachedVerifier(bool withSnapshot = true) =>
        new((await GetAnonymously("/.well-known/jwks.json")).Body,
            withSnapshot ? (await GetAnonymously("/api/status-snapshot")).Json["snapshot"]!.GetValue<string>() : null);

    private DateTimeOffset Now => App.Clock.GetUtcNow();

    [Fact]
    public async Task A_genuine_label_verifies_offline_and_says_its_status_is_known_only_as_of_the_snapshot()
    {
        var (_, code, token) = await ALabel();

        var verdict = (await CachedVerifier()).Verify(token, Now.AddHours(3));

        Assert.Equal("valid", verdict.Verdict);
        Assert.Equal(code, verdict.LabelCode);
        Assert.Contains(verdict.Established, e => e.StartsWith("signature valid", StringComparison.Ordinal));
        Assert.Contains(verdict.Established, e => e.Contains("status known only as of", StringComparison.Ordinal) && e.Contains("3 hours ago", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tampered_statement_or_one_signed_by_another_key_is_invalid_and_an_unknown_key_is_said_plainly()
    {
        var (_, _, token) = await ALabel();
        var verifier = await CachedVerifier();
        var parts = token.Split('.');

        var tampered = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("OVOP-DF", "OVOP-HN", StringComparison.Ordinal));
        Assert.Equal("invalid", verifier.Verify($"{parts[0]}.{tampered}.{parts[2]}", Now).Verdict);

        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Base64UrlEncoder.Encode(forger.SignData(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal("invalid", verifier.Verify($"{parts[0]}.{parts[1]}.{forged}", Now).Verdict);

        var unknownKey = Base64UrlEncoder.Encode("{\"alg\":\"ES256\",\"kid\":\"not-ours\"}");
        var unknown = verifier.Verify($"{unknownKey}.{parts[1]}.{parts[2]}", Now);
        Assert.Equal("unknown", unknown.Verdict);
        Assert.Contains("refresh the keys", unknown.NotEstablished.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_snapshot_given_as_a_label_is_refused_by_the_library_and_by_ovop_verify_with_a_failing_exit_code()
    {
        var (_, code, token) = await ALabel();
        var snapshot = (await GetAnonymously("/api/status-snapshot")).Json["snapshot"]!.GetValue<string>();
        var verifier = await CachedVerifier();

        var verdict = verifier.Verify($"{AppFixture.PublicBaseUrl}/l/{code}#{snapshot}", Now);
        Assert.Equal("unknown", verdict.Verdict);
        Assert.Null(verdict.LabelCode);
        Assert.Contains(verdict.NotEstablished, n => n.Contains("not an OVOP label statement: it is signed as 'ovop-status+jws'", StringComparison.Ordinal));

        // A label statement is no status snapshot either: cached as one, it gives no status.
        Assert.Equal("valid-signature-only", new OfflineVerifier((await GetAnonymously("/.well-known/jwks.json")).Body, token).Verify(token, Now).Verdict);

        var cache = Path.Combine(Path.GetTempPath(), "ovop-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(cache);
        try
        {
            await System.IO.File.WriteAllTextAsync(Path.Combine(cache, "jwks.json"), (await GetAnonymously("/.well-known/jwks.json")).Body, TestContext.Current.CancellationToken);
            await System.IO.File.WriteAllTextAsync(Path.Combine(cache, "status-snapshot.jws"), snapshot, TestContext.Current.CancellationToken);
            var command = Path.Combine(AppContext.BaseDirectory, "ovop-verify");

            var forged = await Run(command, ["verify", $"{AppFixture.PublicBaseUrl}/l/{code}#{snapshot}", "--cache", cache]);
            Assert.Equal(1, forged.ExitCode);
            Assert.StartsWith("UNKNOWN", forged.Output, StringComparison.Ordinal);
            Assert.Equal(0, (await Run(command, ["verify", $"{AppFixture.PublicBaseUrl}/l/{code}#{token}", "--cache", cache])).ExitCode);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public async Task A_snapshot_of_ten_thousand_certificates_not_valid_is_read_and_used_offline()
    {
        var (_, _, token) = await ALabel();
        var number = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).GetPayloadValue<string>("cert");
        var keys = App.Host.Services.GetRequiredService<OvopQuality.Api.Labels.Signing.SigningKeys>();
        var (key, privateKey) = await keys.ActiveAsync(TestContext.Current.CancellationToken);
        var now = Now.ToUnixTimeSeconds();
        string[][] notValid = [.. Enumerable.Range(1, 10_000).Select(i => new[] { $"TJ-OVOP-2026-9{i:00000}", "withdrawn", "2026-03-01" }), [number, "suspended", "2026-03-02"]];
        var snapshot = OvopQuality.Api.Labels.Signing.SignedDocuments.Sign(OvopQuality.Api.Labels.Signing.DocumentKind.StatusSnapshot,
            new OvopQuality.Api.Labels.Signing.StatusSnapshotClaims(now, now + 86400, 86400, notValid, []), key.Id, privateKey);
        Assert.True(snapshot.Length > 500_000, $"the snapshot is {snapshot.Length} characters");

        var verdict = new OfflineVerifier((await GetAnonymously("/.well-known/jwks.json")).Body, snapshot).Verify(token, Now);

        Assert.Equal("suspended", verdict.Verdict);
    }

    [Fact]
    public async Task What_a_forged_statement_claims_is_never_repeated_and_ovop_verify_prints_no_control_characters()
    {
        var (_, code, _) = await ALabel();
        var header = Base64UrlEncoder.Encode("{\"alg\":\"ES256\",\"kid\":\"not-ours\",\"typ\":\"ovop-label+jws\"}");
        var claims = Base64UrlEncoder.Encode($"{{\"lbl\":\"{code}\",\"cert\":\"TJ-OVOP-2026-999999\",\"pn\":\"x\",\"prod\":\"\u001b[2K\u001b[1GVALID  Genuine honey\",\"pnm\":\"x\",\"std\":\"x\",\"sv\":1,\"iat\":1}}");
        var forged = $"{header}.{claims}.AAAA";

        var verdict = (await CachedVerifier()).Verify(forged, Now);
        Assert.Equal("unknown", verdict.Verdict);
        Assert.Null(verdict.Product);
        Assert.Null(verdict.CertificateNumber);

        var cache = Path.Combine(Path.GetTempPath(), "ovop-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(cache);
        try
        {
            await System.IO.File.WriteAllTextAsync(Path.Combine(cache, "jwks.json"), (await GetAnonymously("/.well-known/jwks.json")).Body, TestContext.Current.CancellationToken);
            var printed = await Run(Path.Combine(AppContext.BaseDirectory, "ovop-verify"), ["verify", forged, "--cache", cache]);
            Assert.Equal(1, printed.ExitCode);
            Assert.DoesNotContain('\u001b', printed.Output);
            Assert.DoesNotContain("Genuine honey", printed.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> Run(string command, string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task A_statement_signed_by_a_revoked_key_is_revoked_once_the_snapshot_says_so()
    {
        var (_, _, token) = await ALabel();
        var keyId = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Kid;
        var jwksBefore = (await GetAnonymously("/.well-known/jwks.json")).Body;

        (await Post($"/api/signing-keys/{keyId}/revocation", new { reason = "Key folder copied by a former employee" })).Is(HttpStatusCode.OK);
        var snapshot = (await GetAnonymously("/api/status-snapshot")).Json["snapshot"]!.GetValue<string>();
        var jwksAfter = (await GetAnonymously("/.well-known/jwks.json")).Body;

        var verdict = new OfflineVerifier(jwksBefore, null).Verify(token, Now);
        Assert.Equal("valid-signature-only", verdict.Verdict);
        Assert.Equal("revoked", new OfflineVerifier(MergeKeys(jwksBefore, jwksAfter), snapshot).Verify(token, Now).Verdict);
    }

    [Fact]
    public async Task A_snapshot_older_than_its_max_age_is_said_to_be_stale_and_a_suspension_in_it_is_reported()
    {
        var (fileId, _, token) = await ALabel();
        var stale = (await CachedVerifier()).Verify(token, Now.AddHours(30));
        Assert.Equal("valid-status-stale", stale.Verdict);
        Assert.Contains(stale.NotEstablished, n => n.Contains("older than its 24 hours", StringComparison.Ordinal));

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        var suspended = (await CachedVerifier()).Verify(token, Now);
        Assert.Equal("suspended", suspended.Verdict);
    }

    [Fact]
    public async Task A_photo_of_the_qr_code_is_read_and_verified()
    {
        var (_, code, _) = await ALabel();
        var png = await App.Client.GetByteArrayAsync($"/api/labels/{code}/qr", TestContext.Current.CancellationToken);
        var file = Path.Combine(Path.GetTempPath(), $"ovop-label-{code}.png");
        await System.IO.File.WriteAllBytesAsync(file, png, TestContext.Current.CancellationToken);
        try
        {
            var scanned = QrImages.Read(file);

            Assert.StartsWith($"{AppFixture.PublicBaseUrl}/l/{code}#", scanned, StringComparison.Ordinal);
            Assert.Equal("valid", (await CachedVerifier()).Verify(scanned!, Now).Verdict);
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }

    [Fact]
    public void A_clean_qr_image_whose_finder_patterns_zxing_misses_is_still_read()
    {
        // Made by the service; ZXing's own search returns nothing for it.
        var file = Path.Combine(AppContext.BaseDirectory, "Data", "qr-zxing-finder-miss.png");

        Assert.StartsWith("https://verify.ovop.tj/l/ZSHQJ89FBJCBEE4J7#ey", QrImages.Read(file), StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_image_zxing_misses_in_its_usual_mode_is_read_in_pure_mode()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Data", "qr-zxing-finder-miss.png");
        using var bitmap = SkiaSharp.SKBitmap.Decode(file);
        var source = new ZXing.RGBLuminanceSource([.. bitmap.Pixels.SelectMany(p => new[] { p.Red, p.Green, p.Blue })], bitmap.Width, bitmap.Height, ZXing.RGBLuminanceSource.BitmapFormat.RGB24);
        ZXing.Result? Read(bool pure) => new ZXing.BarcodeReaderGeneric
        {
            Options = new ZXing.Common.DecodingOptions { PossibleFormats = [ZXing.BarcodeFormat.QR_CODE], TryHarder = true, PureBarcode = pure },
        }.Decode(source);

        Assert.Null(Read(pure: false));
        Assert.NotNull(Read(pure: true));
    }

    [Fact]
    public async Task Every_qr_code_of_a_batch_of_a_hundred_is_read_back_from_its_image()
    {
        // ZXing alone missed about one dense code in sixty, each statement's signature being new.
        var fileId = await ACertifiedFile();
        var codes = (await IssueLabels(fileId, 4, 100)).Json["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var unread = new List<string>();
        foreach (var code in codes)
        {
            var file = Path.Combine(Path.GetTempPath(), $"ovop-label-{code}.png");
            await System.IO.File.WriteAllBytesAsync(file, await App.Client.GetByteArrayAsync($"/api/labels/{code}/qr", TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
            try
            {
                if (QrImages.Read(file)?.StartsWith($"{AppFixture.PublicBaseUrl}/l/{code}#", StringComparison.Ordinal) != true)
                {
                    unread.Add(code);
                }
            }
            finally
            {
                System.IO.File.Delete(file);
            }
        }

        Assert.Empty(unread);
    }

    [Fact]
    public async Task Without_a_snapshot_only_the_signature_is_established()
    {
        var (_, _, token) = await ALabel();

        var verdict = (await CachedVerifier(withSnapshot: false)).Verify(token, Now);

        Assert.Equal("valid-signature-only", verdict.Verdict);
        Assert.Contains(verdict.NotEstablished, n => n.Contains("no status snapshot", StringComparison.Ordinal));
    }

    /// <summary>A verifier that cached the keys before the revocation still holds the revoked key.</summary>
    private static string MergeKeys(string before, string after)
    {
        var keys = System.Text.Json.Nodes.JsonNode.Parse(before)!["keys"]!.AsArray().Select(k => k!.ToJsonString())
            .Concat(System.Text.Json.Nodes.JsonNode.Parse(after)!["keys"]!.AsArray().Select(k => k!.ToJsonString()))
            .Distinct();
        return "{\"keys\":[" + string.Join(",", keys) + "]}";
    }
}

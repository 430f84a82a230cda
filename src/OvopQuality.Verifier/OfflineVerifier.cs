using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OvopQuality.Verifier;

/// <summary>What the offline check of a label established, what it could not, and the verdict.</summary>
public sealed record OfflineVerdict(
    string Verdict,
    string? LabelCode,
    string? CertificateNumber,
    string? Product,
    string? Producer,
    int? Stars,
    string? ValidUntil,
    IReadOnlyList<string> Established,
    IReadOnlyList<string> NotEstablished);

/// <summary>
/// Verifies a label's signed statement with no network: against a cached JWKS (the service's public
/// keys) and a cached, signed status snapshot. It says what it proved and what it could not: the
/// status is only known as of the snapshot, and a snapshot past its max age is said to be stale.
/// </summary>
public sealed class OfflineVerifier
{
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);
    private readonly Snapshot? _snapshot;
    private readonly string? _snapshotProblem;

    public OfflineVerifier(string jwksJson, string? snapshotToken)
    {
        using var jwks = JsonDocument.Parse(jwksJson);
        foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            if (key.GetProperty("kty").GetString() == "EC" && key.GetProperty("crv").GetString() == "P-256")
            {
                _keys[key.GetProperty("kid").GetString()!] = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64Url(key.GetProperty("x").GetString()!), Y = Base64Url(key.GetProperty("y").GetString()!) },
                });
            }
        }

        if (snapshotToken is null)
        {
            _snapshotProblem = "no status snapshot is cached";
        }
        else if (Check(snapshotToken) is not { Valid: true } checkedSnapshot)
        {
            _snapshotProblem = "the cached status snapshot does not carry a valid signature";
        }
        else
        {
            _snapshot = Snapshot.From(checkedSnapshot.Claims);
        }
    }

    /// <summary>Accepts the statement itself, the address a QR code holds (statement in the fragment), or text containing either.</summary>
    public OfflineVerdict Verify(string scanned, DateTimeOffset now)
    {
        var token = scanned.Contains('#', StringComparison.Ordinal) ? scanned[(scanned.IndexOf('#', StringComparison.Ordinal) + 1)..] : scanned.Trim();
        var established = new List<string>();
        var notEstablished = new List<string>();
        var check = Check(token);
        if (check is null)
        {
            return new OfflineVerdict("unknown", null, null, null, null, null, null, [], ["this is not an OVOP label statement"]);
        }

        var claims = check.Claims;
        string? Claim(string name) => claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var verdictOf = (string verdict) => new OfflineVerdict(verdict, Claim("lbl"), Claim("cert"), Claim("prod"), Claim("pnm"),
            claims.TryGetProperty("st", out var st) && st.ValueKind == JsonValueKind.Number ? st.GetInt32() : null, Claim("vu"), established, notEstablished);

        if (!check.KeyKnown)
        {
            notEstablished.Add($"the statement is signed with key '{check.KeyId}', which the cached key set does not hold: refresh the keys, or the statement is not genuine");
            return verdictOf("unknown");
        }

        if (!check.Valid)
        {
            notEstablished.Add("the signature does not match the statement: it was altered or forged");
            return verdictOf("invalid");
        }

        established.Add($"signature valid (key {check.KeyId}): the statement was issued by OVOP Tajikistan and not altered");
        established.Add($"label {Claim("lbl")} was issued {DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64()):yyyy-MM-dd} under certificate {Claim("cert")}");
        if (_snapshot is null)
        {
            notEstablished.Add($"the certificate's current status: {_snapshotProblem}");
        }
        else if (_snapshot.RevokedKeys.Contains(check.KeyId))
        {
            established.Add($"key {check.KeyId} is revoked (status snapshot of {_snapshot.IssuedAt:u}): statements it signed cannot be trusted");
            return verdictOf("revoked");
        }

        if (DateOnly.TryParseExact(Claim("vu"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var validUntil)
            && DateOnly.FromDateTime(now.UtcDateTime) > validUntil)
        {
            established.Add($"the certificate's validity ended on {validUntil:yyyy-MM-dd}");
            return verdictOf("expired");
        }

        established.Add($"valid until {Claim("vu")} by the statement");
        if (_snapshot is null)
        {
            return verdictOf("valid-signature-only");
        }

        var age = now - _snapshot.IssuedAt;
        var stale = now > _snapshot.ExpiresAt;
        var statusLine = $"status known only as of {_snapshot.IssuedAt:u} ({age.TotalHours:F0} hours ago)";
        if (stale)
        {
            notEstablished.Add($"the current status: the status snapshot is {age.TotalHours:F0} hours old, older than its {_snapshot.MaxAgeSeconds / 3600} hours; refresh it when online");
        }

        if (_snapshot.Certificates.TryGetValue(Claim("cert") ?? "", out var listed))
        {
            established.Add($"certificate {Claim("cert")} is {listed.Status}{(listed.Since is { Length: > 0 } since ? " since " + since : "")}: {statusLine}");
            return verdictOf(listed.Status);
        }

        (stale ? notEstablished : established).Add($"certificate {Claim("cert")} is not among those suspended, withdrawn, expired or superseded: {statusLine}");
        return verdictOf(stale ? "valid-status-stale" : "valid");
    }

    private sealed record Checked(string KeyId, bool KeyKnown, bool Valid, JsonElement Claims);

    private Checked? Check(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || token.Length > 8192)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            var kid = header.RootElement.GetProperty("kid").GetString() ?? "";
            if (header.RootElement.GetProperty("alg").GetString() != "ES256")
            {
                return null;
            }

            var known = _keys.TryGetValue(kid, out var key);
            var valid = known && key!.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]),
                HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return new Checked(kid, known, valid, claims.RootElement.Clone());
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        return Convert.FromBase64String(padded);
    }

    private sealed record Listed(string Status, string? Since);

    private sealed record Snapshot(DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, int MaxAgeSeconds, Dictionary<string, Listed> Certificates, HashSet<string> RevokedKeys)
    {
        public static Snapshot From(JsonElement claims) => new(
            DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64()),
            DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()),
            claims.GetProperty("maxAge").GetInt32(),
            claims.GetProperty("certs").EnumerateArray().ToDictionary(
                c => c[0].GetString()!, c => new Listed(c[1].GetString()!, c.GetArrayLength() > 2 ? c[2].GetString() : null), StringComparer.Ordinal),
            [.. claims.GetProperty("revokedKeys").EnumerateArray().Select(k => k.GetString()!)]);
    }
}

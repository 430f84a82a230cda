using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

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
/// What the offline check of a signed consignment report established: whether it holds (signature,
/// kind, and the CSV, when given, is the one it hashes), its id, the instant its codes were judged as
/// of, its counts and certificates, and what did not hold.
/// </summary>
public sealed record ConsignmentCheck(
    bool Valid,
    string? ReportId,
    string? At,
    string? ShipmentDate,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<string> Certificates,
    IReadOnlyList<string> Established,
    IReadOnlyList<string> Problems);

/// <summary>
/// What the offline check of the open data's signed manifest established: whether it holds (signature,
/// kind, and every file given is one it names, with the size and SHA-256 it signed), when the files
/// were made, the event sequence they reflect, their licence, and what did not hold.
/// </summary>
public sealed record OpenDataCheck(
    bool Valid,
    string? GeneratedAt,
    long? Sequence,
    string? Licence,
    IReadOnlyList<string> Established,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> NotGiven);

/// <summary>
/// Verifies a label's signed statement with no network: against a cached JWKS (the service's public
/// keys) and a cached, signed status snapshot. It says what it proved and what it could not: the
/// status is only known as of the snapshot, and a snapshot past its max age is said to be stale.
/// </summary>
public sealed class OfflineVerifier
{
    /// <summary>The JWS <c>typ</c> of a label statement, as the service signs it.</summary>
    public const string LabelType = "ovop-label+jws";

    /// <summary>The JWS <c>typ</c> of a status snapshot.</summary>
    public const string SnapshotType = "ovop-status+jws";

    /// <summary>The claims a label statement carries, and the kind of value each holds.</summary>
    public static readonly IReadOnlyDictionary<string, JsonValueKind> LabelClaims = new Dictionary<string, JsonValueKind>
    {
        ["lbl"] = JsonValueKind.String, ["cert"] = JsonValueKind.String, ["pn"] = JsonValueKind.String, ["prod"] = JsonValueKind.String,
        ["std"] = JsonValueKind.String, ["sv"] = JsonValueKind.Number, ["iat"] = JsonValueKind.Number,
    };

    /// <summary>The claims a status snapshot carries, and the kind of value each holds.</summary>
    public static readonly IReadOnlyDictionary<string, JsonValueKind> SnapshotClaims = new Dictionary<string, JsonValueKind>
    {
        ["iat"] = JsonValueKind.Number, ["exp"] = JsonValueKind.Number, ["maxAge"] = JsonValueKind.Number,
        ["certs"] = JsonValueKind.Array, ["revokedKeys"] = JsonValueKind.Array,
    };

    /// <summary>The JWS <c>typ</c> of a consignment report.</summary>
    public const string ConsignmentType = "ovop-consignment+jws";

    /// <summary>The claims a consignment report carries, and the kind of value each holds.</summary>
    public static readonly IReadOnlyDictionary<string, JsonValueKind> ConsignmentClaims = new Dictionary<string, JsonValueKind>
    {
        ["cid"] = JsonValueKind.String, ["iat"] = JsonValueKind.Number, ["at"] = JsonValueKind.String, ["knownAt"] = JsonValueKind.String,
        ["n"] = JsonValueKind.Number, ["sum"] = JsonValueKind.Object, ["csv"] = JsonValueKind.String, ["certs"] = JsonValueKind.Array,
    };

    /// <summary>The <c>typ</c> of the open data's signed manifest (the service's DocumentKind.OpenDataManifest).</summary>
    public const string OpenDataType = "ovop-open-data+jws";

    /// <summary>The claims the open data's manifest carries, and the kind of value each holds.</summary>
    public static readonly IReadOnlyDictionary<string, JsonValueKind> OpenDataClaims = new Dictionary<string, JsonValueKind>
    {
        ["iat"] = JsonValueKind.Number, ["seq"] = JsonValueKind.Number, ["licence"] = JsonValueKind.String, ["files"] = JsonValueKind.Array,
    };

    /// <summary>The largest document read: a status snapshot for tens of thousands of certificates not valid.</summary>
    public const int LongestDocument = 16 * 1024 * 1024;

    // The published keys (parsed by Microsoft's JOSE library), each as the platform's ECDSA key, made once.
    private readonly Dictionary<string, System.Security.Cryptography.ECDsa> _keys = new(StringComparer.Ordinal);
    private readonly Snapshot? _snapshot;
    private readonly string? _snapshotProblem;

    public OfflineVerifier(string jwksJson, string? snapshotToken)
    {
        foreach (var key in new JsonWebKeySet(jwksJson).Keys.Where(k => k is { Kty: "EC", Crv: "P-256" } && k.Kid is not null))
        {
            try
            {
                _keys[key.Kid] = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
                {
                    Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
                    Q = new System.Security.Cryptography.ECPoint { X = Base64UrlEncoder.DecodeBytes(key.X), Y = Base64UrlEncoder.DecodeBytes(key.Y) },
                });
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException or ArgumentException)
            {
                // A key that is not a point of the curve verifies nothing: as if it were not published.
            }
        }

        if (snapshotToken is null)
        {
            _snapshotProblem = "no status snapshot is cached";
        }
        else if (Check(snapshotToken, SnapshotType, SnapshotClaims) is not { Valid: true, WrongKind: null } checkedSnapshot)
        {
            _snapshotProblem = "the cached status snapshot is not a status snapshot with a valid signature";
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
        var check = Check(token, LabelType, LabelClaims);
        if (check is null)
        {
            return new OfflineVerdict("unknown", null, null, null, null, null, null, [], ["this is not an OVOP label statement"]);
        }

        if (check is { Valid: true, WrongKind: { } kind })
        {
            return new OfflineVerdict("unknown", null, null, null, null, null, null, [$"the document is signed by OVOP Tajikistan (key {check.KeyId})"],
                [$"this is not an OVOP label statement: {kind}"]);
        }

        var claims = check.Claims;
        string? Claim(string name) => claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var verdictOf = (string verdict) => new OfflineVerdict(verdict, Claim("lbl"), Claim("cert"), Claim("prod"), Claim("pnm"),
            claims.TryGetProperty("st", out var st) && st.ValueKind == JsonValueKind.Number ? st.GetInt32() : null, Claim("vu"), established, notEstablished);

        if (!check.KeyKnown)
        {
            notEstablished.Add($"the statement is signed with key '{check.KeyId}', which the cached key set does not hold: refresh the keys, or the statement is not genuine");
            // What an unverified statement claims is not repeated: it may say anything.
            return new OfflineVerdict("unknown", null, null, null, null, null, null, established, notEstablished);
        }

        if (!check.Valid)
        {
            notEstablished.Add("the signature does not match the statement: it was altered or forged");
            return new OfflineVerdict("invalid", null, null, null, null, null, null, established, notEstablished);
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
            // Validity days are days in Tajikistan (UTC+5 all year, no daylight saving), as the service counts them.
            && DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(5)).DateTime) > validUntil)
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

    /// <summary>
    /// Checks a signed consignment report against the cached keys and, when <paramref name="csv"/> is
    /// given (the report's CSV as downloaded), that its SHA-256 is the one the report signed: one
    /// byte changed in either and the report does not hold.
    /// </summary>
    public ConsignmentCheck VerifyConsignment(string report, byte[]? csv)
    {
        var established = new List<string>();
        var problems = new List<string>();
        var check = Check(report.Trim(), ConsignmentType, ConsignmentClaims);
        ConsignmentCheck Fails(string problem) => new(false, null, null, null, new Dictionary<string, int>(), [], established, [.. problems, problem]);
        if (check is null)
        {
            return Fails("this is not a signed OVOP document");
        }

        if (!check.KeyKnown)
        {
            return Fails($"it is signed with key '{check.KeyId}', which the cached key set does not hold: refresh the keys, or the report is not genuine");
        }

        if (!check.Valid)
        {
            return Fails("the signature does not match the report: it was altered or forged");
        }

        if (check.WrongKind is { } kind)
        {
            return Fails($"this is not an OVOP consignment report: {kind}");
        }

        var claims = check.Claims;
        established.Add($"signature valid (key {check.KeyId}): the report was issued by OVOP Tajikistan on {DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64()):u} and not altered");
        var counts = claims.GetProperty("sum").EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out _))
            .ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var certificates = claims.GetProperty("certs").EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToList();
        var hash = claims.GetProperty("csv").GetString();
        if (csv is null)
        {
            problems.Add("the report's lines: no CSV was given to compare with the hash it signed");
        }
        else if (string.Equals(Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(csv)), hash, StringComparison.Ordinal))
        {
            established.Add($"the CSV is the report's own: its SHA-256 is the one signed ({hash})");
        }
        else
        {
            return Fails("the CSV is not the report's: its SHA-256 differs from the one signed (a line was edited, added or removed)");
        }

        string? Text(string name) => claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new ConsignmentCheck(csv is not null, Text("cid"), Text("at"), Text("ship"), counts, certificates, established, problems);
    }

    /// <summary>
    /// Checks the open data's signed manifest (GET /api/open-data/manifest.jws) and the downloaded
    /// files given by their names (the manifest's <c>files[].name</c>, e.g. <c>certificates.csv</c>):
    /// each must be one the manifest names, with its size and SHA-256. A file the manifest names but
    /// that was not given is not a problem: one checks what one downloaded.
    /// </summary>
    public OpenDataCheck VerifyOpenData(string manifest, IReadOnlyDictionary<string, byte[]> files)
    {
        var established = new List<string>();
        var problems = new List<string>();
        var check = Check(manifest.Trim(), OpenDataType, OpenDataClaims);
        OpenDataCheck Fails(string problem) => new(false, null, null, null, established, [.. problems, problem], []);
        if (check is null)
        {
            return Fails("this is not a signed OVOP document");
        }

        if (!check.KeyKnown)
        {
            return Fails($"it is signed with key '{check.KeyId}', which the cached key set does not hold: refresh the keys, or the manifest is not genuine");
        }

        if (!check.Valid)
        {
            return Fails("the signature does not match the manifest: it was altered or forged");
        }

        if (check.WrongKind is { } kind)
        {
            return Fails($"this is not an OVOP open data manifest: {kind}");
        }

        var claims = check.Claims;
        var sequence = claims.GetProperty("seq").GetInt64();
        var generatedAt = claims.TryGetProperty("generatedAt", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
        var licence = claims.GetProperty("licence").GetString();
        established.Add($"signature valid (key {check.KeyId}): the manifest was issued by OVOP Tajikistan on {DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64()):u}, "
                        + $"for the registry up to event {sequence}, licence {licence}, and not altered");
        var signed = claims.GetProperty("files").EnumerateArray()
            .Where(f => f.ValueKind == JsonValueKind.Object && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                        && f.TryGetProperty("sha256", out var h) && h.ValueKind == JsonValueKind.String && f.TryGetProperty("bytes", out var b) && b.ValueKind == JsonValueKind.Number)
            .GroupBy(f => f.GetProperty("name").GetString()!, StringComparer.Ordinal)
            .ToDictionary(f => f.Key, f => (Sha256: f.First().GetProperty("sha256").GetString()!, Bytes: f.First().GetProperty("bytes").GetInt64()), StringComparer.Ordinal);
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
            if (!signed.TryGetValue(name, out var expected))
            {
                problems.Add($"{name}: the manifest names no file of that name");
            }
            else if (!string.Equals(hash, expected.Sha256, StringComparison.OrdinalIgnoreCase) || content.LongLength != expected.Bytes)
            {
                problems.Add($"{name}: its SHA-256 ({hash}, {content.LongLength} bytes) is not the one signed ({expected.Sha256}, {expected.Bytes} bytes): it was altered, cut short, or is of another generation");
            }
            else
            {
                established.Add($"{name} is the file the manifest signed (SHA-256 {hash}, {content.LongLength} bytes)");
            }
        }

        if (files.Count == 0)
        {
            problems.Add("no file was given to compare with the hashes the manifest signed");
        }

        var notGiven = signed.Keys.Where(name => !files.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        return new OpenDataCheck(files.Count > 0 && problems.Count == 0, generatedAt, sequence, licence, established, problems, notGiven);
    }

    /// <summary>What the signature check found; <c>WrongKind</c> says why a genuine document is not of the kind expected.</summary>
    internal sealed record Checked(string KeyId, bool KeyKnown, bool Valid, JsonElement Claims, string? WrongKind);

    /// <summary>
    /// Checks a compact JWS: ES256 only, the key by its id in the cached set, the signature (by the
    /// platform's ECDSA, OpenSSL here, with the key made once from the published JWK), then the kind:
    /// its <c>typ</c> and the claims that kind carries. The three parts are split and the header read
    /// here rather than through the library's token object, validation pipeline and signature
    /// provider, which cost a seventh of a verification (the bench sets the offline figure against
    /// openssl's bare verify);
    /// a header naming critical extensions (<c>crit</c>) or a parameter twice is refused.
    /// </summary>
    internal Checked? Check(string token, string type, IReadOnlyDictionary<string, JsonValueKind> requiredClaims)
    {
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (token.Length > LongestDocument || firstDot <= 0 || secondDot <= firstDot + 1 || token.IndexOf('.', secondDot + 1) >= 0)
        {
            return null;
        }

        Header header;
        JsonElement claims;
        byte[] signature;
        try
        {
            header = Header.Read(Base64UrlEncoder.DecodeBytes(token[..firstDot]));
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token[(firstDot + 1)..secondDot]));
            claims = payload.RootElement.Clone();
            signature = Base64UrlEncoder.DecodeBytes(token[(secondDot + 1)..]);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            return null;
        }

        if (header is not { Alg: SecurityAlgorithms.EcdsaSha256, Critical: false } || claims.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!_keys.TryGetValue(header.Kid ?? "", out var key))
        {
            return new Checked(header.Kid ?? "", false, false, claims, null);
        }

        // ES256: SHA-256 and the signature as r and s of 32 bytes each (IEEE P1363), as .NET reads it.
        if (signature.Length != 64 || !key.VerifyData(System.Text.Encoding.ASCII.GetBytes(token, 0, secondDot), signature, System.Security.Cryptography.HashAlgorithmName.SHA256))
        {
            return new Checked(header.Kid!, true, false, claims, null);
        }

        if (!string.Equals(header.Typ, type, StringComparison.Ordinal))
        {
            return new Checked(header.Kid!, true, true, claims, $"it is signed as '{header.Typ}'");
        }

        var missing = requiredClaims.FirstOrDefault(c => !claims.TryGetProperty(c.Key, out var value) || value.ValueKind != c.Value).Key;
        return new Checked(header.Kid!, true, true, claims, missing is null ? null : $"it lacks the claim '{missing}' or holds another kind of value in it");
    }

    /// <summary>What the protected header says: the algorithm, the key, the type, and whether it names critical extensions.</summary>
    private sealed record Header(string? Alg, string? Kid, string? Typ, bool Critical)
    {
        public static Header Read(byte[] json)
        {
            var reader = new Utf8JsonReader(json);
            string? alg = null, kid = null, typ = null;
            var critical = false;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("the header is not an object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    // A header that says two things about one parameter says nothing reliable.
                    throw new JsonException($"the header names '{name}' twice");
                }

                reader.Read();
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                switch (name)
                {
                    case "alg": alg = text; break;
                    case "kid": kid = text; break;
                    case "typ": typ = text; break;
                    case "crit": critical = true; break;
                }

                reader.Skip();
            }

            return new Header(alg, kid, typ, critical);
        }
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

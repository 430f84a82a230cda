using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OvopQuality.Api.Labels.Signing;

/// <summary>
/// A kind of document the service signs: its own JWS <c>typ</c>, and the claims a document of the
/// kind must carry. A verifier accepts a document only as the kind it expects, so a status snapshot
/// can never pass for a label statement (or, later, a consignment report for either).
/// </summary>
public sealed record DocumentKind(string Type, string Description, IReadOnlyDictionary<string, JsonValueKind> RequiredClaims)
{
    public static readonly DocumentKind LabelStatement = new("ovop-label+jws", "an OVOP label statement", new Dictionary<string, JsonValueKind>
    {
        ["lbl"] = JsonValueKind.String, ["cert"] = JsonValueKind.String, ["pn"] = JsonValueKind.String, ["prod"] = JsonValueKind.String,
        ["std"] = JsonValueKind.String, ["sv"] = JsonValueKind.Number, ["iat"] = JsonValueKind.Number,
    });

    public static readonly DocumentKind StatusSnapshot = new("ovop-status+jws", "an OVOP status snapshot", new Dictionary<string, JsonValueKind>
    {
        ["iat"] = JsonValueKind.Number, ["exp"] = JsonValueKind.Number, ["maxAge"] = JsonValueKind.Number,
        ["certs"] = JsonValueKind.Array, ["revokedKeys"] = JsonValueKind.Array,
    });

    /// <summary>A checkpoint of the event history: the Merkle root of every stream's head hash (see History/HistoryHashing.cs).</summary>
    public static readonly DocumentKind HistoryCheckpoint = new("ovop-checkpoint+jws", "an OVOP history checkpoint", new Dictionary<string, JsonValueKind>
    {
        ["n"] = JsonValueKind.Number, ["seq"] = JsonValueKind.Number, ["streams"] = JsonValueKind.Number,
        ["root"] = JsonValueKind.String, ["prev"] = JsonValueKind.String, ["iat"] = JsonValueKind.Number,
    });


    /// <summary>
    /// A consignment report: its id, when it was signed, the instants it judged the codes as of, how
    /// many codes, the summary's counts, the certificates the codes belong to, and the SHA-256 of the
    /// report's CSV (base64url), which holds every line: the CSV cannot change without the hash failing.
    /// </summary>
    public static readonly DocumentKind ConsignmentReport = new("ovop-consignment+jws", "an OVOP consignment report", new Dictionary<string, JsonValueKind>
    {
        ["cid"] = JsonValueKind.String, ["iat"] = JsonValueKind.Number, ["at"] = JsonValueKind.String, ["knownAt"] = JsonValueKind.String,
        ["n"] = JsonValueKind.Number, ["sum"] = JsonValueKind.Object, ["csv"] = JsonValueKind.String, ["certs"] = JsonValueKind.Array,
    });

    /// <summary>The open data's manifest: when its files were made, the event sequence they reflect, the licence, each file's size and SHA-256 (hex).</summary>
    public static readonly DocumentKind OpenDataManifest = new("ovop-open-data+jws", "an OVOP open data manifest", new Dictionary<string, JsonValueKind>
    {
        ["iat"] = JsonValueKind.Number, ["seq"] = JsonValueKind.Number, ["licence"] = JsonValueKind.String, ["files"] = JsonValueKind.Array,
    });

    public static readonly IReadOnlyList<DocumentKind> All = [LabelStatement, StatusSnapshot, HistoryCheckpoint, ConsignmentReport, OpenDataManifest];
}

/// <summary>What a verification of a signed document established.</summary>
public sealed record VerifiedDocument(SignatureCheck Check, string? KeyId, string? Type, JsonElement Claims, string? Problem)
{
    public bool IsValid => Check is SignatureCheck.Valid or SignatureCheck.RevokedKey;
}

/// <summary>
/// Signs and verifies the service's documents as JWS compact serialisations with ES256, through
/// Microsoft's JOSE library: the algorithm is pinned, the <c>typ</c> must be the kind's, the claims
/// the kind needs must be there. The signature check comes before the kind, so a forged document is
/// reported as forged whatever it claims to be.
/// </summary>
public static class SignedDocuments
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private const int LongestDocument = 16 * 1024 * 1024;

    // The library's own limit (250 KiB) is below a large status snapshot.
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false, MaximumTokenSizeInBytes = LongestDocument };

    // One set of credentials per private key: the library caches its signature provider per key,
    // and a batch of labels is signed with one key many thousands of times. Each set has a provider
    // cache of its own, so the provider lives as long as the key object it wraps: the library's
    // default cache is shared by the whole process and knows a key by its public half, so it would
    // hand one holder's copy to another and fail once the first was disposed (two instances in one
    // process, as the tests run them, each open the same key).
    private static readonly ConditionalWeakTable<ECDsa, SigningCredentials> Credentials = [];

    // The public half of each key, made once: the library caches a verifier per key object, and
    // keys never change (a rotation or revocation makes or marks another record, same id, same point).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ECDsaSecurityKey> PublicKeys = new(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Sign(DocumentKind kind, object claims, string keyId, ECDsa privateKey)
    {
        var credentials = Credentials.GetValue(privateKey, key =>
            new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = keyId }, Algorithm) { CryptoProviderFactory = new CryptoProviderFactory() });
        if (!string.Equals(credentials.Key.KeyId, keyId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Key {keyId} is not the key its private half was first used as ({credentials.Key.KeyId}).");
        }

        return Handler.CreateToken(JsonSerializer.Serialize(claims, Json), credentials,
            new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = kind.Type });
    }

    /// <summary>Verifies <paramref name="token"/> as a document of <paramref name="kind"/> against the service's keys.</summary>
    public static async Task<VerifiedDocument> VerifyAsync(DocumentKind kind, string token, IReadOnlyList<SigningKey> keys)
    {
        if (token.Length > LongestDocument || !Handler.CanReadToken(token))
        {
            return new(SignatureCheck.Malformed, null, null, default, $"This is not {kind.Description}: not a signed document.");
        }

        var read = new JsonWebToken(token);
        var key = keys.FirstOrDefault(k => string.Equals(k.Id, read.Kid, StringComparison.Ordinal));
        if (key is null)
        {
            return new(SignatureCheck.UnknownKey, read.Kid, read.Typ, default, $"Key '{read.Kid}' is not one of OVOP Tajikistan's.");
        }

        var result = await Handler.ValidateTokenAsync(read, Parameters(kind, PublicKeys.GetOrAdd($"{key.Id}:{key.X}:{key.Y}", _ => new ECDsaSecurityKey(key.PublicKey()) { KeyId = key.Id })));
        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenInvalidTypeException => new(SignatureCheck.WrongKind, key.Id, read.Typ, default,
                    $"This is not {kind.Description}: it is signed as '{read.Typ}'."),
                SecurityTokenInvalidAlgorithmException => new(SignatureCheck.Malformed, key.Id, read.Typ, default, $"Only {Algorithm} signatures are accepted."),
                _ => new(SignatureCheck.Invalid, key.Id, read.Typ, default, "The signature does not hold: altered or forged."),
            };
        }

        var claims = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(read.EncodedPayload)).RootElement;
        if (kind.RequiredClaims.FirstOrDefault(c => !claims.TryGetProperty(c.Key, out var value) || value.ValueKind != c.Value) is { Key: { } missing })
        {
            return new(SignatureCheck.WrongKind, key.Id, read.Typ, claims, $"This is not {kind.Description}: it lacks the claim '{missing}' or holds another kind of value in it.");
        }

        return new(key.Status == KeyStatus.Revoked ? SignatureCheck.RevokedKey : SignatureCheck.Valid, key.Id, read.Typ, claims, null);
    }

    private static TokenValidationParameters Parameters(DocumentKind kind, SecurityKey key) => new()
    {
        ValidateIssuer = false,
        ValidateAudience = false,
        // A label statement holds for the certificate's life and a snapshot's age is judged by its
        // reader, not refused: lifetimes are the verifiers' business, not the signature's.
        ValidateLifetime = false,
        RequireExpirationTime = false,
        RequireSignedTokens = true,
        ValidAlgorithms = [Algorithm],
        ValidTypes = [kind.Type],
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
    };
}

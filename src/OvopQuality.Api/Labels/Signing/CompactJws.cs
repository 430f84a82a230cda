using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace OvopQuality.Api.Labels.Signing;

/// <summary>
/// JWS compact serialisation with ES256 (RFC 7515, 7518): header {alg, kid, typ}, the claims, and
/// the signature as r||s. Small and standard, so any JOSE library verifies it.
/// </summary>
public static class CompactJws
{
    public static string Sign(object claims, string keyId, string type, ECDsa key)
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "ES256", kid = keyId, typ = type }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        var signature = key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return header + "." + payload + "." + Encode(signature);
    }

    /// <summary>The key id and the claims, when the token is well formed; the signature is not checked here.</summary>
    public static (string KeyId, JsonElement Claims)? Read(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || token.Length > 4096)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[0]));
            if (header.RootElement.GetProperty("alg").GetString() != "ES256" || header.RootElement.GetProperty("kid").GetString() is not { } kid)
            {
                return null;
            }

            using var claims = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[1]));
            return (kid, claims.RootElement.Clone());
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public static bool Verify(string token, ECDsa publicKey)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            return publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64UrlEncoder.DecodeBytes(parts[2]),
                HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static string Encode(byte[] bytes) => Base64UrlEncoder.Encode(bytes);
}

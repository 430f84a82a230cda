using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace OvopQuality.Api.Labels.Signing;

public enum KeyStatus
{
    /// <summary>Signs new labels.</summary>
    Active,

    /// <summary>Signs nothing new; labels it signed still verify.</summary>
    Retired,

    /// <summary>Compromised: labels it signed verify as revoked.</summary>
    Revoked,
}

/// <summary>The public half of a label-signing key and its standing; the private half stays in the key folder.</summary>
public sealed record SigningKey(string Id, string X, string Y, DateTimeOffset CreatedAt, KeyStatus Status, DateTimeOffset? RetiredAt, DateTimeOffset? RevokedAt, string? RevocationReason)
{
    public ECDsa PublicKey()
    {
        var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(X), Y = Base64UrlEncoder.DecodeBytes(Y) },
        });
        return key;
    }
}

/// <summary>
/// The label-signing keys: ES256 (ECDSA on P-256), private keys as PEM files in a folder outside
/// the repository (Ovop:Signing:KeyFolder; generated on first run), public keys and their standing
/// as documents, so every instance of the service sees a rotation or a revocation at once.
/// </summary>
public sealed class SigningKeys(IDocumentStore store, TimeProvider clock, IConfiguration configuration) : IDisposable
{
    private readonly string _folder = Path.GetFullPath(configuration["Ovop:Signing:KeyFolder"] ?? Path.Combine(Directory.GetCurrentDirectory(), ".keys", "signing"));
    private readonly Dictionary<string, ECDsa> _privateKeys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<IReadOnlyList<SigningKey>> AllAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<SigningKey>().OrderBy(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>The key that signs new labels; created when there is none yet.</summary>
    public async Task<(SigningKey Key, ECDsa Private)> ActiveAsync(CancellationToken ct)
    {
        var active = (await AllAsync(ct)).LastOrDefault(k => k.Status == KeyStatus.Active) ?? await RotateAsync(ct);
        return (active, await PrivateKeyAsync(active.Id, ct));
    }

    /// <summary>Creates a new active key; the one it replaces is retired, and its labels go on verifying.</summary>
    public async Task<SigningKey> RotateAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var parameters = ecdsa.ExportParameters(false);
            var id = "ovop-" + now.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "-"
                     + Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..8];
            await SecretFiles.WriteNewAsync(Path.Combine(_folder, id + ".pem"), ecdsa.ExportPkcs8PrivateKeyPem(), ct);

            var key = new SigningKey(id, Base64UrlEncoder.Encode(parameters.Q.X), Base64UrlEncoder.Encode(parameters.Q.Y), now, KeyStatus.Active, null, null, null);
            await using var session = store.LightweightSession();
            foreach (var old in await session.Query<SigningKey>().Where(k => k.Status == KeyStatus.Active).ToListAsync(ct))
            {
                session.Store(old with { Status = KeyStatus.Retired, RetiredAt = now });
            }

            session.Store(key);
            await session.SaveChangesAsync(ct);
            return key;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Marks a key compromised: labels it signed verify as revoked. An active key is replaced first.
    /// Its private half is destroyed here (overwritten, then deleted); another instance that still
    /// holds it in memory never signs with it, since only the active key signs and a revoked key
    /// never becomes active again.
    /// </summary>
    public async Task<SigningKey?> RevokeAsync(string id, string reason, CancellationToken ct)
    {
        var key = (await AllAsync(ct)).FirstOrDefault(k => k.Id == id);
        if (key is null)
        {
            return null;
        }

        if (key.Status == KeyStatus.Active)
        {
            await RotateAsync(ct);
        }

        var revoked = key with { Status = KeyStatus.Revoked, RevokedAt = clock.GetUtcNow(), RevocationReason = reason };
        await using var session = store.LightweightSession();
        session.Store(revoked);
        await session.SaveChangesAsync(ct);

        SecretFiles.Destroy(Path.Combine(_folder, id + ".pem"));
        lock (_privateKeys)
        {
            if (_privateKeys.Remove(id, out var held))
            {
                held.Dispose();
            }
        }

        return revoked;
    }

    public void Dispose()
    {
        _lock.Dispose();
        foreach (var key in _privateKeys.Values)
        {
            key.Dispose();
        }
    }

    private async Task<ECDsa> PrivateKeyAsync(string id, CancellationToken ct)
    {
        lock (_privateKeys)
        {
            if (_privateKeys.TryGetValue(id, out var known))
            {
                return known;
            }
        }

        var file = Path.Combine(_folder, id + ".pem");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"The private key of the active signing key {id} is not in {_folder}: copy the key folder to this instance, or rotate the key.");
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(await File.ReadAllTextAsync(file, ct));
        lock (_privateKeys)
        {
            _privateKeys[id] = ecdsa;
        }

        return ecdsa;
    }
}

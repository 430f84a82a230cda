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
/// The private half of a signing key, as the database keeps it: PKCS#8, sealed with AES-256-GCM under
/// the key-encryption key (the signing key's id is the associated data, so a sealed key cannot be
/// passed off under another id). <see cref="Kek"/> names the key-encryption key that sealed it, so an
/// instance given another one says so instead of failing obscurely. Never served by any endpoint.
/// </summary>
public sealed record SealedSigningKey(string Id, string Kek, string Nonce, string Ciphertext, string Tag);

/// <summary>
/// The key-encryption key every instance must share: 32 bytes, base64, from Ovop:Signing:KeyEncryptionKey
/// (a secret the platform injects), else from the file Ovop:Signing:KeyEncryptionKeyFile (by default
/// key-encryption.key in the key folder), which the first run creates, readable by the service's user alone.
/// </summary>
public sealed class KeyEncryptionKey
{
    private readonly byte[] _key;

    public KeyEncryptionKey(IConfiguration configuration, string folder)
    {
        var given = configuration["Ovop:Signing:KeyEncryptionKey"];
        var file = configuration["Ovop:Signing:KeyEncryptionKeyFile"] ?? Path.Combine(folder, "key-encryption.key");
        if (string.IsNullOrWhiteSpace(given))
        {
            if (!File.Exists(file))
            {
                try
                {
                    SecretFiles.WriteNew(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                }
                catch (IOException) when (File.Exists(file))
                {
                    // Another process on the same folder made it first: use theirs.
                }
            }

            given = File.ReadAllText(file).Trim();
        }

        _key = Convert.FromBase64String(given);
        if (_key.Length != 32)
        {
            throw new InvalidOperationException("Ovop:Signing:KeyEncryptionKey must be 32 bytes, base64-encoded.");
        }

        Id = Base64UrlEncoder.Encode(SHA256.HashData(_key))[..8];
    }

    /// <summary>A short name of this key (a hash of it, which reveals nothing of it).</summary>
    public string Id { get; }

    public SealedSigningKey Seal(string keyId, byte[] privateKey)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[privateKey.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(_key, tag.Length);
        aes.Encrypt(nonce, privateKey, ciphertext, tag, System.Text.Encoding.UTF8.GetBytes(keyId));
        return new SealedSigningKey(keyId, Id, Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    public byte[] Open(SealedSigningKey sealedKey)
    {
        if (sealedKey.Kek != Id)
        {
            throw new InvalidOperationException(
                $"Signing key {sealedKey.Id} was sealed under key-encryption key {sealedKey.Kek}; this instance has {Id}: give every instance the same Ovop:Signing:KeyEncryptionKey.");
        }

        var ciphertext = Convert.FromBase64String(sealedKey.Ciphertext);
        var plain = new byte[ciphertext.Length];
        var tag = Convert.FromBase64String(sealedKey.Tag);
        using var aes = new AesGcm(_key, tag.Length);
        aes.Decrypt(Convert.FromBase64String(sealedKey.Nonce), ciphertext, tag, plain, System.Text.Encoding.UTF8.GetBytes(sealedKey.Id));
        return plain;
    }
}

/// <summary>
/// The label-signing keys: ES256 (ECDSA on P-256). Public halves and their standing are documents;
/// private halves are sealed under the key-encryption key in the database, so every instance that
/// shares that key signs with the same active key and knows every key another instance made. A key
/// is made under a PostgreSQL advisory lock and only when none is active once the lock is held, so
/// instances starting together make one. Private keys of earlier releases, kept as PEM files in the
/// key folder (Ovop:Signing:KeyFolder), are still read from there.
/// In memory: the private keys this instance has opened, by id. A key revoked elsewhere is never
/// used from it, since only the active key (read from the database each time) signs.
/// </summary>
public sealed class SigningKeys(IDocumentStore store, Npgsql.NpgsqlDataSource database, TimeProvider clock, IConfiguration configuration) : IDisposable
{
    /// <summary>The advisory lock under which keys are made: one number for the whole database.</summary>
    private const long KeyLock = 0x0_5E6_0001;

    private readonly string _folder = Path.GetFullPath(configuration["Ovop:Signing:KeyFolder"] ?? Path.Combine(Directory.GetCurrentDirectory(), ".keys", "signing"));
    private readonly Dictionary<string, ECDsa> _privateKeys = new(StringComparer.Ordinal);
    private KeyEncryptionKey? _kek;

    private KeyEncryptionKey Kek => _kek ??= new KeyEncryptionKey(configuration, _folder);

    public async Task<IReadOnlyList<SigningKey>> AllAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<SigningKey>().OrderBy(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>The key that signs new labels; made when there is none yet (once, whichever instance asks first).</summary>
    public async Task<(SigningKey Key, ECDsa Private)> ActiveAsync(CancellationToken ct)
    {
        var active = (await AllAsync(ct)).LastOrDefault(k => k.Status == KeyStatus.Active)
                     ?? await MakeAsync(onlyIfNoneActive: true, alongside: null, ct);
        return (active, await PrivateKeyAsync(active.Id, ct));
    }

    /// <summary>Makes a new active key; the one it replaces is retired, and its labels go on verifying.</summary>
    public Task<SigningKey> RotateAsync(CancellationToken ct) => MakeAsync(onlyIfNoneActive: false, alongside: null, ct);

    /// <summary>Rotates, doing <paramref name="alongside"/> in the same transaction (a command's idempotency claim).</summary>
    public Task<SigningKey> RotateAsync(Action<IDocumentSession> alongside, CancellationToken ct) => MakeAsync(onlyIfNoneActive: false, alongside, ct);

    private async Task<SigningKey> MakeAsync(bool onlyIfNoneActive, Action<IDocumentSession>? alongside, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new Npgsql.NpgsqlCommand("select pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = KeyLock });
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(transaction, false));
        var active = await session.Query<SigningKey>().Where(k => k.Status == KeyStatus.Active).ToListAsync(ct);
        if (onlyIfNoneActive && active.Count > 0)
        {
            // Another instance made one while this one waited for the lock.
            return active.OrderBy(k => k.CreatedAt).Last();
        }

        var now = clock.GetUtcNow();
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(false);
        var id = "ovop-" + now.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "-"
                 + Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..8];
        var key = new SigningKey(id, Base64UrlEncoder.Encode(parameters.Q.X), Base64UrlEncoder.Encode(parameters.Q.Y), now, KeyStatus.Active, null, null, null);
        foreach (var old in active)
        {
            session.Store(old with { Status = KeyStatus.Retired, RetiredAt = now });
        }

        session.Store(key);
        session.Store(Kek.Seal(id, ecdsa.ExportPkcs8PrivateKey()));
        alongside?.Invoke(session);
        await session.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return key;
    }

    /// <summary>
    /// Marks a key compromised: labels it signed verify as revoked. An active key is replaced first.
    /// Its private half is destroyed here (the sealed copy deleted; a file of an earlier release
    /// overwritten, then deleted); another instance that still holds it in memory never signs with
    /// it, since only the active key signs and a revoked key never becomes active again.
    /// </summary>
    public Task<SigningKey?> RevokeAsync(string id, string reason, CancellationToken ct) => RevokeAsync(id, reason, alongside: null, ct);

    /// <summary>Revokes, doing <paramref name="alongside"/> in the revocation's transaction (a command's idempotency claim).</summary>
    public async Task<SigningKey?> RevokeAsync(string id, string reason, Action<IDocumentSession>? alongside, CancellationToken ct)
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
        session.Delete<SealedSigningKey>(id);
        alongside?.Invoke(session);
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

        var ecdsa = ECDsa.Create();
        var file = Path.Combine(_folder, id + ".pem");
        if (File.Exists(file))
        {
            ecdsa.ImportFromPem(await File.ReadAllTextAsync(file, ct));
        }
        else
        {
            await using var session = store.QuerySession();
            var sealedKey = await session.LoadAsync<SealedSigningKey>(id, ct)
                            ?? throw new InvalidOperationException($"The private key of the active signing key {id} is neither in the database nor in {_folder}: rotate the key.");
            var plain = Kek.Open(sealedKey);
            try
            {
                ecdsa.ImportPkcs8PrivateKey(plain, out _);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }

        lock (_privateKeys)
        {
            if (_privateKeys.TryGetValue(id, out var raced))
            {
                ecdsa.Dispose();
                return raced;
            }

            _privateKeys[id] = ecdsa;
        }

        return ecdsa;
    }
}

namespace OvopQuality.Api.Access;

/// <summary>The key that turns a client's address into the pseudonym scans and complaints keep; one for all instances, made once.</summary>
public sealed record ClientPseudonymKey(string Id, string Key)
{
    public const string TheKey = "client-pseudonym-key";
}

/// <summary>
/// Names the client of a scan or an anonymous complaint by a keyed hash (HMAC-SHA256) of its address: an IPv4 address, or
/// the /64 network of an IPv6 one (what one household or phone holds). The key lives in the
/// database, so every instance names a client alike, and nobody can turn a name back into an address
/// without it.
/// </summary>
public sealed class ClientPseudonyms
{
    private volatile byte[]? _key;

    public string? NameOf(System.Net.IPAddress? address)
    {
        if (address is null || _key is not { } key)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (bytes.Length == 16)
        {
            bytes = bytes[..8];
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, bytes))[..16];
    }

    public async Task LoadAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<ClientPseudonymKey>(ClientPseudonymKey.TheKey, ct) is not { } stored)
        {
            session.Insert(new ClientPseudonymKey(ClientPseudonymKey.TheKey, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))));
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                // Another instance made it first: use that one.
            }

            await using var again = store.QuerySession();
            stored = await again.LoadAsync<ClientPseudonymKey>(ClientPseudonymKey.TheKey, ct);
        }

        _key = Convert.FromBase64String(stored!.Key);
    }
}

/// <summary>Loads the key that names clients before the service answers its first request.</summary>
public sealed class ClientPseudonymsOnStartup(IDocumentStore store, ClientPseudonyms clients) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => clients.LoadAsync(store, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}


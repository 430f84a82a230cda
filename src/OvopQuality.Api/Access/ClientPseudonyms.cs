namespace OvopQuality.Api.Access;

/// <summary>
/// What one client holds of the address space: an IPv4 address, or the /64 network of an IPv6 one
/// (what one household or phone is given; an IPv6 client picks any address in it at will). Rate
/// limits, scan pseudonyms and complaint holds all count a client by this, so that stepping to the
/// next address of one's own /64 is not a new client.
/// </summary>
public static class ClientNetwork
{
    public static byte[]? BytesOf(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        var bytes = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).GetAddressBytes();
        return bytes.Length == 16 ? bytes[..8] : bytes;
    }

    /// <summary>The client's address (IPv4) or network (IPv6, as <c>2001:db8:1:2::/64</c>), as a key for a rate limit's partition.</summary>
    public static string KeyOf(System.Net.IPAddress? address) =>
        BytesOf(address) switch
        {
            null => "unknown",
            { Length: 4 } v4 => new System.Net.IPAddress(v4).ToString(),
            var v6 => new System.Net.IPAddress([.. v6, .. new byte[8]]).ToString() + "/64",
        };
}

/// <summary>The key that turns a client's address into the pseudonym scans and complaints keep; one for all instances, made once.</summary>
public sealed record ClientPseudonymKey(string Id, string Key)
{
    public const string TheKey = "client-pseudonym-key";
}

/// <summary>
/// Names the client of a scan or an anonymous complaint by a keyed hash (HMAC-SHA256) of its
/// <see cref="ClientNetwork"/>: an IPv4 address, or the /64 network of an IPv6 one. The key lives in the
/// database, so every instance names a client alike, and nobody can turn a name back into an address
/// without it.
/// </summary>
public sealed class ClientPseudonyms
{
    private volatile byte[]? _key;

    public string? NameOf(System.Net.IPAddress? address) =>
        ClientNetwork.BytesOf(address) is { } bytes && _key is { } key
            ? Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, bytes))[..16]
            : null;

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


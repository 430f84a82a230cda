using System.Net;
using System.Net.Sockets;

namespace OvopQuality.Api.Webhooks;

/// <summary>
/// Where the service may send a webhook: to public addresses only, so that a webhook cannot make the
/// service call into its own network (loopback, private ranges, link-local, the cloud metadata address
/// 169.254.169.254, multicast, reserved and documentation ranges; IPv4 inside IPv6 judged as IPv4).
/// Checked when a webhook is registered and again, on the address actually connected to, at every
/// delivery: a name that resolved to a public address then may resolve to an internal one later.
/// </summary>
public static class OutboundAddresses
{
    private static readonly (IPAddress Network, int Bits)[] ForbiddenV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8), (IPAddress.Parse("10.0.0.0"), 8), (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8), (IPAddress.Parse("169.254.0.0"), 16), (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24), (IPAddress.Parse("192.0.2.0"), 24), (IPAddress.Parse("192.88.99.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16), (IPAddress.Parse("198.18.0.0"), 15), (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24), (IPAddress.Parse("224.0.0.0"), 4), (IPAddress.Parse("240.0.0.0"), 4),
    ];

    private static readonly (IPAddress Network, int Bits)[] ForbiddenV6 =
    [
        (IPAddress.Parse("::"), 128), (IPAddress.Parse("::1"), 128), (IPAddress.Parse("100::"), 64),
        (IPAddress.Parse("2001:db8::"), 32), (IPAddress.Parse("fc00::"), 7), (IPAddress.Parse("fe80::"), 10),
        (IPAddress.Parse("fec0::"), 10), (IPAddress.Parse("ff00::"), 8),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");

    /// <summary>Whether the service may connect to <paramref name="address"/>.</summary>
    public static bool IsAllowed(IPAddress address, bool allowLoopback)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && InNetwork(address, Nat64, 96))
        {
            address = new IPAddress(address.GetAddressBytes()[12..]);
        }

        if (allowLoopback && IPAddress.IsLoopback(address))
        {
            return true;
        }

        var ranges = address.AddressFamily == AddressFamily.InterNetwork ? ForbiddenV4 : ForbiddenV6;
        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
               && !ranges.Any(r => InNetwork(address, r.Network, r.Bits));
    }

    /// <summary>
    /// Why <paramref name="url"/> may not receive webhooks, or null when it may: an absolute https
    /// address without user name or password whose host resolves to public addresses only.
    /// </summary>
    public static async Task<string?> RefusalAsync(string url, WebhookSettings settings, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return "must be an absolute https:// address";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "must not carry a user name or password; the webhook's signature authenticates the service to you";
        }

        IPAddress[] addresses;
        try
        {
            using var resolving = CancellationTokenSource.CreateLinkedTokenSource(ct);
            resolving.CancelAfter(TimeSpan.FromSeconds(5));
            addresses = IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(uri.IdnHost, resolving.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            return $"names a host that does not resolve ({uri.IdnHost})";
        }

        if (addresses.Length == 0)
        {
            return $"names a host that does not resolve ({uri.IdnHost})";
        }

        var loopbackOnly = settings.AllowInsecureLoopback && addresses.All(IPAddress.IsLoopback);
        if (!addresses.All(a => IsAllowed(a, settings.AllowInsecureLoopback)))
        {
            return "must reach a public address: loopback, private, link-local, metadata and reserved addresses are refused";
        }

        return uri.Scheme == "https" || loopbackOnly ? null : "must be an absolute https:// address";
    }

    /// <summary>
    /// Connects a webhook's HTTP connection to the first allowed address of its host, and to none
    /// when every address is forbidden: the check that holds when DNS answers differently from
    /// when the webhook was registered.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connector(WebhookSettings settings) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            // Plain http is allowed to the loopback interface alone (Ovop:Webhooks:AllowInsecureLoopback).
            var plain = context.InitialRequestMessage.RequestUri?.Scheme == Uri.UriSchemeHttp;
            var allowed = addresses.Where(a => IsAllowed(a, settings.AllowInsecureLoopback) && (!plain || IPAddress.IsLoopback(a))).ToList();
            if (allowed.Count == 0)
            {
                throw new ForbiddenAddressException(host);
            }

            var socket = new Socket(allowed[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(allowed[0], context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    private static bool InNetwork(IPAddress address, IPAddress network, int bits)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : 0xFF << (8 - bits) & 0xFF;
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The host of a webhook resolved, at delivery, to no address the service may call.</summary>
public sealed class ForbiddenAddressException(string host)
    : Exception($"{host} resolves to no public address: loopback, private, link-local and metadata addresses are refused");

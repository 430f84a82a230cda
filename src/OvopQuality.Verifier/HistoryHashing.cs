using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

// One source for the service and the offline verifier: the service compiles this file in as
// OvopQuality.Api.History (see its project file), so both compute the same hashes by the same code.
#if OVOP_API
namespace OvopQuality.Api.History;
#else
namespace OvopQuality.Verifier;
#endif

/// <summary>
/// How the event history is hashed, for the service and for anyone who checks an exported history.
/// <list type="bullet">
/// <item>An event's <b>body</b>: SHA-256 of the RFC 8785 (JCS) canonical JSON of <c>{"data": …, "type": …}</c>,
/// the event's data and type exactly as the API exports them.</item>
/// <item>Its <b>entry</b>: SHA-256 of the UTF-8 text <c>ovop-event/1|{stream}|{version}|{sequence}|{microseconds since 1970}|</c>
/// followed by the body's 32 bytes.</item>
/// <item>Its <b>hash</b>: SHA-256 of the previous event's hash (32 zero bytes before version 1) followed by the entry:
/// a hash chain per stream, so a stream's last hash (its head) stands for every event of it.</item>
/// <item>A <b>checkpoint</b> signs the root of a Merkle tree over every stream's head: leaves
/// SHA-256(0x00 ‖ <c>{stream}|{version}|</c> ‖ head hash) sorted by stream id, inner nodes
/// SHA-256(0x01 ‖ left ‖ right), an odd node at the end of a level carried up as it is.</item>
/// </list>
/// Hashes are written as lowercase hex. The canonicaliser is this project's own (no JCS library is
/// served here): objects' members sorted by their names' UTF-16 code units, strings escaped only
/// where JSON requires, numbers as IEEE doubles written the way ECMAScript does.
/// </summary>
public static class HistoryHashing
{
    public static readonly byte[] Genesis = new byte[32];

    public static byte[] Body(string type, JsonElement data)
    {
        var text = new StringBuilder();
        text.Append("{\"data\":");
        Canonical(data, text);
        text.Append(",\"type\":");
        CanonicalString(type, text);
        text.Append('}');
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    public static byte[] Entry(Guid stream, long version, long sequence, DateTimeOffset recordedAt, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"ovop-event/1|{stream:D}|{version}|{sequence}|{Microseconds(recordedAt)}|"));
        return SHA256.HashData([.. prefix, .. body]);
    }

    public static byte[] Link(byte[] previous, byte[] entry) => SHA256.HashData([.. previous, .. entry]);

    /// <summary>Microseconds since 1970 (UTC): PostgreSQL keeps timestamps to the microsecond.</summary>
    public static long Microseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    public static byte[]? FromHex(string? hex)
    {
        if (hex is not { Length: 64 })
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The JCS (RFC 8785) form of a JSON value.</summary>
    public static string Canonical(JsonElement value)
    {
        var text = new StringBuilder();
        Canonical(value, text);
        return text.ToString();
    }

    private static void Canonical(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    CanonicalString(member.Name, text);
                    text.Append(':');
                    Canonical(member.Value, text);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        text.Append(',');
                    }

                    Canonical(item, text);
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                CanonicalString(value.GetString()!, text);
                break;
            case JsonValueKind.Number:
                text.Append(Number(value.TryGetDouble(out var number) && double.IsFinite(number)
                    ? number
                    : throw new FormatException("A number outside the range of an IEEE double has no canonical form.")));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            default:
                text.Append("null");
                break;
        }
    }

    private static void CanonicalString(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }

    /// <summary>A double as ECMAScript's Number.prototype.toString writes it (RFC 8785, 3.2.2.3).</summary>
    public static string Number(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        // .NET writes the shortest digits that read back as the same double; only the layout differs.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var n = (point < 0 ? mantissa.Length : point) + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0');
        n -= leading;
        digits = digits.TrimEnd('0');
        var k = digits.Length;

        string written;
        if (k <= n && n <= 21)
        {
            written = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            written = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            written = "0." + new string('0', -n) + digits;
        }
        else
        {
            var e = n - 1;
            var sign = e < 0 ? "-" : "+";
            written = (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + sign + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        }

        return value < 0 ? "-" + written : written;
    }

    public static byte[] Leaf(Guid stream, long version, byte[] head) =>
        SHA256.HashData([0, .. Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{stream:D}|{version}|")), .. head]);

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([1, .. left, .. right]);

    /// <summary>The levels of the tree, leaves first, root last (the root of no leaves is SHA-256 of nothing).</summary>
    public static IReadOnlyList<byte[][]> Tree(IReadOnlyList<byte[]> leaves)
    {
        var levels = new List<byte[][]> { leaves.ToArray() };
        if (leaves.Count == 0)
        {
            levels.Add([SHA256.HashData([])]);
            return levels;
        }

        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            var above = new byte[(below.Length + 1) / 2][];
            for (var i = 0; i < above.Length; i++)
            {
                above[i] = 2 * i + 1 < below.Length ? Node(below[2 * i], below[2 * i + 1]) : below[2 * i];
            }

            levels.Add(above);
        }

        return levels;
    }

    /// <summary>The siblings from a leaf up to the root, each with the side it stands on.</summary>
    public static IReadOnlyList<ProofStep> Proof(IReadOnlyList<byte[][]> levels, int index)
    {
        var steps = new List<ProofStep>();
        for (var level = 0; level < levels.Count - 1; level++)
        {
            var nodes = levels[level];
            var sibling = index ^ 1;
            if (sibling < nodes.Length)
            {
                steps.Add(new ProofStep(sibling < index ? "left" : "right", Hex(nodes[sibling])));
            }

            index /= 2;
        }

        return steps;
    }

    /// <summary>The root a leaf and its proof lead to; null when a step is not well formed.</summary>
    public static byte[]? RootOf(byte[] leaf, IEnumerable<ProofStep> path)
    {
        var node = leaf;
        foreach (var step in path)
        {
            if (FromHex(step.Hash) is not { } sibling)
            {
                return null;
            }

            node = step.Side switch
            {
                "left" => Node(sibling, node),
                "right" => Node(node, sibling),
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The hash a checkpoint names as the one before it: SHA-256 of that checkpoint's signed document.</summary>
    public static string DocumentHash(string document) => Hex(SHA256.HashData(Encoding.ASCII.GetBytes(document)));
}

/// <summary>One step of a Merkle inclusion proof: the sibling's hash and whether it is on the left or the right.</summary>
public sealed record ProofStep(string Side, string Hash);

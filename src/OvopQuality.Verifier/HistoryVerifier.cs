using System.Globalization;
using System.Text.Json;

namespace OvopQuality.Verifier;

/// <summary>Something wrong in an exported history: the stream, and the event (version, sequence) where known.</summary>
public sealed record HistoryFinding(string StreamId, long? Version, long? Sequence, string Detail);

/// <summary>
/// What the offline check of an exported history established. Verdict: <c>intact</c> (every event
/// links, and those a checkpoint covers are exactly what it signed), <c>unanchored</c> (the events link,
/// but no signed checkpoint covers them yet: they prove nothing against a rewrite), <c>altered</c>.
/// </summary>
public sealed record HistoryVerdict(string Verdict, string? StreamId, IReadOnlyList<string> Established, IReadOnlyList<string> NotEstablished, IReadOnlyList<HistoryFinding> Problems);

/// <summary>
/// Checks a stream's history as the API exports it (<c>GET …/events/export</c>) with the service's
/// public keys alone: each event's hash is computed again from its content and the hash before it
/// (see <see cref="HistoryHashing"/>); the chain from the first event to the head the export's
/// checkpoint covered must give that head; the head and the proof must lead to the root that the
/// checkpoint signs; and the checkpoint's signature must hold under one of the published keys. Given
/// the published list of checkpoints, it also checks that the export's checkpoint is the one published
/// under its number and that the list is an unbroken chain.
/// </summary>
public static class HistoryVerifier
{
    public const string CheckpointType = "ovop-checkpoint+jws";

    public static readonly IReadOnlyDictionary<string, JsonValueKind> CheckpointClaims = new Dictionary<string, JsonValueKind>
    {
        ["n"] = JsonValueKind.Number, ["seq"] = JsonValueKind.Number, ["streams"] = JsonValueKind.Number,
        ["root"] = JsonValueKind.String, ["prev"] = JsonValueKind.String, ["iat"] = JsonValueKind.Number,
    };

    public static HistoryVerdict Verify(string exportJson, string jwksJson, string? publishedCheckpointsJson = null)
    {
        using var document = JsonDocument.Parse(exportJson);
        var export = document.RootElement;
        var established = new List<string>();
        var notEstablished = new List<string>();
        var problems = new List<HistoryFinding>();
        if (export.ValueKind != JsonValueKind.Object || !export.TryGetProperty("streamId", out var streamElement) || !Guid.TryParse(streamElement.GetString(), out var stream)
            || !export.TryGetProperty("events", out var eventsElement) || eventsElement.ValueKind != JsonValueKind.Array)
        {
            return new HistoryVerdict("unknown", null, [], ["this is not an exported OVOP history (streamId and events)"], []);
        }

        var name = stream.ToString("D");
        var events = eventsElement.EnumerateArray().ToList();
        var recorded = new Dictionary<long, byte[]?>();
        var contentChain = new Dictionary<long, byte[]>();
        byte[]? fromContent = HistoryHashing.Genesis;
        byte[]? previousRecorded = HistoryHashing.Genesis;
        long expected = 1, lastLinked = 0;
        foreach (var e in events)
        {
            var version = e.GetProperty("version").GetInt64();
            var sequence = e.GetProperty("sequence").GetInt64();
            if (version != expected)
            {
                problems.Add(new(name, expected, null, version > expected
                    ? $"events {Range(expected, version - 1)} of stream {name} are missing from the history: version {version} follows version {expected - 1}"
                    : $"version {version} of stream {name} appears out of order"));
                fromContent = null;
                previousRecorded = null;
            }

            expected = version + 1;
            var body = HistoryHashing.Body(e.GetProperty("type").GetString() ?? "", e.GetProperty("data"));
            var recordedAt = DateTimeOffset.Parse(e.GetProperty("recordedAt").GetString()!, CultureInfo.InvariantCulture);
            var entry = HistoryHashing.Entry(stream, version, sequence, recordedAt, body);
            fromContent = fromContent is null ? null : HistoryHashing.Link(fromContent, entry);
            if (fromContent is not null)
            {
                contentChain[version] = fromContent;
            }

            var hash = HistoryHashing.FromHex(e.TryGetProperty("hash", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null);
            var previous = HistoryHashing.FromHex(e.TryGetProperty("previousHash", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
            recorded[version] = hash;
            if (hash is null)
            {
                previousRecorded = null;
                continue;
            }

            if (previousRecorded is not null && (previous is null || !previous.AsSpan().SequenceEqual(previousRecorded)))
            {
                problems.Add(new(name, version, sequence, $"event {version} (sequence {sequence}) of stream {name} does not name the hash of the event before it"));
            }

            if (previous is null || !HistoryHashing.Link(previous, entry).AsSpan().SequenceEqual(hash))
            {
                problems.Add(new(name, version, sequence,
                    $"event {version} (sequence {sequence}) of stream {name}: its content does not give the hash recorded when it was appended (altered)"));
            }
            else if (lastLinked == version - 1)
            {
                lastLinked = version;
            }

            previousRecorded = hash;
        }

        var last = expected - 1;
        if (lastLinked > 0)
        {
            established.Add($"events {Range(1, lastLinked)} of stream {name} each give the hash recorded for them and link to the one before");
        }

        if (lastLinked < last && problems.Count == 0)
        {
            notEstablished.Add($"events {Range(lastLinked + 1, last)} of stream {name} are not chained yet: the service has not hashed them");
        }

        var coveredUpTo = 0L;
        if (!export.TryGetProperty("checkpoint", out var checkpoint) || checkpoint.ValueKind != JsonValueKind.Object
            || !export.TryGetProperty("inclusion", out var inclusion) || inclusion.ValueKind != JsonValueKind.Object)
        {
            notEstablished.Add($"no signed checkpoint covers stream {name} yet: these events prove nothing against a rewrite by someone with access to the database");
        }
        else
        {
            coveredUpTo = CheckInclusion(name, stream, checkpoint, inclusion, contentChain, last, jwksJson, publishedCheckpointsJson, established, notEstablished, problems);
        }

        if (coveredUpTo > 0 && coveredUpTo < last)
        {
            notEstablished.Add($"events {Range(coveredUpTo + 1, last)} of stream {name} are newer than the checkpoint and not yet covered: they link to the covered ones, but nothing signed vouches for them yet");
        }

        var verdict = problems.Count > 0 ? "altered" : coveredUpTo > 0 ? "intact" : "unanchored";
        return new HistoryVerdict(verdict, name, established, notEstablished, problems);
    }

    private static long CheckInclusion(
        string name, Guid stream, JsonElement checkpoint, JsonElement inclusion, Dictionary<long, byte[]> contentChain, long last, string jwksJson, string? published,
        List<string> established, List<string> notEstablished, List<HistoryFinding> problems)
    {
        var jws = checkpoint.TryGetProperty("document", out var d) ? d.GetString() ?? "" : "";
        var check = new OfflineVerifier(jwksJson, null).Check(jws, CheckpointType, CheckpointClaims);
        if (check is null || !check.KeyKnown || !check.Valid || check.WrongKind is not null)
        {
            problems.Add(new(name, null, null, check is { KeyKnown: false }
                ? $"the checkpoint is signed with key '{check.KeyId}', which the key set does not hold: refresh the keys, or the checkpoint is not genuine"
                : $"the checkpoint is not a validly signed OVOP history checkpoint{(check?.WrongKind is { } kind ? ": " + kind : "")}"));
            return 0;
        }

        var claims = check.Claims;
        var number = claims.GetProperty("n").GetInt64();
        var issued = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64());
        var root = claims.GetProperty("root").GetString();
        var version = inclusion.GetProperty("version").GetInt64();
        var head = HistoryHashing.FromHex(inclusion.GetProperty("hash").GetString());
        var path = inclusion.GetProperty("path").EnumerateArray()
            .Select(s => new ProofStep(s.GetProperty("side").GetString() ?? "", s.GetProperty("hash").GetString() ?? "")).ToList();
        var reached = head is null ? null : HistoryHashing.RootOf(HistoryHashing.Leaf(stream, version, head), path);
        if (reached is null || HistoryHashing.Hex(reached) != root)
        {
            problems.Add(new(name, version, null, $"the proof does not lead from stream {name}'s head to the root that checkpoint #{number} signed"));
            return 0;
        }

        established.Add($"checkpoint #{number} is signed by key {check.KeyId} at {issued:u} (events up to sequence {claims.GetProperty("seq").GetInt64()}, {claims.GetProperty("streams").GetInt64()} streams), and covers stream {name} up to version {version}");
        if (published is not null)
        {
            CheckPublished(name, number, jws, published, established, problems);
        }

        if (version > last)
        {
            problems.Add(new(name, last + 1, null, $"checkpoint #{number} covered stream {name} up to version {version}, but the history ends at version {last}: events {Range(last + 1, version)} were removed"));
            return 0;
        }

        if (!contentChain.TryGetValue(version, out var computed) || !computed.AsSpan().SequenceEqual(head!))
        {
            problems.Add(new(name, version, null,
                $"events {Range(1, version)} of stream {name} are not those checkpoint #{number} covered: at least one of them was altered, removed or inserted since (with its hash, or the chain would say which)"));
            return 0;
        }

        established.Add($"events {Range(1, version)} of stream {name} are exactly those covered by checkpoint #{number}, signed by key {check.KeyId} at {issued:u}");
        return version;
    }

    private static void CheckPublished(string name, long number, string jws, string published, List<string> established, List<HistoryFinding> problems)
    {
        using var list = JsonDocument.Parse(published);
        var items = list.RootElement.ValueKind == JsonValueKind.Array ? list.RootElement : list.RootElement.GetProperty("items");
        var previous = HistoryHashing.Hex(HistoryHashing.Genesis);
        var found = false;
        foreach (var item in items.EnumerateArray())
        {
            var document = item.GetProperty("document").GetString() ?? "";
            var claims = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(document.Split('.')[1])).RootElement;
            if (claims.GetProperty("prev").GetString() != previous)
            {
                problems.Add(new(name, null, null, $"the published list of checkpoints is broken before checkpoint #{claims.GetProperty("n").GetInt64()}: one was removed, replaced or inserted"));
                return;
            }

            previous = HistoryHashing.DocumentHash(document);
            found |= item.GetProperty("number").GetInt64() == number && document == jws;
        }

        if (found)
        {
            established.Add($"checkpoint #{number} is the one published under that number, in an unbroken list");
        }
        else
        {
            problems.Add(new(name, null, null, $"checkpoint #{number} of the export is not in the published list as given"));
        }
    }

    private static string Range(long from, long to) => from == to ? from.ToString(CultureInfo.InvariantCulture) : $"{from}–{to}";
}

using JasperFx.Events;
using Npgsql;
using OvopQuality.Api.Labels.Signing;

namespace OvopQuality.Api.History;

/// <summary>
/// What the check found wrong. <c>kind</c>: <c>altered</c> (an event's content no longer gives the
/// hash recorded when it was appended), <c>missing</c> (an event whose hash is recorded is gone),
/// <c>notAsCheckpointed</c> (a stream's events no longer give the head a signed checkpoint covered:
/// rewritten together with their hashes), <c>checkpoint</c> (a checkpoint's signature, its link to
/// the one before, or the heads kept for it do not hold).
/// </summary>
public sealed record HistoryProblem(string Kind, Guid? StreamId, long? Version, long? Sequence, long? Checkpoint, string Detail);

public sealed record HistoryCheckReport(
    bool Intact,
    DateTimeOffset CheckedAt,
    int Streams,
    long Events,
    long Unchained,
    long Checkpoints,
    Checkpoint? LatestCheckpoint,
    IReadOnlyList<HistoryProblem> Problems);

/// <summary>
/// The service's own check of its history: every event is hashed again from what is stored and
/// compared with the hash recorded when it was appended (which names the altered event), every
/// recorded hash must still have its event (which names a deleted one), every checkpoint's signature
/// and link must hold and the heads kept for it must give its signed root, and each stream's events,
/// chained again from their content alone, must reach every head a checkpoint covered (which catches
/// an event rewritten together with its hash row, as someone with write access to the database could).
/// </summary>
public sealed class HistoryCheck(IDocumentStore store, NpgsqlDataSource database, Checkpoints checkpoints, SigningKeys keys, TimeProvider clock)
{
    private const int Page = 1000;

    public async Task<HistoryCheckReport> RunAsync(Guid? onlyStream, CancellationToken ct)
    {
        var problems = new List<HistoryProblem>();
        var recorded = await RecordedAsync(onlyStream, ct);
        var bySequence = recorded.ToDictionary(r => r.Sequence);
        var byVersion = recorded.ToDictionary(r => (r.Stream, r.Version));

        var heads = await checkpoints.AllHeadsAsync(onlyStream, ct);
        var list = await AllCheckpointsAsync(ct);
        problems.AddRange(await CheckCheckpointsAsync(list, onlyStream is null, ct));
        var headsOf = heads.GroupBy(h => h.Head.StreamId).ToDictionary(g => g.Key, g => g.OrderBy(h => h.Head.Version).ToList());

        var fromContent = new Dictionary<Guid, (long Version, byte[] Hash, long GoodUpTo)>();
        var seen = new HashSet<long>();
        long events = 0, unchained = 0;
        await using var session = store.QuerySession();
        await foreach (var e in EventsAsync(session, onlyStream, ct))
        {
            events++;
            seen.Add(e.Sequence);
            var entry = EventHashes.EntryOf(e);
            var chain = fromContent.TryGetValue(e.StreamId, out var c) ? c : (0L, HistoryHashing.Genesis, 0L);
            if (e.Version != chain.Item1 + 1)
            {
                // The versions between are reported below, from their recorded hashes.
                chain = (e.Version - 1, [], chain.Item3);
            }

            var hash = chain.Item2.Length == 0 ? [] : HistoryHashing.Link(chain.Item2, entry);
            var goodUpTo = chain.Item3;
            if (headsOf.TryGetValue(e.StreamId, out var covered))
            {
                foreach (var head in covered.Where(h => h.Head.Version == e.Version))
                {
                    if (hash.AsSpan().SequenceEqual(head.Head.Hash))
                    {
                        goodUpTo = e.Version;
                    }
                    else
                    {
                        problems.Add(new("notAsCheckpointed", e.StreamId, e.Version, e.Sequence, head.Checkpoint,
                            $"Stream {e.StreamId}: its events up to version {e.Version} no longer give the head that checkpoint #{head.Checkpoint} signed; "
                            + $"an event of versions {goodUpTo + 1}–{e.Version} was altered, removed or inserted since (with its hash, or the chain would say which)."));
                    }
                }
            }

            fromContent[e.StreamId] = (e.Version, hash, goodUpTo);

            if (!bySequence.TryGetValue(e.Sequence, out var row) || row.Hash is null)
            {
                unchained++;
                continue;
            }

            var previous = e.Version == 1 ? HistoryHashing.Genesis : byVersion.GetValueOrDefault((e.StreamId, e.Version - 1))?.Hash;
            if (row.Stream != e.StreamId || row.Version != e.Version
                || previous is null || !HistoryHashing.Link(previous, entry).AsSpan().SequenceEqual(row.Hash))
            {
                problems.Add(new("altered", e.StreamId, e.Version, e.Sequence, null,
                    $"Event version {e.Version} (sequence {e.Sequence}) of stream {e.StreamId}: what is stored no longer gives the hash recorded when it was appended."));
            }
        }

        foreach (var row in recorded.Where(r => !seen.Contains(r.Sequence)).OrderBy(r => r.Stream).ThenBy(r => r.Version))
        {
            problems.Add(new("missing", row.Stream, row.Version, row.Sequence, null,
                $"Event version {row.Version} (sequence {row.Sequence}) of stream {row.Stream} is gone: its hash was recorded when it was appended."));
        }

        foreach (var (stream, covered) in headsOf)
        {
            var last = fromContent.TryGetValue(stream, out var c) ? c.Version : 0;
            foreach (var head in covered.Where(h => h.Head.Version > last))
            {
                problems.Add(new("notAsCheckpointed", stream, head.Head.Version, null, head.Checkpoint,
                    $"Stream {stream} ends at version {last}, but checkpoint #{head.Checkpoint} covered it up to version {head.Head.Version}: events were removed."));
            }
        }

        var latest = list.Count > 0 ? list[^1] : null;
        return new HistoryCheckReport(problems.Count == 0, clock.GetUtcNow(), fromContent.Count, events, unchained, list.Count, latest, problems);
    }

    private async Task<IReadOnlyList<HistoryProblem>> CheckCheckpointsAsync(IReadOnlyList<Checkpoint> list, bool roots, CancellationToken ct)
    {
        var problems = new List<HistoryProblem>();
        var known = await keys.AllAsync(ct);
        var previous = HistoryHashing.Hex(HistoryHashing.Genesis);
        foreach (var checkpoint in list)
        {
            var verified = await SignedDocuments.VerifyAsync(DocumentKind.HistoryCheckpoint, checkpoint.Document, known);
            var claims = verified.IsValid ? Checkpoints.ClaimsOf(verified.Claims) : null;
            if (claims is null || claims.N != checkpoint.Number)
            {
                problems.Add(new("checkpoint", null, null, null, checkpoint.Number,
                    $"Checkpoint #{checkpoint.Number}: its signature does not hold ({verified.Problem ?? "it names another number"})."));
            }
            else if (claims.Prev != previous)
            {
                problems.Add(new("checkpoint", null, null, null, checkpoint.Number,
                    $"Checkpoint #{checkpoint.Number} does not follow the checkpoint before it in the list: one was removed, replaced or inserted."));
            }
            else if (roots)
            {
                var leaves = await checkpoints.LeavesAsync(checkpoint.Number, ct);
                var root = HistoryHashing.Tree([.. leaves.Select(l => HistoryHashing.Leaf(l.StreamId, l.Version, l.Hash))])[^1][0];
                if (HistoryHashing.Hex(root) != claims.Root)
                {
                    problems.Add(new("checkpoint", null, null, null, checkpoint.Number,
                        $"Checkpoint #{checkpoint.Number}: the stream heads kept for it no longer give the root it signed; they were altered."));
                }
            }

            previous = HistoryHashing.DocumentHash(checkpoint.Document);
        }

        return problems;
    }

    private async Task<IReadOnlyList<Checkpoint>> AllCheckpointsAsync(CancellationToken ct)
    {
        var all = new List<Checkpoint>();
        while (true)
        {
            var (items, total) = await checkpoints.ListAsync(all.Count, Page, ct);
            all.AddRange(items);
            if (items.Count == 0 || all.Count >= total)
            {
                return all;
            }
        }
    }

    private static async IAsyncEnumerable<IEvent> EventsAsync(IQuerySession session, Guid? onlyStream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (onlyStream is { } stream)
        {
            foreach (var e in await session.Events.FetchStreamAsync(stream, token: ct))
            {
                yield return e;
            }

            yield break;
        }

        long after = 0;
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(Page).ToListAsync(ct);
            foreach (var e in page)
            {
                yield return e;
            }

            if (page.Count < Page)
            {
                yield break;
            }

            after = page[^1].Sequence;
        }
    }

    private sealed record Recorded(long Sequence, Guid Stream, long Version, byte[]? Hash);

    private async Task<List<Recorded>> RecordedAsync(Guid? onlyStream, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"select seq_id, stream_id, version, hash from {EventHashes.TableName.QualifiedName}{(onlyStream is null ? "" : " where stream_id = $1")}");
        if (onlyStream is { } id)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        }

        var rows = new List<Recorded>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Recorded(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : (byte[])reader[3]));
        }

        return rows;
    }
}

using System.Text.Json;
using Npgsql;
using OvopQuality.Api.Labels.Signing;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.History;

/// <summary>Ovop:History:* — the hash chain (on by default) and how often a checkpoint is published.</summary>
public sealed class HistorySettings
{
    /// <summary>Chain each event as it is appended; off, events are chained in batches before each checkpoint.</summary>
    public bool HashChain { get; set; } = true;

    /// <summary>Seconds between checkpoints (3600). One is published only when something new is to be covered.</summary>
    public double CheckpointSeconds { get; set; } = 3600;
}

/// <summary>The claims of a signed checkpoint (JWS <c>typ</c> <c>ovop-checkpoint+jws</c>).</summary>
public sealed record CheckpointClaims(long N, long Seq, int Streams, string Root, string Prev, long Iat);

/// <summary>A published checkpoint: the signed document and what it says.</summary>
public sealed record Checkpoint(long Number, string Document, string KeyId, DateTimeOffset IssuedAt, long Sequence, int Streams, string Root, string Previous);

/// <summary>One leaf of a checkpoint's tree: a stream's head as the checkpoint covered it.</summary>
public sealed record StreamHead(Guid StreamId, long Version, byte[] Hash);

/// <summary>
/// The signed checkpoints of the history, kept in an append-only list that is itself a chain (each
/// names the hash of the one before). A checkpoint covers every stream's head: the hash of its last
/// chained event, which stands for all its events. The heads that changed since the previous
/// checkpoint are kept with it, so any checkpoint's tree can be rebuilt (an inclusion proof, the
/// check), and the root it signed says whether the kept heads are still those it covered.
/// Published under a PostgreSQL advisory lock: instances on one database publish one per interval.
/// </summary>
public sealed class Checkpoints(IDocumentStore store, NpgsqlDataSource database, SigningKeys keys, TimeProvider clock, HistorySettings settings, ILogger<Checkpoints> logger)
{
    /// <summary>The advisory lock of the history (trigger set-up, backfill, publication): one number for the database.</summary>
    public const long HistoryLock = 0x0_5E6_0002;

    public static readonly DbObjectName ListName = new PostgresqlObjectName(Identifiers.Schema, "ovop_history_checkpoints", SchemaUtils.IdentifierUsage.General);
    public static readonly DbObjectName HeadsName = new PostgresqlObjectName(Identifiers.Schema, "ovop_checkpoint_heads", SchemaUtils.IdentifierUsage.General);

    private readonly Lock _treeLock = new();
    private (long Number, IReadOnlyList<StreamHead> Leaves, IReadOnlyList<byte[][]> Levels)? _tree;

    public static IEnumerable<Table> Tables()
    {
        var list = new Table(ListName);
        list.AddColumn<long>("number").AsPrimaryKey();
        list.AddColumn<string>("document").NotNull();
        list.AddColumn<string>("key_id").NotNull();
        list.AddColumn<DateTimeOffset>("issued_at").NotNull();
        list.AddColumn<long>("sequence").NotNull();
        list.AddColumn<int>("streams").NotNull();
        list.AddColumn<string>("root").NotNull();
        list.AddColumn<string>("previous").NotNull();
        yield return list;

        var heads = new Table(HeadsName);
        heads.AddColumn<Guid>("stream_id").AsPrimaryKey();
        heads.AddColumn<long>("checkpoint").AsPrimaryKey();
        heads.AddColumn<long>("version").NotNull();
        heads.AddColumn("hash", "bytea").NotNull();
        yield return heads;
    }

    /// <summary>
    /// Publishes a checkpoint when one is due (or now, when <paramref name="force"/>): first chains
    /// what is not chained yet, then covers every head not yet covered. Null when none was due or,
    /// unforced, nothing new was to be covered.
    /// </summary>
    public async Task<Checkpoint?> PublishAsync(bool force, CancellationToken ct, HttpContext? request = null)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Execute(connection, transaction, $"select pg_advisory_xact_lock({HistoryLock})", ct);

        var last = await LatestAsync(connection, transaction, ct);
        var now = clock.GetUtcNow();
        if (!force && last is not null && now - last.IssuedAt < TimeSpan.FromSeconds(settings.CheckpointSeconds))
        {
            return null;
        }

        // Chained on connections of its own, committed before the heads are read below.
        var filled = await EventHashes.BackfillAsync(store, database, ct);
        if (filled > 0)
        {
            logger.LogInformation("Chained {Events} events that had no hash yet", filled);
        }

        var number = (last?.Number ?? 0) + 1;
        var covered = new Dictionary<Guid, (long Version, byte[] Hash)>();
        var sequence = last?.Sequence ?? 0;
        await using (var command = new NpgsqlCommand(
            $"update {EventHashes.TableName.QualifiedName} set checkpoint = $1 where checkpoint is null and hash is not null returning stream_id, version, hash, seq_id", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = number });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var stream = reader.GetGuid(0);
                var version = reader.GetInt64(1);
                if (!covered.TryGetValue(stream, out var known) || known.Version < version)
                {
                    covered[stream] = (version, (byte[])reader[2]);
                }

                sequence = Math.Max(sequence, reader.GetInt64(3));
            }
        }

        if (!force && last is not null && covered.Count == 0)
        {
            return null;
        }

        var leaves = (await HeadsAsync(connection, transaction, number - 1, ct)).ToDictionary(h => h.StreamId);
        foreach (var (stream, head) in covered)
        {
            leaves[stream] = new StreamHead(stream, head.Version, head.Hash);
        }

        var ordered = Ordered(leaves.Values);
        var levels = HistoryHashing.Tree([.. ordered.Select(l => HistoryHashing.Leaf(l.StreamId, l.Version, l.Hash))]);
        var root = HistoryHashing.Hex(levels[^1][0]);
        var previous = last is null ? HistoryHashing.Hex(HistoryHashing.Genesis) : HistoryHashing.DocumentHash(last.Document);
        var (key, privateKey) = await keys.ActiveAsync(ct);
        var document = SignedDocuments.Sign(DocumentKind.HistoryCheckpoint,
            new CheckpointClaims(number, sequence, ordered.Count, root, previous, now.ToUnixTimeSeconds()), key.Id, privateKey);
        var checkpoint = new Checkpoint(number, document, key.Id, now, sequence, ordered.Count, root, previous);

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var insert = new NpgsqlBatchCommand(
                $"insert into {ListName.QualifiedName} (number, document, key_id, issued_at, sequence, streams, root, previous) values ($1, $2, $3, $4, $5, $6, $7, $8)");
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = number });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Id });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = checkpoint.IssuedAt });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ordered.Count });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = root });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = previous });
            batch.BatchCommands.Add(insert);
            if (covered.Count > 0)
            {
                var heads = new NpgsqlBatchCommand(
                    $"insert into {HeadsName.QualifiedName} (stream_id, checkpoint, version, hash) select unnest($1), $2, unnest($3), unnest($4)");
                heads.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. covered.Keys] });
                heads.Parameters.Add(new NpgsqlParameter<long> { TypedValue = number });
                heads.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. covered.Values.Select(c => c.Version)] });
                heads.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. covered.Values.Select(c => c.Hash)] });
                batch.BatchCommands.Add(heads);
            }

            await batch.ExecuteNonQueryAsync(ct);
        }

        // Asked for over HTTP with an Idempotency-Key: the key is used in this same transaction.
        await IdempotencyKeys.ClaimInAsync(connection, transaction, request, ct);
        await transaction.CommitAsync(ct);
        lock (_treeLock)
        {
            _tree = (number, ordered, levels);
        }

        logger.LogInformation("Published history checkpoint #{Number}: {Streams} streams up to sequence {Sequence}", number, ordered.Count, sequence);
        return checkpoint;
    }

    public async Task<Checkpoint?> LatestAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await LatestAsync(connection, null, ct);
    }

    public async Task<Checkpoint?> OneAsync(long number, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return (await ReadAsync(connection, null, "where number = $1", number, 1, 0, ct)).SingleOrDefault();
    }

    /// <summary>The list, oldest first, from <paramref name="offset"/>; and how many there are.</summary>
    public async Task<(IReadOnlyList<Checkpoint> Items, int Total)> ListAsync(int offset, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand($"select count(*) from {ListName.QualifiedName}", connection);
        var total = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        return (await ReadAsync(connection, null, "order by number", null, limit, offset, ct), total);
    }

    /// <summary>The leaves of checkpoint <paramref name="number"/> (each stream's latest head covered by it or an earlier one), sorted.</summary>
    public async Task<IReadOnlyList<StreamHead>> LeavesAsync(long number, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return Ordered(await HeadsAsync(connection, null, number, ct));
    }

    /// <summary>Every head kept, by checkpoint: what the check compares each stream with.</summary>
    public async Task<IReadOnlyList<(long Checkpoint, StreamHead Head)>> AllHeadsAsync(Guid? stream, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select checkpoint, stream_id, version, hash from {HeadsName.QualifiedName}{(stream is null ? "" : " where stream_id = $1")} order by checkpoint", connection);
        if (stream is { } id)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        }

        var heads = new List<(long, StreamHead)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            heads.Add((reader.GetInt64(0), new StreamHead(reader.GetGuid(1), reader.GetInt64(2), (byte[])reader[3])));
        }

        return heads;
    }

    /// <summary>
    /// The proof that a stream's head is in the latest checkpoint: the head, its place among the
    /// leaves and the siblings up to the root. Null when no checkpoint covers the stream yet.
    /// </summary>
    public async Task<(Checkpoint Checkpoint, StreamHead Head, int Index, int Size, IReadOnlyList<ProofStep> Path)?> InclusionAsync(Guid streamId, CancellationToken ct)
    {
        if (await LatestAsync(ct) is not { } latest)
        {
            return null;
        }

        (long Number, IReadOnlyList<StreamHead> Leaves, IReadOnlyList<byte[][]> Levels)? tree;
        lock (_treeLock)
        {
            tree = _tree is { } held && held.Number == latest.Number ? held : null;
        }

        if (tree is null)
        {
            var leaves = await LeavesAsync(latest.Number, ct);
            tree = (latest.Number, leaves, HistoryHashing.Tree([.. leaves.Select(l => HistoryHashing.Leaf(l.StreamId, l.Version, l.Hash))]));
            lock (_treeLock)
            {
                if (_tree is null || _tree.Value.Number < latest.Number)
                {
                    _tree = tree;
                }
            }
        }

        var (_, ordered, levels) = tree.Value;
        var index = BinarySearch(ordered, streamId);
        return index < 0 ? null : (latest, ordered[index], index, ordered.Count, HistoryHashing.Proof(levels, index));
    }

    /// <summary>Leaves in the tree's order: by stream id as lowercase text, byte by byte (PostgreSQL's order of uuids too).</summary>
    public static List<StreamHead> Ordered(IEnumerable<StreamHead> heads) =>
        [.. heads.OrderBy(h => h.StreamId.ToString("D"), StringComparer.Ordinal)];

    private static int BinarySearch(IReadOnlyList<StreamHead> ordered, Guid streamId)
    {
        var wanted = streamId.ToString("D");
        int low = 0, high = ordered.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var compared = string.CompareOrdinal(ordered[middle].StreamId.ToString("D"), wanted);
            if (compared == 0)
            {
                return middle;
            }

            if (compared < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    private static async Task<List<StreamHead>> HeadsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long upTo, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select distinct on (stream_id) stream_id, version, hash from {HeadsName.QualifiedName} where checkpoint <= $1 order by stream_id, checkpoint desc", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        var heads = new List<StreamHead>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            heads.Add(new StreamHead(reader.GetGuid(0), reader.GetInt64(1), (byte[])reader[2]));
        }

        return heads;
    }

    private static async Task<Checkpoint?> LatestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct) =>
        (await ReadAsync(connection, transaction, "order by number desc", null, 1, 0, ct)).SingleOrDefault();

    private static async Task<List<Checkpoint>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string clause, long? number, int limit, int offset, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select number, document, key_id, issued_at, sequence, streams, root, previous from {ListName.QualifiedName} {clause} limit {limit} offset {offset}",
            connection, transaction);
        if (number is { } n)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = n });
        }

        var list = new List<Checkpoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Checkpoint(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt64(4),
                reader.GetInt32(5), reader.GetString(6), reader.GetString(7)));
        }

        return list;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The claims of a checkpoint's document, read without checking it (the check and the verifier check it).</summary>
    public static CheckpointClaims? ClaimsOf(JsonElement claims) =>
        claims.ValueKind == JsonValueKind.Object ? claims.Deserialize<CheckpointClaims>(ClaimsJson) : null;

    private static readonly JsonSerializerOptions ClaimsJson = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// At start: the trigger in place (or removed, with the chain off). Then, every interval, each
/// instance asks for a checkpoint; the advisory lock and the time of the last one make it one per
/// interval for the whole database. The first attempt also chains what an older release left unchained.
/// </summary>
public sealed class CheckpointPublisher(NpgsqlDataSource database, Checkpoints checkpoints, HistorySettings settings, ILogger<CheckpointPublisher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await EventHashes.InstallAsync(database, settings.HashChain, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, settings.CheckpointSeconds));
        // Looks often enough to publish on time, not so often that the lock is asked for needlessly.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(interval.TotalSeconds / 4, 1, 60)));
        do
        {
            try
            {
                await checkpoints.PublishAsync(force: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not publish a history checkpoint; trying again at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

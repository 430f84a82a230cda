using System.Text.Json;
using JasperFx.Events;
using Marten.Services;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.History;

/// <summary>
/// The hash chain of every stream, one row per event in a table of its own (sequence, stream, version,
/// body, hash, and the number of the first checkpoint that covered it). The row is written by a
/// trigger on Marten's events table, in the transaction that appends the event and with no round
/// trip of its own: the trigger takes the event's stream, version, sequence and timestamp as stored,
/// the body hash that <see cref="EventBodyHasher"/> put in the event's headers, and the previous
/// event's hash from this table. An event appended without a body (the chain switched off, or some
/// path that bypasses the session) gets a row without a hash, and so does every later event of its
/// stream until <see cref="BackfillAsync"/> fills them in, which it does before every checkpoint.
/// </summary>
public static class EventHashes
{
    public const string BodyHeader = "ovop-body";

    public static readonly DbObjectName TableName = new PostgresqlObjectName(Identifiers.Schema, "ovop_event_hashes", SchemaUtils.IdentifierUsage.General);

    private const string Trigger = "ovop_chain_events";
    private const string Function = Identifiers.Schema + ".ovop_chain_event_v1";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<long>("seq_id").AsPrimaryKey();
        table.AddColumn<Guid>("stream_id").NotNull();
        table.AddColumn<long>("version").NotNull();
        table.AddColumn("body", "bytea");
        table.AddColumn("hash", "bytea");
        table.AddColumn("checkpoint", "bigint");
        table.Indexes.Add(new IndexDefinition("idx_ovop_event_hashes_stream") { Columns = ["stream_id", "version"], IsUnique = true });
        table.Indexes.Add(new IndexDefinition("idx_ovop_event_hashes_pending") { Columns = ["seq_id"], Predicate = "hash is null" });
        table.Indexes.Add(new IndexDefinition("idx_ovop_event_hashes_uncovered") { Columns = ["seq_id"], Predicate = "checkpoint is null" });
        return table;
    }

    /// <summary>
    /// Puts the trigger in place (or takes it away when the chain is switched off), once per start,
    /// under the history's advisory lock so that instances starting together do not race.
    /// </summary>
    public static async Task InstallAsync(NpgsqlDataSource database, bool enabled, CancellationToken ct)
    {
        var events = $"{Identifiers.Schema}.mt_events";
        var sql = $$"""
            select pg_advisory_xact_lock({{Checkpoints.HistoryLock}});
            create or replace function {{Function}}() returns trigger language plpgsql as $body$
            declare
                event_body bytea;
                previous bytea;
                chained bytea;
            begin
                if NEW.headers is not null and NEW.headers ? '{{BodyHeader}}' then
                    event_body := decode(NEW.headers ->> '{{BodyHeader}}', 'hex');
                end if;
                if NEW.version = 1 then
                    previous := decode(repeat('00', 32), 'hex');
                else
                    select h.hash into previous from {{TableName.QualifiedName}} h where h.stream_id = NEW.stream_id and h.version = NEW.version - 1;
                end if;
                if event_body is not null and previous is not null then
                    chained := sha256(previous || sha256(convert_to(format('ovop-event/1|%s|%s|%s|%s|', NEW.stream_id, NEW.version, NEW.seq_id,
                        (extract(epoch from NEW.timestamp) * 1000000)::bigint), 'UTF8') || event_body));
                end if;
                insert into {{TableName.QualifiedName}} (seq_id, stream_id, version, body, hash) values (NEW.seq_id, NEW.stream_id, NEW.version, event_body, chained)
                    on conflict (seq_id) do nothing;
                return null;
            end
            $body$;
            do $do$
            begin
                if to_regclass('{{events}}') is null then
                    return;
                end if;
                if {{(enabled ? "true" : "false")}} then
                    if not exists (select 1 from pg_trigger where tgname = '{{Trigger}}' and tgrelid = '{{events}}'::regclass) then
                        create trigger {{Trigger}} after insert on {{events}} for each row execute function {{Function}}();
                    end if;
                else
                    drop trigger if exists {{Trigger}} on {{events}};
                end if;
            end
            $do$;
            """;
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>The body hash of an event as the API exports it: its type in camelCase and its data in the API's JSON.</summary>
    public static byte[] BodyOf(IEvent e) => BodyOf(WireNames.Of(e.EventTypeName), e.Data);

    public static byte[] BodyOf(string wireType, object data)
    {
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), ApiJson));
        return HistoryHashing.Body(wireType, document.RootElement);
    }

    public static byte[] EntryOf(IEvent e) => HistoryHashing.Entry(e.StreamId, e.Version, e.Sequence, e.Timestamp, BodyOf(e));

    /// <summary>The API's own JSON settings: the hash is of the data as a client reads it.</summary>
    public static readonly JsonSerializerOptions ApiJson = MakeApiJson();

    private static JsonSerializerOptions MakeApiJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HttpConfiguration.Configure(json);
        return json;
    }

    /// <summary>A stream's recorded hashes by version (null while not yet chained).</summary>
    public static async Task<Dictionary<long, byte[]?>> OfStreamAsync(NpgsqlDataSource database, Guid streamId, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"select version, hash from {TableName.QualifiedName} where stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        var hashes = new Dictionary<long, byte[]?>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            hashes[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : (byte[])reader[1];
        }

        return hashes;
    }

    /// <summary>
    /// Chains what the trigger could not: events with no row (appended while the chain was off, or
    /// before this release) and rows without a hash. Each stream is taken from its first such event,
    /// from the recorded hash before it; a hash already recorded is never replaced. Run under the
    /// history's advisory lock (by the checkpoint publisher).
    /// </summary>
    public static async Task<int> BackfillAsync(IDocumentStore store, NpgsqlDataSource database, CancellationToken ct)
    {
        var pending = new Dictionary<Guid, long>();
        await using (var command = database.CreateCommand($"""
            select e.stream_id, min(e.version) from {Identifiers.Schema}.mt_events e
            left join {TableName.QualifiedName} h on h.seq_id = e.seq_id
            where h.seq_id is null or h.hash is null
            group by e.stream_id
            """))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                pending[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        var filled = 0;
        await using var session = store.QuerySession();
        foreach (var (streamId, from) in pending)
        {
            var recorded = await OfStreamAsync(database, streamId, ct);
            var previous = from == 1 ? HistoryHashing.Genesis : recorded.GetValueOrDefault(from - 1);
            if (previous is null)
            {
                // The event before is gone or unchained: nothing can be chained after it (the check says so).
                continue;
            }

            var events = await session.Events.FetchStreamAsync(streamId, fromVersion: from, token: ct);
            await using var batch = database.CreateBatch();
            foreach (var e in events)
            {
                if (recorded.GetValueOrDefault(e.Version) is { } known)
                {
                    previous = known;
                    continue;
                }

                var body = BodyOf(e);
                var hash = HistoryHashing.Link(previous, HistoryHashing.Entry(e.StreamId, e.Version, e.Sequence, e.Timestamp, body));
                var upsert = new NpgsqlBatchCommand($"""
                    insert into {TableName.QualifiedName} (seq_id, stream_id, version, body, hash) values ($1, $2, $3, $4, $5)
                    on conflict (seq_id) do update set body = excluded.body, hash = excluded.hash where {TableName.QualifiedName}.hash is null
                    """);
                upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Sequence });
                upsert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.StreamId });
                upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Version });
                upsert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = body });
                upsert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = hash });
                batch.BatchCommands.Add(upsert);
                previous = hash;
                filled++;
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
        }

        return filled;
    }
}

/// <summary>
/// Before a session's changes go to the database, puts each new event's body hash in its headers,
/// where the trigger reads it. Every path that appends through a Marten session passes here: the
/// commands' aggregate workflow, scheduled transitions, seeding.
/// </summary>
public sealed class EventBodyHasher : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        foreach (var stream in session.PendingChanges.Streams())
        {
            foreach (var e in stream.Events)
            {
                e.SetHeader(EventHashes.BodyHeader, HistoryHashing.Hex(EventHashes.BodyOf(e)));
            }
        }

        return Task.CompletedTask;
    }
}

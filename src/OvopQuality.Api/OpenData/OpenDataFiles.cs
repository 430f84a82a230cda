using System.Data;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OvopQuality.Api.Labels.Signing;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.OpenData;

/// <summary>Ovop:OpenData:* — how often the registry is looked at for a change, and the least time between two generations.</summary>
public sealed class OpenDataSettings
{
    /// <summary>Seconds between two looks at the event store for a change (15).</summary>
    public double CheckSeconds { get; set; } = 15;

    /// <summary>Seconds a generation stays the current one at least, however much changes (60): a busy day regenerates once a minute, not once a command.</summary>
    public double MinimumSeconds { get; set; } = 60;
}

/// <summary>One stored file of the current open data.</summary>
public sealed record StoredFile(string Name, string MediaType, long Bytes, long GzipBytes, string Sha256, DateTimeOffset GeneratedAt, long Sequence);

/// <summary>A file as the manifest names it: its bytes' count and SHA-256 (hex).</summary>
public sealed record ManifestFile(string Name, long Bytes, string Sha256);

/// <summary>
/// The signed manifest's claims (JWS <c>typ</c> <c>ovop-open-data+jws</c>): when the files were
/// made, the highest event sequence they reflect, the licence, and every file's size and hash.
/// </summary>
public sealed record ManifestClaims(long Iat, string GeneratedAt, long Seq, string Licence, string Publisher, IReadOnlyList<ManifestFile> Files, string Url);

/// <summary>
/// The current open data: every dataset in every format, made ahead from one consistent read of the
/// registry, stored in PostgreSQL with its gzip copy and hash, with a signed manifest. Instances
/// share it through the database (nothing is held in memory); one instance makes a generation at a
/// time, under an advisory lock, and only when the event store moved on since the last one (or the
/// day changed, so that expiries show), and no sooner than Ovop:OpenData:MinimumSeconds after it.
/// </summary>
public sealed class OpenDataFiles(IDocumentStore store, NpgsqlDataSource database, SigningKeys keys, TimeProvider clock, OpenDataSettings settings,
    IConfiguration configuration, ILogger<OpenDataFiles> logger)
{
    public const string Licence = "CC-BY-4.0";
    public const string LicenceUrl = "https://creativecommons.org/licenses/by/4.0/";
    public const string Publisher = "OVOP Tajikistan certification body";
    public const string ManifestJson = "manifest.json";
    public const string ManifestJws = "manifest.jws";

    /// <summary>
    /// How far below the highest sequence events are counted to see one that committed late: a
    /// transaction takes its sequence numbers when it appends and becomes visible when it commits, so
    /// an event numbered below the highest seen may appear after a generation. Transactions are short;
    /// this many numbers cover any that can be in flight at once.
    /// </summary>
    public const long LateEventWindow = 1000;

    /// <summary>The advisory lock of the open data's generation: one number for the database.</summary>
    private const long GenerationLock = 0x0_5E6_0003;

    public static readonly DbObjectName TableName = new PostgresqlObjectName(Identifiers.Schema, "ovop_open_data", SchemaUtils.IdentifierUsage.General);

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<string>("name").AsPrimaryKey();
        table.AddColumn<string>("media_type").NotNull();
        table.AddColumn("content", "bytea").NotNull();
        table.AddColumn("gzip", "bytea").NotNull();
        table.AddColumn<string>("sha256").NotNull();
        table.AddColumn<DateTimeOffset>("generated_at").NotNull();
        table.AddColumn<long>("sequence").NotNull();
        table.AddColumn<long>("recent_events");
        return table;
    }

    /// <summary>
    /// Makes a new generation when one is due (always, when <paramref name="force"/>); false when
    /// none was due or another instance is making one.
    /// </summary>
    public async Task<bool> GenerateAsync(bool force, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        if (!await ScalarAsync<bool>(connection, null, $"select pg_try_advisory_lock({GenerationLock})", ct))
        {
            return false;
        }

        try
        {
            var now = clock.GetUtcNow();
            var current = await CurrentAsync(connection, ct);
            RegistrySnapshot snapshot;
            long sequence;
            long recent;
            await using (var read = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct))
            {
                // One snapshot of the database: the sequence and the documents it is stated with agree.
                sequence = await ScalarAsync<long>(connection, read, $"select coalesce(max(seq_id), 0) from {Identifiers.Schema}.mt_events", ct);
                recent = await RecentEventsAsync(connection, read, sequence, ct);
                if (!force && current is { } last
                    && (now - last.GeneratedAt < TimeSpan.FromSeconds(settings.MinimumSeconds)
                        || (last.Sequence == sequence && ProgrammeTime.DayOf(last.GeneratedAt) == ProgrammeTime.DayOf(now)
                            && (last.RecentEvents is null || last.RecentEvents == recent))))
                {
                    return false;
                }

                await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(read, false));
                snapshot = await RegistrySnapshot.BuildAsync(session, now, now, ct);
                await read.CommitAsync(ct);
            }

            var files = new List<(string Name, string MediaType, byte[] Content, string Sha256)>();
            foreach (var dataset in Dataset.All)
            {
                var rows = snapshot.Rows(dataset);
                foreach (var format in OpenDataFormats.All)
                {
                    var content = OpenDataFormats.Write(dataset, rows, format);
                    files.Add(($"{dataset.Name}.{format}", OpenDataFormats.MediaType(format), content, Sha256(content)));
                }
            }

            var listed = files.Select(f => new ManifestFile(f.Name, f.Content.Length, f.Sha256)).ToList();
            var (key, privateKey) = await keys.ActiveAsync(ct);
            var claims = new ManifestClaims(now.ToUnixTimeSeconds(), now.ToString("O", System.Globalization.CultureInfo.InvariantCulture), sequence, Licence, Publisher, listed,
                $"{LabelStatements.PublicBaseUrl(configuration)}/api/open-data");
            var signed = SignedDocuments.Sign(DocumentKind.OpenDataManifest, claims, key.Id, privateKey);
            var manifest = JsonSerializer.SerializeToUtf8Bytes(new { claims, keyId = key.Id, signed }, Manifest);
            var jws = Encoding.ASCII.GetBytes(signed);
            files.Add((ManifestJson, "application/json; charset=utf-8", manifest, Sha256(manifest)));
            files.Add((ManifestJws, "application/jose", jws, Sha256(jws)));

            await using var write = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, write, $"delete from {TableName.QualifiedName}", ct);
            foreach (var (name, mediaType, content, sha256) in files)
            {
                await using var insert = new NpgsqlCommand(
                    $"insert into {TableName.QualifiedName} (name, media_type, content, gzip, sha256, generated_at, sequence, recent_events) values ($1, $2, $3, $4, $5, $6, $7, $8)", connection, write);
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mediaType });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = content, NpgsqlDbType = NpgsqlDbType.Bytea });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Gzip(content), NpgsqlDbType = NpgsqlDbType.Bytea });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sha256 });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = recent });
                await insert.ExecuteNonQueryAsync(ct);
            }

            await write.CommitAsync(ct);
            logger.LogInformation("Open data generated: {Files} files, {Bytes} bytes, as of event {Sequence}", files.Count, files.Sum(f => (long)f.Content.Length), sequence);
            return true;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"select pg_advisory_unlock({GenerationLock})", CancellationToken.None);
        }
    }

    /// <summary>Every stored file, without its bytes.</summary>
    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken ct) => ReadAsync(null, ct);

    /// <summary>A stored file's facts, or null when there is none of that name (yet): one row read, as a download asks on every request.</summary>
    public async Task<StoredFile?> FindAsync(string name, CancellationToken ct) => (await ReadAsync(name, ct)).SingleOrDefault();

    private async Task<IReadOnlyList<StoredFile>> ReadAsync(string? name, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"select name, media_type, length(content), length(gzip), sha256, generated_at, sequence from {TableName.QualifiedName} where $1::text is null or name = $1 order by name");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = name, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var files = new List<StoredFile>();
        while (await reader.ReadAsync(ct))
        {
            files.Add(new StoredFile(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt64(6)));
        }

        return files;
    }

    /// <summary>
    /// Copies the bytes (or the gzip copy) of the stored file <paramref name="file"/> names to
    /// <paramref name="output"/>, streamed from the database; false, with nothing written, when that
    /// file is no longer stored: a new generation replaced it after it was looked up, and its bytes
    /// would not be the ones its size and hash were given for.
    /// </summary>
    public async Task<bool> CopyAsync(StoredFile file, bool gzip, Stream output, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"select {(gzip ? "gzip" : "content")} from {TableName.QualifiedName} where name = $1 and sha256 = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file.Sha256 });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        if (!await reader.ReadAsync(ct))
        {
            return false;
        }

        await using var stream = await reader.GetStreamAsync(0, ct);
        await stream.CopyToAsync(output, ct);
        return true;
    }

    private static readonly JsonSerializerOptions Manifest = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The current generation's time, sequence and count of events just below it (null for one made before that was counted).</summary>
    private sealed record Generation(DateTimeOffset GeneratedAt, long Sequence, long? RecentEvents);

    private static async Task<Generation?> CurrentAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select generated_at, sequence, recent_events from {TableName.QualifiedName} where name = '{ManifestJws}'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new Generation(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2))
            : null;
    }

    /// <summary>The events visible in the <see cref="LateEventWindow"/> numbers up to <paramref name="sequence"/>: more than at the last generation means one committed late.</summary>
    private static async Task<long> RecentEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long sequence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select count(*) from {Identifiers.Schema}.mt_events where seq_id > $1 and seq_id <= $2", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence - LateEventWindow });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Looks for a change every Ovop:OpenData:CheckSeconds and makes a new generation when one is due; the first at start when there is none.</summary>
public sealed class OpenDataPublisher(OpenDataFiles files, OpenDataSettings settings, ILogger<OpenDataPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, settings.CheckSeconds)));
        do
        {
            try
            {
                await files.GenerateAsync(force: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not generate the open data; trying again at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

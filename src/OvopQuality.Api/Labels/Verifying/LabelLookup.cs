using System.Collections.Concurrent;
using Marten.Services;
using Npgsql;

namespace OvopQuality.Api.Labels.Verifying;

/// <summary>
/// The connections label verification reads through: the primary, and a standby when one is
/// configured (ConnectionStrings:OvopReplica), with what a standby must have replayed to be believed.
/// </summary>
public sealed record VerificationDatabase(NpgsqlDataSource Primary, NpgsqlDataSource? Standby = null, ReplayFloors? Floors = null);

/// <summary>Where and when a label was issued: fixed for ever once the batch is issued.</summary>
public sealed record LabelIssue(Guid FileId, string Lot, DateTimeOffset IssuedAt);

/// <summary>A certificate's public state and the instant it was read from the database.</summary>
public sealed record CertificateSnapshot(PublicCertificate Certificate, DateTimeOffset ReadAt);

/// <summary>
/// The public state of certificates verified. A committed change to a file drops its entry at once
/// (this is a Marten listener); another instance's change drops it when its notification arrives
/// (<see cref="Infrastructure.ChangeNotifications"/>, well within a second). While the notification
/// listener proves itself alive (its heartbeat, every second), an entry is known current as of the
/// last heartbeat applied and is answered with that instant, without going back to the database;
/// when the last heartbeat is older than <see cref="Infrastructure.ChangeNotifications.Heartbeat"/>
/// three times over (the listener lost its connection, or is stuck), an entry is believed only for
/// the time to live after it was read (Ovop:Verification:CertificateSeconds, 2 s), as the backstop. With a standby, each change is also noted in the
/// <see cref="ReplayFloors"/>, so that the standby is not believed about the file before it replayed it.
/// </summary>
public sealed class CertificateCache : DocumentSessionListenerBase
{
    private readonly ConcurrentDictionary<Guid, CertificateSnapshot> _entries = new();
    private readonly ReplayFloors? _floors;

    public CertificateCache(IConfiguration configuration, ReplayFloors? floors = null)
    {
        TimeToLive = TimeSpan.FromSeconds(configuration.GetValue<double?>("Ovop:Verification:CertificateSeconds") ?? 2);
        _floors = floors;
    }

    public TimeSpan TimeToLive { get; }

    /// <summary>
    /// Counts commits that changed a certification file or a signing key: whatever is derived from
    /// all certificates at once (the status snapshot) is stale once it moves.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    private long _generation;

    private long _confirmedTicks = long.MinValue;

    public CertificateSnapshot? Find(Guid fileId, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(fileId, out var cached) || now < cached.ReadAt)
        {
            return null;
        }

        var confirmed = Interlocked.Read(ref _confirmedTicks);
        if (confirmed > cached.ReadAt.UtcTicks && confirmed <= now.UtcTicks && now.UtcTicks - confirmed < 3 * Infrastructure.ChangeNotifications.Heartbeat.Ticks)
        {
            return cached with { ReadAt = new DateTimeOffset(confirmed, TimeSpan.Zero) };
        }

        return now - cached.ReadAt < TimeToLive ? cached : null;
    }

    /// <summary>
    /// The notification listener applied every change committed before <paramref name="instant"/>:
    /// what is held was current then (<see cref="Infrastructure.ChangeNotifications"/>).
    /// </summary>
    public void Confirmed(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks;
        long seen;
        while ((seen = Interlocked.Read(ref _confirmedTicks)) < ticks && Interlocked.CompareExchange(ref _confirmedTicks, ticks, seen) != seen)
        {
        }
    }

    /// <summary>Another instance changed the file: its entry goes, and whatever is derived from all certificates.</summary>
    public void Forget(Guid fileId)
    {
        _floors?.Noted(fileId);
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(fileId, out _);
    }

    /// <summary>Changes may have been missed (the notification connection dropped): nothing held is trusted.</summary>
    public void Clear()
    {
        Interlocked.Exchange(ref _confirmedTicks, long.MinValue);
        _floors?.NotedAll();
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>
    /// Keeps a state read when <see cref="Generation"/> stood at <paramref name="generation"/>, unless a
    /// change came since: a read that began before a change and ends after it must not outlive it here.
    /// (Changes move the generation before they drop entries; a read checks it again after keeping one.)
    /// </summary>
    public void Remember(Guid fileId, CertificateSnapshot snapshot, long generation)
    {
        if (TimeToLive > TimeSpan.Zero && Generation == generation)
        {
            _entries[fileId] = snapshot;
            if (Generation != generation)
            {
                _entries.TryRemove(KeyValuePair.Create(fileId, snapshot));
            }
        }
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var streams = commit.GetStreams().ToList();
        if (_floors is not null)
        {
            foreach (var stream in streams.Where(s => s.Events.Any(e => e.Data is Certification.IFileEvent)))
            {
                _floors.Noted(stream.Id);
            }
        }

        if (streams.Count > 0 || commit.Inserted.Concat(commit.Updated).Any(d => d is Signing.SigningKey))
        {
            Interlocked.Increment(ref _generation);
        }

        foreach (var stream in streams)
        {
            _entries.TryRemove(stream.Id, out _);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Finds a label and the public certificate it belongs to: verification is the hottest read of the
/// system. Where a label was issued never changes: it is answered from the <see cref="LabelIndex"/>,
/// and a code the index does not hold is one indexed read through a multiplexed connection (then
/// held). The certificate's state comes from the
/// <see cref="CertificateCache"/>, and every answer carries the instant that state was read.
/// With a standby (ConnectionStrings:OvopReplica) both are read there first: a label it does not hold
/// yet (a batch just issued) is looked for on the primary, and a certificate's state is believed only
/// if the standby replayed every change to the file this instance knows of (<see cref="ReplayFloors"/>)
/// and lags no more than Ovop:Verification:StandbyMaxLagSeconds (5 s); otherwise the primary answers.
/// </summary>
public sealed class LabelLookup
{
    private readonly VerificationDatabase _database;
    private readonly ISerializer _serializer;
    private readonly TimeProvider _clock;
    private readonly CertificateCache _certificates;
    private readonly OvopMetrics _metrics;
    private readonly LabelIndex _labels;
    private readonly string _labelSql;
    private readonly string _certificateSql;
    private readonly TimeSpan _standbyMaxLag;

    public LabelLookup(VerificationDatabase database, IDocumentStore store, TimeProvider clock, CertificateCache certificates, LabelIndex labels, OvopMetrics metrics, IConfiguration configuration)
    {
        _metrics = metrics;
        _database = database;
        _clock = clock;
        _certificates = certificates;
        _labels = labels;
        _standbyMaxLag = TimeSpan.FromSeconds(configuration.GetValue<double?>("Ovop:Verification:StandbyMaxLagSeconds") ?? 5);
        _serializer = store.Options.Serializer();
        var table = ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(PublicCertificate)).TableName.QualifiedName;
        _labelSql = $"select file_id, lot, issued_at, batch_id from {LabelRegistry.TableName.QualifiedName} where code = $1";
        _certificateSql = $"select data from {table} where id = $1";
    }

    public async Task<(LabelIssue Label, CertificateSnapshot Certificate)?> FindAsync(string canonicalCode, CancellationToken ct)
    {
        var held = _labels.TryGet(canonicalCode, out var known);
        _metrics.CacheLookup("label", hit: held);
        var label = known ?? await ReadLabelAsync(canonicalCode, ct);
        if (label is null)
        {
            return null;
        }

        // Thousands of labels share a certificate: its state is read once for all of them, and
        // again after any change to the file (or after the time to live for another process's).
        var cached = _certificates.Find(label.FileId, _clock.GetUtcNow());
        _metrics.CacheLookup("certificate", hit: cached is not null);
        var certificate = cached ?? await ReadCertificateAsync(label.FileId, ct);
        return certificate is null ? null : (label, certificate);
    }

    private async Task<LabelIssue?> ReadLabelAsync(string canonicalCode, CancellationToken ct)
    {
        var label = (_database.Standby is { } standby ? await ReadLabelAsync(standby, canonicalCode, ct) : null)
            ?? await ReadLabelAsync(_database.Primary, canonicalCode, ct);
        return label;
    }

    private async Task<LabelIssue?> ReadLabelAsync(NpgsqlDataSource database, string canonicalCode, CancellationToken ct)
    {
        await using var command = database.CreateCommand(_labelSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = canonicalCode });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var label = new LabelIssue(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        _labels.Add(reader.GetGuid(3), label, [canonicalCode]);
        return label;
    }

    private async Task<CertificateSnapshot?> ReadCertificateAsync(Guid fileId, CancellationToken ct)
    {
        var generation = _certificates.Generation;
        var snapshot = (_database is { Standby: { } standby, Floors: { } floors } && floors.For(fileId) is { } requirement
                ? await ReadOnStandbyAsync(standby, floors, requirement, fileId, ct)
                : null)
            ?? await ReadOnPrimaryAsync(fileId, ct);
        if (snapshot is not null)
        {
            _certificates.Remember(fileId, snapshot, generation);
        }

        return snapshot;
    }

    private async Task<CertificateSnapshot?> ReadOnPrimaryAsync(Guid fileId, CancellationToken ct)
    {
        var readAt = _clock.GetUtcNow();
        await using var command = _database.Primary.CreateCommand(_certificateSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = fileId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new CertificateSnapshot(await DeserializeAsync(reader, 0, ct), readAt) : null;
    }

    /// <summary>
    /// The state as the standby holds it, or null when the standby may not answer (behind a change
    /// noted for the file, lagging too much, or without the certificate yet). Where the replay stands is
    /// read in a statement of its own before the state's: the state's snapshot, taken after, holds at
    /// least everything replayed by then. The state is as old as the last transaction replayed when
    /// the standby is still replaying what it received; when it has replayed all of it, as old as the read.
    /// </summary>
    private async Task<CertificateSnapshot?> ReadOnStandbyAsync(NpgsqlDataSource standby, ReplayFloors floors, ReplayFloors.Requirement requirement, Guid fileId, CancellationToken ct)
    {
        var readAt = _clock.GetUtcNow();
        await using var batch = standby.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "select pg_is_in_recovery(), pg_last_wal_replay_lsn(), pg_last_wal_receive_lsn(), extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8"));
        var state = new NpgsqlBatchCommand(_certificateSql);
        state.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = fileId });
        batch.BatchCommands.Add(state);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var inRecovery = reader.GetBoolean(0);
        ulong? replayed = reader.IsDBNull(1) ? null : (ulong)reader.GetFieldValue<NpgsqlTypes.NpgsqlLogSequenceNumber>(1);
        ulong? received = reader.IsDBNull(2) ? null : (ulong)reader.GetFieldValue<NpgsqlTypes.NpgsqlLogSequenceNumber>(2);
        double? lagSeconds = reader.IsDBNull(3) ? null : reader.GetDouble(3);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var certificate = await DeserializeAsync(reader, 0, ct);
        if (!inRecovery)
        {
            // No standby could be reached: the connection landed on the primary.
            return new CertificateSnapshot(certificate, readAt);
        }

        if (replayed is not { } replay || replay < requirement.Position)
        {
            return null;
        }

        floors.Passed(fileId, requirement);
        var stillReplaying = received is not { } receive || receive > replay;
        if (!stillReplaying)
        {
            return new CertificateSnapshot(certificate, readAt);
        }

        if (lagSeconds is not { } lag || TimeSpan.FromSeconds(Math.Max(0, lag)) > _standbyMaxLag)
        {
            return null;
        }

        return new CertificateSnapshot(certificate, readAt - TimeSpan.FromSeconds(Math.Max(0, lag)));
    }

    private async Task<PublicCertificate> DeserializeAsync(NpgsqlDataReader reader, int column, CancellationToken ct)
    {
        await using var json = await reader.GetStreamAsync(column, ct);
        return _serializer.FromJson<PublicCertificate>(json);
    }
}

using System.Collections.Concurrent;
using Marten.Services;
using Npgsql;

namespace OvopQuality.Api.Labels.Verifying;

/// <summary>The connections label verification reads through.</summary>
public sealed record VerificationDatabase(NpgsqlDataSource DataSource);

/// <summary>Where and when a label was issued: fixed for ever once the batch is issued.</summary>
public sealed record LabelIssue(Guid FileId, string Lot, DateTimeOffset IssuedAt);

/// <summary>A certificate's public state and the instant it was read from the database.</summary>
public sealed record CertificateSnapshot(PublicCertificate Certificate, DateTimeOffset ReadAt);

/// <summary>
/// The public state of certificates recently verified. A committed change to a file drops its entry
/// at once (this is a Marten listener); another instance's change drops it when its notification
/// arrives (<see cref="Infrastructure.ChangeNotifications"/>, well within a second), and the time to
/// live remains as the backstop.
/// </summary>
public sealed class CertificateCache : DocumentSessionListenerBase
{
    private readonly ConcurrentDictionary<Guid, CertificateSnapshot> _entries = new();

    public CertificateCache(IConfiguration configuration) =>
        TimeToLive = TimeSpan.FromSeconds(configuration.GetValue<double?>("Ovop:Verification:CertificateSeconds") ?? 2);

    public TimeSpan TimeToLive { get; }

    /// <summary>
    /// Counts commits that changed a certification file or a signing key: whatever is derived from
    /// all certificates at once (the status snapshot) is stale once it moves.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    private long _generation;

    public CertificateSnapshot? Find(Guid fileId, DateTimeOffset now) =>
        _entries.TryGetValue(fileId, out var cached) && now >= cached.ReadAt && now - cached.ReadAt < TimeToLive ? cached : null;

    /// <summary>Another instance changed the file: its entry goes, and whatever is derived from all certificates.</summary>
    public void Forget(Guid fileId)
    {
        _entries.TryRemove(fileId, out _);
        Interlocked.Increment(ref _generation);
    }

    /// <summary>Changes may have been missed (the notification connection dropped): nothing held is trusted.</summary>
    public void Clear()
    {
        _entries.Clear();
        Interlocked.Increment(ref _generation);
    }

    public void Remember(Guid fileId, CertificateSnapshot snapshot)
    {
        if (TimeToLive > TimeSpan.Zero)
        {
            _entries[fileId] = snapshot;
        }
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var changed = false;
        foreach (var stream in commit.GetStreams())
        {
            _entries.TryRemove(stream.Id, out _);
            changed = true;
        }

        if (changed || commit.Inserted.Concat(commit.Updated).Any(d => d is Signing.SigningKey))
        {
            Interlocked.Increment(ref _generation);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Finds a label and the public certificate it belongs to: verification is the hottest read of the
/// system. A label's row is one indexed read through a multiplexed connection; where a label was
/// issued never changes, so it is also kept in memory (up to Ovop:Verification:CachedLabels codes,
/// 1,000,000 by default; 0 keeps none). The certificate's state comes from the
/// <see cref="CertificateCache"/>, and every answer carries the instant that state was read.
/// </summary>
public sealed class LabelLookup
{
    private readonly NpgsqlDataSource _database;
    private readonly ISerializer _serializer;
    private readonly TimeProvider _clock;
    private readonly CertificateCache _certificates;
    private readonly OvopMetrics _metrics;
    private readonly TwoGenerations<string, LabelIssue>? _labels;
    private readonly string _labelSql;
    private readonly string _certificateSql;

    public LabelLookup(VerificationDatabase database, IDocumentStore store, TimeProvider clock, CertificateCache certificates, OvopMetrics metrics, IConfiguration configuration)
    {
        _metrics = metrics;
        _database = database.DataSource;
        _clock = clock;
        _certificates = certificates;
        var cached = configuration.GetValue<long?>("Ovop:Verification:CachedLabels") ?? 1_000_000;
        _labels = cached > 0 ? new TwoGenerations<string, LabelIssue>(cached) : null;
        _serializer = store.Options.Serializer();
        var table = ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(PublicCertificate)).TableName.QualifiedName;
        _labelSql = $"select file_id, lot, issued_at from {LabelRegistry.TableName.QualifiedName} where code = $1";
        _certificateSql = $"select data from {table} where id = $1";
    }

    public async Task<(LabelIssue Label, CertificateSnapshot Certificate)?> FindAsync(string canonicalCode, CancellationToken ct)
    {
        var known = default(LabelIssue);
        if (_labels is not null)
        {
            _metrics.CacheLookup("label", hit: _labels.TryGet(canonicalCode, out known));
        }

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
        await using var command = _database.CreateCommand(_labelSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = canonicalCode });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var label = new LabelIssue(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        _labels?.Set(canonicalCode, label);
        return label;
    }

    private async Task<CertificateSnapshot?> ReadCertificateAsync(Guid fileId, CancellationToken ct)
    {
        var readAt = _clock.GetUtcNow();
        await using var command = _database.CreateCommand(_certificateSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = fileId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var snapshot = new CertificateSnapshot(await DeserializeAsync(reader, 0, ct), readAt);
        _certificates.Remember(fileId, snapshot);
        return snapshot;
    }

    private async Task<PublicCertificate> DeserializeAsync(NpgsqlDataReader reader, int column, CancellationToken ct)
    {
        await using var json = await reader.GetStreamAsync(column, ct);
        return _serializer.FromJson<PublicCertificate>(json);
    }
}

/// <summary>
/// A bounded map without a cache's bookkeeping: entries go into the newer of two generations; when
/// it holds half the capacity, the older is dropped and the newer becomes the older. A hit in the
/// older generation moves the entry forward. No per-entry expiry, no compaction pass over the whole
/// map (which, with a million entries, stole whole cores from the requests).
/// </summary>
public sealed class TwoGenerations<TKey, TValue>(long capacity) where TKey : notnull
{
    private readonly long _half = Math.Max(1, capacity / 2);
    private readonly Lock _turn = new();
    private ConcurrentDictionary<TKey, TValue> _newer = new();
    private ConcurrentDictionary<TKey, TValue> _older = new();
    private long _added;

    public bool TryGet(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        if (_newer.TryGetValue(key, out value))
        {
            return true;
        }

        if (_older.TryGetValue(key, out value))
        {
            Set(key, value);
            return true;
        }

        return false;
    }

    public void Set(TKey key, TValue value)
    {
        var newer = _newer;
        if (newer.TryAdd(key, value) && Interlocked.Increment(ref _added) >= _half)
        {
            lock (_turn)
            {
                if (ReferenceEquals(newer, _newer))
                {
                    _older = _newer;
                    _newer = new ConcurrentDictionary<TKey, TValue>();
                    Interlocked.Exchange(ref _added, 0);
                }
            }
        }
    }

    /// <summary>How many entries are held, at most twice half the capacity.</summary>
    public long Count => _newer.Count + _older.Count;
}

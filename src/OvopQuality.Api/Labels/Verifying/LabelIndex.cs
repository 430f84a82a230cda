using System.Collections.Concurrent;
using Marten.Services;
using Npgsql;
using OvopQuality.Api.Certification.Labelling;

namespace OvopQuality.Api.Labels.Verifying;

/// <summary>
/// Where every label was issued, held in memory compactly: a code's 80 random bits (its 16 characters
/// before the check character) map to the batch it was issued in, and each batch's file, lot and
/// instant are held once. About 60 bytes a label (measured by the bench: see the README), so a
/// million labels cost some 60 MB. Up to Ovop:Verification:LabelsInMemory labels (10,000,000 by
/// default; 0 keeps none); beyond that, labels not held are read from the database on each look-up.
/// <para>
/// What it holds never goes stale: a label, once issued, is never changed or removed. It may only be
/// incomplete, so a code it does not hold is looked for in the database (and kept when found). It
/// fills from three sides: every batch issued through this instance at commit (this is a Marten
/// listener); a batch issued through another instance when its notification arrives
/// (<see cref="Infrastructure.ChangeNotifications"/>, "labels:&lt;batch&gt;", read by the batch's index); and
/// every label in the database, read in the background once the service has started
/// (Ovop:Verification:PreloadLabels, true by default), in pages by code so the read never holds much.
/// </para>
/// </summary>
public sealed class LabelIndex : DocumentSessionListenerBase
{
    private readonly ConcurrentDictionary<UInt128, int> _codes;
    private readonly ConcurrentDictionary<Guid, int> _batchIds = new();
    private readonly Lock _adding = new();
    private volatile LabelIssue[] _batches = new LabelIssue[64];
    private int _batchCount;

    // Kept apart from the dictionary's own Count, which takes every one of its locks: it is asked once
    // for each code added, a million times for a million-label batch.
    private long _held;

    public LabelIndex(IConfiguration configuration)
    {
        Capacity = configuration.GetValue<long?>("Ovop:Verification:LabelsInMemory") ?? 10_000_000;
        Preload = configuration.GetValue<bool?>("Ovop:Verification:PreloadLabels") ?? true;
        _codes = new ConcurrentDictionary<UInt128, int>(Environment.ProcessorCount, 1024);
    }

    /// <summary>The most labels held.</summary>
    public long Capacity { get; }

    /// <summary>Whether every label in the database is read into memory after start.</summary>
    public bool Preload { get; }

    /// <summary>How many labels are held.</summary>
    public long Count => Interlocked.Read(ref _held);

    /// <summary>Whether the background read of every label finished (until then, misses are more common).</summary>
    public bool Loaded { get; private set; }

    public bool TryGet(string canonicalCode, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LabelIssue? issue)
    {
        issue = null;
        if (!TryKey(canonicalCode, out var key) || !_codes.TryGetValue(key, out var batch))
        {
            return false;
        }

        issue = _batches[batch];
        return true;
    }

    /// <summary>Keeps labels of one batch (all from one batch: file, lot and instant are held once).</summary>
    public void Add(Guid batchId, LabelIssue issue, IEnumerable<string> codes)
    {
        if (Capacity <= 0)
        {
            return;
        }

        var batch = BatchIndex(batchId, issue);
        foreach (var code in codes)
        {
            if (Count >= Capacity)
            {
                return;
            }

            if (TryKey(code, out var key))
            {
                Hold(key, batch);
            }
        }
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var stream in commit.GetStreams())
        {
            foreach (var e in stream.Events)
            {
                if (e.Data is Certification.LabelsIssued issued)
                {
                    // A large batch is taken in off the command's path (its labels are read from the
                    // database until then); a small one at once.
                    var issue = new LabelIssue(issued.FileId, issued.Lot, issued.IssuedAt);
                    if (issued.Codes.Count > 10_000)
                    {
                        _ = Task.Run(() => Add(issued.BatchId, issue, issued.Codes), CancellationToken.None);
                    }
                    else
                    {
                        Add(issued.BatchId, issue, issued.Codes);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Reads one batch from the database: another instance issued it.</summary>
    public async Task LearnBatchAsync(NpgsqlDataSource database, Guid batchId, CancellationToken ct)
    {
        if (Capacity <= 0 || Count >= Capacity)
        {
            return;
        }

        await using var command = database.CreateCommand($"select code, file_id, lot, issued_at from {LabelRegistry.TableName.QualifiedName} where batch_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = batchId });
        await ReadAsync(command, _ => batchId, ct);
    }

    /// <summary>Reads every label in the database, a page at a time in the order of codes.</summary>
    public async Task LoadAllAsync(NpgsqlDataSource database, int page, CancellationToken ct)
    {
        var after = "";
        while (!ct.IsCancellationRequested && Count < Capacity)
        {
            await using var command = database.CreateCommand(
                $"select code, file_id, lot, issued_at, batch_id from {LabelRegistry.TableName.QualifiedName} where code > $1 order by code limit $2");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = page });
            var (read, last) = await ReadAsync(command, reader => reader.GetGuid(4), ct);
            if (read < page || last is null)
            {
                Loaded = true;
                return;
            }

            after = last;
        }
    }

    private async Task<(int Read, string? Last)> ReadAsync(NpgsqlCommand command, Func<NpgsqlDataReader, Guid> batchOf, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var read = 0;
        string? last = null;
        var previous = (Batch: Guid.Empty, Index: -1);
        while (await reader.ReadAsync(ct))
        {
            read++;
            last = reader.GetString(0);
            var batchId = batchOf(reader);
            if (batchId != previous.Batch)
            {
                previous = (batchId, BatchIndex(batchId, new LabelIssue(reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))));
            }

            if (Count < Capacity && TryKey(last, out var key))
            {
                Hold(key, previous.Index);
            }
        }

        return (read, last);
    }

    private void Hold(UInt128 key, int batch)
    {
        if (_codes.TryAdd(key, batch))
        {
            Interlocked.Increment(ref _held);
        }
    }

    private int BatchIndex(Guid batchId, LabelIssue issue)
    {
        if (_batchIds.TryGetValue(batchId, out var known))
        {
            return known;
        }

        lock (_adding)
        {
            if (_batchIds.TryGetValue(batchId, out known))
            {
                return known;
            }

            var batches = _batches;
            if (_batchCount == batches.Length)
            {
                var larger = new LabelIssue[batches.Length * 2];
                Array.Copy(batches, larger, batches.Length);
                batches = larger;
            }

            // The batch is in the array before any code points to it, and the array is published
            // before the index: a reader never follows an index past the array it sees.
            batches[_batchCount] = issue;
            _batches = batches;
            _batchIds[batchId] = _batchCount;
            return _batchCount++;
        }
    }

    /// <summary>A canonical code's 80 random bits (5 bits a character); false for anything that is not a code.</summary>
    public static bool TryKey(string canonicalCode, out UInt128 key)
    {
        key = 0;
        if (canonicalCode.Length != LabelCode.Length)
        {
            return false;
        }

        for (var i = 0; i < LabelCode.RandomLength; i++)
        {
            var value = LabelCode.Alphabet.IndexOf(canonicalCode[i], StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            key = (key << 5) | (uint)value;
        }

        return true;
    }
}

/// <summary>
/// Reads every label into the <see cref="LabelIndex"/> once the service has started, a few seconds
/// after its first requests could be answered (so a start is not slowed by it), when
/// Ovop:Verification:PreloadLabels allows.
/// </summary>
public sealed class LabelPreload(LabelIndex labels, VerificationDatabase database, IHostApplicationLifetime lifetime, ILogger<LabelPreload> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!labels.Preload || labels.Capacity <= 0)
        {
            return;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).ContinueWith(_ => { }, TaskScheduler.Default);
            await Task.Delay(TimeSpan.FromSeconds(3), stoppingToken);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await labels.LoadAllAsync(database.Primary, 50_000, stoppingToken);
            logger.LogInformation("Read {Count} labels into memory in {Seconds:F1} s", labels.Count, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Labels not held are read from the database when asked for: nothing is wrong, only slower.
            logger.LogWarning(e, "Could not read every label into memory; those not held are read from the database when asked for");
        }
    }
}

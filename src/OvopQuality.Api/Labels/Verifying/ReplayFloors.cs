using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace OvopQuality.Api.Labels.Verifying;

/// <summary>
/// How far a standby must have replayed the primary's write-ahead log before label verification may
/// answer a certificate's state from it. When a file changes (committed here, or announced by another
/// instance), the primary's WAL insert position at that moment is noted for the file: it lies past the
/// change's commit record, so a standby that replayed it holds the change. Until the position is known
/// the file is read on the primary. Once a standby read passed a file's note, the note becomes the floor
/// every later standby read must reach (several standbys may replay at different paces: none used after
/// that may be behind it), and the note goes. Losing the change notifications notes every file at once.
/// Only built when a standby is configured (ConnectionStrings:OvopReplica).
/// </summary>
public sealed class ReplayFloors(NpgsqlDataSource primary) : BackgroundService
{
    /// <summary>A position noted at a change; <see cref="Unknown"/> until the primary answered.</summary>
    public sealed record Note(ulong Position, long Mark);

    /// <summary>What a standby read must have replayed, and the file's own note, dropped once passed.</summary>
    public readonly record struct Requirement(ulong Position, Note? FileNote);

    private const ulong Unknown = ulong.MaxValue;

    private static readonly Note Nothing = new(0, 0);

    private readonly ConcurrentDictionary<Guid, Note> _files = new();
    private readonly Channel<bool> _noted = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Note _all = Nothing;
    private ulong _floor;
    private long _marks;

    /// <summary>The file changed (its commit is done): its reads go to the primary until a standby has replayed past now.</summary>
    public void Noted(Guid fileId)
    {
        _files[fileId] = new Note(Unknown, Interlocked.Increment(ref _marks));
        _noted.Writer.TryWrite(true);
    }

    /// <summary>Any file may have changed: every read goes to the primary until a standby has replayed past now.</summary>
    public void NotedAll()
    {
        Volatile.Write(ref _all, new Note(Unknown, Interlocked.Increment(ref _marks)));
        _noted.Writer.TryWrite(true);
    }

    /// <summary>What a standby must have replayed to answer the file; null while the primary's position is being read.</summary>
    public Requirement? For(Guid fileId)
    {
        if (Volatile.Read(ref _all).Position == Unknown)
        {
            return null;
        }

        var floor = Volatile.Read(ref _floor);
        if (!_files.TryGetValue(fileId, out var note))
        {
            return new Requirement(floor, null);
        }

        return note.Position == Unknown ? null : new Requirement(Math.Max(floor, note.Position), note);
    }

    /// <summary>A standby read of the file passed its requirement.</summary>
    public void Passed(Guid fileId, Requirement requirement)
    {
        if (requirement.FileNote is { } note)
        {
            RaiseFloor(note.Position);
            _files.TryRemove(KeyValuePair.Create(fileId, note));
        }
    }

    /// <summary>Files noted (all of them, after a lost notification) and not yet passed.</summary>
    public int Count => _files.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _noted.Reader.WaitToReadAsync(stoppingToken))
            {
                _noted.Reader.TryRead(out _);
                // Every note marked so far was placed after its change committed, and so before the
                // position below is read: that position covers them all.
                var marked = Interlocked.Read(ref _marks);
                ulong position;
                try
                {
                    await using var command = primary.CreateCommand("select pg_current_wal_insert_lsn()");
                    position = (ulong)(NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(stoppingToken))!;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    // The notes stay unknown (their files are read on the primary); try again shortly.
                    _noted.Writer.TryWrite(true);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
                    continue;
                }

                Resolve(marked, position);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Resolve(long marked, ulong position)
    {
        foreach (var (fileId, note) in _files)
        {
            if (note.Position == Unknown && note.Mark <= marked)
            {
                _files.TryUpdate(fileId, note with { Position = position }, note);
            }
        }

        var all = Volatile.Read(ref _all);
        if (all.Position == Unknown && all.Mark <= marked)
        {
            RaiseFloor(position);
            Interlocked.CompareExchange(ref _all, Nothing, all);
        }

        // Notes the floor already covers say nothing more (and a commit notes streams that are not
        // certification files, which no read ever passes).
        var floor = Volatile.Read(ref _floor);
        foreach (var entry in _files)
        {
            if (entry.Value.Position <= floor)
            {
                _files.TryRemove(entry);
            }
        }
    }

    private void RaiseFloor(ulong position)
    {
        var floor = Volatile.Read(ref _floor);
        while (position > floor)
        {
            var seen = Interlocked.CompareExchange(ref _floor, position, floor);
            if (seen == floor)
            {
                return;
            }

            floor = seen;
        }
    }
}

using System.Collections.Concurrent;
using System.Text;
using Marten.Services;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Page;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.PublicDirectory;

/// <summary>
/// A granted certificate as the directory filters it. <see cref="Schedule"/> is the certificate's
/// standing over time as <see cref="CertificateStanding.At"/> gives it with <c>knownAt</c> = the
/// instant itself: the standing changes only when one of its facts takes effect or is recorded, at
/// the start of its validity and when it expires, so it is folded once at those instants and looked
/// up by the clock at query time (an expiry needs no new fact, and is still seen on its day).
/// </summary>
public sealed record IndexedCertificate(DirectoryFile File, Product? Product, IReadOnlyList<(DateTimeOffset From, LabelStatus Status)> Schedule)
{
    public PublicCertificate Certificate => File.Certificate;

    public string? HsCode => Product?.HsCode;

    public LabelStatus StandingAt(DateTimeOffset now)
    {
        var status = LabelStatus.Unknown;
        foreach (var (from, then) in Schedule)
        {
            if (from > now)
            {
                break;
            }

            status = then;
        }

        return status;
    }

    public static IndexedCertificate Of(DirectoryEntry entry, DirectoryFile file)
    {
        var c = file.Certificate;
        var instants = c.Timeline.SelectMany(f => new[] { f.EffectiveFrom, f.RecordedAt }).ToList();
        if (c.ValidFrom is { } from)
        {
            instants.Add(LifecycleSettings.StartOf(from));
        }

        if (c.ValidUntil is { } until)
        {
            instants.Add(LifecycleSettings.ExpiresAt(until));
        }

        var schedule = new List<(DateTimeOffset, LabelStatus)>();
        foreach (var instant in instants.Distinct().Order())
        {
            var status = CertificateStanding.At(c, instant, instant).Status;
            if (schedule.Count == 0 || schedule[^1].Item2 != status)
            {
                schedule.Add((instant, status));
            }
        }

        return new IndexedCertificate(file, entry.ProductOf(file), schedule);
    }
}

/// <summary>A listed producer with what its searches compare, folded once when it is read.</summary>
public sealed record IndexedProducer(DirectoryEntry Entry, string Names, string SearchText, string District, string SortName, IReadOnlyList<IndexedCertificate> Certificates)
{
    public static IndexedProducer Of(DirectoryEntry entry)
    {
        var certificates = entry.Certified().Select(f => IndexedCertificate.Of(entry, f)).ToList();
        var names = string.Join('\n', Fold(entry.Name.Tg), Fold(entry.Name.Ru), Fold(entry.Name.En));
        var text = new StringBuilder(names).Append('\n');
        foreach (var part in new[] { entry.Number, entry.Address.District, entry.Address.Village, entry.Address.Region.ToString() }
                     .Concat(certificates.SelectMany(c => new[]
                     {
                         c.Certificate.ProductName.Tg, c.Certificate.ProductName.Ru, c.Certificate.ProductName.En, c.HsCode ?? "",
                         c.Certificate.CertificateNumber ?? "", c.Certificate.StandardCode,
                     })))
        {
            text.Append(Fold(part)).Append('\n');
        }

        return new IndexedProducer(entry, names, text.ToString(), Fold(entry.Address.District).Trim(), Fold(entry.Name.En), certificates);
    }

    /// <summary>
    /// Text as searches compare it: Cyrillic (Tajik or Russian) in Latin letters, lower case, so that
    /// "zardolu", "Зардолу" and "ЗАРДОЛУ" are one word, and a district stored as "Исфара" is found as "Isfara".
    /// </summary>
    public static string Fold(string text) => Transliteration.ToLatin(text.Normalize(NormalizationForm.FormC)).ToLowerInvariant();
}

/// <summary>
/// The directory's listed producers, held in memory so that a search with any filters is a scan of
/// a few thousand small records (well under a millisecond each thousand), not a query the database
/// must plan over JSON. The entries themselves are the <see cref="DirectoryEntryProjection"/>'s
/// documents, read again from the database whenever they may have changed:
/// <list type="bullet">
/// <item>a commit on this instance notes the streams it changed (this is a Marten listener), and the
/// next search reads those producers' entries again before it answers, so a change is searchable here
/// as soon as its command answered;</item>
/// <item>another instance's commit is noted when its change notification arrives
/// (<see cref="Infrastructure.ChangeNotifications"/>: <c>producer:{id}</c> or <c>file:{id}</c>, sent
/// in the committing transaction, well within a second); a lost notification connection reads
/// everything again;</item>
/// <item>what no command announces (a <c>projections rebuild</c>, a restore) is picked up by reading
/// everything again every Ovop:Directory:ReloadSeconds (120 s).</item>
/// </list>
/// </summary>
public sealed class DirectoryIndex(TimeSpan reloadEvery) : DocumentSessionListenerBase, IDisposable
{
    private sealed record Listing(IReadOnlyDictionary<Guid, IndexedProducer> ById, IReadOnlyDictionary<string, IndexedProducer> ByNumber, IReadOnlyList<IndexedProducer> All, long ReadAt)
    {
        public static Listing Of(IEnumerable<IndexedProducer> producers, long readAt)
        {
            var byId = producers.ToDictionary(p => p.Entry.Id);
            return new Listing(byId, byId.Values.ToDictionary(p => p.Entry.Number, StringComparer.Ordinal), [.. byId.Values.OrderBy(p => p.SortName, StringComparer.Ordinal)], readAt);
        }
    }

    private readonly ConcurrentDictionary<Guid, byte> _changedStreams = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private Listing? _listing;
    private int _readAll = 1;

    /// <summary>Every listed producer, in the order of their English names, current as of the last commit this instance heard of.</summary>
    public async Task<IReadOnlyList<IndexedProducer>> AllAsync(IQuerySession session, CancellationToken ct) => (await CurrentAsync(session, ct)).All;

    public async Task<IndexedProducer?> FindAsync(string producerNumber, IQuerySession session, CancellationToken ct) =>
        (await CurrentAsync(session, ct)).ByNumber.GetValueOrDefault(producerNumber);

    /// <summary>A producer's stream or a file's stream changed (here or on another instance): read its entry again before the next answer.</summary>
    public void Changed(Guid streamId) => _changedStreams[streamId] = 0;

    /// <summary>What changed is not known (notifications were lost): read everything again before the next answer.</summary>
    public void ReadAllAgain() => Interlocked.Exchange(ref _readAll, 1);

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var stream in commit.GetStreams())
        {
            Changed(stream.Id);
        }

        return Task.CompletedTask;
    }

    private async Task<Listing> CurrentAsync(IQuerySession session, CancellationToken ct)
    {
        if (Volatile.Read(ref _listing) is { } held && _changedStreams.IsEmpty && Volatile.Read(ref _readAll) == 0 && !IsDue(held))
        {
            return held;
        }

        await _reading.WaitAsync(ct);
        try
        {
            var listing = _listing;
            if (listing is null || Interlocked.Exchange(ref _readAll, 0) == 1 || IsDue(listing))
            {
                // Noted changes are covered by this read, which starts after they committed.
                _changedStreams.Clear();
                var readAt = Environment.TickCount64;
                var entries = await session.Query<DirectoryEntry>().Where(e => e.Listed).ToListAsync(ct);
                listing = Listing.Of(entries.Select(IndexedProducer.Of), readAt);
            }
            else if (!_changedStreams.IsEmpty)
            {
                var streams = _changedStreams.Keys.ToArray();
                foreach (var stream in streams)
                {
                    _changedStreams.TryRemove(stream, out _);
                }

                // A file's stream is found by its certificate's producer; a producer's is the entry's own id.
                var numbers = (await session.LoadManyAsync<PublicCertificate>(ct, streams)).Select(c => c.ProducerNumber).Distinct().ToArray();
                var entries = await session.Query<DirectoryEntry>().Where(e => e.Id.IsOneOf(streams) || e.Number.IsOneOf(numbers)).ToListAsync(ct);
                var byId = listing.ById.ToDictionary();
                foreach (var entry in entries)
                {
                    if (entry.Listed)
                    {
                        byId[entry.Id] = IndexedProducer.Of(entry);
                    }
                    else
                    {
                        byId.Remove(entry.Id);
                    }
                }

                listing = Listing.Of(byId.Values, listing.ReadAt);
            }

            Volatile.Write(ref _listing, listing);
            return listing;
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private bool IsDue(Listing listing) => Environment.TickCount64 - listing.ReadAt >= reloadEvery.TotalMilliseconds;
}

/// <summary>Reads the directory once at start, so that the first search does not wait for it.</summary>
public sealed class DirectoryPreload(DirectoryIndex index, IDocumentStore store, ILogger<DirectoryPreload> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var session = store.QuerySession();
            await index.AllAsync(session, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read the public directory at start; the first search will");
        }
    }
}

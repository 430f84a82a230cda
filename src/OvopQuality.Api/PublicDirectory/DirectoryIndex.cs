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
/// A granted certificate as the directory filters it. Its standing over time is folded once, as
/// <see cref="CertificateStanding.At"/> gives it with <c>knownAt</c> = the instant itself: it
/// changes only when one of its facts takes effect or is recorded, at the start of its validity and
/// when it expires, so a search looks the standing up by the clock (an expiry needs no new fact,
/// and is seen on its day) instead of folding a hundred thousand timelines.
/// </summary>
public sealed class IndexedCertificate
{
    private readonly long[] _changesAt;
    private readonly LabelStatus[] _standings;

    private IndexedCertificate(DirectoryFile file, Product? product, long[] changesAt, LabelStatus[] standings)
    {
        File = file;
        HsCode = product?.HsCode;
        Stars = file.Certificate.Stars ?? 0;
        _changesAt = changesAt;
        _standings = standings;
    }

    public DirectoryFile File { get; }

    public PublicCertificate Certificate => File.Certificate;

    public string? HsCode { get; }

    public int Stars { get; }

    /// <summary>The standing at <paramref name="ticks"/> (UTC), and the span around it in which it holds: from its last change at or before, until its next change after.</summary>
    public LabelStatus StandingAt(long ticks, out long since, out long until)
    {
        var status = LabelStatus.Unknown;
        since = long.MinValue;
        until = long.MaxValue;
        for (var i = 0; i < _changesAt.Length; i++)
        {
            if (_changesAt[i] > ticks)
            {
                until = _changesAt[i];
                break;
            }

            status = _standings[i];
            since = _changesAt[i];
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

        var changesAt = new List<long>();
        var standings = new List<LabelStatus>();
        foreach (var instant in instants.Select(i => i.ToUniversalTime()).Distinct().Order())
        {
            var status = CertificateStanding.At(c, instant, instant).Status;
            if (standings.Count == 0 || standings[^1] != status)
            {
                changesAt.Add(instant.UtcTicks);
                standings.Add(status);
            }
        }

        return new IndexedCertificate(file, entry.ProductOf(file), [.. changesAt], [.. standings]);
    }
}

/// <summary>
/// The standings of a producer's certificates at one instant, and the span in which they all hold
/// (from the latest change at or before it until the earliest change after it), with the set of
/// standings among them as bits (<c>1 &lt;&lt; (int)status</c>).
/// </summary>
public sealed record CertificateStandings(long Since, long Until, LabelStatus[] Each, int Present)
{
    public bool Holds(long ticks) => Since <= ticks && ticks < Until;
}

/// <summary>What the certificate filters compare of one certificate, in one array per producer: a search reads a hundred thousand of them, so they lie side by side in memory rather than each behind its own object.</summary>
public readonly record struct CertificateFacts(ProductCategory Category, int Stars, DateOnly ValidUntil, string StandardCode, string? HsCode);

/// <summary>A listed producer with what its searches compare, folded once when it is read.</summary>
public sealed record IndexedProducer(DirectoryEntry Entry, string Names, string SearchText, string District, string SortName, IReadOnlyList<IndexedCertificate> Certificates)
{
    private CertificateStandings? _standings;

    /// <summary>Each certificate's filtered facts, in the order of <see cref="Certificates"/>.</summary>
    public CertificateFacts[] Facts { get; } =
        [.. Certificates.Select(c => new CertificateFacts(c.Certificate.ProductCategory, c.Stars, c.Certificate.ValidUntil ?? DateOnly.MinValue, c.Certificate.StandardCode, c.HsCode))];

    public int MostStars { get; } = Certificates.Count == 0 ? 0 : Certificates.Max(c => c.Stars);

    public DateOnly LatestValidUntil { get; } = Certificates.Count == 0 ? DateOnly.MinValue : Certificates.Max(c => c.Certificate.ValidUntil ?? DateOnly.MinValue);

    /// <summary>The product categories among the certificates, as bits (<c>1 &lt;&lt; (int)category</c>): a search for another category passes this producer by without reading its certificates.</summary>
    public long Categories { get; } = Certificates.Aggregate(0L, (bits, c) => bits | (1L << (int)c.Certificate.ProductCategory));

    /// <summary>The standards among the certificates (their codes, distinct).</summary>
    public IReadOnlyList<string> Standards { get; } = [.. Certificates.Select(c => c.Certificate.StandardCode).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// How the certificates stand at <paramref name="now"/>: kept from the last search while no
    /// certificate's standing changed since (an expiry or a back-dated fact's day passing makes the
    /// next search work them out again), so that a search by standing reads one small array per
    /// producer, not every certificate's timeline. The entry itself never changes: a new fact makes a
    /// new <see cref="IndexedProducer"/>.
    /// </summary>
    public CertificateStandings StandingsAt(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        if (Volatile.Read(ref _standings) is { } held && held.Holds(ticks))
        {
            return held;
        }

        var (since, until, present) = (long.MinValue, long.MaxValue, 0);
        var each = new LabelStatus[Certificates.Count];
        for (var i = 0; i < each.Length; i++)
        {
            each[i] = Certificates[i].StandingAt(ticks, out var from, out var to);
            (since, until, present) = (Math.Max(since, from), Math.Min(until, to), present | (1 << (int)each[i]));
        }

        var standings = new CertificateStandings(since, until, each, present);
        Volatile.Write(ref _standings, standings);
        return standings;
    }

    public static IndexedProducer Of(DirectoryEntry entry)
    {
        var certificates = entry.Certified().Select(f => IndexedCertificate.Of(entry, f)).ToList();
        var names = string.Join('\n', Fold(entry.Name.Tg), Fold(entry.Name.Ru), Fold(entry.Name.En));
        var text = new StringBuilder(names).Append('\n');
        // Each text once: a producer's certificates mostly repeat one product's names, and a word
        // search reads every producer's text, so its length is what a search costs.
        var parts = new[] { entry.Number, entry.Address.District, entry.Address.Village, entry.Address.Region.ToString(), Cities.Of(entry.Address.District, entry.Address.Village) ?? "" }
            .Concat(certificates.SelectMany(c => new[]
            {
                c.Certificate.ProductName.Tg, c.Certificate.ProductName.Ru, c.Certificate.ProductName.En, c.HsCode ?? "",
                c.Certificate.CertificateNumber ?? "", c.Certificate.StandardCode,
            }))
            .Select(Fold).Where(part => part.Length > 0).Distinct(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            text.Append(part).Append('\n');
        }

        return new IndexedProducer(entry, names, text.ToString(), DistrictKey(entry.Address.District), Fold(entry.Name.En), certificates);
    }

    /// <summary>
    /// A district as the <c>district</c> filter compares it, so that a buyer abroad finds it in the
    /// spelling they know: a programme city by its one name in any spelling (<see cref="Cities"/>:
    /// "Хоруғ", "Хорог" and "Khorugh" are Khorog); any other name in Latin letters with the sounds
    /// Tajik and Russian spell differently made one ("Ғафуров" and "Гафуров" are "gafurov",
    /// "Хуҷанд" and "Худжанд" "hujand"), without spaces, hyphens or dots.
    /// </summary>
    public static string DistrictKey(string district)
    {
        var latin = Fold(Cities.Named(district) ?? district).Replace("dzh", "j", StringComparison.Ordinal).Replace("gh", "g", StringComparison.Ordinal)
            .Replace("kh", "h", StringComparison.Ordinal).Replace('q', 'k');
        return string.Concat(latin.Where(char.IsLetterOrDigit));
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
/// <item>what no command announces (a <c>projections rebuild</c>, a restore) is found in the background
/// every Ovop:Directory:ReloadSeconds (120 s): when the number of listed entries or the latest time one
/// was written differs from what is held, everything is read again (<see cref="DirectoryRefresh"/>),
/// never on a search's own time.</item>
/// </list>
/// </summary>
public sealed class DirectoryIndex : DocumentSessionListenerBase, IDisposable
{
    private sealed record Listing(IReadOnlyDictionary<Guid, IndexedProducer> ById, IReadOnlyDictionary<string, IndexedProducer> ByNumber, IReadOnlyList<IndexedProducer> All)
    {
        /// <summary>The latest write among the entries held.</summary>
        public DateTimeOffset Latest { get; } = ById.Count == 0 ? DateTimeOffset.MinValue : ById.Values.Max(p => p.Entry.LastModified);

        public static Listing Of(IEnumerable<IndexedProducer> producers)
        {
            var byId = producers.ToDictionary(p => p.Entry.Id);
            IndexedProducer[] inOrder = [.. byId.Values.OrderBy(p => p.SortName, StringComparer.Ordinal).ThenBy(p => p.Entry.Number, StringComparer.Ordinal)];
            return new Listing(byId, byId.Values.ToDictionary(p => p.Entry.Number, StringComparer.Ordinal), inOrder);
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
        if (Volatile.Read(ref _listing) is { } held && _changedStreams.IsEmpty && Volatile.Read(ref _readAll) == 0)
        {
            return held;
        }

        await _reading.WaitAsync(ct);
        try
        {
            var listing = _listing;
            if (listing is null || Interlocked.Exchange(ref _readAll, 0) == 1)
            {
                listing = await ReadAllAsync(session, ct);
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

                listing = Listing.Of(byId.Values);
            }

            Volatile.Write(ref _listing, listing);
            return listing;
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <summary>
    /// Reads everything again if the database holds entries this instance did not hear of: another
    /// number of listed entries, or a later write than the latest held.
    /// </summary>
    public async Task CheckAsync(IQuerySession session, CancellationToken ct)
    {
        var listing = await CurrentAsync(session, ct);
        var count = await session.Query<DirectoryEntry>().Where(e => e.Listed).CountAsync(ct);
        var latest = count == 0 ? DateTimeOffset.MinValue : await session.Query<DirectoryEntry>().Where(e => e.Listed).MaxAsync(e => e.LastModified, ct);
        if (count == listing.ById.Count && latest <= listing.Latest)
        {
            return;
        }

        await _reading.WaitAsync(ct);
        try
        {
            Volatile.Write(ref _listing, await ReadAllAsync(session, ct));
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private async Task<Listing> ReadAllAsync(IQuerySession session, CancellationToken ct)
    {
        // Noted changes are covered by this read, which starts after they committed.
        _changedStreams.Clear();
        var entries = await session.Query<DirectoryEntry>().Where(e => e.Listed).ToListAsync(ct);
        return Listing.Of(entries.AsParallel().Select(IndexedProducer.Of));
    }
}

/// <summary>
/// Reads the directory at start, so that the first search does not wait for it, then checks every
/// Ovop:Directory:ReloadSeconds (120 s) that nothing unannounced changed it (<see cref="DirectoryIndex.CheckAsync"/>).
/// </summary>
public sealed class DirectoryRefresh(DirectoryIndex index, IDocumentStore store, IConfiguration configuration, ILogger<DirectoryRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(configuration.GetValue<double?>("Ovop:Directory:ReloadSeconds") ?? 120);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var session = store.QuerySession();
                await index.CheckAsync(session, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not check the public directory against the database; searches read what they need, and the check runs again");
            }

            await Task.Delay(every, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }
}

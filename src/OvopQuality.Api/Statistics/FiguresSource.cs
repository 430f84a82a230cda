using Npgsql;
using OvopQuality.Api.Complaints;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Statistics;

/// <summary>A producer's place and when it joined, as the figures read it (the address as it stands now).</summary>
public sealed record ProducerLocation(string Number, Region Region, string District, string Village, DateTimeOffset RegisteredAt);

/// <summary>A granted certificate and how it stood at the instant asked for, as known now.</summary>
public sealed record CertificateAt(PublicCertificate Certificate, LabelStatus Standing)
{
    /// <summary>In force or suspended: a certificate that still needs surveillance and can still be renewed.</summary>
    public bool IsLive => Standing is LabelStatus.Valid or LabelStatus.Suspended;
}

/// <summary>
/// What the public and the ministry's figures are computed from, read once per request at one
/// instant. Nothing is kept between requests, so another instance's writes are seen by the next
/// request; the reads are narrow (a few columns of producers and complaints, one aggregated row
/// per file, see <see cref="FileMilestonesReader"/>). Public certificates are read whole, as the
/// other statistics do: their timeline is what says how each stood at the instant.
/// </summary>
public sealed record FiguresSource(
    DateTimeOffset At,
    DateTimeOffset Now,
    IReadOnlyList<ProducerLocation> Producers,
    IReadOnlyList<CertificateAt> Certificates,
    IReadOnlyList<(DateTimeOffset ReceivedAt, DateTimeOffset? ResolvedAt)> Complaints)
{
    /// <summary>The day of the instant in the programme's time zone, the day expiry and overdue are counted from.</summary>
    public DateOnly Day => ProgrammeTime.DayOf(At);

    public IEnumerable<CertificateAt> Valid => Certificates.Where(c => c.Standing == LabelStatus.Valid);

    /// <summary>Producers with at least one certificate in force at the instant.</summary>
    public IReadOnlySet<string> CertifiedProducers => Valid.Select(c => c.Certificate.ProducerNumber).ToHashSet(StringComparer.Ordinal);

    public static async Task<FiguresSource> ReadAsync(IQuerySession session, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        var producers = await session.Query<Producer>()
            .Where(p => p.RegisteredAt <= at)
            .Select(p => new { p.Number, p.Address.Region, p.Address.District, p.Address.Village, p.RegisteredAt })
            .ToListAsync(ct);
        var certificates = await session.Query<PublicCertificate>().Where(c => c.CertificateNumber != null).ToListAsync(ct);
        var complaints = await session.Query<Complaint>()
            .Where(c => c.ReceivedAt <= at)
            .Select(c => new { c.ReceivedAt, c.ResolvedAt })
            .ToListAsync(ct);
        return new FiguresSource(
            at,
            now,
            [.. producers.Select(p => new ProducerLocation(p.Number, p.Region, p.District, p.Village, p.RegisteredAt))],
            [.. certificates
                .Select(c => new CertificateAt(c, CertificateStanding.At(c, at, now).Status))
                .Where(c => c.Standing != LabelStatus.Unknown)],
            [.. complaints.Select(c => (c.ReceivedAt, c.ResolvedAt <= at ? c.ResolvedAt : null))]);
    }

    /// <summary>
    /// The instant asked for (<c>?at=</c>: an instant or a day, its close in Asia/Dushanbe), or now;
    /// read as every as-of read is (<see cref="AsOf"/>: the years 2000 to 2999, as the series' months).
    /// </summary>
    public static (DateTimeOffset? At, ProblemDetails Problem) ParseAt(string? at, DateTimeOffset now)
    {
        var (asOf, invalid) = AsOf.Parse(at, null, now);
        return (asOf?.At, invalid);
    }

    /// <summary>Labels issued per month, one pass over the label registry, as the ministry's series counts them.</summary>
    public static async Task<long[]> LabelsIssuedAsync(NpgsqlDataSource database, IReadOnlyList<Period> months, DateTimeOffset at, CancellationToken ct)
    {
        var bounds = months.Select(p => p.Start).Append(months[^1].Next).ToArray();
        await using var command = database.CreateCommand(
            $"select width_bucket(issued_at, $1), count(*) from {LabelRegistry.TableName.QualifiedName} where issued_at >= $2 and issued_at <= $3 group by 1");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = bounds });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = bounds[0] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at < bounds[^1] ? at : bounds[^1] });
        var counts = new long[months.Count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var bucket = reader.GetInt32(0) - 1;
            if (bucket >= 0 && bucket < counts.Length)
            {
                counts[bucket] = reader.GetInt64(1);
            }
        }

        return counts;
    }

    /// <summary>The twelve calendar months (Asia/Dushanbe) up to and including the month of the instant.</summary>
    public static IReadOnlyList<Period> TwelveMonthsTo(DateTimeOffset at)
    {
        var day = ProgrammeTime.DayOf(at);
        var last = new DateOnly(day.Year, day.Month, 1);
        return [.. Enumerable.Range(0, 12).Select(i => last.AddMonths(i - 11)).Select(month =>
            new Period(month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), Periods.StartOf(month), Periods.StartOf(month.AddMonths(1))))];
    }
}

/// <summary>
/// Anyone may ask for the public figures, and each answer reads and folds every certificate: at
/// most <see cref="Concurrent"/> anonymous requests of an instance compute them at once, the others
/// wait up to <see cref="Wait"/> and are then told to come back (429, <c>Retry-After</c>), so that a
/// crowd of requests cannot take every connection and core from verification. The gate holds no
/// facts, only this instance's count of computations under way, so other instances need not know it.
/// </summary>
public static class PublicFiguresGate
{
    public const int Concurrent = 2;

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly SemaphoreSlim Slots = new(Concurrent, Concurrent);

    /// <summary>A slot to compute in, to dispose when done; null when none came free in time.</summary>
    public static async Task<IDisposable?> EnterAsync(CancellationToken ct) =>
        await Slots.WaitAsync(Wait, ct) ? new Slot() : null;

    public static ProblemDetails Busy(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return new ProblemDetails
        {
            Type = Problems.TypeBase + "figures-busy",
            Title = "Figures busy",
            Status = StatusCodes.Status429TooManyRequests,
            Detail = "Many people are reading the figures right now: try again in a few seconds.",
        };
    }

    private sealed class Slot : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Slots.Release();
            }
        }
    }
}

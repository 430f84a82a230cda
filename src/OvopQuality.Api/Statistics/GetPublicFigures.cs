using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Statistics;

/// <summary>Days a step of the process took, over the files that made it by the instant: how many, mean, median and 90th percentile.</summary>
public sealed record DurationFigures(int Count, double? MeanDays, double? MedianDays, double? P90Days)
{
    public static DurationFigures Of(IEnumerable<TimeSpan> durations)
    {
        var days = durations.Select(d => d.TotalDays).Order().ToArray();
        return days.Length == 0
            ? new DurationFigures(0, null, null, null)
            : new DurationFigures(days.Length, Round(days.Average()), Round(Percentile(days, 0.5)), Round(Percentile(days, 0.9)));
    }

    /// <summary>Linear interpolation between the closest ranks (the spreadsheet's PERCENTILE.INC), so a median of two is their mean.</summary>
    private static double Percentile(double[] sorted, double p)
    {
        var rank = p * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }

    private static double Round(double days) => Math.Round(days, 1, MidpointRounding.AwayFromZero);
}

/// <summary>One calendar month (Asia/Dushanbe) of the programme: producers with a certificate in force at its end (or at the instant, for the month it falls in), labels issued and complaints received and resolved in it.</summary>
public sealed record MonthFigures(string Month, int CertifiedProducers, long LabelsIssued, int ComplaintsReceived, int ComplaintsResolved);

/// <summary>Complaints received by the instant, and how many of them had been resolved by then.</summary>
public sealed record ComplaintCounts(int Received, int Resolved);

/// <summary>
/// The programme in figures for anyone: counts only, never a name, a number, a finding or a
/// complaint's text. As things stood at <c>AsOf</c>, as known now.
/// </summary>
public sealed record PublicFigures(
    DateTimeOffset AsOf,
    Breakdown CertifiedProducersByRegion,
    Breakdown CertificatesByStanding,
    Breakdown ValidByCategory,
    IReadOnlyDictionary<string, int> ValidByStars,
    ComplaintCounts Complaints,
    DurationFigures ApplicationToDecision,
    IReadOnlyList<MonthFigures> Months);

public static class GetPublicFiguresEndpoint
{
    /// <summary>How a granted certificate can stand at an instant.</summary>
    public static readonly LabelStatus[] Standings = [LabelStatus.Valid, LabelStatus.Suspended, LabelStatus.Withdrawn, LabelStatus.Expired, LabelStatus.Superseded];

    /// <summary>
    /// The programme in figures, for anyone (no sign-in; limited per client like every anonymous
    /// read): producers with a certificate in force, by region; certificates granted, by how they
    /// stand (valid, suspended, withdrawn, expired, superseded); those in force by product category
    /// and by stars; complaints received and resolved; days from application to decision (the first
    /// decision, standard met or refused: count, mean, median, 90th percentile); and the 12 months up
    /// to the instant (producers certified at each month's end, labels issued, complaints received and
    /// resolved). No name, number or finding. <c>?at=</c> (an instant, or a day meaning its close in
    /// Asia/Dushanbe) answers as things stood then, as known now.
    /// </summary>
    [WolverineGet("/api/statistics/public", OperationId = "GetPublicFigures")]
    [Tags("Statistics")]
    [AllowAnonymous]
    [ProducesResponseType(typeof(HttpValidationProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<Results<Ok<PublicFigures>, ProblemHttpResult>> Get(
        string? at, HttpContext context, IQuerySession session, NpgsqlDataSource database, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (instant, invalid) = FiguresSource.ParseAt(at, now);
        if (instant is null)
        {
            return TypedResults.Problem(invalid);
        }

        using var slot = await PublicFiguresGate.EnterAsync(ct);
        return slot is null
            ? TypedResults.Problem(PublicFiguresGate.Busy(context))
            : TypedResults.Ok(await ComputeAsync(session, database, instant.Value, now, ct));
    }

    public static async Task<PublicFigures> ComputeAsync(IQuerySession session, NpgsqlDataSource database, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        var source = await FiguresSource.ReadAsync(session, at, now, ct);
        var files = await FileMilestonesReader.ReadAsync(session, database, at, everyStage: false, ct);
        var months = FiguresSource.TwelveMonthsTo(at);
        var labels = await FiguresSource.LabelsIssuedAsync(database, months, at, ct);
        var certifiedAtMonthEnd = CertifiedAtMonthEnds(source.Certificates, months, at, now);
        var valid = source.Valid.ToList();
        var regionOf = valid
            .GroupBy(c => c.Certificate.ProducerNumber, StringComparer.Ordinal)
            .Select(g => g.First().Certificate.Region);

        return new PublicFigures(
            at,
            Breakdown.Of(regionOf),
            Breakdown.Of(source.Certificates.Select(c => c.Standing).Where(Standings.Contains), Standings),
            Breakdown.Of(valid.Select(c => c.Certificate.ProductCategory)),
            Enumerable.Range(1, 5).ToDictionary(s => s.ToString(CultureInfo.InvariantCulture), s => valid.Count(c => c.Certificate.Stars == s)),
            new ComplaintCounts(source.Complaints.Count, source.Complaints.Count(c => c.ResolvedAt is not null)),
            DurationFigures.Of(files.Where(f => f.DecidedAt is not null).Select(f => f.DecidedAt!.Value - f.SubmittedAt)),
            [.. months.Select((month, i) => new MonthFigures(
                month.Label,
                certifiedAtMonthEnd[i].Count,
                labels[i],
                source.Complaints.Count(c => month.Holds(c.ReceivedAt)),
                source.Complaints.Count(c => c.ResolvedAt is { } resolved && month.Holds(resolved))))]);
    }

    /// <summary>
    /// The producers with a certificate in force at the end of each month (the last one ending at
    /// the instant). A certificate's standing changes only when one of its facts takes effect, when
    /// its validity starts and when it expires (<see cref="CertificateStanding"/>, with what is known
    /// now): it is folded again only for a month in which one of those moments falls, so that most
    /// certificates are folded once for the twelve months rather than twelve times.
    /// </summary>
    private static HashSet<string>[] CertifiedAtMonthEnds(IReadOnlyList<CertificateAt> certificates, IReadOnlyList<Period> months, DateTimeOffset at, DateTimeOffset now)
    {
        var ends = months.Select(m => m.End < at ? m.End : at).ToArray();
        var certified = ends.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        foreach (var (certificate, _) in certificates)
        {
            var changes = certificate.Timeline.Select(f => f.EffectiveFrom)
                .Append(LifecycleSettings.StartOf(certificate.ValidFrom!.Value))
                .Append(LifecycleSettings.ExpiresAt(certificate.ValidUntil!.Value))
                .ToArray();
            LabelStatus? standing = null;
            for (var i = 0; i < ends.Length; i++)
            {
                var since = i == 0 ? DateTimeOffset.MinValue : ends[i - 1];
                if (standing is null || changes.Any(change => change > since && change <= ends[i]))
                {
                    standing = CertificateStanding.At(certificate, ends[i], now).Status;
                }

                if (standing == LabelStatus.Valid)
                {
                    certified[i].Add(certificate.ProducerNumber);
                }
            }
        }

        return certified;
    }
}

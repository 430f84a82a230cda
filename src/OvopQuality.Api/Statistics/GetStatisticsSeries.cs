using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OvopQuality.Api.Complaints;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Statistics;

/// <summary>
/// One period of the programme: what happened in it (certificates granted, labels issued,
/// complaints received, producers registered) and how certificates stood at its end, as known now.
/// </summary>
public sealed record SeriesPoint(
    string Period,
    DateTimeOffset Start,
    DateTimeOffset End,
    int CertificatesGranted,
    int ValidAtEnd,
    int SuspendedAtEnd,
    long LabelsIssued,
    int ComplaintsReceived,
    int ProducersRegistered);

/// <summary>The programme period by period, oldest first; <c>interval</c> is month, quarter or year.</summary>
public sealed record StatisticsSeries(string Interval, IReadOnlyList<SeriesPoint> Points);

public static class GetStatisticsSeriesEndpoint
{
    /// <summary>
    /// The programme period by period: for each month, quarter or year (<c>?interval=</c>, month by
    /// default) from <c>?from=</c> to <c>?to=</c> (YYYY-MM; by default the last 12 months, this one
    /// included; at most 120 periods), its label (2026-03, 2026-Q1, 2026) and its start and end in
    /// the programme's time zone (Asia/Dushanbe: a period ends at the end of its last day there);
    /// certificates granted in it (counted when they came into force); certificates valid and
    /// suspended at its end, as known now; labels issued, complaints received and producers
    /// registered in it.
    /// </summary>
    [WolverineGet("/api/statistics/series", OperationId = "GetStatisticsSeries")]
    [Tags("Statistics")]
    [Authorize(Roles = Roles.Ministry + "," + Roles.Staff)]
    public static async Task<Results<Ok<StatisticsSeries>, ProblemHttpResult>> Get(
        string? from, string? to, string? interval, IQuerySession session, NpgsqlDataSource database, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (periods, invalid) = Periods.Read(from, to, interval, now);
        if (periods is null)
        {
            return TypedResults.Problem(invalid);
        }

        var first = periods[0].Start;
        var last = periods[^1].Next;
        var certificates = await session.Query<PublicCertificate>().Where(c => c.CertificateNumber != null).ToListAsync(ct);
        var registered = await session.Query<Producer>().Where(p => p.RegisteredAt >= first && p.RegisteredAt < last).Select(p => p.RegisteredAt).ToListAsync(ct);
        var received = await session.Query<Complaint>().Where(c => c.ReceivedAt >= first && c.ReceivedAt < last).Select(c => c.ReceivedAt).ToListAsync(ct);
        var labels = await LabelsIssuedAsync(database, periods, ct);

        var standings = certificates
            .Select(c => periods.Select(p => p.End).Prepend(first.AddTicks(-TimeSpan.TicksPerMicrosecond))
                .Select(end => CertificateStanding.At(c, end, now).Status).ToArray())
            .ToList();

        return TypedResults.Ok(new StatisticsSeries(
            string.IsNullOrWhiteSpace(interval) ? "month" : interval,
            [.. periods.Select((p, i) => new SeriesPoint(
                p.Label,
                TimeZoneInfo.ConvertTime(p.Start, Periods.Zone),
                TimeZoneInfo.ConvertTime(p.End, Periods.Zone),
                standings.Count(s => s[i] == LabelStatus.Unknown && s[i + 1] != LabelStatus.Unknown),
                standings.Count(s => s[i + 1] == LabelStatus.Valid),
                standings.Count(s => s[i + 1] == LabelStatus.Suspended),
                labels[i],
                received.Count(p.Holds),
                registered.Count(p.Holds)))]));
    }

    /// <summary>Labels issued per period, in one pass over the registry: each label falls in the bucket of the last period start before it.</summary>
    private static async Task<long[]> LabelsIssuedAsync(NpgsqlDataSource database, IReadOnlyList<Period> periods, CancellationToken ct)
    {
        var bounds = periods.Select(p => p.Start).Append(periods[^1].Next).ToArray();
        await using var command = database.CreateCommand(
            $"select width_bucket(issued_at, $1), count(*) from {LabelRegistry.TableName.QualifiedName} where issued_at >= $2 and issued_at < $3 group by 1");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = bounds });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = bounds[0] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = bounds[^1] });
        var counts = new long[periods.Count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetInt32(0) - 1] = reader.GetInt64(1);
        }

        return counts;
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.Labels.Scans;

/// <summary>
/// One online verification of a label: when, and where only if the verifier chose to say, to a
/// tenth of a degree (about 11 km). No address, no device, nothing personal.
/// </summary>
public sealed record LabelScanned(string Code, DateTimeOffset At, double? Latitude, double? Longitude);

public enum CloneSignal
{
    /// <summary>Scanned in places too far apart for one unit to travel between the scans.</summary>
    FarApart,

    /// <summary>Scanned far more often than one unit plausibly is.</summary>
    TooOften,
}

/// <summary>A label whose scans suggest copies of it are in circulation.</summary>
public sealed record CloneAlert(string Id, CloneSignal Signal, string Detail, int Scans, DateTimeOffset RaisedAt, DateTimeOffset LastScanAt);

public sealed class CloneSettings
{
    /// <summary>Distance (km) between two scans within <see cref="WindowHours"/> that one unit could not have covered.</summary>
    public double FarApartKilometres { get; init; } = 500;

    public int WindowHours { get; init; } = 24;

    /// <summary>Scans of one unit within the window beyond which copies are suspected.</summary>
    public int MaximumScans { get; init; } = 25;
}

/// <summary>
/// Scans are recorded off the request path: verification publishes a message, a handler writes the
/// scan and weighs the clone signals. Codes under alert are known in memory, so a verification can
/// carry a warning without another round trip.
/// </summary>
public sealed class CloneWatch
{
    public static readonly DbObjectName TableName = new PostgresqlObjectName(Infrastructure.Identifiers.Schema, "label_scans", SchemaUtils.IdentifierUsage.General);

    private readonly ConcurrentDictionary<string, CloneAlert> _alerts = new(StringComparer.Ordinal);

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        table.AddColumn<string>("code").NotNull();
        table.AddColumn<DateTimeOffset>("scanned_at").NotNull();
        table.AddColumn<double>("latitude");
        table.AddColumn<double>("longitude");
        table.Indexes.Add(new IndexDefinition("idx_label_scans_code_time") { Columns = ["code", "scanned_at"] });
        return table;
    }

    public CloneAlert? AlertFor(string code) => _alerts.GetValueOrDefault(code);

    public void Remember(CloneAlert alert) => _alerts[alert.Id] = alert;

    public static (double? Latitude, double? Longitude) Coarse(double? latitude, double? longitude) =>
        latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180
            ? (Math.Round(latitude.Value, 1), Math.Round(longitude.Value, 1))
            : (null, null);

    /// <summary>Great-circle distance in kilometres.</summary>
    public static double Kilometres(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Radians(lat2 - lat1) / 2), 2) + (Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Pow(Math.Sin(Radians(lon2 - lon1) / 2), 2));
        return 6371 * 2 * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>More scans in the window than one unit plausibly gets.</summary>
    public static (CloneSignal Signal, string Detail)? TooOften(int scans, CloneSettings settings) =>
        scans > settings.MaximumScans ? (CloneSignal.TooOften, $"{scans} scans within {settings.WindowHours} hours") : null;

    /// <summary>
    /// At most how far apart two positions inside a box of latitudes and longitudes can be: a degree
    /// of latitude, or of longitude at the equator, is 111 km, and no path between two points of the
    /// box is longer than along a meridian and then a parallel.
    /// </summary>
    public static double MostKilometresApart(double minLatitude, double maxLatitude, double minLongitude, double maxLongitude) =>
        6371 * Math.PI / 180 * (maxLatitude - minLatitude + maxLongitude - minLongitude);

    /// <summary>The clone signal the recent scans of one code give, if any: a pure function of the scans.</summary>
    public static (CloneSignal Signal, string Detail)? Weigh(IReadOnlyList<(DateTimeOffset At, double? Latitude, double? Longitude)> recent, CloneSettings settings)
    {
        if (TooOften(recent.Count, settings) is { } often)
        {
            return often;
        }

        var located = recent.Where(s => s.Latitude is not null).ToList();
        for (var i = 0; i < located.Count; i++)
        {
            for (var j = i + 1; j < located.Count; j++)
            {
                var km = Kilometres(located[i].Latitude!.Value, located[i].Longitude!.Value, located[j].Latitude!.Value, located[j].Longitude!.Value);
                if (km >= settings.FarApartKilometres)
                {
                    return (CloneSignal.FarApart, $"scanned {km:F0} km apart within {settings.WindowHours} hours");
                }
            }
        }

        return null;
    }
}

/// <summary>
/// A restarted or added instance knows the codes under alert from its first verification: the
/// alerts are read into memory when the service starts (the most recent, up to 100,000).
/// </summary>
public sealed class CloneAlertsOnStartup(IDocumentStore store, CloneWatch watch) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        foreach (var alert in await session.Query<CloneAlert>().OrderByDescending(a => a.LastScanAt).Take(100_000).ToListAsync(cancellationToken))
        {
            watch.Remember(alert);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Records scans in batches (one insert and one summary read per batch, not per verification) and
/// weighs the clone signals of the codes in the batch. The summary gives, per code, the number of
/// scans in its window and the box its positions span: only a code whose box is wide enough to hold
/// two scans far apart has its scans read one by one.
/// </summary>
public static class LabelScannedHandler
{
    public static async Task Handle(LabelScanned[] scans, NpgsqlDataSource database, IDocumentSession session, CloneWatch watch, CloneSettings settings, CancellationToken ct)
    {
        var table = CloneWatch.TableName.QualifiedName;
        var windows = scans.GroupBy(s => s.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Last: g.Max(s => s.At), Since: g.Max(s => s.At).AddHours(-settings.WindowHours)), StringComparer.Ordinal);
        await using var batch = database.CreateBatch();
        var insert = new NpgsqlBatchCommand($"insert into {table} (code, scanned_at, latitude, longitude) select * from unnest($1, $2, $3, $4)");
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. scans.Select(s => s.Code)] });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. scans.Select(s => s.At)] });
        insert.Parameters.Add(new NpgsqlParameter<double?[]> { TypedValue = [.. scans.Select(s => s.Latitude)] });
        insert.Parameters.Add(new NpgsqlParameter<double?[]> { TypedValue = [.. scans.Select(s => s.Longitude)] });
        var summary = new NpgsqlBatchCommand(
            $"select s.code, count(*), min(s.latitude), max(s.latitude), min(s.longitude), max(s.longitude) " +
            $"from unnest($1, $2) as w(code, since) join {table} s on s.code = w.code and s.scanned_at > w.since group by s.code");
        summary.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. windows.Keys] });
        summary.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. windows.Values.Select(w => w.Since)] });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(summary);

        var signals = new Dictionary<string, (CloneSignal Signal, string Detail, int Scans)>(StringComparer.Ordinal);
        var wide = new List<string>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            // The insert returns no rows; the summary is whichever result set has them.
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    var (code, count) = (reader.GetString(0), (int)reader.GetInt64(1));
                    if (CloneWatch.TooOften(count, settings) is { } often)
                    {
                        signals[code] = (often.Signal, often.Detail, count);
                    }
                    else if (!reader.IsDBNull(2)
                             && CloneWatch.MostKilometresApart(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5)) >= settings.FarApartKilometres)
                    {
                        wide.Add(code);
                    }
                }
            }
            while (await reader.NextResultAsync(ct));
        }

        foreach (var (code, recent) in await RecentAsync(database, table, wide, windows, ct))
        {
            if (CloneWatch.Weigh(recent, settings) is { } signal)
            {
                signals[code] = (signal.Signal, signal.Detail, recent.Count);
            }
        }

        foreach (var (code, (signal, detail, count)) in signals)
        {
            var last = windows[code].Last;
            var existing = watch.AlertFor(code) ?? await session.LoadAsync<CloneAlert>(code, ct);
            var alert = new CloneAlert(code, signal, detail, count, existing?.RaisedAt ?? last, last);
            session.Store(alert);
            watch.Remember(alert);
        }
    }

    /// <summary>The scans in their windows of the codes whose positions spread far enough to hold a clone signal.</summary>
    private static async Task<Dictionary<string, List<(DateTimeOffset, double?, double?)>>> RecentAsync(
        NpgsqlDataSource database, string table, List<string> codes, Dictionary<string, (DateTimeOffset Last, DateTimeOffset Since)> windows, CancellationToken ct)
    {
        var byCode = new Dictionary<string, List<(DateTimeOffset, double?, double?)>>(StringComparer.Ordinal);
        if (codes.Count == 0)
        {
            return byCode;
        }

        await using var command = database.CreateCommand(
            $"select s.code, s.scanned_at, s.latitude, s.longitude from unnest($1, $2) as w(code, since) " +
            $"join {table} s on s.code = w.code and s.scanned_at > w.since order by s.scanned_at");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. codes] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. codes.Select(c => windows[c].Since)] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var code = reader.GetString(0);
            if (!byCode.TryGetValue(code, out var list))
            {
                byCode[code] = list = [];
            }

            list.Add((reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetDouble(3)));
        }

        return byCode;
    }
}

public static class GetCloneAlertsEndpoint
{
    /// <summary>Labels whose scans suggest copies, the latest first: for certification staff to follow up.</summary>
    [WolverineGet("/api/clone-alerts", OperationId = "GetCloneAlerts")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<IReadOnlyList<CloneAlert>> Get(IQuerySession session, CancellationToken ct) =>
        await session.Query<CloneAlert>().OrderByDescending(a => a.LastScanAt).Take(500).ToListAsync(ct);
}

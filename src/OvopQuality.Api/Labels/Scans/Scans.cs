using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.Labels.Scans;

/// <summary>
/// One online verification of a label: when, where only if the verifier chose to say (to a tenth of
/// a degree, about 11 km), and which client, as a keyed hash of its network address (no address,
/// no device, nothing personal is kept): so that one client counts once, however often it scans.
/// Scans whose address is unknown count as one client between them.
/// </summary>
public sealed record LabelScanned(string Code, DateTimeOffset At, double? Latitude, double? Longitude, string? Client = null);

public enum CloneSignal
{
    /// <summary>Scanned by different clients in places too far apart for one unit to travel between the scans.</summary>
    FarApart,

    /// <summary>Scanned by far more different clients than one unit plausibly meets.</summary>
    TooOften,
}

public sealed class CloneSettings
{
    /// <summary>Distance (km) between two scans within <see cref="WindowHours"/> that one unit could not have covered.</summary>
    public double FarApartKilometres { get; init; } = 500;

    public int WindowHours { get; init; } = 24;

    /// <summary>Different clients scanning one unit within the window beyond which copies are suspected.</summary>
    public int MaximumScans { get; init; } = 25;

    /// <summary>How often an instance reads the signals other instances confirmed, dismissed or lifted.</summary>
    public double RefreshSeconds { get; init; } = 5;
}

/// <summary>
/// Where the scans are kept, and the clone rules as pure functions of them: a code scanned by
/// different clients too far apart, or by too many different clients, within the window.
/// </summary>
public static class ScanRecords
{
    /// <summary>How many of its latest places one client's scans of a code are weighed by (a unit does not travel that much in a window).</summary>
    public const int PlacesPerClient = 10;

    public static readonly DbObjectName TableName = new PostgresqlObjectName(Infrastructure.Identifiers.Schema, "label_scans", SchemaUtils.IdentifierUsage.General);

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        table.AddColumn<string>("code").NotNull();
        table.AddColumn<DateTimeOffset>("scanned_at").NotNull();
        table.AddColumn<double>("latitude");
        table.AddColumn<double>("longitude");
        table.AddColumn<string>("client");
        table.Indexes.Add(new IndexDefinition("idx_label_scans_code_time") { Columns = ["code", "scanned_at"] });
        return table;
    }

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

    /// <summary>More different clients in the window than one unit plausibly meets.</summary>
    public static (CloneSignal Signal, string Detail)? TooOften(int clients, CloneSettings settings) =>
        clients > settings.MaximumScans ? (CloneSignal.TooOften, $"scanned by {clients} different clients within {settings.WindowHours} hours") : null;

    /// <summary>
    /// At most how far apart two positions inside a box of latitudes and longitudes can be: a degree
    /// of latitude, or of longitude at the equator, is 111 km, and no path between two points of the
    /// box is longer than along a meridian and then a parallel.
    /// </summary>
    public static double MostKilometresApart(double minLatitude, double maxLatitude, double minLongitude, double maxLongitude) =>
        6371 * Math.PI / 180 * (maxLatitude - minLatitude + maxLongitude - minLongitude);

    /// <summary>
    /// The clone signal the recent scans of one code give, if any: a pure function of the scans. A
    /// client counts once, and two positions far apart count only from two different clients (a
    /// caller's positions prove nothing about where the unit is).
    /// </summary>
    public static (CloneSignal Signal, string Detail)? Weigh(IReadOnlyList<(DateTimeOffset At, double? Latitude, double? Longitude, string Client)> recent, CloneSettings settings)
    {
        if (TooOften(recent.Select(s => s.Client).Distinct(StringComparer.Ordinal).Count(), settings) is { } often)
        {
            return often;
        }

        var located = recent.Where(s => s.Latitude is not null).ToList();
        for (var i = 0; i < located.Count; i++)
        {
            for (var j = i + 1; j < located.Count; j++)
            {
                if (string.Equals(located[i].Client, located[j].Client, StringComparison.Ordinal))
                {
                    continue;
                }

                var km = Kilometres(located[i].Latitude!.Value, located[i].Longitude!.Value, located[j].Latitude!.Value, located[j].Longitude!.Value);
                if (km >= settings.FarApartKilometres)
                {
                    return (CloneSignal.FarApart, $"scanned {km:F0} km apart by different clients within {settings.WindowHours} hours");
                }
            }
        }

        return null;
    }
}

/// <summary>
/// Records scans in batches (one insert and one summary read per batch, not per verification) and
/// weighs the clone signals of the codes in the batch. The summary gives, per code, the number of
/// different clients in its window and the box its positions span: only a code whose box is wide
/// enough to hold two scans far apart has its scans read, grouped by client and place. Scans before a
/// signal on the code was dismissed or lifted were judged by staff already and do not count again. A
/// signal is raised for staff, never shown to the public until a member of staff confirms it.
/// </summary>
public static class LabelScannedHandler
{
    private static readonly TimeSpan WeighAgainAfter = TimeSpan.FromMinutes(10);

    public static async Task Handle(
        LabelScanned[] scans, NpgsqlDataSource database, IDocumentSession session, CloneWatch watch, CloneSettings settings, OvopMetrics metrics, TimeProvider clock,
        CancellationToken ct)
    {
        var table = ScanRecords.TableName.QualifiedName;
        var windows = scans.GroupBy(s => s.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            var last = g.Max(s => s.At);
            var since = last.AddHours(-settings.WindowHours);
            return watch.StateOf(g.Key)?.QuietSince is { } quiet && quiet > since ? quiet : since;
        }, StringComparer.Ordinal);
        await using var batch = database.CreateBatch();
        var insert = new NpgsqlBatchCommand($"insert into {table} (code, scanned_at, latitude, longitude, client) select * from unnest($1, $2, $3, $4, $5)");
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. scans.Select(s => s.Code)] });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. scans.Select(s => s.At)] });
        insert.Parameters.Add(new NpgsqlParameter<double?[]> { TypedValue = [.. scans.Select(s => s.Latitude)] });
        insert.Parameters.Add(new NpgsqlParameter<double?[]> { TypedValue = [.. scans.Select(s => s.Longitude)] });
        insert.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. scans.Select(s => s.Client)] });
        var summary = new NpgsqlBatchCommand(
            $"select s.code, count(distinct coalesce(s.client, 'unknown')), min(s.latitude), max(s.latitude), min(s.longitude), max(s.longitude) " +
            $"from unnest($1, $2) as w(code, since) join {table} s on s.code = w.code and s.scanned_at > w.since group by s.code");
        summary.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. windows.Keys] });
        summary.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. windows.Values] });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(summary);

        var signalled = new HashSet<string>(StringComparer.Ordinal);
        var wide = new List<string>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            // The insert returns no rows; the summary is whichever result set has them.
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    var (code, clients) = (reader.GetString(0), (int)reader.GetInt64(1));
                    if (ScanRecords.TooOften(clients, settings) is not null)
                    {
                        signalled.Add(code);
                    }
                    else if (!reader.IsDBNull(2)
                             && ScanRecords.MostKilometresApart(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5)) >= settings.FarApartKilometres)
                    {
                        wide.Add(code);
                    }
                }
            }
            while (await reader.NextResultAsync(ct));
        }

        var now = clock.GetUtcNow();
        var weighed = await PlacesAsync(database, table, [.. wide.Concat(signalled).Where(code => watch.DueForWeighing(code, now, WeighAgainAfter))], windows, ct);
        // In the codes' order: the locks below are then always taken in one order, and two batches
        // cannot wait for each other.
        foreach (var (code, (count, firstScanAt, places)) in weighed.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            if (ScanRecords.Weigh([.. places.Select(p => (p.At, p.Latitude, p.Longitude, p.Client))], settings) is not { } signal)
            {
                continue;
            }

            // A copied label scanned in two places at once may be weighed by two instances at the same
            // moment: each would find no open signal and raise one. The code's lock, held until this
            // transaction commits, makes the second wait and then find the first one's signal.
            await LockCodeAsync(session, code, ct);

            // The store, not this instance's memory, says whether a signal is open on the code or was
            // closed after the window began: a dismissal made elsewhere may not have reached us yet.
            var latest = await session.Query<CloneSignalCase>().Where(s => s.Code == code).OrderByDescending(s => s.RaisedAt).FirstOrDefaultAsync(ct);
            if (latest is { IsOpen: false } closed && closed.ChangedAt > windows[code])
            {
                // Scans staff judged are among these: once this instance knows, the next scan weighs only the later ones.
                await watch.LearnAsync(_ => Task.FromResult<IReadOnlyList<CloneSignalCase>>([closed]), ct);
                continue;
            }

            var evidence = new CloneEvidence(signal.Signal, signal.Detail, count, places.Select(p => p.Client).Distinct(StringComparer.Ordinal).Count(),
                firstScanAt, places[^1].At, [.. places.TakeLast(50)]);
            EventAttribution.Stamp(session, Actor.System);
            if (latest is not { IsOpen: true } open)
            {
                var id = Guid.CreateVersion7();
                session.Events.StartStream<CloneSignalCase>(id, new CloneSignalRaised(id, code, evidence, now));
                metrics.CloneSignalRaised(signal.Signal);
            }
            else if (now - open.ChangedAt >= WeighAgainAfter)
            {
                session.Events.Append(open.Id, new CloneSignalWeighedAgain(open.Id, code, evidence, now));
            }
        }
    }

    private static async Task LockCodeAsync(IDocumentSession session, string code, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await using var command = ((NpgsqlConnection)session.Connection!).CreateCommand();
        command.CommandText = "select pg_advisory_xact_lock(hashtextextended($1, 0))";
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "ovop-clone-signal:" + code });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The scans in their windows of the codes that may hold a clone signal, one entry per client and
    /// place, oldest last scan first: at most <see cref="ScanRecords.PlacesPerClient"/> places per
    /// client (its latest), so a caller sending a new position with every scan makes no more work than
    /// one who sends a few. A client's positions only count against other clients' anyway.
    /// </summary>
    private static async Task<Dictionary<string, (int Scans, DateTimeOffset FirstScanAt, List<ScanEvidence> Places)>> PlacesAsync(
        NpgsqlDataSource database, string table, List<string> codes, Dictionary<string, DateTimeOffset> windows, CancellationToken ct)
    {
        var byCode = new Dictionary<string, (int, DateTimeOffset, List<ScanEvidence>)>(StringComparer.Ordinal);
        if (codes.Count == 0)
        {
            return byCode;
        }

        await using var command = database.CreateCommand(
            $"select code, client, latitude, longitude, times, first_at, last_at, scans, first_scan from (" +
            $"select s.code, coalesce(s.client, 'unknown') as client, s.latitude, s.longitude, count(*) as times, min(s.scanned_at) as first_at, max(s.scanned_at) as last_at, " +
            $"(sum(count(*)) over (partition by s.code))::bigint as scans, min(min(s.scanned_at)) over (partition by s.code) as first_scan, " +
            $"row_number() over (partition by s.code, coalesce(s.client, 'unknown') order by max(s.scanned_at) desc, count(*) desc) as place " +
            $"from unnest($1, $2) as w(code, since) join {table} s on s.code = w.code and s.scanned_at > w.since " +
            $"group by s.code, coalesce(s.client, 'unknown'), s.latitude, s.longitude) places where place <= $3 order by last_at");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. codes] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. codes.Select(c => windows[c])] });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ScanRecords.PlacesPerClient });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var code = reader.GetString(0);
            if (!byCode.TryGetValue(code, out var ofCode))
            {
                byCode[code] = ofCode = ((int)reader.GetInt64(7), reader.GetFieldValue<DateTimeOffset>(8), []);
            }

            ofCode.Item3.Add(new(reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.GetString(1), (int)reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return byCode;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace OvopQuality.Bench;

public readonly record struct RebuildResult(long Events, TimeSpan Elapsed)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;
}

/// <summary>
/// Rebuilds every projection from the events with the service's own command (as an operator does
/// after an upgrade, the service still running), timed from process start to exit, and counts the
/// events it read with psql (the PG* settings bench.sh gives, on the service's database).
/// </summary>
public static class Rebuild
{
    public static async Task<RebuildResult> MeasureAsync(string dll, string psql)
    {
        var count = await Processes.RunAsync(psql, ["-X", "-q", "-t", "-A", "-d", "ovop", "-c", "select count(*) from ovop.mt_events"]);
        var clock = Stopwatch.StartNew();
        await Processes.RunAsync("dotnet", [dll, "projections", "rebuild"]);
        return new RebuildResult(long.Parse(count.Trim(), CultureInfo.InvariantCulture), clock.Elapsed);
    }
}

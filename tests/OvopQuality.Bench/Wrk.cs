using System.Globalization;
using System.Text.RegularExpressions;

namespace OvopQuality.Bench;

/// <summary>
/// Label lookups driven by wrk, a lean C load generator, as pgbench is for the baseline: a .NET
/// client on the same two cores takes about half the CPU the service would otherwise have. Used
/// when wrk is on the PATH (Debian: apt-get install wrk); otherwise the .NET client measures.
/// </summary>
public static partial class Wrk
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "wrk"))
            .FirstOrDefault(File.Exists);

    public static async Task<LoadResult> LookupsAsync(string wrk, Uri url, IReadOnlyList<string> codes, int connections, TimeSpan duration)
    {
        var folder = Directory.CreateTempSubdirectory("ovop-wrk-");
        try
        {
            var codeFile = Path.Combine(folder.FullName, "codes.txt");
            await File.WriteAllLinesAsync(codeFile, codes);
            var script = Path.Combine(folder.FullName, "lookup.lua");
            await File.WriteAllTextAsync(script, $$"""
                local codes = {}
                for line in io.lines("{{codeFile}}") do codes[#codes + 1] = line end
                math.randomseed(os.time())
                request = function()
                  return wrk.format("GET", "/api/labels/" .. codes[math.random(#codes)])
                end
                """);

            var output = await Processes.RunAsync(
                wrk, ["-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "-s", script, url.ToString().TrimEnd('/')]);
            return Parse(output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// GETs of the given paths (with their queries), each connection taking them in random order,
    /// for <paramref name="duration"/>; the 95th percentile of latency comes from wrk's own
    /// histogram through its <c>done</c> hook.
    /// </summary>
    public static async Task<(LoadResult Result, double P95Ms)> PathsAsync(string wrk, Uri url, IReadOnlyList<string> paths, int connections, TimeSpan duration)
    {
        var folder = Directory.CreateTempSubdirectory("ovop-wrk-");
        try
        {
            var pathFile = Path.Combine(folder.FullName, "paths.txt");
            await File.WriteAllLinesAsync(pathFile, paths);
            var script = Path.Combine(folder.FullName, "paths.lua");
            await File.WriteAllTextAsync(script, $$"""
                local paths = {}
                for line in io.lines("{{pathFile}}") do paths[#paths + 1] = line end
                math.randomseed(os.time())
                request = function()
                  return wrk.format("GET", paths[math.random(#paths)])
                end
                done = function(summary, latency, requests)
                  io.write(string.format("P95 %d\n", latency:percentile(95.0)))
                end
                """);

            var output = await Processes.RunAsync(
                wrk, [$"-t{Math.Min(2, connections)}", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "-s", script, url.ToString().TrimEnd('/')]);
            var p95 = Regex.Match(output, @"^P95 (\d+)$", RegexOptions.Multiline);
            return (Parse(output), p95.Success ? double.Parse(p95.Groups[1].Value, CultureInfo.InvariantCulture) / 1000 : double.NaN);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Reads wrk's summary: requests and time, the latency distribution, non-2xx answers and socket errors.</summary>
    public static LoadResult Parse(string output)
    {
        var total = Requests().Match(output);
        if (!total.Success)
        {
            throw new InvalidOperationException("wrk printed no summary: " + output);
        }

        var failures = NonSuccess().Match(output) is { Success: true } non ? int.Parse(non.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (SocketErrors().Match(output) is { Success: true } socket)
        {
            failures += Enumerable.Range(1, 4).Sum(g => int.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture));
        }

        return new LoadResult(
            int.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            failures,
            TimeSpan.FromSeconds(double.Parse(total.Groups[2].Value, CultureInfo.InvariantCulture) * Scale(total.Groups[3].Value) / 1000),
            Percentile(output, "50"),
            Percentile(output, "99"),
            "wrk");
    }

    private static double Percentile(string output, string percent)
    {
        var match = Regex.Match(output, $@"^\s*{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * Scale(match.Groups[2].Value) : 0;
    }

    /// <summary>Milliseconds in one of wrk's units.</summary>
    private static double Scale(string unit) => unit switch
    {
        "us" => 0.001,
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        _ => throw new InvalidOperationException("unknown unit " + unit),
    };

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m),")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OvopQuality.Bench;

/// <summary>
/// From process start to the first verified label: starts a new instance of a build of the service
/// (the settings of this process's environment, another free port) against the same database, asks
/// for one label's verification every 5 ms until it answers 200, then stops it. A production build
/// (deploy/publish.sh) starts as a cluster's instances do: the database changes were applied before
/// the rollout (`resources setup`), so it does not check the schema at start.
/// </summary>
public static class ColdStart
{
    public static async Task<TimeSpan> MeasureAsync(string dll, string labelCode, bool production)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (production)
        {
            start.Environment["Ovop__Database__ApplyChangesAtStart"] = "false";
        }

        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", Path.GetDirectoryName(dll)! })
        {
            start.ArgumentList.Add(argument);
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var url = new Uri($"http://127.0.0.1:{port}/api/labels/{labelCode}");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var response = await client.GetAsync(url);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return clock.Elapsed;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode} before answering");
                }

                await Task.Delay(5);
            }

            throw new TimeoutException($"no verified label from {dll} within 60 s");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The median of <paramref name="runs"/> cold starts, in milliseconds.</summary>
    public static async Task<double> MedianMsAsync(string dll, string labelCode, bool production, int runs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            times.Add((await MeasureAsync(dll, labelCode, production)).TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    public static string Describe(double ms) => ms.ToString("F0", CultureInfo.InvariantCulture) + " ms";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

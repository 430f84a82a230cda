using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace OvopQuality.Bench;

public sealed record LoadResult(int Requests, int Failures, TimeSpan Elapsed, double P50Ms, double P99Ms, string Client = ".NET HttpClient")
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{PerSecond:F0}/s over {Requests} requests ({Failures} failed), p50 {P50Ms:F1} ms, p99 {P99Ms:F1} ms, client {Client}");
}

public static class Load
{
    public static HttpClient Client(Uri url, int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromMinutes(5),
        };

    /// <summary>Each client works through its own files, recording their inspections one after another.</summary>
    public static async Task<LoadResult> RecordInspectionsAsync(BenchApi api, IReadOnlyList<IReadOnlyList<ScheduledInspection>> files, int clients)
    {
        var queue = new System.Collections.Concurrent.ConcurrentQueue<IReadOnlyList<ScheduledInspection>>(files);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (queue.TryDequeue(out var file))
            {
                foreach (var inspection in file)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certifications/{inspection.File}/inspections/{inspection.Inspection}/results")
                    {
                        Content = JsonContent.Create(BenchApi.Inspection(inspection.ExpectedVersion)),
                    };
                    request.Headers.Authorization = new("Bearer", api.Tokens.Inspector);
                    using var response = await api.Http.SendAsync(request);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        }));
        return Summarise(latencies, failures, clock.Elapsed);
    }

    /// <summary>Random label lookups from a fixed number of connections for a fixed time.</summary>
    public static async Task<LoadResult> LookupsAsync(BenchApi api, IReadOnlyList<string> codes, int connections, TimeSpan duration)
    {
        using var client = Client(api.Http.BaseAddress!, connections);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var code = codes[Random.Shared.Next(codes.Count)];
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync($"/api/labels/{code}", HttpCompletionOption.ResponseContentRead);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        return Summarise(latencies, failures, clock.Elapsed);
    }

    private static LoadResult Summarise(IEnumerable<double> latencies, int failures, TimeSpan elapsed)
    {
        var sorted = latencies.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new LoadResult(sorted.Length, failures, elapsed, At(0.50), At(0.99));
    }
}

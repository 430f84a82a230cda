using System.Diagnostics;
using System.Globalization;

namespace OvopQuality.Bench;

/// <summary>
/// The public registry's figures (run with <c>--registry-producers N</c>, instead of the rest):
/// the store filled to N producers and <c>--registry-certificates</c> certificates' histories,
/// then directory searches from 4 and from <c>--connections</c> connections with their 95th
/// percentile, against pgbench's lookups at the same concurrency measured first; then the full open
/// data export from a change to its signed manifest, its size, and an as-of export streamed.
/// </summary>
public static class RegistryBench
{
    public static async Task<int> RunAsync(BenchOptions options, BenchApi api, Report report)
    {
        var psql = options.Psql ?? throw new InvalidOperationException("--psql is needed (bench.sh gives it)");
        var dll = options.RebuildDll ?? throw new InvalidOperationException("--rebuild is needed (bench.sh gives it)");
        var registry = new RegistryReport();

        Console.WriteLine($"bench: registering {options.RegistryProducers:N0} producers, each with a product");
        var clock = Stopwatch.StartNew();
        var producers = await Registry.ProducersAsync(api, options.RegistryProducers);
        Console.WriteLine($"  {producers.Count:N0} producers in {clock.Elapsed.TotalSeconds:F0} s");
        var standards = await Registry.StandardsAsync(api);
        var templates = await Registry.TemplatesAsync(api, producers, standards);
        Console.WriteLine($"  {templates.Count} certification files taken through their lifecycle over HTTP, six lifecycles in each of {standards.Count} categories");

        clock.Restart();
        var events = await Registry.CopyCertificatesAsync(psql, options.RegistryCertificates);
        Console.WriteLine($"bench: copied those histories onto the producers up to {options.RegistryCertificates:N0} certificates in {clock.Elapsed.TotalSeconds:F0} s; the store holds {events:N0} events");
        registry.Rebuild = await Registry.RebuildAsync(dll);
        registry.Store = await Registry.CountAsync(psql);
        Console.WriteLine($"  every projection rebuilt in {registry.Rebuild.TotalSeconds:F0} s: {registry.Store.Producers:N0} producers, {registry.Store.Certificates:N0} certificates, {registry.Store.Events:N0} events");

        // The rebuild was done behind the running service's back: its directory reads it again at its next check.
        clock.Restart();
        while ((await api.GetAsync("/api/directory?limit=1"))["total"]!.GetValue<long>() < registry.Store.Producers && clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(500);
        }

        Console.WriteLine($"  the running service's directory holds every producer {clock.Elapsed.TotalSeconds:F0} s after the rebuild");
        var wrk = Wrk.Find() ?? throw new InvalidOperationException("the registry bench needs wrk (bench.sh installs it as root)");
        var paths = DirectorySearches(producers);
        await Wrk.PathsAsync(wrk, options.Url, paths, 4, TimeSpan.FromSeconds(5));
        foreach (var connections in new[] { 4, options.LookupConnections }.Distinct())
        {
            var search = await Wrk.PathsAsync(wrk, options.Url, paths, connections, TimeSpan.FromSeconds(options.LookupSeconds));
            registry.Searches[connections] = search;
            Console.WriteLine($"  directory search, {paths.Count} kinds of query, connections={connections,-3} {search.Result}, p95 {search.P95Ms:F1} ms");
        }

        await OpenDataAsync(api, templates.First(t => t.Lifecycle == 1).File, registry);
        Console.WriteLine(registry.ToLine(report.Baseline));
        return 0;
    }

    /// <summary>What the public asks the directory: words in each language and in Latin, filters, later pages, sorts.</summary>
    private static List<string> DirectorySearches(IReadOnlyList<BenchProducer> producers)
    {
        var some = producers[producers.Count / 2];
        return
        [
            "/api/directory",
            "/api/directory?q=apricots",
            "/api/directory?q=%D0%BA%D1%83%D1%80%D0%B0%D0%B3%D0%B0",
            "/api/directory?q=zardolu",
            "/api/directory?q=%D0%B0%D1%81%D0%B0%D0%BB",
            "/api/directory?q=honey&region=khatlon",
            "/api/directory?q=isfara",
            "/api/directory?category=silk&standing=valid",
            "/api/directory?standing=suspended&sort=name",
            "/api/directory?stars=5&region=sughd",
            "/api/directory?hsCode=0813&sort=validUntil",
            "/api/directory?district=Khorog&category=textile",
            "/api/directory?standard=OVOP-HN&standing=valid&sort=stars",
            "/api/directory?q=cooperative&sort=name&limit=100",
            "/api/directory?q=" + Uri.EscapeDataString(some.Number),
            "/api/directory?q=walnut%20halva&standing=valid",
        ];
    }

    /// <summary>
    /// The full open data export: a certificate is suspended, and the time is taken until the index
    /// names a generation that reflects it (bench.sh starts the service looking every second with no
    /// least interval in this mode, so the figure is the generation's own time and at most a second);
    /// the files' sizes from the index; then the largest dataset as it stood a second ago, streamed.
    /// </summary>
    private static async Task OpenDataAsync(BenchApi api, Guid file, RegistryReport registry)
    {
        // The first generation after the rebuild, however long: then the store is quiet.
        var first = await WaitForGenerationAsync(api, after: -1, TimeSpan.FromMinutes(10));
        var version = (await api.GetAsync($"/api/certifications/{file}"))["version"]!.GetValue<long>();
        var clock = Stopwatch.StartNew();
        await api.PostAsync($"/api/certifications/{file}/suspension", new { expectedVersion = version, reasonClass = "surveillanceFailed", reason = "Bench" }, api.Tokens.Officer);
        var index = await WaitForGenerationAsync(api, after: first["sequence"]!.GetValue<long>(), TimeSpan.FromMinutes(10));
        var elapsed = clock.Elapsed;
        var files = index["datasets"]!.AsArray().SelectMany(d => d!["files"]!.AsArray()).ToList();
        var bytes = files.Sum(f => f!["bytes"]!.GetValue<long>());
        var compressed = files.Sum(f => f!["gzipBytes"]!.GetValue<long>());
        registry.Export = (elapsed, bytes, compressed);
        Console.WriteLine($"  open data: a new signed generation {elapsed.TotalSeconds:F1} s after a change; {files.Count} files, {bytes / 1e6:F1} MB, {compressed / 1e6:F1} MB gzip");
        foreach (var f in files.OrderByDescending(f => f!["bytes"]!.GetValue<long>()).Take(3))
        {
            Console.WriteLine($"    {f!["name"]!.GetValue<string>(),-28} {f["bytes"]!.GetValue<long>() / 1e6,7:F1} MB  {f["gzipBytes"]!.GetValue<long>() / 1e6,6:F1} MB gzip");
        }

        var at = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
        clock.Restart();
        using var response = await api.Http.GetAsync($"/api/open-data/certificate-events.csv?asOf={Uri.EscapeDataString(at)}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var length = (await response.Content.ReadAsByteArrayAsync()).LongLength;
        registry.AsOfExport = (clock.Elapsed, length);
        Console.WriteLine($"  open data as of a second ago, certificate-events.csv made on request: {clock.Elapsed.TotalSeconds:F1} s, {length / 1e6:F1} MB");
    }

    /// <summary>Asks for the open data's index until it names a generation of a higher sequence than <paramref name="after"/>; its index.</summary>
    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForGenerationAsync(BenchApi api, long after, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var index = await api.GetAsync("/api/open-data");
            if (index["sequence"] is { } sequence && sequence.GetValue<long>() > after)
            {
                return index;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"no open data generation after event {after} within {timeout}");
            }

            await Task.Delay(100);
        }
    }
}

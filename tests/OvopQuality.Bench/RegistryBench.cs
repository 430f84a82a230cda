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
        Console.WriteLine($"  {templates} certification files taken through their lifecycle over HTTP, six lifecycles in each of {standards.Count} categories");

        clock.Restart();
        var events = await Registry.CopyCertificatesAsync(psql, options.RegistryCertificates);
        Console.WriteLine($"bench: copied those histories onto the producers up to {options.RegistryCertificates:N0} certificates in {clock.Elapsed.TotalSeconds:F0} s; the store holds {events:N0} events");
        registry.Rebuild = await Registry.RebuildAsync(dll);
        registry.Store = await Registry.CountAsync(psql);
        Console.WriteLine($"  every projection rebuilt in {registry.Rebuild.TotalSeconds:F0} s: {registry.Store.Producers:N0} producers, {registry.Store.Certificates:N0} certificates, {registry.Store.Events:N0} events");

        var wrk = Wrk.Find() ?? throw new InvalidOperationException("the registry bench needs wrk (bench.sh installs it as root)");
        var paths = DirectorySearches(producers);
        await Wrk.PathsAsync(wrk, options.Url, paths, 4, TimeSpan.FromSeconds(5));
        foreach (var connections in new[] { 4, options.LookupConnections }.Distinct())
        {
            var search = await Wrk.PathsAsync(wrk, options.Url, paths, connections, TimeSpan.FromSeconds(options.LookupSeconds));
            registry.Searches[connections] = search;
            Console.WriteLine($"  directory search, {paths.Count} kinds of query, connections={connections,-3} {search.Result}, p95 {search.P95Ms:F1} ms");
        }

        await OpenDataAsync(api, producers, registry);
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
            "/api/directory?hsCode=081310&page=3",
            "/api/directory?district=Khorog&category=textile",
            "/api/directory?standard=OVOP-HN&standing=valid&page=2",
            "/api/directory?q=cooperative&sort=name&page=5",
            "/api/directory?q=" + Uri.EscapeDataString(some.Number),
            "/api/directory?q=walnut%20halva&standing=valid",
        ];
    }

    /// <summary>Filled in once the open data is on main: see the README beside this file.</summary>
    private static Task OpenDataAsync(BenchApi api, IReadOnlyList<BenchProducer> producers, RegistryReport registry) => Task.CompletedTask;
}

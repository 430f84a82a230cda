using System.Diagnostics;
using System.Globalization;
using OvopQuality.Bench;

// Measures OvopQuality over HTTP against the PostgreSQL limit measured in the same run.
// See README.md beside this file; bench.sh sets up the service and the scratch databases.
if (args is ["failover", .. var failoverArgs])
{
    return await Failover.RunAsync(failoverArgs);
}

var options = BenchOptions.Parse(args);
var report = new Report();
using var http = Load.Client(options.Url, connections: 64);
var api = new BenchApi(http, BenchTokens.FromEnvironment());

Console.WriteLine($"bench: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, service {options.Url}, {Environment.ProcessorCount} cores");

if (options.BaselineScript is { } script)
{
    Console.WriteLine("bench: measuring the PostgreSQL limit (shared baseline, pgbench)");
    foreach (var line in await Baseline.RunAsync(script, options.BaselineSeconds, [.. options.CommandClients, options.LookupConnections]))
    {
        report.Baseline[(line.Workload, line.Clients)] = line.Tps;
        Console.WriteLine($"  {line.Workload,-8} clients={line.Clients,-3} tps={line.Tps.ToString("F0", CultureInfo.InvariantCulture)}");
    }
}

if (options.RegistryProducers > 0)
{
    return await RegistryBench.RunAsync(options, api, report);
}

Console.WriteLine($"bench: preparing {options.CommandsPerLevel} scheduled inspections for each of {options.CommandClients.Count} concurrency levels");
foreach (var clients in options.CommandClients)
{
    var work = await Setup.ScheduledInspectionsAsync(api, options.CommandsPerLevel, inspectionsPerFile: 4);
    var result = await Load.RecordInspectionsAsync(api, work, clients);
    report.Commands[clients] = result;
    Console.WriteLine($"  record inspection  clients={clients,-3} {result}");
}

var wrk = options.LoadGenerator == "dotnet" ? null : Wrk.Find();
Console.WriteLine(wrk is null
    ? "bench: label lookups from the .NET client (install wrk for a lean C client, as pgbench is for the baseline)"
    : $"bench: label lookups from {wrk}");

async Task<LoadResult> LookupsAsync(IReadOnlyList<string> codes, TimeSpan? duration = null) => wrk is null
    ? await Load.LookupsAsync(api, codes, options.LookupConnections, duration ?? TimeSpan.FromSeconds(options.LookupSeconds))
    : await Wrk.LookupsAsync(wrk, options.Url, codes, options.LookupConnections, duration ?? TimeSpan.FromSeconds(options.LookupSeconds));

var issued = new List<string>();
if (options.SmallLabels > 0)
{
    Console.WriteLine($"bench: issuing {options.SmallLabels:N0} labels in one batch");
    var (few, _, _) = await Setup.LabelsAsync(api, options.SmallLabels);
    issued.AddRange(few);

    // Not measured: the service's first lookups compile its handler and JIT its hot path.
    await LookupsAsync(issued, TimeSpan.FromSeconds(5));
    var small = await LookupsAsync(issued);
    report.Lookups.Add((issued.Count, small));
    Console.WriteLine($"  label lookup with {issued.Count:N0} labels issued, connections={options.LookupConnections} {small}");
    if (ServiceRssMb() is { } smallRss)
    {
        report.SmallRss = (smallRss, issued.Count);
        Console.WriteLine($"  the service's resident memory with {issued.Count:N0} labels issued: {smallRss:F0} MiB");
    }
}

Console.WriteLine($"bench: issuing {options.Labels:N0} labels in one batch");
var (codes, issueTime, verifiableAfter) = await Setup.LabelsAsync(api, options.Labels);
report.LabelIssue = (issueTime, verifiableAfter);
issued.AddRange(codes);
Console.WriteLine($"  one command of {options.Labels:N0} labels: {issueTime.TotalSeconds:F2} s, last label verifiable {verifiableAfter.TotalSeconds:F2} s after the command started");

var lookups = await LookupsAsync(issued);
report.Lookups.Add((issued.Count, lookups));
Console.WriteLine($"  label lookup with {issued.Count:N0} labels issued, connections={options.LookupConnections} {lookups}");

var offline = await Offline.MeasureAsync(api, codes[0], TimeSpan.FromSeconds(5));
report.Offline = offline;
Console.WriteLine($"  offline verification on one thread: {offline.PerSecond:F0}/s; statement {offline.TokenLength} characters, QR address {offline.UrlLength}, status snapshot {offline.SnapshotBytes} bytes");
report.OpensslVerifyPerSecond = await Offline.OpensslVerifyPerSecondAsync(5);
Console.WriteLine($"  openssl speed ecdsap256, verify on one core: {report.OpensslVerifyPerSecond?.ToString("F0", CultureInfo.InvariantCulture) ?? "openssl missing"}/s");

if (options.SnapshotCertificates > 0)
{
    Console.WriteLine($"bench: recording {options.SnapshotCertificates:N0} certificates decided on paper in 2022 (expired: all in the status snapshot)");
    var (bytes, onTheWire) = await Setup.SnapshotOfExpiredCertificatesAsync(api, options.SnapshotCertificates);
    report.Snapshot = (options.SnapshotCertificates, bytes, onTheWire);
    Console.WriteLine($"  status snapshot with {options.SnapshotCertificates:N0} certificates not valid: {bytes:N0} bytes, {onTheWire:N0} compressed");
}

if (options.LargeLabels > issued.Count)
{
    Console.WriteLine($"bench: issuing labels up to {options.LargeLabels:N0} in batches of 100,000");
    issued.AddRange(await Setup.ManyLabelsAsync(api, options.LargeLabels - issued.Count));
    var large = await LookupsAsync(issued);
    report.Lookups.Add((issued.Count, large));
    Console.WriteLine($"  label lookup with {issued.Count:N0} labels issued, connections={options.LookupConnections} {large}");
}

if (options.Consignment > 0 && issued.Count > 0)
{
    // A consignment as an exporter scans it: mostly genuine labels, some codes never issued.
    var genuine = issued.Take(options.Consignment * 99 / 100).ToList();
    var made = Enumerable.Range(0, options.Consignment - genuine.Count).Select(i => $"7K2M-9QXA-4HPD-{i:D4}-G").ToList();
    try
    {
        var (elapsed, summary) = await Evidence.ConsignmentAsync(api, [.. genuine, .. made]);
        report.Consignment = (options.Consignment, elapsed);
        Console.WriteLine($"  consignment report of {options.Consignment:N0} codes: done and signed {elapsed.TotalSeconds:F1} s after the upload ({summary.ToJsonString()})");
    }
    catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TimeoutException)
    {
        Console.WriteLine($"  consignment report: not measured ({e.Message.Split('\n')[0]})");
    }
}

if (options.Webhooks > 0 && api.Tokens.Exporter is not null)
{
    try
    {
        var (delivered, elapsed) = await Evidence.WebhooksAsync(api, options.Webhooks, changes: 20);
        report.Webhooks = (delivered, elapsed);
        Console.WriteLine($"  webhooks: {delivered:N0} deliveries ({options.Webhooks} webhooks × 20 changes) in {elapsed.TotalSeconds:F2} s: {delivered / elapsed.TotalSeconds:F0}/s");
    }
    catch (Exception e) when (e is InvalidOperationException or HttpRequestException or System.Net.HttpListenerException)
    {
        Console.WriteLine($"  webhooks: not measured ({e.Message.Split('\n')[0]})");
    }
}

if (ServiceRssMb() is { } rssMb)
{
    report.ServiceRss = (rssMb, issued.Count);
    Console.WriteLine($"  the service's resident memory with {issued.Count:N0} labels issued: {rssMb:F0} MiB");
    if (report.SmallRss is { } small && issued.Count > small.Labels)
    {
        Console.WriteLine($"  that is {(rssMb - small.Mb) * 1_000_000 / (issued.Count - small.Labels):F0} MiB more a million labels than with {small.Labels:N0}");
    }
}

// The service's resident memory (VmRSS), when bench.sh gave its process id.
double? ServiceRssMb() =>
    options.ServicePid is { } pid && File.Exists($"/proc/{pid}/status")
        ? double.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024
        : null;

if (options.ColdStartBuilds.Count > 0)
{
    Console.WriteLine("bench: cold start, process start to the first verified label (median of 3 starts)");
    foreach (var (name, dll, production) in options.ColdStartBuilds)
    {
        var ms = await ColdStart.MedianMsAsync(dll, codes[0], production, runs: 3);
        report.ColdStarts[name] = ms;
        Console.WriteLine($"  {name,-40} {ColdStart.Describe(ms)}");
    }
}

if (options.ChainComparison && options.ColdStartBuilds.FirstOrDefault(b => b.Production) is { Dll: { } productionDll } && report.Commands.Count > 0)
{
    var clients = report.Commands.Keys.Max();
    Console.WriteLine($"bench: the same commands through an instance without the history's hash chain ({clients} clients)");
    try
    {
        var without = await Evidence.CommandsWithoutChainAsync(productionDll, api.Tokens, options.CommandsPerLevel, clients);
        report.WithoutChain = (clients, without);
        Console.WriteLine($"  record inspection without the hash chain  clients={clients,-3} {without}");
    }
    catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
    {
        Console.WriteLine($"  without the hash chain: not measured ({e.Message.Split('\n')[0]})");
    }
}

if (options.RebuildDll is { } rebuildDll && options.Psql is { } psql)
{
    if (options.RebuildEvents > 0)
    {
        try
        {
            var (streams, copies) = await Rebuild.CopyFileHistoriesAsync(psql, options.RebuildEvents);
            Console.WriteLine($"bench: copied the {streams:N0} certification files' histories of this run {copies:N0} times, for at least {options.RebuildEvents:N0} events");
        }
        catch (InvalidOperationException e)
        {
            // The figures measured so far still count: the rebuild runs over the events there are.
            Console.WriteLine($"bench: could not copy the file histories ({e.Message.Split('\n')[0]}); rebuilding the events there are");
        }
    }

    Console.WriteLine("bench: rebuilding every projection from the events (projections rebuild, the service still running)");
    report.Rebuild = await Rebuild.MeasureAsync(rebuildDll, psql);
    Console.WriteLine($"  {report.Rebuild.Value.Events:N0} events in {report.Rebuild.Value.Elapsed.TotalSeconds:F1} s: {report.Rebuild.Value.PerSecond:F0} events/s");
}

Console.WriteLine();
Console.WriteLine(report.ToMarkdown(options));
Console.WriteLine(report.ToLine(options));
Console.WriteLine(report.EvidenceLine());
return 0;

namespace OvopQuality.Bench
{
    public sealed record BenchOptions(
        Uri Url, string? BaselineScript, int BaselineSeconds, IReadOnlyList<int> CommandClients, int CommandsPerLevel,
        int Labels, int LookupConnections, int LookupSeconds, int LargeLabels, int SnapshotCertificates, int SmallLabels, string LoadGenerator,
        IReadOnlyList<(string Name, string Dll, bool Production)> ColdStartBuilds, int? ServicePid,
        string? RebuildDll, string? Psql, int RebuildEvents, int Consignment, bool ChainComparison, int Webhooks,
        int RegistryProducers, int RegistryCertificates)
    {
        public static BenchOptions Parse(string[] args)
        {
            string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            int Int(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            return new BenchOptions(
                new Uri(Arg("--url") ?? "http://127.0.0.1:5080"),
                Arg("--baseline"),
                Int("--baseline-seconds", 10),
                (Arg("--clients") ?? "1,4,16").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList(),
                Int("--commands", 3000),
                Int("--labels", 1_000_000),
                Int("--connections", 32),
                Int("--lookup-seconds", 10),
                Int("--large-labels", 1_000_000),
                Int("--snapshot-certificates", 0),
                Int("--small-labels", 10_000),
                Arg("--load-generator") ?? "wrk",
                [.. ColdStartBuild("production build (deploy/publish.sh)", "--coldstart-static", production: true),
                 .. ColdStartBuild("everyday build (dotnet build)", "--coldstart-runtime", production: false)],
                Arg("--service-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
                Arg("--rebuild"),
                Arg("--psql"),
                Int("--rebuild-events", 1_000_000),
                Int("--consignment", 100_000),
                Int("--chain-comparison", 1) != 0,
                Int("--webhooks", 10),
                Int("--registry-producers", 0),
                Int("--registry-certificates", 100_000));

            IEnumerable<(string, string, bool)> ColdStartBuild(string name, string option, bool production) =>
                Arg(option) is { } dll ? [(name, dll, production)] : [];
        }
    }

    public static class Baseline
    {
        public sealed record Line(string Workload, int Clients, double Tps);

        /// <summary>Runs the shared pgbench workloads; PG* environment variables name the scratch database.</summary>
        public static async Task<IReadOnlyList<Line>> RunAsync(string script, int seconds, IEnumerable<int> clients)
        {
            var output = await Processes.RunAsync(
                "bash",
                [script, .. clients.Distinct().Select(c => c.ToString(CultureInfo.InvariantCulture))],
                new Dictionary<string, string> { ["BASELINE_SECONDS"] = seconds.ToString(CultureInfo.InvariantCulture) });
            return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).OfType<Line>()];
        }

        private static Line? Parse(string line)
        {
            var parts = line.Split(' ');
            string Value(string key) => parts.First(p => p.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
            return parts.Length < 3 || !double.TryParse(Value("tps"), CultureInfo.InvariantCulture, out var tps)
                ? null
                : new Line(parts[0], int.Parse(Value("clients"), CultureInfo.InvariantCulture), tps);
        }
    }
}

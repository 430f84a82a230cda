using System.Globalization;
using System.Text;

namespace OvopQuality.Bench;

/// <summary>The figures of one run, as the Markdown table the README carries.</summary>
public sealed class Report
{
    public Dictionary<(string Workload, int Clients), double> Baseline { get; } = [];

    public Dictionary<int, LoadResult> Commands { get; } = [];

    /// <summary>Label lookups, by the number of labels issued when they ran.</summary>
    public List<(int Labels, LoadResult Result)> Lookups { get; } = [];

    public (TimeSpan Issue, TimeSpan Verifiable) LabelIssue { get; set; }

    public OfflineResult? Offline { get; set; }

    public (int Certificates, int Bytes, int OnTheWire)? Snapshot { get; set; }

    /// <summary>Process start to the first verified label, in milliseconds, by build.</summary>
    public Dictionary<string, double> ColdStarts { get; } = [];

    /// <summary>ECDSA P-256 verifications a second on one core by `openssl speed`, in the same run.</summary>
    public double? OpensslVerifyPerSecond { get; set; }

    /// <summary>Every projection rebuilt from the events by the service's own command.</summary>
    public RebuildResult? Rebuild { get; set; }

    /// <summary>The service's resident memory after the largest lookups, in MiB, and how many labels were issued then.</summary>
    public (double Mb, int Labels)? ServiceRss { get; set; }

    /// <summary>A consignment report: how many codes, and the time from upload to the signed report.</summary>
    public (int Codes, TimeSpan Elapsed)? Consignment { get; set; }

    /// <summary>Webhook deliveries received by a local receiver, and the time from the first change to the last.</summary>
    public (int Delivered, TimeSpan Elapsed)? Webhooks { get; set; }

    /// <summary>The record-inspection figure again through an instance without the history's hash chain.</summary>
    public (int Clients, LoadResult Result)? WithoutChain { get; set; }

    /// <summary>The evidence issue's figures in one line: the consignment and the hash chain's cost.</summary>
    public string EvidenceLine()
    {
        var inv = CultureInfo.InvariantCulture;
        string? with = null, without = null, cost = null;
        if (WithoutChain is { } w && Commands.TryGetValue(w.Clients, out var chained))
        {
            with = chained.PerSecond.ToString("F0", inv);
            without = w.Result.PerSecond.ToString("F0", inv);
            cost = (100 * (1 - (chained.PerSecond / w.Result.PerSecond))).ToString("F0", inv);
        }

        return $"evidence: consignment100k_s={(Consignment is { } c ? c.Elapsed.TotalSeconds.ToString("F1", inv) : "na")} " +
            $"webhooks_per_s={(Webhooks is { } w2 && w2.Elapsed > TimeSpan.Zero ? (w2.Delivered / w2.Elapsed.TotalSeconds).ToString("F0", inv) : "na")} " +
            $"commands_chain={with ?? "na"} commands_nochain={without ?? "na"} chain_cost_pct={cost ?? "na"}";
    }

    /// <summary>The service's resident memory after the first lookups (few labels), in MiB.</summary>
    public (double Mb, int Labels)? SmallRss { get; set; }

    /// <summary>
    /// The one line a script reads: ratios to the baseline measured in this run (lookups and commands
    /// to pgbench, offline verification to openssl), latencies in ms; "na" for what this run did not measure.
    /// </summary>
    public string ToLine(BenchOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        string Na(double? value, string format) => value is { } v && !double.IsNaN(v) ? v.ToString(format, inv) : "na";
        double? LookupRatio((int Labels, LoadResult Result)? lookup) =>
            lookup is { } l && Baseline.TryGetValue(("verify", options.LookupConnections), out var tps) && tps > 0 ? l.Result.PerSecond / tps : null;
        double? CommandRatio(int clients) =>
            Commands.TryGetValue(clients, out var r) && Baseline.TryGetValue(("command", clients), out var tps) && tps > 0 ? r.PerSecond / tps : null;
        (int Labels, LoadResult Result)? small = Lookups.Where(l => l.Labels <= 10_000).Select(l => ((int, LoadResult)?)l).FirstOrDefault();
        (int Labels, LoadResult Result)? large = Lookups.Where(l => l.Labels >= 1_000_000).Select(l => ((int, LoadResult)?)l).LastOrDefault();
        var offline = Offline is { } o && OpensslVerifyPerSecond is { } openssl && openssl > 0 ? o.PerSecond / openssl : (double?)null;
        var batch = options.Labels >= 1_000_000 ? LabelIssue.Verifiable.TotalSeconds : (double?)null;
        var coldStart = ColdStarts.Count > 0 ? ColdStarts.First().Value : (double?)null;
        var rss = ServiceRss is { Labels: >= 1_000_000 } memory ? memory.Mb : (double?)null;
        return $"bench: lookup10k={Na(LookupRatio(small), "F2")} lookup1m={Na(LookupRatio(large), "F2")} " +
            $"p99_10k_ms={Na(small?.Result.P99Ms, "F1")} p99_1m_ms={Na(large?.Result.P99Ms, "F1")} " +
            $"command1={Na(CommandRatio(1), "F2")} command16={Na(CommandRatio(16), "F2")} " +
            $"p99_command16_ms={Na(Commands.TryGetValue(16, out var c16) ? c16.P99Ms : null, "F0")} " +
            $"offline={Na(offline, "F2")} batch1m_s={Na(batch, "F1")} rebuild_eps={Na(Rebuild is { Events: >= 1_000_000 } r ? r.PerSecond : null, "F0")} " +
            $"coldstart_ms={Na(coldStart, "F0")} rss_mb_1m={Na(rss, "F0")}";
    }

    public string ToMarkdown(BenchOptions options)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores (client, service and PostgreSQL on the same machine).");
        md.AppendLine();
        md.AppendLine("| workload | concurrency | OvopQuality | PostgreSQL limit (pgbench) | ratio | target |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var (clients, result) in Commands.OrderBy(c => c.Key))
        {
            md.AppendLine(inv, $"| record an inspection (HTTP command) | {clients} | {result.PerSecond:F0}/s, p99 {result.P99Ms:F0} ms | {Limit("command", clients)} | {Ratio(result.PerSecond, "command", clients)} | ≥ 25 %{(clients >= 16 ? ", p99 ≤ 50 ms" : "")} |");
        }

        var fewest = Lookups.Count > 0 ? Lookups.Min(l => l.Labels) : 0;
        foreach (var (labels, result) in Lookups)
        {
            var target = labels == fewest ? "≥ 100 %, p99 ≤ 10 ms" : $"≥ 90 % of the figure with {fewest:N0}, p99 ≤ 10 ms";
            md.AppendLine(inv, $"| label lookup, {labels:N0} labels issued ({result.Client}) | {options.LookupConnections} | {result.PerSecond:F0}/s, p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms | {Limit("verify", options.LookupConnections)} | {Ratio(result.PerSecond, "verify", options.LookupConnections)} | {target} |");
        }

        md.AppendLine(inv, $"| issue {options.Labels:N0} labels in one command | 1 | {LabelIssue.Issue.TotalSeconds:F1} s; last label verifiable after {LabelIssue.Verifiable.TotalSeconds:F1} s | | | 1,000,000 verifiable ≤ 10 s |");
        if (Snapshot is { } snapshot)
        {
            md.AppendLine(inv, $"| signed status snapshot, {snapshot.Certificates:N0} certificates all not valid | | {snapshot.Bytes / 1024.0:F0} KiB, {snapshot.OnTheWire / 1024.0:F0} KiB on the wire (Brotli) | | | a daily download |");
        }

        if (Offline is { } offline)
        {
            var openssl = OpensslVerifyPerSecond is { } o ? $"{o:F0}/s (openssl speed ecdsap256 verify)" : "";
            var ratio = OpensslVerifyPerSecond is { } p && p > 0 ? (100 * offline.PerSecond / p).ToString("F0", inv) + " %" : "";
            md.AppendLine(inv, $"| offline verification (signature, keys, snapshot), one thread | 1 | {offline.PerSecond:F0}/s | {openssl} | {ratio} | ≥ 90 % of openssl |");
        }

        if (Rebuild is { } rebuild)
        {
            md.AppendLine(inv, $"| rebuild every projection from {rebuild.Events:N0} events (`projections rebuild`) | 1 | {rebuild.PerSecond:F0} events/s ({rebuild.Elapsed.TotalSeconds:F1} s) | | | ≥ 20,000 events/s on ≥ 1,000,000 events |");
        }

        if (Consignment is { } consignment)
        {
            md.AppendLine(inv, $"| consignment report of {consignment.Codes:N0} codes (upload to signed report) | 1 | {consignment.Elapsed.TotalSeconds:F1} s | | | measured |");
        }

        if (Webhooks is { } hooks)
        {
            md.AppendLine(inv, $"| webhook deliveries to a local receiver ({hooks.Delivered:N0}, signed, through the outbox) | | {hooks.Delivered / hooks.Elapsed.TotalSeconds:F0}/s | | | measured |");
        }

        if (WithoutChain is { } plain)
        {
            md.AppendLine(inv, $"| record an inspection without the history's hash chain (second instance) | {plain.Clients} | {plain.Result.PerSecond:F0}/s, p99 {plain.Result.P99Ms:F0} ms | {Limit("command", plain.Clients)} | {Ratio(plain.Result.PerSecond, "command", plain.Clients)} | the chain's cost |");
        }

        if (ServiceRss is { } memory)
        {
            var perMillion = SmallRss is { } small && memory.Labels > small.Labels
                ? $" ({(memory.Mb - small.Mb) * 1_000_000 / (memory.Labels - small.Labels):F0} MiB a million labels more than with {small.Labels:N0}: {small.Mb:F0} MiB)"
                : "";
            md.AppendLine(inv, $"| the service's resident memory with {memory.Labels:N0} labels issued and looked up | | {memory.Mb:F0} MiB{perMillion} | | | fits comfortably |");
        }
        foreach (var (build, ms) in ColdStarts)
        {
            md.AppendLine(inv, $"| cold start: process start to the first verified label, {build} | 1 | {ms:F0} ms | | | measured |");
        }

        return md.ToString();

        string Limit(string workload, int clients) =>
            Baseline.TryGetValue((workload, clients), out var tps) ? tps.ToString("F0", inv) + "/s" : "not measured";

        string Ratio(double value, string workload, int clients) =>
            Baseline.TryGetValue((workload, clients), out var tps) && tps > 0 ? (100 * value / tps).ToString("F0", inv) + " %" : "";
    }
}

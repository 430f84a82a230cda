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
            md.AppendLine(inv, $"| record an inspection (HTTP command) | {clients} | {result.PerSecond:F0}/s, p99 {result.P99Ms:F0} ms | {Limit("command", clients)} | {Ratio(result.PerSecond, "command", clients)} | ≥ 25 % |");
        }

        var fewest = Lookups.Count > 0 ? Lookups.Min(l => l.Labels) : 0;
        foreach (var (labels, result) in Lookups)
        {
            var target = labels == fewest ? "≥ 50 %" : $"≥ 50 %, no slower than with {fewest:N0}";
            md.AppendLine(inv, $"| label lookup, {labels:N0} labels issued ({result.Client}) | {options.LookupConnections} | {result.PerSecond:F0}/s, p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms | {Limit("verify", options.LookupConnections)} | {Ratio(result.PerSecond, "verify", options.LookupConnections)} | {target} |");
        }

        md.AppendLine(inv, $"| issue {options.Labels:N0} labels in one command | 1 | {LabelIssue.Issue.TotalSeconds:F1} s; last label verifiable after {LabelIssue.Verifiable.TotalSeconds:F1} s | | | ≤ 10 s |");
        if (Snapshot is { } snapshot)
        {
            md.AppendLine(inv, $"| signed status snapshot, {snapshot.Certificates:N0} certificates all not valid | | {snapshot.Bytes / 1024.0:F0} KiB, {snapshot.OnTheWire / 1024.0:F0} KiB on the wire (Brotli) | | | a daily download |");
        }

        if (Offline is { } offline)
        {
            md.AppendLine(inv, $"| offline verification (signature, keys, snapshot), one thread | 1 | {offline.PerSecond:F0}/s | | | ≥ 5,000/s a core |");
        }
        foreach (var (build, ms) in ColdStarts)
        {
            md.AppendLine(inv, $"| cold start: process start to the first verified label, {build} | 1 | {ms:F0} ms | | | < 1,000 ms |");
        }

        return md.ToString();

        string Limit(string workload, int clients) =>
            Baseline.TryGetValue((workload, clients), out var tps) ? tps.ToString("F0", inv) + "/s" : "not measured";

        string Ratio(double value, string workload, int clients) =>
            Baseline.TryGetValue((workload, clients), out var tps) && tps > 0 ? (100 * value / tps).ToString("F0", inv) + " %" : "";
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OvopQuality.Verifier;

namespace OvopQuality.Bench;

public sealed record OfflineResult(double PerSecond, int TokenLength, int UrlLength, int SnapshotBytes);

public static class Offline
{
    /// <summary>What `openssl speed` verifies of ECDSA P-256 a second on one core, or null where openssl is missing.</summary>
    public static async Task<double?> OpensslVerifyPerSecondAsync(int seconds)
    {
        try
        {
            var output = await Processes.RunAsync("openssl", ["speed", "-seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-mr", "ecdsap256"]);
            // Machine-readable summary: +F4:<n>:<bits>:<sign/s>:<verify/s>
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("+F4:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(':')[4], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Verifies one label's statement again and again on one thread, as a phone would, with the service's keys and snapshot cached.</summary>
    public static async Task<OfflineResult> MeasureAsync(BenchApi api, string code, TimeSpan duration)
    {
        var token = (await api.Http.GetFromJsonAsync<JsonNode>($"/api/labels/{code}/token"))!;
        var jwks = await api.Http.GetStringAsync("/.well-known/jwks.json");
        var snapshot = (await api.Http.GetFromJsonAsync<JsonNode>("/api/status-snapshot"))!["snapshot"]!.GetValue<string>();
        var verifier = new OfflineVerifier(jwks, snapshot);
        var statement = token["token"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow;
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            if (verifier.Verify(statement, now).Verdict != "valid")
            {
                throw new InvalidOperationException("the benchmark's label does not verify offline");
            }

            count++;
        }

        return new OfflineResult(count / clock.Elapsed.TotalSeconds, statement.Length, token["url"]!.GetValue<string>().Length, snapshot.Length);
    }
}

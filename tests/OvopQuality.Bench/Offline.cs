using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OvopQuality.Verifier;

namespace OvopQuality.Bench;

public sealed record OfflineResult(double PerSecond, int TokenLength, int UrlLength, int SnapshotBytes);

public static class Offline
{
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

using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace OvopQuality.Bench;

/// <summary>A scheduled inspection waiting to be recorded, with the file version a client would hold.</summary>
public sealed record ScheduledInspection(Guid File, Guid Inspection, long ExpectedVersion);

public static class Setup
{
    /// <summary>
    /// Files with a few scheduled inspections each, grouped so that one client records the
    /// inspections of a file in order and clients never contend for one stream.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<ScheduledInspection>>> ScheduledInspectionsAsync(
        BenchApi api, int count, int inspectionsPerFile)
    {
        var files = (count + inspectionsPerFile - 1) / inspectionsPerFile;
        var result = new IReadOnlyList<ScheduledInspection>[files];
        await Parallel.ForAsync(0, files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var file = await api.ApplicationAsync();
            var scheduled = new List<Guid>();
            for (var k = 0; k < inspectionsPerFile; k++)
            {
                scheduled.Add(await api.ScheduleAsync(file, 1 + k));
            }

            // After the schedules the file is at version 1 + n; each recording moves it on by one.
            result[i] = [.. scheduled.Select((inspection, k) => new ScheduledInspection(file, inspection, 1 + inspectionsPerFile + k))];
        });
        return result;
    }

    /// <summary>Certifies a file for enough units and issues one batch; returns the codes, the command time and when the last code verified.</summary>
    public static async Task<(IReadOnlyList<string> Codes, TimeSpan IssueTime, TimeSpan VerifiableAfter)> LabelsAsync(BenchApi api, int labels)
    {
        var file = await api.ApplicationAsync(annualUnits: labels);
        var inspection = await api.ScheduleAsync(file, 1);
        await api.PostAsync($"/api/certifications/{file}/inspections/{inspection}/results", BenchApi.Inspection(2), api.Tokens.Inspector);
        await api.PostAsync($"/api/certifications/{file}/decisions/standard-met", new { expectedVersion = 3, scope = "Benchmark" }, api.Tokens.Officer);

        // The command's time is until its answer is in (the client's own parsing of a million codes
        // afterwards is not the service's); the last label is then asked for until it verifies, and
        // that time is added, so "verifiable after" leaves only the client's parsing out.
        var clock = Stopwatch.StartNew();
        var body = await api.PostForBytesAsync($"/api/certifications/{file}/labels", new { expectedVersion = 4, lot = "LOT-BENCH", quantity = labels });
        var issueTime = clock.Elapsed;
        List<string> codes;
        using (var document = System.Text.Json.JsonDocument.Parse(body))
        {
            codes = [.. document.RootElement.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)];
        }

        var polling = Stopwatch.StartNew();
        while (true)
        {
            using var response = await api.Http.GetAsync($"/api/labels/{codes[^1]}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(10);
        }

        return (codes, issueTime, issueTime + polling.Elapsed);
    }

    /// <summary>One certificate with labels issued up to the total, in batches of 100,000; returns every code.</summary>
    public static async Task<IReadOnlyList<string>> ManyLabelsAsync(BenchApi api, int total)
    {
        var file = await api.ApplicationAsync(annualUnits: (total / 3) + 1);
        var inspection = await api.ScheduleAsync(file, 1);
        await api.PostAsync($"/api/certifications/{file}/inspections/{inspection}/results", BenchApi.Inspection(2), api.Tokens.Inspector);
        await api.PostAsync($"/api/certifications/{file}/decisions/standard-met", new { expectedVersion = 3, scope = "Benchmark" }, api.Tokens.Officer);
        var codes = new List<string>(total);
        var version = 4L;
        while (codes.Count < total)
        {
            var quantity = Math.Min(100_000, total - codes.Count);
            var issued = await api.PostAsync($"/api/certifications/{file}/labels", new { expectedVersion = version, lot = $"LOT-{codes.Count}", quantity });
            codes.AddRange(issued["codes"]!.AsArray().Select(c => c!.GetValue<string>()));
            version = issued["version"]!.GetValue<long>();
        }

        return codes;
    }

    /// <summary>Certificates recorded from paper with a validity over (so each is listed in the snapshot); returns the snapshot's size.</summary>
    public static async Task<(int Bytes, int OnTheWire)> SnapshotOfExpiredCertificatesAsync(BenchApi api, int certificates)
    {
        await Parallel.ForAsync(0, certificates, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var file = await api.ApplicationAsync();
            var inspection = await api.ScheduleAsync(file, 1);
            await api.PostAsync($"/api/certifications/{file}/inspections/{inspection}/results", new
            {
                expectedVersion = 2, tookPlaceOn = new DateOnly(2022, 5, 10), results = BenchApi.AllPassed,
            }, api.Tokens.Inspector);
            await api.PostAsync($"/api/certifications/{file}/decisions/standard-met",
                new { expectedVersion = 3, scope = "Benchmark", validFrom = new DateOnly(2022, 5, 20) }, api.Tokens.Officer);
        });
        using var response = await api.Http.GetAsync("/api/status-snapshot");
        var snapshot = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // What a phone downloads: the same answer, compressed as a browser or HTTP library asks for.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status-snapshot");
        request.Headers.AcceptEncoding.ParseAdd("br, gzip");
        using var compressed = await api.Http.SendAsync(request);
        return (snapshot["bytes"]!.GetValue<int>(), (await compressed.Content.ReadAsByteArrayAsync()).Length);
    }
}

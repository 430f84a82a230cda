using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace OvopQuality.Bench;

/// <summary>
/// The figures of the exporters-and-evidence issue: a consignment report of many codes, and what the
/// history's hash chain costs a command (the same commands through an instance that does not chain).
/// </summary>
public static class Evidence
{
    /// <summary>
    /// Submits the codes as a text file (one a line, as a scanner writes them) and follows the report
    /// until it is done: seconds from the upload to the signed report.
    /// </summary>
    public static async Task<(TimeSpan Elapsed, JsonNode Summary)> ConsignmentAsync(BenchApi api, IReadOnlyList<string> codes)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/consignments") { Content = new StringContent(string.Join('\n', codes), System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new("Bearer", api.Tokens.Administrator);
        using var response = await api.Http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the consignment was refused ({(int)response.StatusCode}): {answer}");
        }

        var location = response.Headers.Location ?? new Uri($"/api/consignments/{answer["id"]!.GetValue<string>()}", UriKind.Relative);
        while (answer["status"]!.GetValue<string>() != "done")
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("the consignment report was not done within 10 minutes");
            }

            await Task.Delay(100);
            using var poll = new HttpRequestMessage(HttpMethod.Get, location);
            using var polled = await api.Http.SendAsync(poll);
            answer = JsonNode.Parse(await polled.Content.ReadAsStringAsync())!;
        }

        return (clock.Elapsed, answer["summary"]!);
    }

    /// <summary>
    /// Records inspections through a second instance started with the hash chain off
    /// (Ovop__History__HashChain=false, which leaves the database's events unchained from then on),
    /// as many and as concurrently as the main figure, then stops it.
    /// </summary>
    public static async Task<LoadResult> CommandsWithoutChainAsync(string dll, BenchTokens tokens, int commands, int clients)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["Ovop__History__HashChain"] = "false";
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", Path.GetDirectoryName(dll)! })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = Load.Client(new Uri($"http://127.0.0.1:{port}"), connections: 64);
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var ready = await http.GetAsync("/health/ready");
                    if (ready.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException("the instance without the hash chain did not start");
                }

                await Task.Delay(100);
            }

            var api = new BenchApi(http, tokens);
            // Not measured: the instance's first commands (the main figure comes from a service that
            // has answered thousands already).
            await Load.RecordInspectionsAsync(api, await Setup.ScheduledInspectionsAsync(api, Math.Min(commands, 600), inspectionsPerFile: 4), clients);
            var work = await Setup.ScheduledInspectionsAsync(api, commands, inspectionsPerFile: 4);
            return await Load.RecordInspectionsAsync(api, work, clients);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Webhook deliveries a second to a receiver on 127.0.0.1 (this process, answering 204): an
    /// exporter registers <paramref name="webhooks"/> webhooks and watches one certificate, which an
    /// officer then suspends and reinstates <paramref name="changes"/> times in all; each change goes to
    /// every webhook. Timed from the first change to the last delivery received.
    /// </summary>
    public static async Task<(int Delivered, TimeSpan Elapsed)> WebhooksAsync(BenchApi api, int webhooks, int changes)
    {
        var exporter = api.Tokens.Exporter ?? throw new InvalidOperationException("OVOP_BENCH_EXPORTER_TOKEN is not set");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var received = 0;
        var last = Stopwatch.StartNew();
        var clock = new Stopwatch();
        var serving = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await receiver.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    await context.Request.InputStream.CopyToAsync(Stream.Null);
                    context.Response.StatusCode = 204;
                    context.Response.Close();
                    Interlocked.Increment(ref received);
                    last = Stopwatch.StartNew();
                });
            }
        });

        var file = await api.ApplicationAsync(annualUnits: 1000);
        var inspection = await api.ScheduleAsync(file, 1);
        await api.PostAsync($"/api/certifications/{file}/inspections/{inspection}/results", BenchApi.Inspection(2), api.Tokens.Inspector);
        var decided = await api.PostAsync($"/api/certifications/{file}/decisions/standard-met", new { expectedVersion = 3, scope = "Benchmark" }, api.Tokens.Officer);
        var version = decided["version"]!.GetValue<long>();
        var view = (await api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/certifications/{file}") { Headers = { Authorization = new("Bearer", api.Tokens.Administrator) } }));
        var number = JsonNode.Parse(await view.Content.ReadAsStringAsync())!["certificate"]!["number"]!.GetValue<string>();
        for (var i = 0; i < webhooks; i++)
        {
            await api.PostAsync("/api/webhooks", new { endpoint = $"http://127.0.0.1:{port}/hook/{i}" }, exporter);
        }

        await api.PostAsync("/api/watches", new { certificateNumber = number }, exporter);
        clock.Start();
        for (var i = 0; i < changes; i++)
        {
            var changed = i % 2 == 0
                ? await api.PostAsync($"/api/certifications/{file}/suspension", new { expectedVersion = version, reasonClass = "nonConformity", reason = "Benchmark" }, api.Tokens.Officer)
                : await api.PostAsync($"/api/certifications/{file}/reinstatement", new { expectedVersion = version, reason = "Benchmark" }, api.Tokens.Officer);
            version = changed["version"]!.GetValue<long>();
        }

        var expected = webhooks * changes;
        while (Volatile.Read(ref received) < expected && last.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        var elapsed = clock.Elapsed - last.Elapsed;
        receiver.Stop();
        await serving;
        return (Volatile.Read(ref received), elapsed);
    }
}

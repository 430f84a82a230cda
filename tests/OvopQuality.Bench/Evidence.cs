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
            var work = await Setup.ScheduledInspectionsAsync(api, commands, inspectionsPerFile: 4);
            return await Load.RecordInspectionsAsync(api, work, clients);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}

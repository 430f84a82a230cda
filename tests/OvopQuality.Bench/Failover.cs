using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace OvopQuality.Bench;

/// <summary>
/// Node loss under load (deploy/failover.sh runs it against deploy/cluster.sh): commands and label
/// verifications go through the load balancer while the Wolverine leader is killed with SIGKILL, and
/// later a second instance. Prints one line:
/// <c>failover: acknowledged=N lost=N http_gap_ms=N leader_s=N recovered_s=N propagate_ms=N</c>.
/// </summary>
public static class Failover
{
    private sealed record Attempt(double StartMs, double EndMs, bool Ok);

    private sealed record Node(int Port, int Pid, int Number);

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var url = new Uri(Arg("--url", "http://127.0.0.1:5180"));
        var clusterDir = Arg("--cluster-dir", ".data/cluster");
        var seconds = int.Parse(Arg("--seconds", "90"), CultureInfo.InvariantCulture);
        var clients = int.Parse(Arg("--clients", "4"), CultureInfo.InvariantCulture);
        var tokens = BenchTokens.FromEnvironment();

        using var lb = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(2) }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(15) };
        var api = new BenchApi(lb, tokens);
        var nodes = await NodesAsync(clusterDir, tokens.Administrator);
        Console.WriteLine($"failover: {nodes.Count} instances: {string.Join(", ", nodes.Select(n => $"node {n.Number} on {n.Port} (process {n.Pid})"))}");

        // Two certified files with labels: one whose labels are verified throughout, one to suspend.
        var (_, codes, _) = await CertifiedAsync(api, 200);
        var (suspendFile, suspendCodes, suspendVersion) = await CertifiedAsync(api, 1);
        Console.WriteLine($"failover: {codes.Count} labels to verify; load for {seconds} s from {clients} command and {clients} verification clients");

        var clock = Stopwatch.StartNew();
        var attempts = new ConcurrentBag<Attempt>();
        var acknowledged = new ConcurrentBag<Guid>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var load = new List<Task>();
        for (var i = 0; i < clients; i++)
        {
            load.Add(Task.Run(() => CommandsAsync(api, clock, attempts, acknowledged, stop.Token)));
            load.Add(Task.Run(() => VerificationsAsync(lb, codes, clock, attempts, stop.Token)));
        }

        // Let the load settle, then kill the leader.
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, seconds / 6)));
        var leader = await LeaderAsync(nodes, tokens.Administrator, except: null, TimeSpan.FromSeconds(60))
            ?? throw new InvalidOperationException("no leader was elected within 60 s");
        var victim = nodes.Single(n => n.Number == leader);
        var agents = await AgentsOfAsync(victim, tokens.Administrator);
        Process.GetProcessById(victim.Pid).Kill();
        var killedAt = clock.Elapsed;
        Console.WriteLine($"failover: {killedAt.TotalSeconds:F1} s: killed the leader, node {victim.Number} (process {victim.Pid}), which ran {agents.Count} agent(s): {string.Join(", ", agents)}");
        var alive = nodes.Where(n => n != victim).ToList();

        var newLeader = await LeaderAsync(alive, tokens.Administrator, except: victim.Number, TimeSpan.FromSeconds(180));
        var leaderSeconds = (clock.Elapsed - killedAt).TotalSeconds;
        Console.WriteLine(newLeader is null
            ? $"failover: no new leader within {leaderSeconds:F0} s"
            : $"failover: node {newLeader} leads {leaderSeconds:F1} s after the kill");

        var recovered = await RecoveredAsync(alive, victim, agents, tokens.Administrator, TimeSpan.FromSeconds(180));
        var recoveredSeconds = (clock.Elapsed - killedAt).TotalSeconds;
        Console.WriteLine(recovered
            ? $"failover: node {victim.Number} ejected and its agents running elsewhere {recoveredSeconds:F1} s after the kill"
            : $"failover: node {victim.Number}'s work not taken over within {recoveredSeconds:F0} s");

        // A suspension made through one surviving instance, answered by every other.
        var propagateMs = await PropagationAsync(api, alive, suspendFile, suspendVersion, suspendCodes[0], tokens.Officer);
        Console.WriteLine($"failover: a suspension made on node {alive[0].Number} was answered by every other instance after {propagateMs:F0} ms");

        // Later, a second instance.
        if (alive.Count > 1 && stop.Token.IsCancellationRequested is false)
        {
            var second = alive[^1];
            Process.GetProcessById(second.Pid).Kill();
            Console.WriteLine($"failover: {clock.Elapsed.TotalSeconds:F1} s: killed a second instance, node {second.Number} (process {second.Pid})");
        }

        await Task.WhenAll(load);
        var lost = await LostAsync(api, acknowledged);
        var gap = LongestFailedRunMs(attempts);
        var failed = attempts.Count(a => !a.Ok);
        Console.WriteLine($"failover: {attempts.Count} requests through the load balancer, {failed} failed; {acknowledged.Count} commands acknowledged, {lost} of them missing afterwards");
        var line = string.Create(CultureInfo.InvariantCulture,
            $"failover: acknowledged={acknowledged.Count} lost={lost} http_gap_ms={gap:F0} leader_s={leaderSeconds:F1} recovered_s={recoveredSeconds:F1} propagate_ms={propagateMs:F0}");
        Console.WriteLine(line);
        return lost == 0 && newLeader is not null && recovered ? 0 : 1;
    }

    /// <summary>The instances cluster.sh started, each asked directly which Wolverine node it is.</summary>
    private static async Task<List<Node>> NodesAsync(string clusterDir, string token)
    {
        var nodes = new List<Node>();
        foreach (var portFile in Directory.GetFiles(clusterDir, "node-*.port").Order(StringComparer.Ordinal))
        {
            var port = int.Parse(File.ReadAllText(portFile).Trim(), CultureInfo.InvariantCulture);
            var pid = int.Parse(File.ReadAllText(Path.ChangeExtension(portFile, ".pid")).Trim(), CultureInfo.InvariantCulture);
            var cluster = await ClusterAsync(port, token) ?? throw new InvalidOperationException($"the instance on port {port} does not answer");
            nodes.Add(new Node(port, pid, cluster["thisNode"]!.GetValue<int>()));
        }

        return nodes;
    }

    private static async Task<JsonNode?> ClusterAsync(int port, string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/api/cluster");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The leader as the given instances see it, other than <paramref name="except"/>, once there is one.</summary>
    private static async Task<int?> LeaderAsync(IReadOnlyList<Node> nodes, string token, int? except, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            foreach (var node in nodes)
            {
                if (await ClusterAsync(node.Port, token) is { } cluster && cluster["leader"]?.GetValue<int>() is { } leader
                    && leader != except && nodes.Any(n => n.Number == leader))
                {
                    return leader;
                }
            }

            await Task.Delay(100);
        }

        return null;
    }

    private static async Task<List<string>> AgentsOfAsync(Node node, string token) =>
        (await ClusterAsync(node.Port, token))?["nodes"]!.AsArray()
            .Where(n => n!["number"]!.GetValue<int>() == node.Number)
            .SelectMany(n => n!["agents"]!.AsArray().Select(a => a!.GetValue<string>()))
            .ToList() ?? [];

    /// <summary>The dead node is gone from the node table and every agent it ran runs on a live one.</summary>
    private static async Task<bool> RecoveredAsync(IReadOnlyList<Node> alive, Node dead, IReadOnlyList<string> agents, string token, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (await ClusterAsync(alive[0].Port, token) is { } cluster)
            {
                var listed = cluster["nodes"]!.AsArray();
                var running = listed.SelectMany(n => n!["agents"]!.AsArray().Select(a => a!.GetValue<string>())).ToHashSet(StringComparer.Ordinal);
                if (listed.All(n => n!["number"]!.GetValue<int>() != dead.Number) && agents.All(running.Contains))
                {
                    return true;
                }
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static async Task<double> PropagationAsync(BenchApi api, IReadOnlyList<Node> alive, Guid file, long version, string code, string officer)
    {
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var node in alive)
        {
            // Each instance has the certificate in memory as valid before the change.
            var before = await StatusAsync(direct, node, code);
            if (before != "valid")
            {
                throw new InvalidOperationException($"node {node.Number} answered {before} before the suspension");
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{alive[0].Port}/api/certifications/{file}/suspension")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { expectedVersion = version, reasonClass = "surveillanceFailed", reason = "Failover drill" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", officer);
        using var answer = await direct.SendAsync(request);
        answer.EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        var waiting = alive.Skip(1).ToList();
        while (waiting.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var statuses = await Task.WhenAll(waiting.Select(n => StatusAsync(direct, n, code)));
            waiting = [.. waiting.Where((_, i) => statuses[i] != "suspended")];
            if (waiting.Count > 0)
            {
                await Task.Delay(5);
            }
        }

        return waiting.Count == 0 ? clock.Elapsed.TotalMilliseconds : double.PositiveInfinity;
    }

    private static async Task<string> StatusAsync(HttpClient http, Node node, string code)
    {
        var body = await http.GetStringAsync($"http://127.0.0.1:{node.Port}/api/labels/{code}");
        return JsonNode.Parse(body)!["status"]!.GetValue<string>();
    }

    private static async Task<(Guid File, IReadOnlyList<string> Codes, long Version)> CertifiedAsync(BenchApi api, int labels)
    {
        var file = await api.ApplicationAsync(annualUnits: labels * 10);
        var inspection = await api.ScheduleAsync(file, 1);
        await api.PostAsync($"/api/certifications/{file}/inspections/{inspection}/results", BenchApi.Inspection(2), api.Tokens.Inspector);
        await api.PostAsync($"/api/certifications/{file}/decisions/standard-met", new { expectedVersion = 3, scope = "Failover drill" }, api.Tokens.Officer);
        var issued = await api.PostAsync($"/api/certifications/{file}/labels", new { expectedVersion = 4, lot = "LOT-FAILOVER", quantity = labels });
        return (file, [.. issued["codes"]!.AsArray().Select(c => c!.GetValue<string>())], issued["version"]!.GetValue<long>());
    }

    private static async Task CommandsAsync(BenchApi api, Stopwatch clock, ConcurrentBag<Attempt> attempts, ConcurrentBag<Guid> acknowledged, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var start = clock.Elapsed.TotalMilliseconds;
            try
            {
                acknowledged.Add(await api.ProducerAsync());
                attempts.Add(new Attempt(start, clock.Elapsed.TotalMilliseconds, true));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                attempts.Add(new Attempt(start, clock.Elapsed.TotalMilliseconds, false));
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private static async Task VerificationsAsync(HttpClient lb, IReadOnlyList<string> codes, Stopwatch clock, ConcurrentBag<Attempt> attempts, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var start = clock.Elapsed.TotalMilliseconds;
            bool ok;
            try
            {
                using var response = await lb.GetAsync($"/api/labels/{codes[Random.Shared.Next(codes.Count)]}", CancellationToken.None);
                ok = response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                ok = false;
            }

            attempts.Add(new Attempt(start, clock.Elapsed.TotalMilliseconds, ok));
            if (!ok)
            {
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    /// <summary>Acknowledged commands whose producer cannot be read afterwards.</summary>
    private static async Task<int> LostAsync(BenchApi api, IEnumerable<Guid> acknowledged)
    {
        var lost = 0;
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/producers/{id}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Tokens.Administrator);
            using var response = await api.Http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref lost);
            }
        });
        return lost;
    }

    /// <summary>The longest time during which every request that ended, failed: from the start of the first to the end of the last.</summary>
    private static double LongestFailedRunMs(IEnumerable<Attempt> attempts)
    {
        double longest = 0, runStart = -1;
        foreach (var attempt in attempts.OrderBy(a => a.EndMs))
        {
            if (attempt.Ok)
            {
                runStart = -1;
                continue;
            }

            if (runStart < 0)
            {
                runStart = attempt.StartMs;
            }

            longest = Math.Max(longest, attempt.EndMs - runStart);
        }

        return longest;
    }
}

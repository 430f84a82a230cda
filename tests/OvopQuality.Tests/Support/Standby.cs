using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OvopQuality.Tests.Support;

/// <summary>
/// A streaming standby of the cluster deploy/test.sh started, made by deploy/standby.sh for the tests
/// that read from one, and stopped when they are done. Its replay can be paused, as a standby falling
/// behind would be, through the superuser's unix socket.
/// </summary>
public sealed class Standby : IAsyncLifetime
{
    private static readonly string Script = Path.Combine(Checks.Root, "deploy", "standby.sh");

    private readonly int _port = FreePort();

    /// <summary>What a host sets as ConnectionStrings:OvopReplica: the standby, then the primary, prefer-standby.</summary>
    public string ReplicaConnectionString { get; private set; } = "";

    private string Superuser => new NpgsqlConnectionStringBuilder
    {
        Host = PrimaryData + "-standby", Port = _port, Username = "postgres", Database = "ovop", Pooling = false,
    }.ConnectionString;

    private static string PrimaryData => Environment.GetEnvironmentVariable("OVOP_PG_DATA") is { Length: > 0 } data
        ? data
        : throw new InvalidOperationException("The standby tests copy the cluster deploy/test.sh starts (OVOP_PG_DATA, OVOP_PG_PORT): run them with deploy/test.sh.");

    public async ValueTask InitializeAsync()
    {
        _ = PrimaryData;
        var (exitCode, output, errors) = await RunAsync("start");
        Assert.True(exitCode == 0, $"deploy/standby.sh start failed ({exitCode}): {errors}");
        ReplicaConnectionString = output.Trim().Split('\n')[^1];
        await CaughtUpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ResumeAsync();
        }
        finally
        {
            await RunAsync("stop");
        }
    }

    public Task PauseAsync() => OnStandbyAsync("select pg_wal_replay_pause()");

    public Task ResumeAsync() => OnStandbyAsync("select pg_wal_replay_resume()");

    /// <summary>Waits until the standby replayed everything the primary had written when this was called.</summary>
    public async Task CaughtUpAsync()
    {
        await using var primary = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("ConnectionStrings__Ovop")!);
        await using var position = primary.CreateCommand("select pg_current_wal_insert_lsn()::text");
        var written = (string)(await position.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        var watch = Stopwatch.StartNew();
        while (!await OnStandbyAsync<bool>($"select pg_last_wal_replay_lsn() >= '{written}'::pg_lsn"))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the standby did not replay up to {written} in 30 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A value read on the standby itself, as the superuser.</summary>
    public async Task<T> OnStandbyAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Superuser);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private async Task OnStandbyAsync(string sql) => await OnStandbyAsync<object>(sql);

    private async Task<(int ExitCode, string Output, string Errors)> RunAsync(string action)
    {
        var start = new ProcessStartInfo("bash", [Script, action])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Checks.Root,
            Environment = { ["OVOP_STANDBY_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(CancellationToken.None);
        return (process.ExitCode, await output, await errors);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

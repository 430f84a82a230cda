using Npgsql;

namespace OvopQuality.Tests.Support;

/// <summary>
/// A database of a test's own, beside the shared one, on the PostgreSQL deploy/test.sh started:
/// for a host whose settings or doings (a low rate limit, key revocations, the real clock) the shared
/// host's tests must not meet. Dropped with everything in it when the test is done.
/// </summary>
public sealed class OwnDatabase(string purpose) : IAsyncDisposable
{
    private static readonly string Administrator = Environment.GetEnvironmentVariable("ConnectionStrings__Ovop") ?? "";

    private readonly string _name = $"ovop_{purpose}_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => new NpgsqlConnectionStringBuilder(Administrator) { Database = _name }.ConnectionString;

    public async Task<OwnDatabase> CreateAsync()
    {
        await using var data = NpgsqlDataSource.Create(Administrator);
        await using var create = data.CreateCommand($"create database {_name}");
        await create.ExecuteNonQueryAsync();
        return this;
    }

    /// <summary>
    /// Drops the database. An autovacuum worker that happens to be in it cannot be ended by a role that
    /// is not a superuser (42501), and may hold it a moment (55006): the drop is tried again a few times,
    /// then left to the throwaway cluster, which goes with the run.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var data = NpgsqlDataSource.Create(Administrator);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = data.CreateCommand($"drop database if exists {_name} with (force)");
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is "42501" or "55006")
            {
                if (attempt == 10)
                {
                    return;
                }

                await Task.Delay(200);
            }
        }
    }
}

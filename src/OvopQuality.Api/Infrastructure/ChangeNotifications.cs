using System.Threading.Channels;
using Marten.Services;
using Npgsql;
using OvopQuality.Api.Labels.Scans;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// How one instance tells the others that facts behind what they hold in memory changed: a
/// PostgreSQL <c>NOTIFY</c> on <see cref="Channel"/>, sent inside the transaction that commits the
/// change (PostgreSQL delivers it only if that transaction commits, so nothing is announced that did
/// not happen). Payloads: <c>file:{id}</c> (a certification file), <c>clone:{id}</c> (a clone
/// signal), <c>keys</c> (a signing key made, retired or revoked).
/// </summary>
public sealed class ChangeAnnouncer : DocumentSessionListenerBase
{
    public const string Channel = "ovop_changes";

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var said = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stream in session.PendingChanges.Streams())
        {
            var first = stream.Events.Count > 0 ? stream.Events[0].Data : null;
            if (first is Certification.IFileEvent)
            {
                said.Add("file:" + stream.Id);
            }
            else if (first is CloneSignalRaised or CloneSignalWeighedAgain or CloneSignalConfirmed or CloneSignalDismissed or CloneSignalLifted)
            {
                said.Add("clone:" + stream.Id);
            }
        }

        if (session.PendingChanges.AllChangedFor<SigningKey>().Any())
        {
            said.Add("keys");
        }

        foreach (var payload in said)
        {
            session.QueueSqlCommand("select pg_notify(?, ?)", Channel, payload);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Listens on <see cref="ChangeAnnouncer.Channel"/> with a connection of its own and brings this
/// instance's memory up to date: a changed file leaves the certificate cache (and the status snapshot
/// is made again), a changed clone signal is read again, a key change remakes the snapshot. When the
/// connection drops, whatever was announced meanwhile is lost, so everything held is cleared and the
/// listener connects again (every second until it can); the caches' own time limits stay as a backstop.
/// </summary>
public sealed class ChangeNotifications(
    IConfiguration configuration, CertificateCache certificates, CloneWatch clones, IDocumentStore store, ILogger<ChangeNotifications> logger) : BackgroundService
{
    private readonly Channel<string> _received = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var applying = ApplyAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PersistenceConfiguration.ConnectionString(configuration))
                {
                    KeepAlive = 10,
                    Pooling = false,
                }.ConnectionString);
                connection.Notification += (_, e) => _received.Writer.TryWrite(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChangeAnnouncer.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever changed before the listening began was not heard: start from nothing.
                _received.Writer.TryWrite("all");
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Lost the change notifications; clearing what this instance holds and listening again");
                _received.Writer.TryWrite("all");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }

        _received.Writer.TryComplete();
        await applying;
    }

    private async Task ApplyAsync(CancellationToken ct)
    {
        await foreach (var payload in _received.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await ApplyOneAsync(payload, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not apply the change notification {Payload}; clearing the certificate cache", payload);
                certificates.Clear();
            }
        }
    }

    private async Task ApplyOneAsync(string payload, CancellationToken ct)
    {
        var (kind, id) = payload.IndexOf(':', StringComparison.Ordinal) is var at and > 0 ? (payload[..at], payload[(at + 1)..]) : (payload, "");
        switch (kind)
        {
            case "file" when Guid.TryParse(id, out var fileId):
                certificates.Forget(fileId);
                break;
            case "clone" when Guid.TryParse(id, out var signalId):
                await clones.LearnAsync(async token =>
                {
                    await using var session = store.QuerySession();
                    return await session.LoadAsync<CloneSignalCase>(signalId, token) is { } signal ? [signal] : [];
                }, ct);
                break;
            case "keys":
            case "all":
                certificates.Clear();
                break;
        }
    }
}

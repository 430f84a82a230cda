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
/// not happen). Payloads: <c>file:{id}</c> (a certification file), <c>producer:{id}</c> (a producer's
/// details, products or contact publication), <c>labels:{batch}</c> (a batch of
/// labels issued), <c>clone:{id}</c> (a clone signal), <c>keys</c> (a signing key made, retired or revoked).
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
                foreach (var issued in stream.Events.Select(e => e.Data).OfType<Certification.LabelsIssued>())
                {
                    said.Add("labels:" + issued.BatchId);
                }
            }
            else if (first is Producers.ProducerRegistered or Producers.ProducerDetailsCorrected or Producers.ProductRegistered
                     or Producers.ContactPublicationAgreed or Producers.ContactPublicationWithdrawn)
            {
                said.Add("producer:" + stream.Id);
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
/// A batch of labels issued elsewhere is read into the <see cref="LabelIndex"/> by its batch. A changed
/// file or producer is read again into the public directory (<see cref="PublicDirectory.DirectoryIndex"/>)
/// before its next answer; a lost connection has the directory read again whole.
/// <para>
/// Every second the listener also proves itself: it runs a statement on its connection and, once the
/// answer is back, notes the instant the statement was sent, in order behind every notification
/// received before it. PostgreSQL delivers the notifications of every transaction that committed
/// before the statement began no later than its answer, so when that note is applied, every change
/// committed before that instant has been applied here: what the caches still hold was current then
/// (<see cref="CertificateCache.Confirmed"/>).
/// </para>
/// </summary>
public sealed class ChangeNotifications(
    IConfiguration configuration, CertificateCache certificates, CloneWatch clones, LabelIndex labels, VerificationDatabase database, IDocumentStore store,
    PublicDirectory.DirectoryIndex directory, TimeProvider clock, ILogger<ChangeNotifications> logger) : BackgroundService
{
    /// <summary>How often the listener proves its connection alive.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

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
                await using var beat = new NpgsqlCommand("select 1", connection);
                while (!stoppingToken.IsCancellationRequested)
                {
                    var sent = clock.GetUtcNow();
                    await beat.ExecuteScalarAsync(stoppingToken);
                    _received.Writer.TryWrite("beat:" + sent.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    // Notifications until the next beat is due (WaitAsync is false once the time is up).
                    var until = sent + Heartbeat;
                    while (until - clock.GetUtcNow() is var left && left > TimeSpan.Zero && await connection.WaitAsync(left, stoppingToken))
                    {
                    }
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
                directory.Changed(fileId);
                break;
            case "producer" when Guid.TryParse(id, out var producerId):
                directory.Changed(producerId);
                break;
            case "labels" when Guid.TryParse(id, out var batchId):
                await labels.LearnBatchAsync(database.Primary, batchId, ct);
                break;
            case "beat" when long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var ticks):
                certificates.Confirmed(new DateTimeOffset(ticks, TimeSpan.Zero));
                break;
            case "clone" when Guid.TryParse(id, out var signalId):
                await clones.LearnAsync(async token =>
                {
                    await using var session = store.QuerySession();
                    return await session.LoadAsync<CloneSignalCase>(signalId, token) is { } signal ? [signal] : [];
                }, ct);
                break;
            case "keys":
                certificates.Clear();
                break;
            case "all":
                certificates.Clear();
                directory.ReadAllAgain();
                break;
        }
    }
}

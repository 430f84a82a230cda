using Npgsql;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Consignments;

/// <summary>
/// Judges a queued consignment off the request path. The message sits in Wolverine's durable local
/// queue (kept in PostgreSQL), so a restart or a lost node delivers it again; judging again is
/// harmless: the report is done once, in one transaction with its lines and CSV, and a report
/// already done is left as it is. Progress is written after each chunk of codes, in a short
/// transaction of its own, so that the submitter can follow it.
/// </summary>
public static class JudgeConsignmentHandler
{
    public static async Task Handle(
        JudgeConsignment message, IDocumentSession session, IDocumentStore store, NpgsqlDataSource database, ConsignmentJudge judge, SigningKeys keys,
        IConfiguration configuration, TimeProvider clock, ILogger<JudgeConsignment> logger, CancellationToken ct)
    {
        var report = await session.LoadAsync<ConsignmentReport>(message.ReportId, ct);
        if (report is null || report.Status == ConsignmentStatus.Done)
        {
            return;
        }

        var codes = await ConsignmentTables.InputsAsync(database, report.Id, ct);
        if (codes is null)
        {
            logger.LogWarning("Consignment report {Report} has no codes left to judge", report.Id);
            return;
        }

        var started = clock.GetUtcNow();
        var current = report with { Status = ConsignmentStatus.Running, CodesDone = 0, Version = report.Version + 1 };
        await SaveProgressAsync(store, current, ct);
        var lines = await judge.JudgeAsync(codes, new AsOf(report.At, report.KnownAt), async (done, token) =>
        {
            current = current with { CodesDone = done, Version = current.Version + 1 };
            await SaveProgressAsync(store, current, token);
        }, ct);

        var (finished, csv) = await ConsignmentDocuments.CompleteAsync(current, lines, keys, LabelStatements.PublicBaseUrl(configuration), clock.GetUtcNow(), ct);
        session.Store(finished);
        ConsignmentTables.QueueLines(session, finished.Id, lines);
        ConsignmentTables.QueueCsv(session, finished.Id, csv);
        ConsignmentTables.QueueInputsDone(session, finished.Id);
        logger.LogInformation("Consignment report {Report}: {Codes} codes judged in {Seconds:0.00} s", finished.Id, lines.Count, (clock.GetUtcNow() - started).TotalSeconds);
    }

    private static async Task SaveProgressAsync(IDocumentStore store, ConsignmentReport report, CancellationToken ct)
    {
        await using var progress = store.LightweightSession();
        progress.Store(report);
        await progress.SaveChangesAsync(ct);
    }
}

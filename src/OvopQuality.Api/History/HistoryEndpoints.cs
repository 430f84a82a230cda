using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OvopQuality.Api.Certification.Reading;
using OvopQuality.Api.Producers.Reading;

namespace OvopQuality.Api.History;

/// <summary>
/// A stream's whole history, as the offline verifier (<c>ovop-verify history</c>) takes it: every
/// event with its hash and the hash before it, the latest checkpoint that covers the stream, and the
/// proof that the stream's head, as that checkpoint covered it, is one of its leaves.
/// </summary>
public sealed record HistoryExport(Guid StreamId, IReadOnlyList<EventRecord> Events, Checkpoint? Checkpoint, Inclusion? Inclusion);

/// <summary>The stream's head in the checkpoint (its version and hash), its place among the leaves, and the path to the root.</summary>
public sealed record Inclusion(long Version, string Hash, int Index, int Size, IReadOnlyList<ProofStep> Path);

public static class HistoryExports
{
    public static async Task<HistoryExport> ExportAsync(Guid streamId, IReadOnlyList<EventRecord> events, Checkpoints checkpoints, CancellationToken ct)
    {
        var proof = await checkpoints.InclusionAsync(streamId, ct);
        return proof is { } p
            ? new HistoryExport(streamId, events, p.Checkpoint, new Inclusion(p.Head.Version, HistoryHashing.Hex(p.Head.Hash), p.Index, p.Size, p.Path))
            : new HistoryExport(streamId, events, null, null);
    }
}

public static class ExportCertificationHistoryEndpoint
{
    /// <summary>
    /// The file's whole history for an offline check: every event with its hash and the one before it,
    /// and the proof that its stream's head is covered by the latest signed checkpoint.
    /// </summary>
    [WolverineGet("/api/certifications/{fileId}/events/export", OperationId = "ExportCertificationHistory")]
    [Tags("History")]
    [Authorize(Roles = GetCertificationFileEndpoint.FileReaders)]
    public static async Task<Results<Ok<HistoryExport>, ProblemHttpResult>> Get(
        Guid fileId, IQuerySession session, NpgsqlDataSource database, Checkpoints checkpoints, Actor actor, CancellationToken ct)
    {
        if (await GetCertificationFileEndpoint.VisibleAsync(fileId, session, actor, ct) is null)
        {
            return GetCertificationFileEndpoint.FileNotFound(fileId);
        }

        var events = await EventHistory.ReadAsync(session, database, fileId, ct);
        return events.Count == 0 ? GetCertificationFileEndpoint.FileNotFound(fileId) : TypedResults.Ok(await HistoryExports.ExportAsync(fileId, events, checkpoints, ct));
    }
}

public static class ExportProducerHistoryEndpoint
{
    /// <summary>The producer's whole history for an offline check, with its hashes and the proof of its head in the latest checkpoint.</summary>
    [WolverineGet("/api/producers/{producerId}/events/export", OperationId = "ExportProducerHistory")]
    [Tags("History")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static async Task<Results<Ok<HistoryExport>, ProblemHttpResult>> Get(
        Guid producerId, IQuerySession session, NpgsqlDataSource database, Checkpoints checkpoints, Actor actor, CancellationToken ct)
    {
        if (await GetProducerEndpoint.VisibleAsync(producerId, session, actor, ct) is null)
        {
            return GetProducerEndpoint.ProducerNotFound(producerId);
        }

        var events = await EventHistory.ReadAsync(session, database, producerId, ct);
        return events.Count == 0 ? GetProducerEndpoint.ProducerNotFound(producerId) : TypedResults.Ok(await HistoryExports.ExportAsync(producerId, events, checkpoints, ct));
    }
}

public static class ListCheckpointsEndpoint
{
    /// <summary>
    /// Public: the signed checkpoints of the event history, oldest first, an append-only list in which
    /// each names the hash of the one before. Each signs the Merkle root of every stream's head.
    /// </summary>
    [WolverineGet("/api/history/checkpoints", OperationId = "ListHistoryCheckpoints")]
    [Tags("History")]
    [AllowAnonymous]
    public static async Task<Results<Ok<Page<Checkpoint>>, ProblemHttpResult>> Get(int? limit, string? cursor, Checkpoints checkpoints, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var (items, total) = await checkpoints.ListAsync(page.Offset, page.Limit, ct);
        return TypedResults.Ok(Paging.PageOf(items, page, total));
    }
}

public static class GetCheckpointEndpoint
{
    /// <summary>Public: one signed checkpoint of the event history, by its number.</summary>
    [WolverineGet("/api/history/checkpoints/{number}", OperationId = "GetHistoryCheckpoint")]
    [Tags("History")]
    [AllowAnonymous]
    public static async Task<Results<Ok<Checkpoint>, ProblemHttpResult>> Get(long number, Checkpoints checkpoints, CancellationToken ct) =>
        await checkpoints.OneAsync(number, ct) is { } checkpoint
            ? TypedResults.Ok(checkpoint)
            : TypedResults.Problem(Problems.NotFound("checkpoint", $"There is no checkpoint #{number}."));
}

public static class PublishCheckpointEndpoint
{
    /// <summary>
    /// Administrators: publish a checkpoint now, covering every stream's head as it stands (events not
    /// yet chained are chained first). Otherwise one is published every Ovop:History:CheckpointSeconds.
    /// </summary>
    [WolverinePost("/api/history/checkpoints", OperationId = "PublishHistoryCheckpoint")]
    [Tags("History")]
    [Authorize(Roles = Roles.Administrator)]
    [ClaimsIdempotencyKeyItself]
    public static async Task<Checkpoint> Post(Checkpoints checkpoints, HttpContext context, CancellationToken ct) =>
        (await checkpoints.PublishAsync(force: true, ct, context))!;
}

public static class CheckHistoryEndpoint
{
    /// <summary>
    /// Administrators: recompute every stream's hash chain from what is stored and compare it with the
    /// hashes recorded at each append and with the signed checkpoints (or one stream's, with <c>?stream=</c>).
    /// Each problem names the stream and the event (version and sequence) or the checkpoint.
    /// </summary>
    [WolverineGet("/api/history/check", OperationId = "CheckHistory")]
    [Tags("History")]
    [Authorize(Roles = Roles.Administrator)]
    public static Task<HistoryCheckReport> Get(Guid? stream, HistoryCheck check, CancellationToken ct) => check.RunAsync(stream, ct);
}

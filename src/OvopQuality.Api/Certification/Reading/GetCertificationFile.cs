using Microsoft.AspNetCore.Http.HttpResults;

namespace OvopQuality.Api.Certification.Reading;

public static class GetCertificationFileEndpoint
{
    /// <summary>The certification file: status, every step so far with who and when, inspections, decision, labels.</summary>
    [WolverineGet("/api/certifications/{fileId}", OperationId = "GetCertificationFile")]
    [Tags("Certification")]
    [Authorize(Roles = FileReaders)]
    public static async Task<Results<Ok<CertificationFileView>, ProblemHttpResult>> Get(Guid fileId, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var view = await VisibleAsync(fileId, session, actor, ct);
        return view is null ? FileNotFound(fileId) : TypedResults.Ok(view);
    }

    public const string FileReaders = Roles.ProducerOrStaff + "," + Roles.Inspector;

    /// <summary>The file, when it exists and the user may see it; otherwise null, whichever the reason.</summary>
    internal static async Task<CertificationFileView?> VisibleAsync(Guid fileId, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var view = await session.LoadAsync<CertificationFileView>(fileId, ct);
        return view is not null && actor.MaySeeFile(view.ProducerNumber, view.Inspections.Select(i => i.InspectorId)) ? view : null;
    }

    internal static ProblemHttpResult FileNotFound(Guid fileId) =>
        TypedResults.Problem(Problems.CertificationFileNotFound(fileId));
}

public static class GetCertificationHistoryEndpoint
{
    /// <summary>Every event of the file, in order, exactly as recorded.</summary>
    [WolverineGet("/api/certifications/{fileId}/events", OperationId = "GetCertificationHistory")]
    [Tags("Certification")]
    [Authorize(Roles = GetCertificationFileEndpoint.FileReaders)]
    public static async Task<Results<Ok<Page<EventRecord>>, ProblemHttpResult>> Get(Guid fileId, int? limit, string? cursor, IQuerySession session, Npgsql.NpgsqlDataSource database, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (await GetCertificationFileEndpoint.VisibleAsync(fileId, session, actor, ct) is null)
        {
            return GetCertificationFileEndpoint.FileNotFound(fileId);
        }

        var history = await EventHistory.ReadAsync(session, database, fileId, ct);
        return history.Count == 0 ? GetCertificationFileEndpoint.FileNotFound(fileId) : TypedResults.Ok(Paging.Slice(history, page));
    }
}

public sealed record LabelBatchDetails(Guid BatchId, Guid FileId, string Lot, int Quantity, DateTimeOffset IssuedAt, IReadOnlyList<string> Codes);

public static class GetLabelBatchEndpoint
{
    /// <summary>A batch of labels with its codes, for printing.</summary>
    [WolverineGet("/api/certifications/{fileId}/labels/{batchId}", OperationId = "GetLabelBatch")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static async Task<Results<Ok<LabelBatchDetails>, ProblemHttpResult>> Get(Guid fileId, Guid batchId, IQuerySession session, Actor actor, CancellationToken ct)
    {
        if (await GetCertificationFileEndpoint.VisibleAsync(fileId, session, actor, ct) is null)
        {
            return GetCertificationFileEndpoint.FileNotFound(fileId);
        }

        var events = await session.Events.QueryRawEventDataOnly<LabelsIssued>()
            .Where(e => e.FileId == fileId && e.BatchId == batchId)
            .ToListAsync(ct);
        return events.Count == 0
            ? TypedResults.Problem(Problems.NotFound("label-batch", $"File {fileId} has no label batch {batchId}."))
            : TypedResults.Ok(new LabelBatchDetails(batchId, fileId, events[0].Lot, events[0].Quantity, events[0].IssuedAt, events[0].Codes));
    }
}

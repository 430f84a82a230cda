using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Reading;

namespace OvopQuality.Api.Producers.Reading;

public static class GetProducerEndpoint
{
    /// <summary>A producer with its products and current details.</summary>
    [WolverineGet("/api/producers/{producerId}", OperationId = "GetProducer")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff + "," + Roles.Ministry)]
    public static async Task<Results<Ok<Producer>, ProblemHttpResult>> Get(Guid producerId, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var producer = await VisibleAsync(producerId, session, actor, ct);
        return producer is null ? ProducerNotFound(producerId) : TypedResults.Ok(producer);
    }

    /// <summary>The producer, when it exists and the user may see it.</summary>
    internal static async Task<Producer?> VisibleAsync(Guid producerId, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var producer = await session.LoadAsync<Producer>(producerId, ct);
        return producer is not null && actor.MaySeeProducer(producer.Number) ? producer : null;
    }

    /// <summary>One product of a producer.</summary>
    [WolverineGet("/api/producers/{producerId}/products/{productId}", OperationId = "GetProduct")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff + "," + Roles.Ministry)]
    public static async Task<Results<Ok<Product>, ProblemHttpResult>> GetProduct(Guid producerId, Guid productId, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var producer = await VisibleAsync(producerId, session, actor, ct);
        if (producer is null)
        {
            return ProducerNotFound(producerId);
        }

        return producer.Products.FirstOrDefault(p => p.Id == productId) is { } product
            ? TypedResults.Ok(product)
            : TypedResults.Problem(Problems.NotFound("product", $"Producer {producer.Number} has no product {productId}."));
    }

    internal static ProblemHttpResult ProducerNotFound(Guid producerId) =>
        TypedResults.Problem(Problems.NotFound("producer", $"There is no producer {producerId}."));
}

public static class FindProducersEndpoint
{
    /// <summary>Producers, by tax id or producer number when given, in order of registration.</summary>
    [WolverineGet("/api/producers", OperationId = "FindProducers")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.Staff + "," + Roles.Ministry)]
    public static async Task<Results<Ok<Page<Producer>>, ProblemHttpResult>> Get(
        string? taxId, string? number, int? limit, string? cursor, IQuerySession session, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var query = session.Query<Producer>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(taxId))
        {
            query = query.Where(p => p.TaxId == taxId);
        }

        if (!string.IsNullOrWhiteSpace(number))
        {
            query = query.Where(p => p.Number == number);
        }

        var total = await query.CountAsync(ct);
        return TypedResults.Ok(Paging.PageOf(await query.OrderBy(p => p.Number).Skip(page.Offset).Take(page.Limit).ToListAsync(ct), page, total));
    }
}

public static class GetProducerHistoryEndpoint
{
    /// <summary>Every recorded change of the producer: registration, corrections, products.</summary>
    [WolverineGet("/api/producers/{producerId}/events", OperationId = "GetProducerHistory")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static async Task<Results<Ok<Page<EventRecord>>, ProblemHttpResult>> Get(Guid producerId, int? limit, string? cursor, IQuerySession session, Npgsql.NpgsqlDataSource database, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (await GetProducerEndpoint.VisibleAsync(producerId, session, actor, ct) is null)
        {
            return GetProducerEndpoint.ProducerNotFound(producerId);
        }

        var history = await EventHistory.ReadAsync(session, database, producerId, ct);
        return history.Count == 0 ? GetProducerEndpoint.ProducerNotFound(producerId) : TypedResults.Ok(Paging.Slice(history, page));
    }
}

public sealed record ProducerCertification(
    Guid FileId,
    CertificationStatus Status,
    Guid ProductId,
    LocalizedText ProductName,
    string StandardCode,
    int StandardVersion,
    string? CertificateNumber,
    int? Stars,
    DateOnly? ValidUntil,
    DateTimeOffset SubmittedAt,
    long Version);

public static class GetProducerCertificationsEndpoint
{
    /// <summary>A producer's certification files and where each stands.</summary>
    [WolverineGet("/api/producers/{producerId}/certifications", OperationId = "GetProducerCertifications")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff + "," + Roles.Ministry)]
    public static async Task<Results<Ok<Page<ProducerCertification>>, ProblemHttpResult>> Get(Guid producerId, int? limit, string? cursor, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (await GetProducerEndpoint.VisibleAsync(producerId, session, actor, ct) is null)
        {
            return GetProducerEndpoint.ProducerNotFound(producerId);
        }

        return TypedResults.Ok(await PageAsync(producerId, page, session, ct));
    }

    internal static async Task<Page<ProducerCertification>> PageAsync(Guid producerId, PageRequest page, IQuerySession session, CancellationToken ct)
    {
        var query = session.Query<Certification.Reading.FileSummary>().Where(f => f.ProducerId == producerId);
        var total = await query.CountAsync(ct);
        var files = await query.OrderByDescending(f => f.SubmittedAt).ThenBy(f => f.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        return Paging.PageOf<ProducerCertification>([.. files.Select(f => new ProducerCertification(
            f.Id, f.Status, f.ProductId, f.ProductName, f.StandardCode, f.StandardVersion, f.CertificateNumber,
            f.Stars, f.ValidUntil, f.SubmittedAt, f.Version))], page, total);
    }
}

public sealed record ProducerNotification(Guid FileId, string? CertificateNumber, DateTimeOffset At, string Kind, string Message);

public static class GetProducerNotificationsEndpoint
{
    /// <summary>
    /// What the producer should read, newest first: every turn of its files (grant, refusal, each
    /// finding with its deadline, corrective actions reviewed, appeals decided, scope changed, labels
    /// issued, surveillance due, reminders before expiry, suspension, reinstatement, withdrawal, surrender, expiry,
    /// renewal) and complaints about its certificates (what was said, never who said it) with how
    /// they were resolved; <c>kind</c> names the turn in camelCase; written in the reader's language (<c>?lang=tg|ru|en</c>, else
    /// the browser's Accept-Language, else English).
    /// </summary>
    [WolverineGet("/api/producers/{producerId}/notifications", OperationId = "GetProducerNotifications")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static async Task<Results<Ok<Page<ProducerNotification>>, ProblemHttpResult>> Get(
        Guid producerId, int? limit, string? cursor, string? lang, HttpContext context, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        if (await GetProducerEndpoint.VisibleAsync(producerId, session, actor, ct) is not { } producer)
        {
            return GetProducerEndpoint.ProducerNotFound(producerId);
        }

        var language = Labels.Page.PageTexts.Choose(lang, context.Request.Headers.AcceptLanguage);
        // Read in a fixed order, so that notices of the same instant keep theirs from one page to the next.
        var files = await session.Query<Notifying.FileNotices>().Where(f => f.ProducerId == producerId).OrderBy(f => f.Id).ToListAsync(ct);
        // A repeat of a complaint the producer was told of is held for staff: one client cannot flood a producer.
        var complaints = await session.Query<Complaints.Complaint>().Where(c => c.ProducerNumber == producer.Number && c.RepeatOf == null)
            .OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(Paging.Slice<ProducerNotification>([.. files
            .SelectMany(f => f.Notices.Select(n => new ProducerNotification(f.Id, n.CertificateNumber, n.At, n.Kind, Notifying.NoticeTexts.Render(n, language))))
            .Concat(complaints.SelectMany(c => Notifying.NoticeTexts.About(c, language)
                .Select(n => new ProducerNotification(c.FileId!.Value, c.CertificateNumber, n.At, n.Kind, n.Message))))
            .OrderByDescending(n => n.At)], page));
    }
}

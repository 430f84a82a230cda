using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Marten;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Webhooks;

/// <summary>
/// What an exporter watches: one certificate, every certificate of a producer (those granted later
/// included), or the certificates of a consignment report (those its codes belonged to when judged).
/// </summary>
public enum WatchKind
{
    Certificate,
    Producer,
    Consignment,
}

/// <summary>An exporter's watch, by the number people know (a certificate's or a producer's). Removed watches are kept, marked.</summary>
public sealed record CertificateWatch(
    Guid Id, string Owner, WatchKind Kind, string Number, DateTimeOffset CreatedAt, DateTimeOffset? RemovedAt, long Version, IReadOnlyList<string>? Certificates = null);

/// <summary>The certificate a change concerns, as anyone may know it.</summary>
public sealed record WatchedCertificate(Guid FileId, string CertificateNumber, string ProducerNumber);

/// <summary>
/// Who watches a certificate: the exporters (by subject) who should be told of its changes. Each
/// source of watching is one of these; the service asks them all and tells each exporter once.
/// A source kept elsewhere (certificates named in an exporter's consignment reports) registers its
/// own: <c>services.AddSingleton&lt;ICertificateWatchers, …&gt;()</c>.
/// </summary>
public interface ICertificateWatchers
{
    Task<IReadOnlyCollection<string>> WatchersAsync(WatchedCertificate certificate, IQuerySession session, CancellationToken ct);
}

/// <summary>The watches exporters made themselves: by certificate number, by producer number, and by consignment report.</summary>
public sealed class DirectWatches : ICertificateWatchers
{
    public async Task<IReadOnlyCollection<string>> WatchersAsync(WatchedCertificate certificate, IQuerySession session, CancellationToken ct)
    {
        var direct = await session.Query<CertificateWatch>()
            .Where(w => w.RemovedAt == null && ((w.Kind == WatchKind.Certificate && w.Number == certificate.CertificateNumber)
                                                || (w.Kind == WatchKind.Producer && w.Number == certificate.ProducerNumber)))
            .Select(w => w.Owner)
            .ToListAsync(ct);
        var byReport = await session.Query<CertificateWatch>()
            .Where(w => w.RemovedAt == null && w.Kind == WatchKind.Consignment && w.Certificates!.Contains(certificate.CertificateNumber))
            .Select(w => w.Owner)
            .ToListAsync(ct);
        return [.. direct.Concat(byReport).Distinct(StringComparer.Ordinal)];
    }
}

/// <summary>Watch one certificate (<c>certificateNumber</c>), every certificate of a producer (<c>producerNumber</c>), or the certificates of a consignment report (<c>consignmentId</c>): one of the three.</summary>
public sealed record WatchCertificates(string? CertificateNumber = null, string? ProducerNumber = null, string? ConsignmentId = null);

public sealed record WatchCreated(Guid Id, WatchKind Kind, string Number, long Version) : CreationResponse($"/api/watches/{Id}");

public sealed record WatchView(Guid Id, WatchKind Kind, string Number, DateTimeOffset CreatedAt, long Version);

public sealed record WatchRemoved(Guid Id, long Version);

public static class WatchCertificatesEndpoint
{
    public static ProblemDetails Validate(WatchCertificates command) =>
        new Validation()
            .Require(new[] { command.CertificateNumber, command.ProducerNumber, command.ConsignmentId }.Count(n => n is not null) == 1,
                command.CertificateNumber is null ? command.ProducerNumber is null ? "consignmentId" : "producerNumber" : "certificateNumber",
                "give one of certificateNumber, producerNumber and consignmentId")
            .OptionalText(command.CertificateNumber, "certificateNumber", 40)
            .OptionalText(command.ProducerNumber, "producerNumber", 40)
            .OptionalText(command.ConsignmentId, "consignmentId", 64)
            .ToProblem();

    public static async Task<ProblemDetails> LoadAsync(WatchCertificates command, IQuerySession session, Actor actor, WebhookSettings settings, CancellationToken ct)
    {
        var (kind, number) = Target(command);
        if (kind == WatchKind.Consignment)
        {
            // Anyone holding a report's address may read it, and so watch what it found.
            var report = await session.LoadAsync<Consignments.ConsignmentReport>(number, ct);
            if (report is null)
            {
                return Problems.NotFound("consignment", $"There is no consignment report {number}.");
            }

            if (report.Status != Consignments.ConsignmentStatus.Done)
            {
                return Problems.Conflict("consignment-not-ready", $"Consignment report {number} is still being judged: watch it once it is done.");
            }
        }
        else
        {
            var known = kind == WatchKind.Certificate
                ? await session.Query<PublicCertificate>().AnyAsync(c => c.CertificateNumber == number, ct)
                : await session.Query<Producer>().AnyAsync(p => p.Number == number, ct);
            if (!known)
            {
                return kind == WatchKind.Certificate
                    ? Problems.NotFound("certificate", $"No certificate {number} was ever issued by OVOP Tajikistan.")
                    : Problems.NotFound("producer", $"There is no producer {number}.");
            }
        }

        var mine = session.Query<CertificateWatch>().Where(w => w.Owner == actor.Subject && w.RemovedAt == null);
        if (await mine.AnyAsync(w => w.Kind == kind && w.Number == number, ct))
        {
            return Problems.Conflict("already-watched", $"You already watch {number}.");
        }

        var held = await mine.CountAsync(ct);
        return held >= settings.MaximumWatchesPerExporter
            ? Problems.Conflict("too-many-watches", $"You have {held} watches, the most allowed: remove one first.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>
    /// Watches a certificate, or every certificate of a producer (those granted later too): each time one
    /// is granted, suspended, reinstated, withdrawn, surrendered, expires, is superseded or has its scope
    /// changed, your webhooks receive it. A consignment report (<c>consignmentId</c>, once it is done)
    /// stands for the certificates its codes belonged to when it was judged.
    /// </summary>
    [WolverinePost("/api/watches", OperationId = "WatchCertificates")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<(WatchCreated, IMartenOp)> Post(WatchCertificates command, Actor actor, TimeProvider clock, IQuerySession session, CancellationToken ct)
    {
        var (kind, number) = Target(command);
        var certificates = kind == WatchKind.Consignment
            ? (await session.LoadAsync<Consignments.ConsignmentReport>(number, ct))!.CertificateNumbers
            : null;
        var watch = new CertificateWatch(Guid.CreateVersion7(), actor.Subject, kind, number, clock.GetUtcNow(), null, 1, certificates);
        return (new WatchCreated(watch.Id, kind, number, 1), MartenOps.Insert(watch));
    }

    private static (WatchKind Kind, string Number) Target(WatchCertificates command) =>
        command.CertificateNumber is { } certificate ? (WatchKind.Certificate, certificate.Trim().ToUpperInvariant())
        : command.ProducerNumber is { } producer ? (WatchKind.Producer, producer.Trim().ToUpperInvariant())
        : (WatchKind.Consignment, command.ConsignmentId!.Trim().ToLowerInvariant());
}

public static class GetWatchesEndpoint
{
    /// <summary>What you watch, newest first.</summary>
    [WolverineGet("/api/watches", OperationId = "GetWatches")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<Page<WatchView>>, ProblemHttpResult>> Get(int? limit, string? cursor, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var query = session.Query<CertificateWatch>().Where(w => w.Owner == actor.Subject && w.RemovedAt == null);
        var total = await query.CountAsync(ct);
        var watches = await query.OrderByDescending(w => w.CreatedAt).ThenBy(w => w.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(Paging.PageOf<WatchView>([.. watches.Select(View)], page, total));
    }

    /// <summary>One of your watches.</summary>
    [WolverineGet("/api/watches/{watchId}", OperationId = "GetWatch")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<WatchView>, ProblemHttpResult>> GetOne(Guid watchId, IQuerySession session, Actor actor, CancellationToken ct) =>
        await OwnAsync(watchId, session, actor, ct) is { } watch ? TypedResults.Ok(View(watch)) : NotFound(watchId);

    internal static async Task<CertificateWatch?> OwnAsync(Guid watchId, IQuerySession session, Actor actor, CancellationToken ct) =>
        await session.LoadAsync<CertificateWatch>(watchId, ct) is { RemovedAt: null } watch && watch.Owner == actor.Subject ? watch : null;

    internal static ProblemHttpResult NotFound(Guid watchId) =>
        TypedResults.Problem(Problems.NotFound("watch", $"You have no watch {watchId}."));

    private static WatchView View(CertificateWatch w) => new(w.Id, w.Kind, w.Number, w.CreatedAt, w.Version);
}

public static class RemoveWatchEndpoint
{
    /// <summary>Stops watching: later changes are not sent; deliveries already made go on.</summary>
    [WolverineDelete("/api/watches/{watchId}", OperationId = "RemoveWatch")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<WatchRemoved>, ProblemHttpResult>> Delete(
        Guid watchId, IDocumentSession session, [NotBody] Actor actor, TimeProvider clock, CancellationToken ct)
    {
        if (await GetWatchesEndpoint.OwnAsync(watchId, session, actor, ct) is not { } watch)
        {
            return GetWatchesEndpoint.NotFound(watchId);
        }

        var removed = watch with { RemovedAt = clock.GetUtcNow(), Version = watch.Version + 1 };
        session.Store(removed);
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(new WatchRemoved(watchId, removed.Version));
    }
}

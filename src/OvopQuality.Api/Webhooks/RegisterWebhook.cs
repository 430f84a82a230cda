using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Marten;

namespace OvopQuality.Api.Webhooks;

public sealed record RegisterWebhook(string Endpoint, string? Description = null);

/// <summary>A webhook registered: its secret, shown this once.</summary>
public sealed record WebhookRegistered(Guid Id, string Endpoint, string Secret, long Version) : CreationResponse($"/api/webhooks/{Id}");

public sealed record WebhookView(Guid Id, string Endpoint, string? Description, DateTimeOffset CreatedAt, long Version);

public sealed record WebhookRemoved(Guid Id, long Version);

public static class RegisterWebhookEndpoint
{
    public static ProblemDetails Validate(RegisterWebhook command) =>
        new Validation().Text(command.Endpoint, "endpoint", 2000).OptionalText(command.Description, "description").ToProblem();

    public static async Task<ProblemDetails> LoadAsync(RegisterWebhook command, IQuerySession session, Actor actor, WebhookSettings settings, CancellationToken ct)
    {
        if (await OutboundAddresses.RefusalAsync(command.Endpoint.Trim(), settings, ct) is { } refusal)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["endpoint"] = [refusal] });
        }

        var held = await session.Query<Webhook>().CountAsync(w => w.Owner == actor.Subject && w.RemovedAt == null, ct);
        return held >= settings.MaximumWebhooksPerExporter
            ? Problems.Conflict("too-many-webhooks", $"You have {held} webhooks, the most allowed: remove one first.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>
    /// Registers an https address to which the service POSTs the changes of the certificates you watch,
    /// signed per Standard Webhooks (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>).
    /// The answer holds the signing secret (<c>whsec_…</c>): it is shown this once, keep it.
    /// </summary>
    [WolverinePost("/api/webhooks", OperationId = "RegisterWebhook")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static (WebhookRegistered, IMartenOp) Post(RegisterWebhook command, Actor actor, WebhookSecrets secrets, TimeProvider clock)
    {
        var id = Guid.CreateVersion7();
        var (shown, sealedSecret) = secrets.Make(id);
        var endpoint = command.Endpoint.Trim();
        var webhook = new Webhook(id, actor.Subject, endpoint, command.Description, sealedSecret, clock.GetUtcNow(), null, 1);
        return (new WebhookRegistered(id, endpoint, shown, 1), MartenOps.Insert(webhook));
    }
}

public static class GetWebhooksEndpoint
{
    /// <summary>Your webhooks, newest first; their secrets are never shown again.</summary>
    [WolverineGet("/api/webhooks", OperationId = "GetWebhooks")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<Page<WebhookView>>, ProblemHttpResult>> Get(int? limit, string? cursor, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var query = session.Query<Webhook>().Where(w => w.Owner == actor.Subject && w.RemovedAt == null);
        var total = await query.CountAsync(ct);
        var webhooks = await query.OrderByDescending(w => w.CreatedAt).ThenBy(w => w.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(Paging.PageOf<WebhookView>([.. webhooks.Select(View)], page, total));
    }

    /// <summary>One of your webhooks.</summary>
    [WolverineGet("/api/webhooks/{webhookId}", OperationId = "GetWebhook")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetOne(Guid webhookId, IQuerySession session, Actor actor, CancellationToken ct) =>
        await OwnAsync(webhookId, session, actor, ct) is { } webhook ? TypedResults.Ok(View(webhook)) : NotFound(webhookId);

    /// <summary>The caller's webhook, never another's: someone else's is answered as unknown.</summary>
    internal static async Task<Webhook?> OwnAsync(Guid webhookId, IQuerySession session, Actor actor, CancellationToken ct) =>
        await session.LoadAsync<Webhook>(webhookId, ct) is { RemovedAt: null } webhook && webhook.Owner == actor.Subject ? webhook : null;

    internal static ProblemHttpResult NotFound(Guid webhookId) =>
        TypedResults.Problem(Problems.NotFound("webhook", $"You have no webhook {webhookId}."));

    private static WebhookView View(Webhook w) => new(w.Id, w.Endpoint, w.Description, w.CreatedAt, w.Version);
}

public static class RemoveWebhookEndpoint
{
    /// <summary>Removes one of your webhooks: nothing more is sent to it, and deliveries still retrying to it fail.</summary>
    [WolverineDelete("/api/webhooks/{webhookId}", OperationId = "RemoveWebhook")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<WebhookRemoved>, ProblemHttpResult>> Delete(
        Guid webhookId, IDocumentSession session, [NotBody] Actor actor, TimeProvider clock, CancellationToken ct)
    {
        if (await GetWebhooksEndpoint.OwnAsync(webhookId, session, actor, ct) is not { } webhook)
        {
            return GetWebhooksEndpoint.NotFound(webhookId);
        }

        var removed = webhook with { RemovedAt = clock.GetUtcNow(), Version = webhook.Version + 1 };
        session.Store(removed);
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(new WebhookRemoved(webhookId, removed.Version));
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine;

namespace OvopQuality.Api.Webhooks;

public sealed record DeliveryView(
    Guid Id, string MessageId, Guid WebhookId, string Endpoint, string Type, string CertificateNumber, DeliveryState State,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, IReadOnlyList<DeliveryAttempt> Attempts, string Body, long Version);

public sealed record RedeliverWebhook(long ExpectedVersion);

public sealed record RedeliveryQueued(Guid Id, long Version);

public static class GetDeliveriesEndpoint
{
    /// <summary>
    /// Your webhooks' deliveries, newest first (<c>?webhookId=</c> for one webhook's), each with every
    /// attempt and the receiver's answer: status code, the start of the body, duration, or the error.
    /// </summary>
    [WolverineGet("/api/webhook-deliveries", OperationId = "GetWebhookDeliveries")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<Page<DeliveryView>>, ProblemHttpResult>> Get(
        Guid? webhookId, int? limit, string? cursor, IQuerySession session, Actor actor, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var query = session.Query<WebhookDelivery>().Where(d => d.Owner == actor.Subject);
        if (webhookId is { } only)
        {
            query = query.Where(d => d.WebhookId == only);
        }

        var total = await query.CountAsync(ct);
        var deliveries = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(Paging.PageOf<DeliveryView>([.. deliveries.Select(View)], page, total));
    }

    /// <summary>One of your webhooks' deliveries, with every attempt.</summary>
    [WolverineGet("/api/webhook-deliveries/{deliveryId}", OperationId = "GetWebhookDelivery")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> GetOne(Guid deliveryId, IQuerySession session, Actor actor, CancellationToken ct) =>
        await OwnAsync(deliveryId, session, actor, ct) is { } delivery ? TypedResults.Ok(View(delivery)) : NotFound(deliveryId);

    internal static async Task<WebhookDelivery?> OwnAsync(Guid deliveryId, IQuerySession session, Actor actor, CancellationToken ct) =>
        await session.LoadAsync<WebhookDelivery>(deliveryId, ct) is { } delivery && delivery.Owner == actor.Subject ? delivery : null;

    internal static ProblemHttpResult NotFound(Guid deliveryId) =>
        TypedResults.Problem(Problems.NotFound("webhook-delivery", $"You have no webhook delivery {deliveryId}."));

    private static DeliveryView View(WebhookDelivery d) =>
        new(d.Id, d.MessageId, d.WebhookId, d.Endpoint, d.Type, d.CertificateNumber, d.State, d.CreatedAt, d.NextAttemptAt, d.Attempts, d.Body, d.Version);
}

public static class RedeliverWebhookEndpoint
{
    public static ProblemDetails Validate(RedeliverWebhook command) => new Validation().Version(command.ExpectedVersion).ToProblem();

    /// <summary>
    /// Sends a delivered or failed delivery once more, at once, with the same body and <c>webhook-id</c>;
    /// the attempt is added to the delivery's. A delivery still being retried is not redelivered (409).
    /// </summary>
    [WolverinePost("/api/webhook-deliveries/{deliveryId}/redelivery", OperationId = "RedeliverWebhook")]
    [Tags("Webhooks")]
    [Authorize(Roles = Roles.Exporter)]
    public static async Task<Results<Ok<RedeliveryQueued>, ProblemHttpResult>> Post(
        Guid deliveryId, RedeliverWebhook command, IDocumentSession session, IMessageBus bus, Actor actor, CancellationToken ct)
    {
        if (await GetDeliveriesEndpoint.OwnAsync(deliveryId, session, actor, ct) is not { } delivery)
        {
            return GetDeliveriesEndpoint.NotFound(deliveryId);
        }

        if (Versioning.Check(command.ExpectedVersion, delivery.Version, "delivery") is var stale && stale.Stops())
        {
            return TypedResults.Problem(stale);
        }

        if (delivery.State == DeliveryState.Pending)
        {
            return TypedResults.Problem(Problems.Conflict("delivery-still-retrying",
                $"Delivery {deliveryId} is still being retried; its next attempt is at {delivery.NextAttemptAt:u}."));
        }

        var queued = delivery with { State = DeliveryState.Pending, NextAttemptAt = null, Version = delivery.Version + 1 };
        session.Store(queued);
        // Stored with the delivery, in the same transaction: the attempt is made even if this instance stops now.
        await bus.PublishAsync(new AttemptWebhookDelivery(deliveryId, delivery.Attempts.Count + 1, Redelivery: true));
        return TypedResults.Ok(new RedeliveryQueued(deliveryId, queued.Version));
    }
}

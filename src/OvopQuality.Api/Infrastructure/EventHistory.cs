using JasperFx.Events;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// One stored event as the history endpoints show it: its type in camelCase, who recorded it (the
/// signed-in actor's subject, display name and role) and the correlation id of the request. Events
/// are never edited or removed.
/// </summary>
public sealed record EventRecord(
    long Version, long Sequence, string Type, DateTimeOffset RecordedAt, string? Actor, string? ActorRole, string? CorrelationId, object Data, string? ActorName = null);

public static class EventHistory
{
    public static async Task<IReadOnlyList<EventRecord>> ReadAsync(IQuerySession session, Guid streamId, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(streamId, token: ct);
        return [.. events.Select(e => new EventRecord(
            e.Version, e.Sequence, WireNames.Of(e.EventTypeName), e.Timestamp,
            Header(e, EventAttribution.ActorHeader), Header(e, EventAttribution.ActorRoleHeader), e.CorrelationId, e.Data, Header(e, EventAttribution.ActorNameHeader)))];
    }

    public static string? Header(IEvent e, string name) =>
        e.Headers is { } headers && headers.TryGetValue(name, out var value) ? value?.ToString() : null;
}

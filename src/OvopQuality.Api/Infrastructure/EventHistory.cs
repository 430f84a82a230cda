using JasperFx.Events;
using Npgsql;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// One stored event as the history endpoints show it: its type in camelCase, who recorded it (the
/// signed-in actor's subject, display name and role) and the correlation id of the request. Events
/// are never edited or removed. <c>hash</c> is the event's link in its stream's hash chain and
/// <c>previousHash</c> the link before it (null while the event is not chained yet): see History/HistoryHashing.cs.
/// </summary>
public sealed record EventRecord(
    long Version, long Sequence, string Type, DateTimeOffset RecordedAt, string? Actor, string? ActorRole, string? CorrelationId, object Data, string? ActorName = null,
    string? Hash = null, string? PreviousHash = null);

public static class EventHistory
{
    public static async Task<IReadOnlyList<EventRecord>> ReadAsync(IQuerySession session, NpgsqlDataSource database, Guid streamId, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(streamId, token: ct);
        var hashes = events.Count == 0 ? [] : await History.EventHashes.OfStreamAsync(database, streamId, ct);
        string? HexOf(long version) => version == 0
            ? History.HistoryHashing.Hex(History.HistoryHashing.Genesis)
            : hashes.GetValueOrDefault(version) is { } hash ? History.HistoryHashing.Hex(hash) : null;
        return [.. events.Select(e => new EventRecord(
            e.Version, e.Sequence, WireNames.Of(e.EventTypeName), e.Timestamp,
            Header(e, EventAttribution.ActorHeader), Header(e, EventAttribution.ActorRoleHeader), e.CorrelationId, e.Data, Header(e, EventAttribution.ActorNameHeader),
            HexOf(e.Version), HexOf(e.Version - 1)))];
    }

    public static string? Header(IEvent e, string name) =>
        e.Headers is { } headers && headers.TryGetValue(name, out var value) ? value?.ToString() : null;
}

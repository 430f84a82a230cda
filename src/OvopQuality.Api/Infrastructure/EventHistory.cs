using Marten;

namespace OvopQuality.Api.Infrastructure;

/// <summary>One stored event as the history endpoints show it; events are never edited or removed.</summary>
public sealed record EventRecord(long Version, long Sequence, string Type, DateTimeOffset RecordedAt, object Data);

public static class EventHistory
{
    public static async Task<IReadOnlyList<EventRecord>> ReadAsync(IQuerySession session, Guid streamId, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(streamId, token: ct);
        return [.. events.Select(e => new EventRecord(e.Version, e.Sequence, e.EventTypeName, e.Timestamp, e.Data))];
    }
}

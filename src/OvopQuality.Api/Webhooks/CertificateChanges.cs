using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx.Events;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels;
using Wolverine;
using Wolverine.Marten;

namespace OvopQuality.Api.Webhooks;

/// <summary>
/// A public turn of a certificate's life (<see cref="Status"/>: the standing it leaves, null when
/// it leaves the standing as it was), noticed in the transaction that recorded it: the message is
/// stored in Wolverine's durable inbox with the event, so it exists exactly when the event does and
/// is handled even if the service dies right after the commit.
/// </summary>
public sealed record CertificateChangeNoticed(
    Guid NoticeId, Guid FileId, TimelineEvent Event, CertificationStatus? Status, ReasonClass? ReasonClass,
    DateTimeOffset EffectiveFrom, DateTimeOffset RecordedAt, string? LinkedCertificateNumber);

/// <summary>What a webhook says, in Standard Webhooks' envelope: <c>type</c>, <c>timestamp</c> (when recorded) and <c>data</c>.</summary>
public sealed record WebhookMessage(string Type, DateTimeOffset Timestamp, CertificateChangeData Data);

/// <summary>
/// The change, as anyone may know it from the certificate's public timeline (no people, no free-text
/// reasons, only the class of reason): what happened, when it takes effect, the standing it leaves,
/// and where to verify it.
/// </summary>
public sealed record CertificateChangeData(
    string Event,
    string Summary,
    string CertificateNumber,
    string Status,
    string? ReasonClass,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset RecordedAt,
    string? LinkedCertificateNumber,
    string ProducerNumber,
    string ProducerName,
    string ProductName,
    string CertificateUrl,
    string TimelineUrl);

public static class CertificateChanges
{
    /// <summary>
    /// Has the events of a certificate's public timeline forwarded, as <see cref="CertificateChangeNoticed"/>,
    /// from the session that appends them (Wolverine's event forwarding, through the session's outbox).
    /// </summary>
    public static void Forward(MartenIntegration integration)
    {
        integration.UseFastEventForwarding = true;
        integration.SubscribeToEvent<StandardMet>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Granted, null, e.Data.TookEffect, e.Data.DecidedAt));
        integration.SubscribeToEvent<CertificateSuspended>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Suspended, e.Data.ReasonClass, e.Data.EffectiveFrom, e.Data.DecidedAt));
        integration.SubscribeToEvent<CertificateReinstated>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Reinstated, null, e.Data.EffectiveFrom, e.Data.DecidedAt));
        integration.SubscribeToEvent<WithdrawalOverturned>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Reinstated, null, e.Data.EffectiveFrom, e.Data.At));
        integration.SubscribeToEvent<CertificateWithdrawn>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Withdrawn, e.Data.ReasonClass, e.Data.EffectiveFrom, e.Data.DecidedAt));
        integration.SubscribeToEvent<CertificateSurrendered>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Surrendered, ReasonClass.ProducerRequest, e.Data.EffectiveFrom, e.Data.At));
        integration.SubscribeToEvent<CertificateExpired>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Expired, null, e.Data.EffectiveFrom, e.Data.At));
        integration.SubscribeToEvent<CertificateSuperseded>().TransformedTo(e =>
            Noticed(e, TimelineEvent.Superseded, null, e.Data.EffectiveFrom, e.Data.At, e.Data.ByCertificateNumber));
        integration.SubscribeToEvent<ScopeChanged>().TransformedTo(e =>
            Noticed(e, TimelineEvent.ScopeChanged, null, e.Data.EffectiveFrom, e.Data.DecidedAt));
    }

    private static CertificateChangeNoticed Noticed<T>(
        IEvent<T> e, TimelineEvent what, ReasonClass? reason, DateTimeOffset effective, DateTimeOffset recorded, string? linked = null) where T : notnull =>
        new(e.Id == Guid.Empty ? Guid.CreateVersion7() : e.Id, ((IFileEvent)e.Data).FileId, what,
            what == TimelineEvent.ScopeChanged ? null : FileStatus.After(default, e.Data), reason, effective, recorded, linked);

    /// <summary>The id of the delivery of one notice to one webhook: the same however often the notice is handled.</summary>
    public static Guid DeliveryId(Guid noticeId, Guid webhookId)
    {
        Span<byte> both = stackalloc byte[32];
        noticeId.TryWriteBytes(both[..16]);
        webhookId.TryWriteBytes(both[16..]);
        var hash = SHA256.HashData(both);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    internal static string Body(CertificateChangeNoticed notice, PublicCertificate certificate, string publicBaseUrl)
    {
        var number = certificate.CertificateNumber!;
        var address = $"{publicBaseUrl}/api/certificates/{Uri.EscapeDataString(number)}";
        var entry = new TimelineEntry(notice.Event, notice.ReasonClass, notice.EffectiveFrom, notice.RecordedAt, 0, notice.LinkedCertificateNumber);
        var message = new WebhookMessage("certificate." + notice.Event.Wire(), notice.RecordedAt, new CertificateChangeData(
            notice.Event.Wire(),
            $"Certificate {number}: {Labels.Verifying.GetCertificateTimelineEndpoint.Describe(entry)}, from {notice.EffectiveFrom:yyyy-MM-dd HH:mm} UTC.",
            number,
            (notice.Status ?? certificate.Status).Wire(),
            notice.ReasonClass?.Wire(),
            notice.EffectiveFrom,
            notice.RecordedAt,
            notice.LinkedCertificateNumber,
            certificate.ProducerNumber,
            certificate.ProducerName.En,
            certificate.ProductName.En,
            address,
            address + "/timeline"));
        return JsonSerializer.Serialize(message, Json);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>
/// Turns a noticed change into one delivery for each webhook of each exporter watching the certificate
/// (an exporter who watches it twice, by number and by producer, is told once). The deliveries and
/// their first attempts are stored together; handled twice, the notice makes no delivery twice.
/// </summary>
public static class CertificateChangeNoticedHandler
{
    public static async Task<OutgoingMessages> Handle(
        CertificateChangeNoticed notice, IDocumentSession session, IEnumerable<ICertificateWatchers> sources, WebhookSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        if (await session.LoadAsync<PublicCertificate>(notice.FileId, ct) is not { CertificateNumber: { } number } certificate)
        {
            return messages;
        }

        var watched = new WatchedCertificate(notice.FileId, number, certificate.ProducerNumber);
        var owners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            owners.UnionWith(await source.WatchersAsync(watched, session, ct));
        }

        if (owners.Count == 0)
        {
            return messages;
        }

        var webhooks = await session.Query<Webhook>().Where(w => owners.Contains(w.Owner) && w.RemovedAt == null).ToListAsync(ct);
        var ids = webhooks.ToDictionary(w => CertificateChanges.DeliveryId(notice.NoticeId, w.Id));
        var made = (await session.LoadManyAsync<WebhookDelivery>(ct, ids.Keys)).Select(d => d.Id).ToHashSet();
        var body = CertificateChanges.Body(notice, certificate, settings.PublicBaseUrl);
        var now = clock.GetUtcNow();
        foreach (var (id, webhook) in ids.Where(i => !made.Contains(i.Key)))
        {
            session.Insert(new WebhookDelivery(
                id, webhook.Owner, webhook.Id, webhook.Endpoint, "certificate." + notice.Event.Wire(), number, body, now, DeliveryState.Pending, now, [], 1));
            messages.Add(new AttemptWebhookDelivery(id, 1));
        }

        return messages;
    }
}

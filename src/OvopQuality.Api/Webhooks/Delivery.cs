using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Wolverine;
using Wolverine.Attributes;

namespace OvopQuality.Api.Webhooks;

public enum DeliveryState
{
    /// <summary>Not delivered yet: an attempt is due (<c>nextAttemptAt</c>).</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Given up: every attempt within Ovop:Webhooks:RetryFor failed, or the webhook was removed. Only a redelivery sends it again.</summary>
    Failed,
}

/// <summary>One attempt and the receiver's answer: its status code, the start of its body, how long it took, or what went wrong.</summary>
public sealed record DeliveryAttempt(int Number, DateTimeOffset At, bool Redelivery, int? StatusCode, string? ResponseExcerpt, long DurationMs, string? Error);

/// <summary>
/// One change sent to one webhook: the body (the same at every attempt; its <c>webhook-id</c> is
/// <c>msg_</c> and the delivery's id, so a receiver can tell a retry from a new message), and each
/// attempt made. <see cref="Version"/> counts its changes, for the next command on it.
/// </summary>
public sealed record WebhookDelivery(
    Guid Id, string Owner, Guid WebhookId, string Endpoint, string Type, string CertificateNumber, string Body,
    DateTimeOffset CreatedAt, DeliveryState State, DateTimeOffset? NextAttemptAt, IReadOnlyList<DeliveryAttempt> Attempts, long Version)
{
    public string MessageId => "msg_" + Id.ToString("N");
}

/// <summary>Make attempt <see cref="Attempt"/> of a delivery (a later number than the delivery expects is stale, and dropped).</summary>
public sealed record AttemptWebhookDelivery(Guid DeliveryId, int Attempt, bool Redelivery = false);

/// <summary>
/// Makes one attempt and records it. A failed attempt schedules the next as a durable Wolverine message
/// (kept in PostgreSQL until due, so it survives restarts), after a wait that doubles each time
/// (<see cref="WebhookSettings.WaitAfter"/>), until Ovop:Webhooks:RetryFor has passed since the delivery
/// was made: then the delivery fails for good. A redelivery is one attempt, not retried. The attempt and
/// the next message commit together; an instance dying between the POST and the commit leaves the
/// message in the inbox, and it is made again (the receiver sees the same <c>webhook-id</c>).
/// </summary>
public static class AttemptWebhookDeliveryHandler
{
    [RetryNow(typeof(JasperFx.ConcurrencyException), 50, 100, 250)]
    public static async Task<OutgoingMessages> Handle(
        AttemptWebhookDelivery message, IDocumentSession session, WebhookSender sender, WebhookSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        var delivery = await session.LoadAsync<WebhookDelivery>(message.DeliveryId, ct);
        if (delivery is not { State: DeliveryState.Pending } || delivery.Attempts.Count + 1 != message.Attempt)
        {
            return messages;
        }

        var now = clock.GetUtcNow();
        var webhook = await session.LoadAsync<Webhook>(delivery.WebhookId, ct);
        var attempt = webhook is { RemovedAt: null }
            ? await sender.SendAsync(webhook, delivery, message.Attempt, message.Redelivery, now, ct)
            : new DeliveryAttempt(message.Attempt, now, message.Redelivery, null, null, 0, "The webhook was removed.");
        var attempts = (IReadOnlyList<DeliveryAttempt>)[.. delivery.Attempts, attempt];
        var after = clock.GetUtcNow();
        var wait = settings.WaitAfter(delivery.Attempts.Count(a => !a.Redelivery) + 1);
        var state = attempt.StatusCode is >= 200 and < 300 ? DeliveryState.Delivered
            : message.Redelivery || webhook is not { RemovedAt: null } || after + wait > delivery.CreatedAt + settings.RetryFor ? DeliveryState.Failed
            : DeliveryState.Pending;
        session.Store(delivery with
        {
            State = state,
            NextAttemptAt = state == DeliveryState.Pending ? after + wait : null,
            Attempts = attempts,
            Version = delivery.Version + 1,
        });
        if (state == DeliveryState.Pending)
        {
            messages.Delay(new AttemptWebhookDelivery(delivery.Id, message.Attempt + 1), wait);
        }

        return messages;
    }
}

/// <summary>
/// Sends webhooks: an https POST of the delivery's body, signed per Standard Webhooks. No redirect is
/// followed, no proxy used, each connection goes only to an allowed address
/// (<see cref="OutboundAddresses"/>), an attempt ends at Ovop:Webhooks:Timeout, and no more of the
/// answer is read than is kept.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly WebhookSettings _settings;
    private readonly WebhookSecrets _secrets;

    public WebhookSender(WebhookSettings settings, WebhookSecrets secrets)
    {
        _settings = settings;
        _secrets = secrets;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectCallback = OutboundAddresses.Connector(settings),
            ConnectTimeout = settings.Timeout,
            MaxResponseHeadersLength = 16,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 8,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OvopQuality-Webhooks", "1"));
    }

    /// <summary>The <c>webhook-signature</c> value: <c>v1,</c> and the base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> under the secret's bytes.</summary>
    public static string Signature(byte[] secret, string messageId, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")));

    public async Task<DeliveryAttempt> SendAsync(Webhook webhook, WebhookDelivery delivery, int number, bool redelivery, DateTimeOffset at, CancellationToken ct)
    {
        // The receiver checks the timestamp against its own clock: it is the wall clock's, not the programme's.
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Endpoint)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", delivery.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Signature(_secrets.Open(webhook), delivery.MessageId, timestamp, delivery.Body));

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(_settings.Timeout);
        var clock = Stopwatch.StartNew();
        int? status = null;
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            status = (int)response.StatusCode;
            var excerpt = await ExcerptAsync(response, limit.Token);
            var error = status is >= 300 and < 400 ? "Redirects are not followed: give the final address." : null;
            return new DeliveryAttempt(number, at, redelivery, status, excerpt, clock.ElapsedMilliseconds, error);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryAttempt(number, at, redelivery, status, null, clock.ElapsedMilliseconds,
                $"No complete answer within {_settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is ForbiddenAddressException forbidden ? forbidden.Message : "The request failed: " + (e.InnerException?.Message ?? e.Message);
            return new DeliveryAttempt(number, at, redelivery, status, null, clock.ElapsedMilliseconds, why);
        }
    }

    private async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[_settings.ResponseExcerptBytes];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0)
        {
            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    public void Dispose() => _client.Dispose();
}

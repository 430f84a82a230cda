namespace OvopQuality.Api.Webhooks;

/// <summary>How webhooks are delivered (Ovop:Webhooks).</summary>
public sealed class WebhookSettings
{
    /// <summary>
    /// Lets webhooks go to plain <c>http://</c> on the loopback interface (127.0.0.0/8, ::1), for tests
    /// and local development only: never set it where the service faces the world. Private, link-local
    /// and metadata addresses stay refused either way.
    /// </summary>
    public bool AllowInsecureLoopback { get; init; }

    /// <summary>How long one attempt may take, from connecting to the end of the answer's headers.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry; each later wait doubles, up to <see cref="LongestWait"/>.</summary>
    public TimeSpan FirstRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan LongestWait { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How long after its first attempt a delivery is retried before it is given up (dead-lettered).</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How much of a receiver's answer is kept with each attempt.</summary>
    public int ResponseExcerptBytes { get; init; } = 1024;

    /// <summary>Webhooks one exporter may have registered at a time.</summary>
    public int MaximumWebhooksPerExporter { get; init; } = 10;

    /// <summary>Watches one exporter may have at a time.</summary>
    public int MaximumWatchesPerExporter { get; init; } = 1000;

    /// <summary>The service's public address (Ovop:PublicBaseUrl), for the links in a webhook's body.</summary>
    internal string PublicBaseUrl { get; set; } = "";

    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/> (1 for the first): doubling from
    /// <see cref="FirstRetryAfter"/>, capped at <see cref="LongestWait"/>, with up to a tenth more at
    /// random so that receivers coming back after an outage are not all called at the same instant.
    /// </summary>
    public TimeSpan WaitAfter(int attempt)
    {
        var doubled = FirstRetryAfter.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var wait = Math.Min(doubled, LongestWait.TotalSeconds);
        return TimeSpan.FromSeconds(wait * (1 + (Random.Shared.NextDouble() / 10)));
    }
}

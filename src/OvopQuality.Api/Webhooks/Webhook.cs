using System.Security.Cryptography;
using OvopQuality.Api.Labels.Signing;

namespace OvopQuality.Api.Webhooks;

/// <summary>
/// An exporter's address for webhooks. Its signing secret is kept sealed under the key-encryption key
/// (as the label-signing keys are), shown once when the webhook is registered and never served again.
/// Removed webhooks are kept, marked, so that their deliveries still say where they went.
/// </summary>
public sealed record Webhook(Guid Id, string Owner, string Endpoint, string? Description, SealedSigningKey Secret, DateTimeOffset CreatedAt, DateTimeOffset? RemovedAt, long Version);

/// <summary>
/// Makes and opens webhook secrets: 32 random bytes, shown as <c>whsec_</c> and their base64 (the
/// Standard Webhooks form), sealed with AES-256-GCM under the key-encryption key every instance
/// shares (Ovop:Signing:KeyEncryptionKey), with the webhook's id bound in, so that a sealed secret
/// cannot be moved to another webhook.
/// </summary>
public sealed class WebhookSecrets(IConfiguration configuration)
{
    public const string Prefix = "whsec_";

    private readonly Lazy<KeyEncryptionKey> _kek = new(() => new KeyEncryptionKey(
        configuration,
        Path.GetFullPath(configuration["Ovop:Signing:KeyFolder"] ?? Path.Combine(Directory.GetCurrentDirectory(), ".keys", "signing"))));

    public (string Shown, SealedSigningKey Sealed) Make(Guid webhookId)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (Prefix + Convert.ToBase64String(key), _kek.Value.Seal(Bound(webhookId), key));
    }

    public byte[] Open(Webhook webhook) =>
        webhook.Secret.Id == Bound(webhook.Id)
            ? _kek.Value.Open(webhook.Secret)
            : throw new InvalidOperationException($"The secret of webhook {webhook.Id} was sealed for another webhook.");

    private static string Bound(Guid webhookId) => "webhook:" + webhookId.ToString("N");
}

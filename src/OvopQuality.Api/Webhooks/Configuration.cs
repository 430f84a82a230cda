using Wolverine;

namespace OvopQuality.Api.Webhooks;

public static class Configuration
{
    /// <summary>
    /// Webhooks for exporters (Ovop:Webhooks): their webhooks, watches and deliveries as documents;
    /// deliveries as durable Wolverine messages on the local queue <c>webhooks</c> (stored in PostgreSQL,
    /// so each is made by one instance, and survives restarts). No state in memory: who watches what is
    /// read from the database at each change. The certificate events are forwarded to it by
    /// <see cref="CertificateChanges.Forward"/>, set on the Marten integration (PersistenceConfiguration).
    /// </summary>
    public static IServiceCollection AddOvopWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Ovop:Webhooks").Get<WebhookSettings>() ?? new WebhookSettings();
        settings.PublicBaseUrl = Labels.Signing.LabelStatements.PublicBaseUrl(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<ICertificateWatchers, DirectWatches>();
        services.ConfigureWolverine(opts =>
            opts.LocalQueueFor<AttemptWebhookDelivery>().MaximumParallelMessages(16));
        return services.ConfigureMarten(opts =>
        {
            opts.Schema.For<Webhook>().Index(w => w.Owner).UseOptimisticConcurrency(true);
            opts.Schema.For<CertificateWatch>().Index(w => w.Owner).Index(w => w.Number).UseOptimisticConcurrency(true);
            opts.Schema.For<WebhookDelivery>().Index(d => d.Owner).Index(d => d.CreatedAt).UseOptimisticConcurrency(true);
        });
    }
}

using JasperFx.Events.Projections;

namespace OvopQuality.Api.Producers;

public static class Configuration
{
    /// <summary>
    /// Producers: their streams, kept inline as documents, found by tax id and by number, and the
    /// notices of their certification files, kept inline for their notifications. No state in memory.
    /// </summary>
    public static IServiceCollection AddOvopProducers(this IServiceCollection services) =>
        services.ConfigureMarten(opts =>
        {
            opts.Projections.Snapshot<Producer>(SnapshotLifecycle.Inline);
            opts.Projections.Add<Notifying.FileNoticesProjection>(ProjectionLifecycle.Inline);
            opts.Schema.For<Producer>().UniqueIndex(p => p.TaxId).Index(p => p.Number);
            opts.Schema.For<Notifying.FileNotices>().Index(n => n.ProducerId);
        });
}

using JasperFx.Events.Projections;
using OvopQuality.Api.Certification.Reading;

namespace OvopQuality.Api.Certification;

public static class Configuration
{
    /// <summary>
    /// Certification files: the write model and the read models of the file, kept inline, and the
    /// body's lifecycle policy (Ovop:Lifecycle). No state in memory; scheduled transitions are durable
    /// Wolverine messages in the database.
    /// </summary>
    public static IServiceCollection AddOvopCertification(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Ovop:Lifecycle").Get<Lifecycle.LifecycleSettings>() ?? new());
        return services.ConfigureMarten(opts =>
        {
            opts.Events.AddEventTypes(CertificationFileEvents.All);
            opts.Projections.Snapshot<CertificationFile>(SnapshotLifecycle.Inline);
            opts.Projections.Add<CertificationFileViewProjection>(ProjectionLifecycle.Inline);
            opts.Projections.Add<FileSummaryProjection>(ProjectionLifecycle.Inline);
            opts.Projections.Add<ScheduledInspectionProjection>(ProjectionLifecycle.Inline);
            opts.Schema.For<CertificationFile>().Index(f => f.ProductId);
            opts.Schema.For<FileSummary>().Index(f => f.ProducerId).Index(f => f.NextSurveillanceOn!);
            opts.Schema.For<ScheduledInspection>().Index(i => i.InspectorId);
            opts.Schema.For<PendingReview>().Index(r => r.FileId);
        });
    }
}

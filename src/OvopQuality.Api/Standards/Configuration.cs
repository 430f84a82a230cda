using JasperFx.Events.Projections;

namespace OvopQuality.Api.Standards;

public static class Configuration
{
    /// <summary>The standards catalogue, kept inline, and the seeding of the programme's first standards. No state in memory.</summary>
    public static IServiceCollection AddOvopStandards(this IServiceCollection services)
    {
        services.AddHostedService<Seeding.SeedStandards>();
        return services.ConfigureMarten(opts => opts.Projections.Snapshot<Standard>(SnapshotLifecycle.Inline));
    }
}

using JasperFx.Events.Projections;

namespace OvopQuality.Api.PublicDirectory;

public static class Configuration
{
    /// <summary>
    /// The public directory: its entries, one per producer, kept inline by <see cref="DirectoryEntryProjection"/>
    /// and rebuilt from events by <c>projections rebuild</c>; searched in memory by <see cref="DirectoryIndex"/>,
    /// which says how it stays true when another instance changes the facts (change notifications, and
    /// a full read every Ovop:Directory:ReloadSeconds, 120 s by default).
    /// </summary>
    public static IServiceCollection AddOvopDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        var index = new DirectoryIndex(TimeSpan.FromSeconds(configuration.GetValue<double?>("Ovop:Directory:ReloadSeconds") ?? 120));
        services.AddSingleton(index);
        services.AddHostedService<DirectoryPreload>();
        return services.ConfigureMarten(opts =>
        {
            opts.Projections.Add<DirectoryEntryProjection>(ProjectionLifecycle.Inline);
            opts.Schema.For<DirectoryEntry>().Index(e => e.Number);
            opts.Listeners.Add(index);
        });
    }
}

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
    public static IServiceCollection AddOvopDirectory(this IServiceCollection services)
    {
        var index = new DirectoryIndex();
        services.AddSingleton(index);
        services.AddHostedService<DirectoryRefresh>();
        return services.ConfigureMarten(opts =>
        {
            opts.Projections.Add<DirectoryEntryProjection>(ProjectionLifecycle.Inline);
            opts.Schema.For<DirectoryEntry>().Index(e => e.Number).Metadata(m => m.LastModified.MapTo(e => e.LastModified));
            opts.Listeners.Add(index);
        });
    }
}

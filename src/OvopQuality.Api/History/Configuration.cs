namespace OvopQuality.Api.History;

public static class Configuration
{
    /// <summary>
    /// The history nobody can rewrite unnoticed: a hash chain per stream written with each append (a
    /// trigger on the events table fed by <see cref="EventBodyHasher"/>), signed checkpoints over every
    /// stream's head (<see cref="CheckpointPublisher"/>, one per Ovop:History:CheckpointSeconds for the
    /// whole database), the check, and the exports the offline verifier reads. Ovop:History:HashChain
    /// false leaves appends as they were (no header, no trigger); events are then chained in batches
    /// before each checkpoint. Nothing is held in memory but the latest checkpoint's tree, which is
    /// immutable once published and made again when a newer checkpoint is asked for.
    /// </summary>
    public static IServiceCollection AddOvopHistory(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Ovop:History").Get<HistorySettings>() ?? new HistorySettings();
        services.AddSingleton(settings);
        services.AddSingleton<Checkpoints>();
        services.AddSingleton<HistoryCheck>();
        services.AddHostedService<CheckpointPublisher>();
        return services.ConfigureMarten(opts =>
        {
            if (settings.HashChain)
            {
                opts.Listeners.Add(new EventBodyHasher());
            }

            opts.Storage.ExtendedSchemaObjects.Add(EventHashes.Table());
            opts.Storage.ExtendedSchemaObjects.AddRange(Checkpoints.Tables());
        });
    }
}

using JasperFx.Events.Projections;

namespace OvopQuality.Api.Complaints;

public static class Configuration
{
    /// <summary>Complaints: their streams kept inline, and the limits on anonymous complaints (Ovop:Complaints). No state in memory.</summary>
    public static IServiceCollection AddOvopComplaints(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Ovop:Complaints").Get<ComplaintSettings>() ?? new ComplaintSettings());
        return services.ConfigureMarten(opts =>
        {
            opts.Projections.Snapshot<Complaint>(SnapshotLifecycle.Inline);
            opts.Schema.For<Complaint>().UniqueIndex(c => c.Reference).Index(c => c.ReceivedAt).Index(c => c.Client!).Index(c => c.ProducerNumber!);
        });
    }
}

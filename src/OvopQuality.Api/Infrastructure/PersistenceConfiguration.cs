using JasperFx;
using Npgsql;
using Weasel.Core;
using Wolverine.Marten;

namespace OvopQuality.Api.Infrastructure;

public static class PersistenceConfiguration
{
    /// <summary>
    /// The connection string of the service's database, with statement preparation turned on:
    /// statements repeat, so Npgsql prepares the most frequent ones on each connection.
    /// </summary>
    public static string ConnectionString(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Ovop");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings:Ovop (environment ConnectionStrings__Ovop), or start the service with deploy/run.sh, which runs a local PostgreSQL.");
        }

        return Prepared(connectionString);
    }

    /// <summary>The connection string with statement preparation turned on, unless it says otherwise.</summary>
    public static string Prepared(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxAutoPrepare = 50;
        }

        return settings.ConnectionString;
    }

    /// <summary>
    /// Whether this instance brings the database's tables up to date when it starts (the default,
    /// for one process and development) or trusts that they already are: a cluster applies database
    /// changes once before a rollout (`resources setup`: the Kubernetes Job, compose's migrate, deploy/cluster.sh), so its
    /// instances do not diff the whole schema at start, and start sooner. Either way a document's table
    /// is still checked (and made if missing) on its first use in a process, as a safety net.
    /// </summary>
    public static bool AppliesChangesAtStart(IConfiguration configuration) =>
        configuration.GetValue("Ovop:Database:ApplyChangesAtStart", true);

    /// <summary>
    /// Marten as the event store and document database, in its own schema, with every projection
    /// inline (each command's transaction updates the read models its caller reads next). Each module
    /// adds its own documents, projections and tables (its Configuration.cs).
    /// </summary>
    public static IServiceCollection AddOvopPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new NpgsqlDataSourceBuilder(ConnectionString(configuration)).Build());
        var marten = services.AddMarten(opts =>
            {
                opts.DatabaseSchemaName = Identifiers.Schema;
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

                opts.Events.MetadataConfig.HeadersEnabled = true;
                opts.Events.MetadataConfig.CorrelationIdEnabled = true;
                opts.Events.MetadataConfig.CausationIdEnabled = true;
                opts.Projections.UseIdentityMapForAggregates = true;
                opts.Storage.ExtendedSchemaObjects.AddRange(Identifiers.Sequences());
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            // Any async projection or subscription added later runs on exactly one node, and moves
            // when that node dies: Wolverine's leader assigns it like its other agents.
            .IntegrateWithWolverine(m =>
            {
                m.UseWolverineManagedEventSubscriptionDistribution = true;
                // A certificate's public changes leave with the transaction that records them, for exporters' webhooks.
                Webhooks.CertificateChanges.Forward(m);
            });
        if (AppliesChangesAtStart(configuration))
        {
            marten.ApplyAllDatabaseChangesOnStartup();
        }

        return services;
    }
}

using JasperFx;
using JasperFx.Events.Projections;
using Npgsql;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Reading;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;
using Weasel.Core;
using Wolverine.Marten;

namespace OvopQuality.Api.Infrastructure;

public static class PersistenceConfiguration
{
    /// <summary>
    /// Marten as the event store and document database, in its own schema, with every projection
    /// inline (each command's transaction updates the read models its caller reads next).
    /// </summary>
    public static IServiceCollection AddOvopPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Ovop");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings:Ovop (environment ConnectionStrings__Ovop), or start the service with deploy/run.sh, which runs a local PostgreSQL.");
        }

        // Statements repeat: let Npgsql prepare the most frequent ones on each connection.
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxAutoPrepare = 50;
        }

        var database = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        services.AddSingleton(database);

        // Label verification is many tiny independent reads: multiplexing packs concurrent ones into
        // fewer round trips. Kept apart from the store's connections, which hold transactions.
        services.AddSingleton(new VerificationDatabase(new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Multiplexing = true }.ConnectionString).Build()));
        var certificateCache = new CertificateCache(configuration);
        services.AddSingleton(certificateCache);
        services.AddSingleton<LabelLookup>();
        services.AddSingleton<Labels.Signing.SigningKeys>();
        services.AddSingleton<Labels.Signing.StatusSnapshotCache>();
        var cloneWatch = new Labels.Scans.CloneWatch();
        services.AddSingleton(cloneWatch);
        services.AddSingleton(new ClientPseudonyms());
        services.AddSingleton(configuration.GetSection("Ovop:Complaints").Get<Complaints.ComplaintSettings>() ?? new Complaints.ComplaintSettings());
        services.AddSingleton(configuration.GetSection("Ovop:Clones").Get<Labels.Scans.CloneSettings>() ?? new Labels.Scans.CloneSettings());

        services.AddMarten(opts =>
            {
                opts.DatabaseSchemaName = Identifiers.Schema;
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

                opts.Events.MetadataConfig.HeadersEnabled = true;
                opts.Events.MetadataConfig.CorrelationIdEnabled = true;
                opts.Events.MetadataConfig.CausationIdEnabled = true;

                opts.Projections.Snapshot<Producer>(SnapshotLifecycle.Inline);
                opts.Projections.Snapshot<Standard>(SnapshotLifecycle.Inline);
                opts.Projections.Snapshot<CertificationFile>(SnapshotLifecycle.Inline);
                opts.Projections.Snapshot<Complaints.Complaint>(SnapshotLifecycle.Inline);
                opts.Projections.Snapshot<Labels.Scans.CloneSignalCase>(SnapshotLifecycle.Inline);
                opts.Projections.Add<CertificationFileViewProjection>(ProjectionLifecycle.Inline);
                opts.Projections.Add<PublicCertificateProjection>(ProjectionLifecycle.Inline);
                opts.Projections.Add(new LabelRegistry(), ProjectionLifecycle.Inline);
                opts.Projections.Add<ScheduledInspectionProjection>(ProjectionLifecycle.Inline);
                opts.Projections.UseIdentityMapForAggregates = true;
                opts.Listeners.Add(certificateCache);
                opts.Listeners.Add(cloneWatch);

                opts.Schema.For<Producer>().UniqueIndex(p => p.TaxId).Index(p => p.Number);
                opts.Schema.For<CertificationFile>().Index(f => f.ProductId);
                opts.Schema.For<CertificationFileView>().Index(f => f.ProducerId);
                opts.Schema.For<ScheduledInspection>().Index(i => i.InspectorId);
                opts.Schema.For<PublicCertificate>().Index(c => c.CertificateNumber!);
                opts.Schema.For<CertificationFileView>().Index(f => f.SurveillanceDueOn!);
                opts.Schema.For<Complaints.Complaint>().UniqueIndex(c => c.Reference).Index(c => c.ReceivedAt).Index(c => c.Client!).Index(c => c.ProducerNumber!);
                opts.Schema.For<Labels.Scans.CloneSignalCase>().Index(c => c.Code).Index(c => c.ChangedAt);

                opts.Storage.ExtendedSchemaObjects.AddRange(Identifiers.Sequences());
                opts.Storage.ExtendedSchemaObjects.Add(LabelRegistry.Table());
                opts.Storage.ExtendedSchemaObjects.Add(Labels.Scans.ScanRecords.Table());
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine();

        return services;
    }
}

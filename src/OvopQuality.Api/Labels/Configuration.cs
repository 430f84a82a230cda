using JasperFx.Events.Projections;
using Npgsql;
using OvopQuality.Api.Labels.Scans;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Labels;

public static class Configuration
{
    /// <summary>
    /// Labels: what verification reads (the public certificate, the label registry, clone signals,
    /// kept inline) and the module's state held in memory. Each piece of that state, and how it
    /// stays true when another instance changes the facts behind it:
    /// <list type="bullet">
    /// <item><see cref="CertificateCache"/>: certificates' public state; a commit here drops the entry at
    /// once, another instance's when its notification arrives (<see cref="Infrastructure.ChangeNotifications"/>:
    /// PostgreSQL NOTIFY sent in the committing transaction); while the listener's heartbeat (every
    /// second) comes back, what is held is current as of that heartbeat; without it, an entry lives
    /// Ovop:Verification:CertificateSeconds (2 s); a lost notification connection clears it all.</item>
    /// <item><see cref="LabelIndex"/>: where each label was issued, which never changes: it can only be
    /// incomplete (a code it lacks is read from the database), filled at commit here, by batch when
    /// another instance's notification arrives, and from the whole table in the background after start.</item>
    /// <item><see cref="ReplayFloors"/> (with a standby, ConnectionStrings:OvopReplica): the primary's WAL
    /// position at each change, which the standby must have replayed before it answers for the file.</item>
    /// <item><see cref="StatusSnapshotCache"/>: the last signed status snapshot, made again after a
    /// commit here or after Ovop:Signing:SnapshotCacheSeconds (60 s).</item>
    /// <item><see cref="SigningKeys"/>: the private keys this instance opened (sealed in the database under
    /// the key-encryption key all instances share); the keys' standing is read from the database on
    /// each use, so a rotation or revocation anywhere holds everywhere, and keys are made under an
    /// advisory lock, so instances starting together make one.</item>
    /// <item><see cref="CloneWatch"/>: confirmed clone warnings; applied here at commit, read from
    /// other instances every Ovop:Clones:RefreshSeconds (5 s) by <see cref="CloneWatchRefresh"/>.</item>
    /// </list>
    /// </summary>
    public static IServiceCollection AddOvopLabels(this IServiceCollection services, IConfiguration configuration)
    {
        // Label verification is many tiny independent reads: multiplexing packs concurrent ones into
        // fewer round trips. Kept apart from the store's connections, which hold transactions.
        var primary = Multiplexed(Infrastructure.PersistenceConfiguration.ConnectionString(configuration));
        var standby = configuration.GetConnectionString("OvopReplica") is { Length: > 0 } replica
            ? Multiplexed(Infrastructure.PersistenceConfiguration.Prepared(replica))
            : null;
        var floors = standby is null ? null : new ReplayFloors(primary);
        services.AddSingleton(new VerificationDatabase(primary, standby, floors));
        if (floors is not null)
        {
            services.AddSingleton(floors);
            services.AddHostedService(_ => floors);
        }

        var certificates = new CertificateCache(configuration, floors);
        var clones = new CloneWatch();
        var labels = new LabelIndex(configuration);
        services.AddSingleton(labels);
        services.AddHostedService<LabelPreload>();
        services.AddSingleton(certificates);
        services.AddSingleton(clones);
        services.AddSingleton<LabelLookup>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<StatusSnapshotCache>();
        services.AddSingleton(configuration.GetSection("Ovop:Clones").Get<CloneSettings>() ?? new CloneSettings());
        services.AddHostedService<CloneWatchRefresh>();
        services.AddHostedService<Infrastructure.ChangeNotifications>();
        return services.ConfigureMarten(opts =>
        {
            opts.Projections.Add<PublicCertificateProjection>(ProjectionLifecycle.Inline);
            opts.Projections.Add(new LabelRegistry(), ProjectionLifecycle.Inline);
            opts.Projections.Snapshot<CloneSignalCase>(SnapshotLifecycle.Inline);
            opts.Listeners.Add(certificates);
            opts.Listeners.Add(clones);
            opts.Listeners.Add(labels);
            opts.Listeners.Add(new Infrastructure.ChangeAnnouncer());
            opts.Schema.For<PublicCertificate>().Index(c => c.CertificateNumber!);
            opts.Schema.For<CloneSignalCase>().Index(c => c.Code).Index(c => c.ChangedAt);
            opts.Schema.For<SigningKey>().Identity(k => k.Id);
            opts.Schema.For<SealedSigningKey>().Identity(k => k.Id);
            opts.Storage.ExtendedSchemaObjects.Add(LabelRegistry.Table());
            opts.Storage.ExtendedSchemaObjects.Add(ScanRecords.Table());
        });
    }

    /// <summary>
    /// A data source for verification reads, multiplexed when it names one server: Npgsql does not
    /// multiplex over several hosts (a replica given as primary and standby, Target Session
    /// Attributes=prefer-standby), whose connections are pooled instead.
    /// </summary>
    private static NpgsqlDataSource Multiplexed(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        settings.Multiplexing = settings.Host?.Contains(',', StringComparison.Ordinal) != true;
        return new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
    }
}

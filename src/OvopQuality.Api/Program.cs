using JasperFx;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Complaints;
using OvopQuality.Api.History;
using OvopQuality.Api.Consignments;
using OvopQuality.Api.Labels;
using OvopQuality.Api.OpenData;
using OvopQuality.Api.Producers;
using OvopQuality.Api.PublicDirectory;
using OvopQuality.Api.Standards;
using OvopQuality.Api.Webhooks;
using Wolverine;

if (args is ["token", .. var tokenArgs])
{
    var keyFile = Environment.GetEnvironmentVariable("Ovop__Auth__DevelopmentKeyFile") ?? DevelopmentIssuer.DefaultKeyFile;
    return DevelopmentIssuer.TokenCommand(tokenArgs, keyFile, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);

// Bad settings stop the start, all named at once. Run as the service's own process, that is one
// message and exit code 78, no stack trace; hosted by another program (the tests), it is thrown to it.
var serving = args is [] || args[0].StartsWith('-') || args[0].Equals("run", StringComparison.OrdinalIgnoreCase);
if (SettingsCheck.Refusal(builder.Configuration, builder.Environment, serving) is { } refusal)
{
    if (System.Reflection.Assembly.GetEntryAssembly() != typeof(Program).Assembly)
    {
        throw refusal;
    }

    await Console.Error.WriteLineAsync(refusal.Message);
    return SettingsCheck.RefusedExitCode;
}

builder.Services.AddSingleton(TimeProvider.System);
builder.Logging.QuietUnreadableBodies();
builder.Services.AddOvopPersistence(builder.Configuration);
builder.Services.AddOvopProducers();
builder.Services.AddOvopStandards();
builder.Services.AddOvopCertification(builder.Configuration);
builder.Services.AddOvopLabels(builder.Configuration);
builder.Services.AddOvopComplaints(builder.Configuration);
builder.Services.AddOvopHistory(builder.Configuration);
builder.Services.AddOvopConsignments(builder.Configuration);
builder.Services.AddOvopOpenData(builder.Configuration);
builder.Services.AddOvopWebhooks(builder.Configuration);
builder.Services.AddOvopDirectory();
builder.Services.AddOvopHttp(builder.Configuration);
builder.Services.AddOvopIdempotency();
builder.Services.AddOvopAccess(builder.Configuration, builder.Environment);
builder.Services.AddOvopOpenApi();
builder.Services.AddOvopTelemetry(builder.Configuration);
builder.Services.AddWolverineHttp();
builder.Host.UseWolverine(opts =>
{
    // Test hosts run from another assembly; endpoints and handlers live here.
    opts.ApplicationAssembly = typeof(Program).Assembly;
#if OVOP_STATIC_CODE
    // Built by deploy/publish.sh: the handlers' code is compiled in, nothing is generated at start.
    opts.CodeGeneration.TypeLoadMode = JasperFx.CodeGeneration.TypeLoadMode.Static;
#endif
    // Node-loss timings, from configuration (Ovop:Cluster:*): see ClusterSettings and the README.
    (builder.Configuration.GetSection("Ovop:Cluster").Get<OvopQuality.Api.Infrastructure.ClusterSettings>() ?? new()).ApplyTo(opts.Durability);
    if (!OvopQuality.Api.Infrastructure.PersistenceConfiguration.AppliesChangesAtStart(builder.Configuration))
    {
        // The message store's tables too were made before the rollout (`resources setup`).
        opts.AutoBuildMessageStorageOnStartup = JasperFx.AutoCreate.None;
    }

    opts.Policies.AutoApplyTransactions();
    // Scheduled transitions (expiry, withdrawal at the suspension cap, reminders, surveillance)
    // are kept in PostgreSQL until due, so they survive restarts.
    opts.Policies.UseDurableLocalQueues();
    // Scans are recorded off the verification path, in memory and in batches: losing a few in a
    // crash is better than a database write on every verification.
    opts.BatchMessagesOf<OvopQuality.Api.Labels.Scans.LabelScanned>(batching =>
    {
        batching.BatchSize = 500;
        batching.TriggerTime = TimeSpan.FromMilliseconds(250);
        batching.LocalExecutionQueueName = "scans";
    }).BufferedInMemory();
});

var app = builder.Build();

app.UseCommandMetrics();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseOvopRequestContext();
app.UseRequestBodyLimit(app.Configuration);
app.UseSnapshotCompression();
app.UseOvopAccess();
app.UseInputGuards();
app.UseBodyCapture();
app.UseIdempotency();
app.MapOvopOpenApi();
app.MapOvopHealth();
app.MapOvopMetrics();
app.MapWolverineEndpoints(opts =>
{
    // '?overdue=maybe' is a 400 naming the parameter, not a silent default.
    opts.RejectUnparseableQueryValues = true;
    opts.AddPolicy<RequiredBodies>();
    opts.AddMiddleware(typeof(ActorMiddleware), ActorMiddleware.AppliesTo);
    opts.AddMiddleware(typeof(EventAttribution), EventAttribution.AppliesTo);
    opts.AddMiddleware(typeof(IdempotencyClaimMiddleware), IdempotencyClaimMiddleware.AppliesTo);
});

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the in-process test host.</summary>
public partial class Program;

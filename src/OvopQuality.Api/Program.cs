using JasperFx;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Api.Standards.Seeding;
using Wolverine;
using Wolverine.Http;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOvopPersistence(builder.Configuration);
builder.Services.AddOvopHttp(builder.Configuration);
builder.Services.AddOvopOpenApi();
builder.Services.AddHostedService<SeedStandards>();
builder.Services.AddWolverineHttp();
builder.Host.UseWolverine(opts =>
{
    // Test hosts run from another assembly; endpoints and handlers live here.
    opts.ApplicationAssembly = typeof(Program).Assembly;
    opts.Policies.AutoApplyTransactions();
});

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestBodyLimit(app.Configuration);
app.MapOvopOpenApi();
app.MapOvopHealth();
app.MapWolverineEndpoints();

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the in-process test host.</summary>
public partial class Program;

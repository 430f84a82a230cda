using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace OvopQuality.Api.Infrastructure;

public static class HealthConfiguration
{
    /// <summary>Liveness answers while the process runs; readiness also needs PostgreSQL to answer.</summary>
    public static WebApplication MapOvopHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).WithTags("Health").AllowAnonymous();
        return app;
    }
}

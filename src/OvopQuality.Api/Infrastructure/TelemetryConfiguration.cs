using JasperFx.OpenTelemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// What the service lets operators see of itself: traces and metrics through OpenTelemetry, sent to an
/// OTLP collector when one is named, and the metrics on a Prometheus scrape endpoint.
/// </summary>
public static class TelemetryConfiguration
{
    public const string ServiceName = "OvopQuality";

    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Traces: ASP.NET Core's server spans, Wolverine's and Marten's (a connection span per session),
    /// Npgsql's per command. Metrics: ASP.NET Core's, the runtime's, Wolverine's ("Wolverine:{service}"),
    /// Marten's, Npgsql's and the service's own (<see cref="OvopMetrics"/>).
    /// <list type="bullet">
    /// <item>OTLP: on exactly when the standard OTEL_EXPORTER_OTLP_ENDPOINT is set (and traces only then);
    /// the exporter reads the other OTEL_EXPORTER_OTLP_* settings (protocol, headers) itself. No second spelling of the
    /// same setting: one rule an operator already knows from every other OpenTelemetry service.</item>
    /// <item>Resource: service.name OvopQuality, service.instance.id Ovop:Telemetry:InstanceId or else
    /// machine name and process id, so that the nodes of a cluster tell apart.</item>
    /// <item>/metrics: unless Ovop:Telemetry:Metrics:Enabled is false. Ovop:Telemetry:Metrics:Port
    /// answers it on that port only, for operators who give Kestrel a second, internal port.</item>
    /// </list>
    /// </summary>
    public static IServiceCollection AddOvopTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<OvopMetrics>();
        // Marten writes its spans and event counters only when asked.
        services.ConfigureMarten(opts =>
        {
            opts.OpenTelemetry.TrackConnections = TrackLevel.Normal;
            opts.OpenTelemetry.TrackEventCounters();
        });

        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var scrape = MetricsEnabled(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName,
                serviceVersion: typeof(TelemetryConfiguration).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: configuration["Ovop:Telemetry:InstanceId"] is { Length: > 0 } configured ? configured : $"{Environment.MachineName}-{Environment.ProcessId}"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Wolverine*", "Marten", "Npgsql", OvopMetrics.MeterName);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                // OpenTelemetry's own Prometheus exporter (still a beta) rather than prometheus-net: it
                // reads the same MeterProvider as OTLP, so both show the same instruments with the same
                // names, with no second metrics library and no bridge between the two.
                if (scrape)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        // Spans with nowhere to go would cost every verification time for nothing: traces are
        // recorded only when there is a collector to send them to.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                // Scrapes and probes come every few seconds and say nothing about the service's work.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddSource("Wolverine", "Marten")
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// Counts every command's outcome in one place (<see cref="OvopMetrics.CommandAnswered"/>). First in
    /// the pipeline, so it sees the final status, the exception handler's included.
    /// </summary>
    public static IApplicationBuilder UseCommandMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<OvopMetrics>();
        return app.Use(async (context, next) =>
        {
            if (!OvopMetrics.IsCommand(context.Request.Method))
            {
                await next(context);
                return;
            }

            var threw = true;
            try
            {
                await next(context);
                threw = false;
            }
            finally
            {
                metrics.CommandAnswered(context, threw);
            }
        });
    }

    /// <summary>
    /// The Prometheus scrape endpoint, open to anyone who reaches it (its tags name no person, code or
    /// path), left out of the OpenAPI document: it is for operators, who expose it only inside their
    /// network or on the port of Ovop:Telemetry:Metrics:Port.
    /// </summary>
    public static WebApplication MapOvopMetrics(this WebApplication app)
    {
        if (!MetricsEnabled(app.Configuration))
        {
            return app;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous().ExcludeFromDescription();
        if (app.Configuration.GetValue<int?>("Ovop:Telemetry:Metrics:Port") is { } port)
        {
            endpoint.RequireHost($"*:{port}");
        }

        return app;
    }

    private static bool MetricsEnabled(IConfiguration configuration) => configuration.GetValue<bool?>("Ovop:Telemetry:Metrics:Enabled") ?? true;

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal);
}

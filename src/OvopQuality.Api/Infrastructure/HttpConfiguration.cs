using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace OvopQuality.Api.Infrastructure;

/// <summary>A POST path whose body may be larger than Ovop:MaxRequestBodyBytes (a consignment's list of codes), registered by its module.</summary>
public sealed record BodyLimit(string Path, long Bytes);

public static class HttpConfiguration
{
    /// <summary>
    /// The JSON contract of the API: enums as strings, numbers as numbers, and a body that lacks a
    /// required field, holds a null where none is allowed, or names a field the API does not know,
    /// is refused rather than half-read.
    /// </summary>
    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.PropertyNameCaseInsensitive = true;
        json.NumberHandling = JsonNumberHandling.Strict;
        json.RespectNullableAnnotations = true;
        json.RespectRequiredConstructorParameters = true;
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        json.Converters.Add(new SafeTextConverter());
    }

    public static long MaxRequestBodyBytes(IConfiguration configuration) =>
        configuration.GetValue<long?>("Ovop:MaxRequestBodyBytes") ?? 1_048_576;

    /// <summary>
    /// Refuses a declared body over the limit before anything reads it, with a 413 problem. Kestrel
    /// enforces the same limit on bodies of unknown length as they stream in.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, IConfiguration configuration)
    {
        var standard = MaxRequestBodyBytes(configuration);
        var own = app.ApplicationServices.GetServices<BodyLimit>().ToList();
        return app.Use(async (context, next) =>
        {
            var limit = standard;
            if (own.Count > 0 && own.FirstOrDefault(o => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(o.Path, StringComparison.OrdinalIgnoreCase)) is { } larger)
            {
                limit = larger.Bytes;
                if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                {
                    size.MaxRequestBodySize = limit;
                }
            }

            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Type = Problems.TypeBase + "body-too-large",
                        Title = "Request body too large",
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Detail = $"The body has {context.Request.ContentLength} bytes; the service accepts at most {limit}.",
                    },
                });
                return;
            }

            await next(context);
        });
    }

    /// <summary>
    /// The status snapshot, the one large public download, goes out compressed (Brotli or gzip, as
    /// the client accepts). Other answers are small, and the label lookups many: not worth the CPU.
    /// </summary>
    public static IApplicationBuilder UseSnapshotCompression(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api/status-snapshot", StringComparison.Ordinal), b => b.UseResponseCompression());

    public static IServiceCollection AddOvopHttp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
        });
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => Configure(o.SerializerOptions));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            if (JsonBodyProblems.IsUnreadableBody(c))
            {
                c.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JsonBodyProblems))
                    .LogInformation("Refused an unreadable body on {Path}: {Reason}", c.HttpContext.Request.Path, c.ProblemDetails.Detail);
                JsonBodyProblems.Rewrite(c);
            }
            else
            {
                FrameworkProblems.Rewrite(c);
            }

            c.HttpContext.Features.Set(new AnsweredProblem(c.ProblemDetails.Type));
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            ProducerNumberRoutes.Rewrite(c);
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
            if (Access.CorrelationMiddleware.Of(c.HttpContext) is { } correlation)
            {
                c.ProblemDetails.Extensions["correlationId"] = correlation;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        var maxBody = MaxRequestBodyBytes(configuration);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = maxBody);
        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgresql", tags: ["ready"]);
        return services;
    }
}

/// <summary>
/// The last line of defence: whatever escapes an endpoint becomes a problem-details answer with
/// the right status, and never a stack trace.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException =>
                Problems.StaleVersion("The file changed since you read it: read it again and retry with its current version."),
            _ when UniqueViolation(exception) is { TableName: "idempotency_keys" } => Problems.Conflict("idempotency-key-in-progress",
                "A request with this Idempotency-Key is still running: send it again in a moment to get its answer."),
            _ when UniqueViolation(exception) is { } violation => violation.ConstraintName?.Contains("stream_and_version", StringComparison.Ordinal) == true
                ? Problems.StaleVersion("Another command changed the same record at the same moment: read it again and retry.")
                : Problems.Conflict("already-exists", "Something with the same identity was stored at the same moment; read again and retry."),
            BadHttpRequestException bad => new ProblemDetails
            {
                Type = Problems.TypeBase + (bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body-too-large" : "bad-request"),
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                Status = bad.StatusCode,
                Detail = bad.Message,
            },
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Type = Problems.TypeBase + "internal-error",
                Title = "Internal error",
                Status = StatusCodes.Status500InternalServerError,
                Detail = "The service failed to handle this request; nothing was changed. The trace id identifies it in the logs.",
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Type == Problems.TypeBase + "idempotency-key-in-progress")
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static PostgresException? UniqueViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } violation)
            {
                return violation;
            }
        }

        return null;
    }
}

public sealed class PostgresHealthCheck(NpgsqlDataSource database) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("PostgreSQL does not answer: " + e.Message);
        }
    }
}

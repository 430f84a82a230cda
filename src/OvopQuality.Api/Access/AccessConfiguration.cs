using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.IdentityModel.Tokens;

namespace OvopQuality.Api.Access;

/// <summary>
/// Who may call what: JWT bearer tokens from any OpenID Connect provider (Ovop:Auth:Authority and
/// Audience), or, in Development only, from the built-in development issuer; deny by default;
/// rate limits on what anyone may call; CORS for the verification endpoints.
/// </summary>
public static class AccessConfiguration
{
    public const string VerificationCors = "verification";

    /// <summary>What OpenID Connect providers sign access tokens with; Ovop:Auth:Algorithms replaces the list.</summary>
    public static readonly string[] DefaultAlgorithms =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384];

    /// <summary>The JWS typ of an access token: "JWT" (most providers, Keycloak) or RFC 9068's "at+jwt".</summary>
    public static readonly string[] AccessTokenTypes = ["JWT", "at+jwt", "application/at+jwt"];

    public static IServiceCollection AddOvopAccess(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var auth = configuration.GetSection("Ovop:Auth");
        var authority = auth["Authority"];
        // SettingsCheck has refused the development issuer outside Development, and an authority that is
        // not https unless it is on this machine in Development.
        var development = auth.GetValue<bool>("DevelopmentIssuer") && environment.IsDevelopment();

        DevelopmentIssuer? issuer = development ? new DevelopmentIssuer(auth["DevelopmentKeyFile"] ?? DevelopmentIssuer.DefaultKeyFile) : null;
        if (issuer is not null)
        {
            services.AddSingleton(issuer);
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                RoleClaimType = auth["RoleClaim"] ?? OvopClaims.Role,
                NameClaimType = OvopClaims.Name,
                ClockSkew = TimeSpan.FromSeconds(30),
                // Only signed access tokens, and only with the algorithms a provider of ours uses: never
                // "none", never a symmetric algorithm keyed with a public key, never a document of
                // another kind (a label statement or status snapshot signed by this service).
                RequireSignedTokens = true,
                ValidAlgorithms = issuer is not null ? [SecurityAlgorithms.EcdsaSha256] : auth.GetSection("Algorithms").Get<string[]>() ?? DefaultAlgorithms,
                ValidTypes = AccessTokenTypes,
            };
            if (issuer is not null)
            {
                o.TokenValidationParameters.ValidIssuer = DevelopmentIssuer.Issuer;
                o.TokenValidationParameters.ValidAudience = DevelopmentIssuer.Audience;
                o.TokenValidationParameters.IssuerSigningKey = issuer.Key;
            }
            else
            {
                o.Authority = authority;
                o.Audience = auth["Audience"] ?? "ovopquality";
                o.RequireHttpsMetadata = authority is null || !authority.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
            }

            o.Events = new JwtBearerEvents
            {
                // The provider's keys are read on the first request that carries a token, never for one
                // without: public endpoints answer whether the provider is reachable or not. While it
                // is not, a token cannot be checked and its caller is not signed in (401), and the
                // answer and the log say why instead of blaming the token. With the provider's keys
                // at hand, asking for them again costs nothing.
                OnAuthenticationFailed = async context =>
                {
                    if (context.Options.ConfigurationManager is not { } provider)
                    {
                        return;
                    }

                    try
                    {
                        await provider.GetConfigurationAsync(context.HttpContext.RequestAborted);
                    }
                    catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
                    {
                        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessConfiguration))
                            .LogWarning(e, "A bearer token could not be checked: the sign-in provider's keys could not be read from {Authority}", context.Options.Authority);
                        context.Fail(new SignInProviderUnavailableException(e));
                    }
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "unauthenticated", "Not signed in",
                        context.AuthenticateFailure switch
                        {
                            null => "This endpoint needs a bearer token.",
                            SignInProviderUnavailableException => "The bearer token could not be checked: the sign-in provider does not answer. Try again later.",
                            _ => "The bearer token is not valid: expired, wrongly signed, or for another audience or issuer.",
                        });
                },
                OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "forbidden", "Forbidden",
                    "Your role may not do this."),
            };
        });

        // Deny by default: an endpoint that declares nobody still needs a signed-in user.
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        // Clients named by a keyed hash of their address (scans, anonymous complaints): the key is
        // read from the database before the first request, and never changes.
        services.AddSingleton(new ClientPseudonyms());
        services.AddHostedService<ClientPseudonymsOnStartup>();
        services.AddOvopForwardedHeaders(configuration);
        services.AddOvopRateLimits(configuration);
        services.AddCors(o => o.AddPolicy(VerificationCors, policy =>
        {
            var origins = configuration.GetSection("Ovop:Cors:VerificationOrigins").Get<string[]>() ?? ["*"];
            (origins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins(origins)).WithMethods("GET", "POST").AllowAnyHeader();
        }));
        services.AddHttpContextAccessor();
        services.AddSingleton<StaffDirectory>();
        services.ConfigureMarten(opts =>
        {
            opts.Schema.For<StaffMember>().Index(s => s.Role);
            // Registered, so that `resources setup` makes its table before a rollout.
            opts.Schema.For<ClientPseudonymKey>();
        });
        return services;
    }

    /// <summary>
    /// Behind a reverse proxy or load balancer, the client is who the proxy says it is, and only then:
    /// X-Forwarded-For and X-Forwarded-Proto are read from the proxies in
    /// Ovop:ForwardedHeaders:KnownProxies (addresses) and KnownNetworks (CIDR), none by default,
    /// so a client cannot name itself someone else to get a fresh rate limit or scan pseudonym.
    /// </summary>
    private static IServiceCollection AddOvopForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Ovop:ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        return services.Configure<ForwardedHeadersOptions>(o =>
        {
            // ASP.NET Core believes every sender when both known lists are empty, so with no proxy
            // configured the headers are not read at all.
            o.ForwardedHeaders = proxies.Length + networks.Length == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = section.GetValue("ForwardLimit", 1);
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(System.Net.IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"Ovop:ForwardedHeaders:KnownProxies holds '{proxy}', which is not an IP address."));
            }

            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Ovop:ForwardedHeaders:KnownNetworks holds '{network}', which is not a network such as 10.0.0.0/8."));
            }
        });
    }

    private static IServiceCollection AddOvopRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("Ovop:RateLimits");
        FixedWindowRateLimiterOptions Window(string name, int permits, int seconds) => new()
        {
            PermitLimit = limits.GetValue($"{name}:PermitLimit", permits),
            Window = TimeSpan.FromSeconds(limits.GetValue($"{name}:WindowSeconds", seconds)),
            QueueLimit = 0,
        };

        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Anonymous callers are limited per client (an IPv4 address or an IPv6 /64), more strictly when they send a body;
            // signed-in users per user, generously (staff enter whole inspections at once).
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var hasBody = HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method);
                if (context.User.Identity?.IsAuthenticated == true)
                {
                    var user = context.User.FindFirst(OvopClaims.Subject)?.Value ?? "?";
                    return RateLimitPartition.GetFixedWindowLimiter("user:" + user, _ => Window("User", 1200, 60));
                }

                var address = ClientNetwork.KeyOf(context.Connection.RemoteIpAddress);
                // An as-of open data file is read and written whole on request (the whole registry as
                // it stood): a few a minute for a client, not the hundreds a stored file may be.
                if (context.Request.Path.StartsWithSegments("/api/open-data", StringComparison.OrdinalIgnoreCase) && context.Request.Query.ContainsKey("asOf"))
                {
                    return RateLimitPartition.GetFixedWindowLimiter("as-of:" + address, _ => Window("OpenDataAsOf", 10, 60));
                }

                return hasBody
                    ? RateLimitPartition.GetFixedWindowLimiter("body:" + address, _ => Window("PublicBody", 30, 60))
                    : RateLimitPartition.GetFixedWindowLimiter("public:" + address, _ => Window("Public", 600, 60));
            });
            o.OnRejected = async (context, token) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await WriteProblemAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many requests",
                    "This client sent more requests than the service accepts in a while; retry after the time in Retry-After.");
            };
        });
    }

    /// <summary>The access pipeline: correlation, security headers, CORS, authentication, rate limits, authorization.</summary>
    /// <summary>What every answer carries, refusals before routing included (a 413): the client's real address, a correlation id, the security headers.</summary>
    public static WebApplication UseOvopRequestContext(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    public static WebApplication UseOvopAccess(this WebApplication app)
    {
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        // A producer's number in the path becomes its id, for signed-in callers only (anyone else
        // learns nothing of which numbers exist), and the request is routed again.
        app.UseProducerNumberRoutes();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthorization();
        // Staff are noted as they use the API, so that work is given only to people who exist.
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true && context.User.Actor() is { } actor && StaffDirectory.IsStaff(actor.Role))
            {
                await context.RequestServices.GetRequiredService<StaffDirectory>().NoteAsync(actor, context.RequestAborted);
            }

            await next(context);
        });
        return app;
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Type = Problems.TypeBase + type, Title = title, Status = status, Detail = detail },
        }).AsTask();
    }
}

/// <summary>A bearer token could not be checked because the sign-in provider's keys could not be read.</summary>
public sealed class SignInProviderUnavailableException(Exception cause)
    : Exception("The sign-in provider's keys could not be read.", cause);

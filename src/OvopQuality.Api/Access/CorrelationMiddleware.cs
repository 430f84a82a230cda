namespace OvopQuality.Api.Access;

/// <summary>
/// Gives every request a correlation id: the caller's X-Correlation-Id when it is a sensible token,
/// otherwise a new one. It is echoed in the response, attached to every log line of the request, and
/// stored with every event the request appends. Each request ends with one access log line.
/// </summary>
public sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    public const string Header = "X-Correlation-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var given = context.Request.Headers[Header].ToString();
        var id = IsAcceptable(given) ? given : Guid.NewGuid().ToString("N");
        context.Items[Header] = id;
        context.Response.Headers[Header] = id;
        using (logger.BeginScope("CorrelationId:{CorrelationId}", id))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await next(context);
            logger.LogInformation("{Method} {Path} answered {Status} in {Milliseconds:F1} ms", context.Request.Method, context.Request.Path,
                context.Response.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public static string? Of(HttpContext? context) => context?.Items[Header] as string;

    private static bool IsAcceptable(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>Headers that keep browsers from sniffing, framing or leaking what the service answers.</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>Where the API reference's script nonce of this request is kept, for the page to put on its script tags.</summary>
    public const string ScriptNonce = "ovop.script-nonce";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers.ContentSecurityPolicy =
            context.Request.Path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase)
                // The API reference (Scalar's bundle, served from this service) starts with an inline
                // bootstrap script: it runs by a nonce made for this response alone, so no other
                // inline script could. Its components set styles at run time (style elements and
                // attributes), which only 'unsafe-inline' allows; the page shows the OpenAPI
                // document, which holds no stored text, and no script but ours can run there.
                ? $"default-src 'self'; script-src 'self' 'nonce-{NewNonce(context)}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            : context.Request.Path.Value?.EndsWith("/sheet", StringComparison.Ordinal) == true
                || context.Request.Path.StartsWithSegments("/open-data", StringComparison.OrdinalIgnoreCase)
                // A print sheet or the data dictionary: the service's stylesheet (and inline SVG), no script, no inline style.
                ? "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            : context.Request.Path.StartsWithSegments("/l", StringComparison.OrdinalIgnoreCase)
                // The verification page: its own script (which fetches the public keys and sends a
                // complaint) and its own stylesheet; nothing inline.
                ? "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            : context.Request.Path.StartsWithSegments("/directory", StringComparison.OrdinalIgnoreCase)
              || context.Request.Path.StartsWithSegments("/p", StringComparison.OrdinalIgnoreCase)
                // The public directory's pages: their own script (which searches through the API)
                // and stylesheet, nothing inline; the search form submits to the page itself.
                ? "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            : context.Request.Path.StartsWithSegments("/figures", StringComparison.OrdinalIgnoreCase)
                // The programme in pictures: its own stylesheet and inline SVG; the ministry page's own
                // script, which calls only this service; the day picker is a GET form to the page itself.
                ? "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
                : "default-src 'none'; frame-ancestors 'none'";
        return next(context);
    }

    private static string NewNonce(HttpContext context)
    {
        // Hex: nothing in it needs encoding in the page's attribute.
        var nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        context.Items[ScriptNonce] = nonce;
        return nonce;
    }
}

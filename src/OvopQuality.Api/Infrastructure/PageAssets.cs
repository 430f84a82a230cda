namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// What every page of the service shares: the start of the document (language, phone viewport, its
/// own stylesheet, nothing inline, which the pages' content security policy requires) and how its
/// stylesheet and script are served (cached an hour: they change only with a release).
/// </summary>
public static class PageAssets
{
    public static Html Start(string language, string title, string stylesheet) => Html.Of($"""
        <!doctype html>
        <html lang="{language}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title}</title>
        <link rel="stylesheet" href="{stylesheet}">
        </head>
        <body>
        """);

    public static IResult Stylesheet(HttpContext context, string css) => Cached(context, css, "text/css; charset=utf-8");

    public static IResult Script(HttpContext context, string script) => Cached(context, script, "text/javascript; charset=utf-8");

    private static IResult Cached(HttpContext context, string content, string mediaType)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Content(content, mediaType);
    }
}

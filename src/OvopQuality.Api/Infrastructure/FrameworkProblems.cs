using System.Globalization;
using Wolverine.Http;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// Turns the answers the frameworks give on their own into the API's problems, so that a client meets
/// one contract: a query value that cannot be read (Wolverine's 400 names the parameter in its
/// <c>parameter</c> extension) becomes <c>invalid-input</c> naming the field and the values it takes,
/// worked out from the endpoint's own parameter type, never a .NET type name; an aggregate that does
/// not exist (Wolverine's bare 404 before the endpoint runs) becomes the same not-found problem the
/// endpoint gives for one the caller may not see. Recognised by structure (status, no API type, the
/// route's values), not by the frameworks' wording.
/// </summary>
public static class FrameworkProblems
{
    /// <summary>What each route value names, for the not-found problem of that kind.</summary>
    private static readonly Dictionary<string, (string What, string Noun)> RouteValues = new(StringComparer.Ordinal)
    {
        ["producerId"] = ("producer", "producer"),
        ["fileId"] = ("certification-file", "certification file"),
        ["complaintId"] = ("complaint", "complaint"),
        ["signalId"] = ("clone-signal", "clone signal"),
    };

    public static void Rewrite(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(Problems.TypeBase, StringComparison.Ordinal) == true)
        {
            return;
        }

        if (problem.Status == StatusCodes.Status400BadRequest && problem.Extensions.TryGetValue("parameter", out var named) && named?.ToString() is { Length: > 0 } parameter)
        {
            var chain = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<HttpChain>();
            var type = chain?.Method.Method.GetParameters().FirstOrDefault(p => string.Equals(p.Name, parameter, StringComparison.OrdinalIgnoreCase))?.ParameterType;
            Replace(problem, Problems.Invalid(new Dictionary<string, string[]> { [parameter] = [Expected(type)] }));
            problem.Extensions.Remove("parameter");
            return;
        }

        if (problem.Status == StatusCodes.Status404NotFound && context.HttpContext.GetEndpoint() is RouteEndpoint endpoint)
        {
            // The first value of the route is the aggregate the endpoint loads: the one that was not found.
            var first = endpoint.RoutePattern.Parameters.Count > 0 ? endpoint.RoutePattern.Parameters[0] : null;
            if (first is not null && RouteValues.TryGetValue(first.Name, out var kind))
            {
                var value = context.HttpContext.Request.RouteValues[first.Name]?.ToString();
                Replace(problem, Problems.NotFound(kind.What, $"There is no {kind.Noun} {value}."));
            }
        }
    }

    /// <summary>What a query value of this type must be, in the words a body's fields use (<see cref="JsonBodyProblems.Kind"/>).</summary>
    public static string Expected(Type? type) =>
        type is null ? "is not a value this parameter takes" : "must be " + JsonBodyProblems.Kind(type);

    private static void Replace(ProblemDetails problem, ProblemDetails with)
    {
        problem.Type = with.Type;
        problem.Title = with.Title;
        problem.Detail = with.Detail;
        problem.Status = with.Status;
        if (with is HttpValidationProblemDetails invalid)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]>(invalid.Errors, StringComparer.Ordinal);
        }
    }
}

/// <summary>
/// Producer routes take the producer's number as people write it (<c>/api/producers/TJ-P-000001/…</c>)
/// as well as its id: once the caller is signed in, the number is looked up (one indexed read), the
/// path carries the id from then on and the request is routed again. An unknown number is a not-found problem at once; a known one the caller may
/// not see is answered by the endpoint as for any id, with the number, never the id, in the answer.
/// </summary>
public static partial class ProducerNumberRoutes
{
    public const string AskedAs = "ovop.producer-asked-as";

    [System.Text.RegularExpressions.GeneratedRegex("^/api/producers/(TJ-P-[0-9]{6})(/.*)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ByNumber();

    public static WebApplication UseProducerNumberRoutes(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true && context.Request.Path.Value is { } path && ByNumber().Match(path) is { Success: true } match)
            {
                var number = match.Groups[1].Value.ToUpperInvariant();
                await using var session = context.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
                var id = await session.Query<Producers.Producer>().Where(p => p.Number == number).Select(p => p.Id).FirstOrDefaultAsync(context.RequestAborted);
                if (id == Guid.Empty)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        ProblemDetails = Problems.NotFound("producer", $"There is no producer {number}."),
                    });
                    return;
                }

                context.Items[AskedAs] = (number, id);
                context.Request.Path = $"/api/producers/{id}{match.Groups[2].Value}";
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
            }

            await next(context);
        });
        return app;
    }

    /// <summary>An answer to a request made by number names the number, not the id behind it.</summary>
    public static void Rewrite(ProblemDetailsContext context)
    {
        if (context.HttpContext.Items[AskedAs] is (string number, Guid id))
        {
            context.ProblemDetails.Detail = context.ProblemDetails.Detail?.Replace(id.ToString(), number, StringComparison.OrdinalIgnoreCase);
            context.ProblemDetails.Instance = context.ProblemDetails.Instance?.Replace(id.ToString(), number, StringComparison.OrdinalIgnoreCase);
        }
    }
}

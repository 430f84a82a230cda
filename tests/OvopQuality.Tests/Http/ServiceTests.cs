using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class ServiceTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task The_openapi_document_lists_every_endpoint_of_the_running_app()
    {
        var document = (await GetAnonymously("/openapi/v1.json")).Is(HttpStatusCode.OK).Json;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();

        var endpoints = App.Host.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'), Method: m.ToLowerInvariant(),
                    TakesBody: e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is not null)))
            .ToList();

        Assert.True(endpoints.Count >= 18, $"only {endpoints.Count} endpoints found");
        foreach (var (path, method, takesBody) in endpoints)
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document");
            if (method == "post")
            {
                Assert.True(!takesBody || operation!["requestBody"] is not null, $"POST {path} does not describe its body");
                Assert.NotNull(operation["responses"]!["400"]);
                Assert.NotNull(operation["responses"]!["409"]);
            }
        }
    }

    [Fact]
    public void Every_command_read_from_a_body_is_known_so_a_clients_unreadable_body_is_not_logged_as_a_service_error()
    {
        var bodies = App.Host.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .Select(e => e.Metadata.GetMetadata<Wolverine.Http.HttpChain>())
            .OfType<Wolverine.Http.HttpChain>()
            .Where(c => c.HasRequestType)
            .Select(c => c.RequestType!.FullName!)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(bodies.Count >= 20, $"only {bodies.Count} commands found");
        var found = OvopQuality.Api.Infrastructure.JsonBodyProblems.BodyTypesIn(typeof(Program).Assembly).Select(t => t.FullName!).ToList();
        Assert.False(bodies.Except(found).Concat(found.Except(bodies)).Any(), "missing " + string.Join(", ", bodies.Except(found)) + "; extra " + string.Join(", ", found.Except(bodies)));
        Assert.Equal(bodies, found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_clients_unreadable_body_is_not_logged_as_an_error_and_the_configured_levels_still_hold_elsewhere()
    {
        var logging = App.Host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();

        var bodyReader = logging.CreateLogger(typeof(OvopQuality.Api.Certification.Labelling.IssueLabels).FullName!);
        var other = logging.CreateLogger("OvopQuality.Api.Access.CorrelationMiddleware");

        Assert.False(bodyReader.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Error));
        Assert.True(other.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Error));
        Assert.False(other.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug));
    }

    [Fact]
    public async Task The_openapi_document_describes_enums_as_strings_and_errors_as_problem_details()
    {
        var document = (await GetAnonymously("/openapi/v1.json")).Json;

        var region = document["components"]!["schemas"]!["Region"]!;
        Assert.Contains("sughd", region["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        var issue = document["paths"]!["/api/certifications/{fileId}/labels"]!["post"]!;
        Assert.NotNull(issue["responses"]!["401"]);
        Assert.NotNull(issue["responses"]!["403"]);
        Assert.NotNull(issue["security"]);
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        var verify = document["paths"]!["/api/labels/{code}"]!["get"]!;
        Assert.Null(verify["responses"]!["401"]);
        Assert.NotNull(verify["responses"]!["429"]);
        var conflict = issue["responses"]!["409"]!;
        Assert.Equal("#/components/schemas/ProblemDetails", conflict["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_api_reference_is_browsable()
    {
        var reply = (await GetAnonymously("/docs/")).Is(HttpStatusCode.OK);

        Assert.Contains("<html", reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Health_says_the_service_lives_and_is_ready_with_its_database()
    {
        Assert.Equal("Healthy", (await GetAnonymously("/health/live")).Is(HttpStatusCode.OK).Body);
        Assert.Equal("Healthy", (await GetAnonymously("/health/ready")).Is(HttpStatusCode.OK).Body);
    }
}

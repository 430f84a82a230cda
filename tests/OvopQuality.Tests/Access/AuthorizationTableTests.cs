using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Access;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Access;

/// <summary>
/// Every endpoint of the running app against one table of who may call it. An endpoint added
/// without an entry here fails the first test; a role that can do more or less than the table
/// says fails the second.
/// </summary>
public class AuthorizationTableTests(AppFixture app) : ApiTest(app)
{
    private const string Public = "public";
    private const string Producer = Roles.Producer;
    private const string Inspector = Roles.Inspector;
    private const string Officer = Roles.CertificationOfficer;
    private const string Exporter = Roles.Exporter;
    private const string Ministry = Roles.Ministry;
    private const string Admin = Roles.Administrator;

    public static readonly IReadOnlyDictionary<string, string[]> Table = new Dictionary<string, string[]>
    {
        ["GET /api/labels/{code}"] = [Public],
        ["GET /health/live"] = [Public],
        ["GET /health/ready"] = [Public],
        // Prometheus' scrape: no personal data, labels of low cardinality; operators keep it inside
        // their network or on a port of its own (Ovop:Telemetry:Metrics:Port), see "Telemetry".
        ["GET /metrics"] = [Public],
        ["GET /openapi/{documentName}.json"] = [Public],
        ["GET /docs/{documentName?}"] = [Public],

        // The API reference's own scripts, styles and icons.
        ["GET /docs/*"] = [Public],

        // The open data: the public registry, its manifest, schemas and data dictionary.
        ["GET /api/open-data"] = [Public],
        ["GET /api/open-data/{file}"] = [Public],
        ["GET /api/open-data/manifest.json"] = [Public],
        ["GET /api/open-data/manifest.jws"] = [Public],
        ["GET /api/open-data/schemas/{dataset}"] = [Public],
        ["GET /open-data"] = [Public],
        ["GET /open-data/style.css"] = [Public],

        ["POST /api/producers"] = [Officer, Admin],
        ["GET /api/producers"] = [Officer, Admin, Ministry],
        ["GET /api/producers/{producerId}"] = [Producer, Officer, Admin, Ministry],
        ["GET /api/producers/{producerId}/events"] = [Producer, Officer, Admin],
        ["GET /api/producers/{producerId}/certifications"] = [Producer, Officer, Admin, Ministry],
        ["POST /api/producers/{producerId}/products"] = [Producer, Officer, Admin],
        ["POST /api/producers/{producerId}/corrections"] = [Producer, Officer, Admin],
        ["PATCH /api/producers/{producerId}"] = [Producer, Officer, Admin],
        ["PUT /api/producers/{producerId}/contact-publication"] = [Producer, Officer, Admin],
        ["GET /api/producers/{producerId}/products/{productId}"] = [Producer, Officer, Admin, Ministry],

        ["GET /api/standards"] = [Producer, Inspector, Officer, Exporter, Ministry, Admin],
        ["GET /api/standards/{code}"] = [Producer, Inspector, Officer, Exporter, Ministry, Admin],
        ["GET /api/standards/{code}/versions/{version}"] = [Producer, Inspector, Officer, Exporter, Ministry, Admin],
        ["POST /api/standards/{code}/versions"] = [Admin],

        ["POST /api/certifications"] = [Producer, Officer, Admin],
        ["GET /api/certifications/{fileId}"] = [Producer, Inspector, Officer, Admin],
        ["GET /api/certifications/{fileId}/events"] = [Producer, Inspector, Officer, Admin],
        ["POST /api/certifications/{fileId}/inspections"] = [Officer, Admin],
        ["POST /api/certifications/{fileId}/inspections/{inspectionId}/results"] = [Inspector],
        ["POST /api/certifications/{fileId}/decisions/standard-met"] = [Officer],
        ["POST /api/certifications/{fileId}/decisions/refusal"] = [Officer],
        ["POST /api/certifications/{fileId}/labels"] = [Producer, Officer, Admin],
        ["GET /api/certifications/{fileId}/labels/{batchId}"] = [Producer, Officer, Admin],
        ["GET /api/certifications/{fileId}/labels/{batchId}/sheet"] = [Producer, Officer, Admin],
        ["GET /api/inspectors/{inspectorId}/inspections"] = [Inspector, Officer, Admin],
        ["GET /api/inspectors/{inspectorId}/reviews"] = [Inspector, Officer, Admin],
        ["GET /api/staff"] = [Officer, Admin],
        ["PUT /api/staff/{subject}"] = [Admin],
        ["GET /api/me"] = [Producer, Inspector, Officer, Exporter, Ministry, Admin],
        ["GET /api/cluster"] = [Admin],

        ["POST /api/certifications/{fileId}/suspension"] = [Officer],
        ["POST /api/certifications/{fileId}/reinstatement"] = [Officer],
        ["POST /api/certifications/{fileId}/withdrawal"] = [Officer],
        ["POST /api/certifications/{fileId}/surrender"] = [Producer, Officer, Admin],
        ["GET /api/surveillance"] = [Officer, Admin],
        ["GET /api/producers/{producerId}/notifications"] = [Producer, Officer, Admin],
        ["POST /api/certifications/{fileId}/findings/{findingId}/corrective-actions"] = [Producer, Officer, Admin],
        ["POST /api/certifications/{fileId}/findings/{findingId}/review"] = [Inspector],
        ["POST /api/certifications/{fileId}/samples"] = [Inspector],
        ["POST /api/certifications/{fileId}/samples/{sampleId}/dispatch"] = [Inspector, Officer, Admin],
        ["POST /api/certifications/{fileId}/samples/{sampleId}/results"] = [Officer, Admin],
        ["POST /api/certifications/{fileId}/scope"] = [Officer],
        ["POST /api/certifications/{fileId}/advice"] = [Officer, Admin],
        ["POST /api/certifications/{fileId}/appeals"] = [Producer, Officer, Admin],
        ["POST /api/certifications/{fileId}/appeals/{appealId}/decision"] = [Officer],
        ["GET /api/labels/{code}/token"] = [Public],
        ["GET /l/{code}"] = [Public],
        ["GET /l/verify.js"] = [Public],
        ["GET /l/verify.css"] = [Public],
        ["GET /api/labels/{code}/qr"] = [Public],
        ["GET /api/labels/{code}/verification"] = [Public],
        ["POST /api/labels/verification"] = [Public],
        ["GET /.well-known/jwks.json"] = [Public],
        ["GET /api/status-snapshot"] = [Public],
        ["GET /api/signing-keys"] = [Admin],
        ["GET /api/clone-signals"] = [Officer, Admin],
        ["GET /api/clone-signals/{signalId}"] = [Officer, Admin],
        ["POST /api/clone-signals/{signalId}/confirmation"] = [Officer],
        ["POST /api/clone-signals/{signalId}/dismissal"] = [Officer],
        ["POST /api/clone-signals/{signalId}/lifting"] = [Officer],
        ["POST /api/signing-keys/rotation"] = [Admin],
        ["POST /api/signing-keys/{keyId}/revocation"] = [Admin],
        ["GET /api/certificates/{number}"] = [Public],
        ["GET /api/certificates/{number}/timeline"] = [Public],
        ["GET /api/directory"] = [Public],
        ["GET /api/directory/{producerNumber}"] = [Public],
        ["GET /directory"] = [Public],
        ["GET /directory/directory.css"] = [Public],
        ["GET /directory/directory.js"] = [Public],
        ["GET /p/{producerNumber}"] = [Public],

        ["GET /api/statistics"] = [Ministry, Officer, Admin],
        ["GET /api/statistics/series"] = [Ministry, Officer, Admin],
        ["GET /api/statistics/public"] = [Public],
        ["GET /api/statistics/detail"] = [Ministry, Officer, Admin],
        ["GET /api/statistics/detail/{table}.csv"] = [Ministry, Officer, Admin],
        ["GET /figures"] = [Public],
        ["GET /figures/ministry"] = [Public],
        ["GET /figures/ministry/content"] = [Ministry, Officer, Admin],
        ["GET /figures/figures.css"] = [Public],
        ["GET /figures/figures.js"] = [Public],

        ["GET /api/certifications/{fileId}/events/export"] = [Producer, Inspector, Officer, Admin],
        ["GET /api/producers/{producerId}/events/export"] = [Producer, Officer, Admin],
        ["GET /api/history/checkpoints"] = [Public],
        ["GET /api/history/checkpoints/{number}"] = [Public],
        ["POST /api/history/checkpoints"] = [Admin],
        ["GET /api/history/check"] = [Admin],

        ["POST /api/consignments"] = [Exporter, Ministry, Officer, Admin],
        ["GET /api/consignments/{id}"] = [Public],
        ["GET /api/consignments/{id}/lines"] = [Public],
        ["GET /api/consignments/{id}/csv"] = [Public],
        ["GET /api/consignments/{id}/signed"] = [Public],
        ["GET /api/consignments/{id}/page"] = [Public],

        ["POST /api/webhooks"] = [Exporter],
        ["GET /api/webhooks"] = [Exporter],
        ["GET /api/webhooks/{webhookId}"] = [Exporter],
        ["DELETE /api/webhooks/{webhookId}"] = [Exporter],
        ["POST /api/watches"] = [Exporter],
        ["GET /api/watches"] = [Exporter],
        ["GET /api/watches/{watchId}"] = [Exporter],
        ["DELETE /api/watches/{watchId}"] = [Exporter],
        ["GET /api/webhook-deliveries"] = [Exporter],
        ["GET /api/webhook-deliveries/{deliveryId}"] = [Exporter],
        ["POST /api/webhook-deliveries/{deliveryId}/redelivery"] = [Exporter],

        ["POST /api/complaints"] = [Public],
        ["GET /api/complaints/{reference}/status"] = [Public],
        ["GET /api/complaints"] = [Officer, Admin],
        ["GET /api/complaints/{complaintId}"] = [Officer, Admin],
        ["POST /api/complaints/{complaintId}/assignment"] = [Officer, Admin],
        ["POST /api/complaints/{complaintId}/resolution"] = [Officer],
    };

    private IReadOnlyList<(string Key, RouteEndpoint Endpoint)> Endpoints() =>
        [.. App.Host.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => ($"{m} /{e.RoutePattern.RawText!.TrimStart('/')}", e)))
            .DistinctBy(e => e.Item1)];

    [Fact]
    public void Every_endpoint_of_the_running_app_has_an_entry_and_declares_who_may_call_it()
    {
        var endpoints = Endpoints();

        foreach (var (key, endpoint) in endpoints)
        {
            var allowed = Entry(key);
            Assert.True(allowed is not null, $"{key} has no entry in the authorisation table");
            var isPublic = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            Assert.True(isPublic == (allowed is [Public]), $"{key}: public is {isPublic}, the table says {string.Join(", ", allowed)}");
            if (!isPublic)
            {
                var declared = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
                Assert.True(declared.SetEquals(allowed), $"{key} declares [{string.Join(", ", declared)}], the table says [{string.Join(", ", allowed)}]");
            }
        }

        Assert.Empty(Table.Keys.Where(k => !k.EndsWith("/*", StringComparison.Ordinal)).Except(endpoints.Select(e => e.Key)));
    }

    private static string[]? Entry(string key) =>
        Table.TryGetValue(key, out var exact)
            ? exact
            : Table.FirstOrDefault(e => e.Key.EndsWith("/*", StringComparison.Ordinal) && key.StartsWith(e.Key[..^1], StringComparison.Ordinal)).Value;

    public static TheoryData<string> Routes() => [.. Table.Keys.Where(k => !k.EndsWith("/*", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_role_gets_through_only_where_the_table_lets_it(string route)
    {
        var allowed = Table[route];
        foreach (var role in Roles.All)
        {
            var user = new User($"{role}-table-check", role, role == Roles.Producer ? "TJ-P-999999" : null);
            var reply = await Call(route, user);

            if (allowed.Contains(Public) || allowed.Contains(role))
            {
                Assert.True(reply.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{role} was refused {route}: {(int)reply.Status} {reply.Body}");
            }
            else
            {
                reply.IsProblem(HttpStatusCode.Forbidden, "forbidden");
            }
        }

        var anonymous = await Call(route, null);
        if (allowed.Contains(Public))
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, anonymous.Status);
        }
        else
        {
            anonymous.IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        }
    }

    private Task<Reply> Call(string route, User? user)
    {
        var (method, template) = (route[..route.IndexOf(' ', StringComparison.Ordinal)], route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var url = template
            .Replace("{documentName}.json", "v1.json", StringComparison.Ordinal)
            .Replace("{documentName?}", "", StringComparison.Ordinal)
            .Replace("{code}", route.Contains("standards", StringComparison.Ordinal) ? "OVOP-DF" : "0000-0000-0000-0000-0", StringComparison.Ordinal)
            .Replace("{version}", "1", StringComparison.Ordinal)
            .Replace("{number}", "TJ-OVOP-2026-999999", StringComparison.Ordinal)
            .Replace("{inspectorId}", user?.Subject ?? "nobody", StringComparison.Ordinal);
        url = System.Text.RegularExpressions.Regex.Replace(url, "{[a-zA-Z]+}", _ => Guid.NewGuid().ToString());
        var content = method == "POST" ? new StringContent("{}", Encoding.UTF8, "application/json") : null;
        return Send(new HttpMethod(method), url, content, user);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// The OpenAPI document is what client generators and API gateways read: it passes Redocly's
/// recommended rules with no error and no warning (the linter is pinned in tools/checks and
/// installed by deploy/test.sh).
/// </summary>
public class OpenApiLintTests(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task The_openapi_document_passes_redoclys_recommended_rules_without_errors_or_warnings()
    {
        var document = (await GetAnonymously("/openapi/v1.json")).Is(HttpStatusCode.OK).Body;
        var file = Path.Combine(Path.GetTempPath(), "ovop-openapi-" + Guid.NewGuid().ToString("N") + ".json");
        await System.IO.File.WriteAllTextAsync(file, document, TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, errors) = await Checks.RunAsync(Path.Combine(Checks.Folder, "node_modules", ".bin", "redocly"),
                ["lint", "--extends", "recommended", "--max-problems", "200", "--format", "json", file]);
            var report = output.IndexOf('{', StringComparison.Ordinal) is var at and >= 0 ? JsonNode.Parse(output[at..]) : null;
            Assert.True(report?["totals"] is not null, $"Redocly said no report (exit {exitCode}): {output} {errors}");

            var problems = report!["problems"]!.AsArray()
                .Select(p => $"{p!["severity"]} {p["ruleId"]} at {p["location"]?[0]?["pointer"]}: {p["message"]}")
                .ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.Equal(0, report["totals"]!["errors"]!.GetValue<int>() + report["totals"]!["warnings"]!.GetValue<int>());
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// The OpenAPI document is what client generators and API gateways read: it passes Redocly's
/// recommended rules with no error and no warning (the linter is pinned in tools/openapi-lint and
/// installed by deploy/test.sh).
/// </summary>
public class OpenApiLintTests(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task The_openapi_document_passes_redoclys_recommended_rules_without_errors_or_warnings()
    {
        var root = RepositoryRoot();
        var linter = Path.Combine(root, "tools", "openapi-lint", "node_modules", ".bin", "redocly");
        Assert.True(System.IO.File.Exists(linter), $"Redocly's linter is not installed at {linter}: run deploy/test.sh, which installs it (npm ci in tools/openapi-lint).");
        var document = (await GetAnonymously("/openapi/v1.json")).Is(HttpStatusCode.OK).Body;
        var file = Path.Combine(Path.GetTempPath(), "ovop-openapi-" + Guid.NewGuid().ToString("N") + ".json");
        await System.IO.File.WriteAllTextAsync(file, document, TestContext.Current.CancellationToken);
        try
        {
            var start = new ProcessStartInfo(linter, ["lint", "--extends", "recommended", "--max-problems", "200", "--format", "json", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetTempPath(),
                Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
            };
            using var lint = Process.Start(start)!;
            var output = lint.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = lint.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await lint.WaitForExitAsync(TestContext.Current.CancellationToken);
            var said = await output;
            var report = said.IndexOf('{', StringComparison.Ordinal) is var at and >= 0 ? JsonNode.Parse(said[at..]) : null;
            Assert.True(report?["totals"] is not null, $"Redocly said no report (exit {lint.ExitCode}): {said} {await errors}");

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

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "OvopQuality.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: OvopQuality.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Diagnostics;
using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// A client generated from the OpenAPI document (Kiota, pinned in .config/dotnet-tools.json) and
/// committed in Client/Generated: it is what the document makes of the API for a client's developer.
/// The tests check that it is generated from the document as it is now, that it compiles (it is
/// part of this project) and that it walks the certification path.
/// </summary>
public class GeneratedClientTests(AppFixture app) : CertificationTest(app)
{
    private static readonly string Committed = Path.Combine(Checks.Root, "tests", "OvopQuality.Tests", "Client", "Generated");

    [Fact]
    public async Task The_committed_client_is_the_one_kiota_generates_from_the_openapi_document()
    {
        var document = (await GetAnonymously("/openapi/v1.json")).Is(HttpStatusCode.OK).Body;
        var scratch = Path.Combine(Path.GetTempPath(), "ovop-client-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var file = Path.Combine(scratch, "openapi.json");
            await System.IO.File.WriteAllTextAsync(file, document, TestContext.Current.CancellationToken);
            var rewrite = Environment.GetEnvironmentVariable("OVOP_WRITE_CLIENT") == "1";
            var output = rewrite ? Committed : Path.Combine(scratch, "Generated");

            var (exitCode, errors) = await Generate(file, output);
            Assert.True(exitCode == 0, $"tools/client/generate.sh failed (exit {exitCode}): {errors}");

            var differences = Differences(Committed, output);
            Assert.True(differences.Count == 0,
                "The committed client (tests/OvopQuality.Tests/Client/Generated) is not the one the OpenAPI document gives: run tools/client/generate.sh\n"
                + string.Join("\n", differences.Take(20)));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Errors)> Generate(string document, string output)
    {
        var start = new ProcessStartInfo(Path.Combine(Checks.Root, "tools", "client", "generate.sh"), [document, output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Checks.Root,
        };
        using var process = Process.Start(start)!;
        var outputText = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await outputText + await errors);
    }

    /// <summary>The files that are only in one folder or differ between them (line endings aside).</summary>
    private static List<string> Differences(string committed, string generated)
    {
        Dictionary<string, string> Files(string folder) => Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), f => System.IO.File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];

        var before = Files(committed);
        var after = Files(generated);
        return
        [
            .. before.Keys.Except(after.Keys).Order(StringComparer.Ordinal).Select(f => "not generated any more: " + f),
            .. after.Keys.Except(before.Keys).Order(StringComparer.Ordinal).Select(f => "not committed: " + f),
            .. before.Keys.Intersect(after.Keys).Where(f => before[f] != after[f]).Order(StringComparer.Ordinal).Select(f => "differs: " + f),
        ];
    }
}

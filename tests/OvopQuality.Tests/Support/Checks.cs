using System.Diagnostics;

namespace OvopQuality.Tests.Support;

/// <summary>
/// The independent tools in tools/checks (Node: Redocly's OpenAPI linter, the jose library), which
/// deploy/test.sh installs: the tests use them to judge the service with code that is not its own.
/// </summary>
public static class Checks
{
    /// <summary>The repository's root folder (where OvopQuality.sln is).</summary>
    public static string Root { get; } = RepositoryRoot();

    public static string Folder { get; } = Path.Combine(Root, "tools", "checks");

    /// <summary>Runs a program of tools/checks, with <paramref name="input"/> on its standard input; its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, IEnumerable<string> arguments, string? input = null)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules")),
            $"The independent checks are not installed in {Folder}: run deploy/test.sh, which installs them (npm ci in tools/checks).");
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await errors);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OvopQuality.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: OvopQuality.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.ComponentModel;
using System.Diagnostics;
using Npgsql;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests (deploy/k8s) render with kustomize, every object they make holds to the
/// Kubernetes API's schemas, checked offline by kubernetes-models (tools/checks/validate-k8s.mjs), and
/// the migration Job's command, run as the Job runs it, leaves an empty database as the service needs it.
/// kubectl renders; CI machines have it, and deploy/test.sh says so when one does not.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Manifests = Path.Combine(Checks.Root, "deploy", "k8s");

    [Fact]
    public async Task The_manifests_render_with_kustomize_and_every_object_holds_to_the_kubernetes_schemas()
    {
        var rendered = await Kustomize();

        var (exitCode, output, errors) = await Checks.RunAsync("node", ["validate-k8s.mjs"], rendered);

        Assert.True(exitCode == 0, $"validate-k8s.mjs found invalid objects (exit {exitCode}):\n{output}\n{errors}");
        foreach (var expected in new[] { "Deployment/ovopquality ", "Service/ovopquality ", "PodDisruptionBudget/ovopquality ", "Job/ovopquality-migrate ", "ConfigMap/ovopquality-config-" })
        {
            Assert.Contains("ok       " + expected, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_check_rejects_the_deployment_when_its_replicas_are_written_in_words()
    {
        var rendered = await Kustomize();
        Assert.Contains("replicas: 3\n", rendered, StringComparison.Ordinal);

        var (exitCode, output, _) = await Checks.RunAsync("node", ["validate-k8s.mjs"], rendered.Replace("replicas: 3\n", "replicas: three\n", StringComparison.Ordinal));

        Assert.Equal(1, exitCode);
        Assert.Contains("invalid  Deployment/ovopquality ", output, StringComparison.Ordinal);
        Assert.Contains("/spec/replicas must be integer", output, StringComparison.Ordinal);
        Assert.Contains("ok       Service/ovopquality ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_instances_are_probed_on_the_services_health_endpoints_and_no_secret_value_is_in_the_manifests()
    {
        var rendered = await Kustomize();

        Assert.Contains("replicas: 3\n", rendered, StringComparison.Ordinal);
        Assert.Contains("path: /health/ready", rendered, StringComparison.Ordinal);
        Assert.Contains("path: /health/live", rendered, StringComparison.Ordinal);
        Assert.Contains("readOnlyRootFilesystem: true", rendered, StringComparison.Ordinal);
        // Secrets come from the Secret "ovopquality", created outside the repository.
        Assert.DoesNotContain("kind: Secret", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=", rendered, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("key: connection-string", rendered, StringComparison.Ordinal);
        Assert.Contains("key: key-encryption-key", rendered, StringComparison.Ordinal);
        // The Job and the compose file's migration run the same command.
        Assert.Contains("- resources\n        - setup", rendered, StringComparison.Ordinal);
        Assert.Contains("command: [\"resources\", \"setup\"]", await File.ReadAllTextAsync(Path.Combine(Checks.Root, "deploy", "compose", "compose.yaml"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_migration_jobs_command_sets_up_an_empty_database_and_leaves_nothing_for_the_service_to_change()
    {
        await using var database = await new OwnDatabase("migrate").CreateAsync();
        var service = ServiceAssembly();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Ovop"] = database.ConnectionString,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Ovop__Auth__Authority"] = "https://login.example.org/realms/ovop",
        };

        var setup = await Run("dotnet", [service, "resources", "setup"], Path.GetDirectoryName(service)!, environment);
        Assert.True(setup.ExitCode == 0, $"resources setup failed (exit {setup.ExitCode}):\n{setup.Output}\n{setup.Errors}");

        // Marten's own comparison of the database with the service's configuration: nothing left to apply.
        var check = await Run("dotnet", [service, "db-assert"], Path.GetDirectoryName(service)!, environment);
        Assert.True(check.ExitCode == 0, $"db-assert found differences after resources setup (exit {check.ExitCode}):\n{check.Output}\n{check.Errors}");

        await using var data = NpgsqlDataSource.Create(database.ConnectionString);
        await using var tables = data.CreateCommand(
            "select count(*) filter (where table_schema = 'ovop' and table_name = 'mt_events'), " +
            "count(*) filter (where table_name = 'wolverine_incoming_envelopes') from information_schema.tables");
        await using var reader = await tables.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(1, reader.GetInt64(1));
    }

    /// <summary>The rendered manifests, as `kubectl kustomize deploy/k8s` prints them.</summary>
    private static async Task<string> Kustomize()
    {
        var (exitCode, output, errors) = await Run("kubectl", ["kustomize", Manifests], Checks.Root);
        Assert.True(exitCode == 0, $"kubectl kustomize {Manifests} failed (exit {exitCode}):\n{errors}");
        return output.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The service's entry assembly, built in the configuration the tests run in.</summary>
    private static string ServiceAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var assembly = Path.Combine(Checks.Root, "src", "OvopQuality.Api", "bin", configuration, "net10.0", "OvopQuality.Api.dll");
        Assert.True(File.Exists(assembly), $"The service is not built at {assembly}: deploy/test.sh builds the solution first.");
        return assembly;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> Run(string program, IEnumerable<string> arguments, string folder, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{program} could not be started ({e.Message}): the deployment checks need it on PATH (kubectl 1.27 or later, with kustomize).", e);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}

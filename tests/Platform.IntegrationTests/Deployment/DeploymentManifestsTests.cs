using System.Diagnostics;
using Platform.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.Deployment;

/// <summary>
/// What cannot run here (no Docker engine, no Kubernetes cluster) is validated offline by deploy/tools/validate.mjs:
/// both Kubernetes overlays rendered by <c>kubectl kustomize</c> and checked against the Kubernetes and operator
/// schemas, the generated manifests up to date with deploy/rabbitmq/definitions.json, docker-compose.yml against the
/// Compose specification with its development-keys guard run for real.
/// </summary>
public sealed class DeploymentManifestsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ComposeFileAndKubernetesOverlays_Validate()
    {
        var tools = Path.Combine(PlatformProcesses.RepositoryRoot, "deploy", "tools");
        if (!Directory.Exists(Path.Combine(tools, "node_modules")))
        {
            var install = await RunAsync(tools, "npm", "ci", "--no-audit", "--no-fund");
            Assert.True(install.ExitCode == 0, install.Output);
        }

        var validation = await RunAsync(tools, "node", "validate.mjs");
        output.WriteLine(validation.Output);

        Assert.True(validation.ExitCode == 0, validation.Output);
        Assert.Contains(" 0 failed", validation.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string folder, string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await standardOutput + await standardError);
    }
}

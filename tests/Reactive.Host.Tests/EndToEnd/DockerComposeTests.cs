using System.Diagnostics;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>No Docker engine runs here; docker-compose still validates the compose file.</summary>
public sealed class DockerComposeTests
{
    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeFile_IsValid_AndPublishesOnLoopbackOnly()
    {
        var root = RepositoryRoot();
        var info = new ProcessStartInfo(Tools.DockerCompose, ["-f", Path.Combine(root, "docker-compose.yml"), "config"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, stderr);
        Assert.Contains("127.0.0.1", stdout, StringComparison.Ordinal);
        Assert.Contains("5080", stdout, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot() => Readme.RepositoryRoot();
}

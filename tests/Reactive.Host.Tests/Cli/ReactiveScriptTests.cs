using System.Diagnostics;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// The <c>reactive</c> script at the repository's root, as docs/CLI.md tells a newcomer to get the command: run from the
/// root, linked into a folder of the PATH, then run from any other folder.
/// </summary>
public sealed class ReactiveScriptTests
{
    [Fact]
    public async Task ReactiveScript_AsTheDocsShow_WorksFromAnyFolderThroughItsLink()
    {
        var root = Readme.RepositoryRoot();
        var home = Directory.CreateTempSubdirectory("reactive-home-").FullName;
        var block = Assert.Single(Readme.Blocks(Readme.Section("## Getting the `reactive` command", "docs/CLI.md")), b => b.Language == "sh").Text;

        var (exit, stdout, stderr) = await ShAsync(block, root, home);

        Assert.True(exit == 0, stderr);
        Assert.StartsWith("usage:", stdout, StringComparison.Ordinal);
        var link = Path.Combine(home, ".local", "bin", "reactive");
        Assert.Equal(Path.Combine(root, "reactive"), new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)!.FullName);

        // Elsewhere, through the link: the command of the docs' examples.
        var elsewhere = Directory.CreateTempSubdirectory("reactive-elsewhere-").FullName;
        (exit, stdout, stderr) = await ShAsync($"'{link}' generate hourly --rows 3 -o prices.csv && cat prices.csv", elsewhere, home);

        Assert.True(exit == 0, stderr);
        Assert.Equal(4, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header and 3 rows
        Assert.StartsWith("date,hour,hoep", stdout, StringComparison.Ordinal);

        (exit, _, stderr) = await ShAsync($"'{link}' frobnicate", elsewhere, home);
        Assert.Equal(2, exit); // the binary's exit code, passed through
        Assert.Contains("unknown command 'frobnicate'", stderr, StringComparison.Ordinal);

        // The service it starts has two malloc arenas (docs/DEPLOYMENT.md, "Memory over weeks"), unless the caller chose.
        Assert.Contains("malloc arenas MALLOC_ARENA_MAX=2 from the environment", await ServiceStartLogAsync(link, elsewhere, home, null), StringComparison.Ordinal);
        Assert.Contains("malloc arenas MALLOC_ARENA_MAX=8 from the environment", await ServiceStartLogAsync(link, elsewhere, home, "8"), StringComparison.Ordinal);
    }

    // Starts the service through the script, waits for the start-up log's native-memory line and returns the log; stops it.
    private static async Task<string> ServiceStartLogAsync(string link, string directory, string home, string? arenaMax)
    {
        var environment = new Dictionary<string, string> { ["HOME"] = home };
        if (arenaMax is not null)
        {
            environment["MALLOC_ARENA_MAX"] = arenaMax;
        }

        await using var service = EndToEnd.ServiceProcess.StartCommand(link, directory, environment, "--urls", "http://127.0.0.1:0");
        await service.WaitForStderrAsync("Native memory:", TimeSpan.FromSeconds(60));
        return service.Stderr;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> ShAsync(string script, string directory, string home)
    {
        var info = new ProcessStartInfo("sh", ["-e", "-c", script])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["HOME"] = home;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10)); // the first run may build the service
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

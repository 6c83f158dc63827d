using System.Diagnostics;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Files where users expect them: what the service writes by itself (the watched folder of the course's <c>files</c>
/// pipeline, the instance file) goes under <c>Reactive:DataDirectory</c> (<c>./data</c>), which git ignores.
/// </summary>
public sealed class DataDirectoryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(null, "data")]
    [InlineData("elsewhere/mine", "elsewhere/mine")]
    public async Task FilesPipeline_NoPath_WatchesIncomingInTheDataDirectory(string? dataDirectory, string expected)
    {
        var work = ServiceProcess.NewWorkingDirectory();
        string[] args = ["--pipelines", "files", "--urls", "http://127.0.0.1:0",
            "--Pipelines:files:Source:PollInterval", "200 milliseconds", "--Pipelines:files:Source:SettleInterval", "1 second",
            "--Pipelines:files:Options:BatchInterval", "1 second"];
        await using var service = ServiceProcess.Start(work, null, dataDirectory is null ? args : [.. args, "--Reactive:DataDirectory", dataDirectory]);
        await service.WaitForStderrAsync("watching for new files", Deadline);

        var incoming = Path.Combine(work, expected, "incoming");
        Assert.True(Directory.Exists(incoming), service.Stderr);
        var staged = Path.Combine(work, "rows.csv");
        File.WriteAllText(staged, "a,b,c\n1,2,3\n");
        File.Move(staged, Path.Combine(incoming, "rows.csv"));
        await service.WaitForStdoutAsync(o => o.Contains("['1', '2', '3']", StringComparison.Ordinal), Deadline, "the rows of rows.csv");

        await ServiceProcess.WaitForAsync(() => File.Exists(Path.Combine(work, expected, "state", "instance.json")), Deadline, "the instance file");
        Assert.Equal([Path.Combine(work, expected.Split('/')[0])], Directory.GetDirectories(work)); // nothing else in the folder
    }

    [Fact]
    public async Task GitIgnore_CoversTheDataDirectory()
    {
        var info = new ProcessStartInfo("git", ["check-ignore", "data/incoming/rows.csv", "data/state/instance.json", "incoming/rows.csv"])
        {
            WorkingDirectory = Readme.RepositoryRoot(),
            RedirectStandardOutput = true,
        };
        using var git = Process.Start(info)!;
        var ignored = (await git.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await git.WaitForExitAsync();

        Assert.Equal(["data/incoming/rows.csv", "data/state/instance.json", "incoming/rows.csv"], ignored);
    }
}

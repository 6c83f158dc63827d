
namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The course's second example: lines of files moved into a directory, split on commas.</summary>
public sealed class FileRowsTests
{
    [Fact]
    public async Task FileRows_FileMovedIn_PrintsItsRowsAsPythonListsOnce()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var incoming = Path.Combine(work, "incoming");
        Directory.CreateDirectory(incoming);
        File.WriteAllText(Path.Combine(incoming, "old.csv"), "old,row\n");
        await using var service = ServiceProcess.Start(
            work,
            null,
            "--pipelines", "files",
            "--Pipelines:files:Source:Path", incoming,
            "--Pipelines:files:Source:PollInterval", "200 milliseconds",
            "--Pipelines:files:Options:BatchInterval", "1 second",
            "--urls", "http://127.0.0.1:0");
        // Files there before the first scan count as pre-existing: move ours in only once it is watching.
        await service.WaitForStderrAsync("watching for new files", TimeSpan.FromSeconds(30));

        var staged = Path.Combine(work, "rows.tmp");
        File.WriteAllText(staged, "a,b,c\r\n1,2,3\r\nit's,\"q\",\n");
        File.Move(staged, Path.Combine(incoming, "rows.csv"));

        await service.WaitForStdoutAsync(o => o.Contains("['1', '2', '3']", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the rows of rows.csv");
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));

        var rows = SampleWordCountTests.Batches(service.Stdout).SelectMany(b => b.Skip(3).TakeWhile(l => l.Length > 0)).ToList();
        Assert.Equal(["['a', 'b', 'c']", "['1', '2', '3']", "[\"it's\", '\"q\"', '']"], rows);
        Assert.DoesNotContain("old", service.Stdout, StringComparison.Ordinal);
    }
}

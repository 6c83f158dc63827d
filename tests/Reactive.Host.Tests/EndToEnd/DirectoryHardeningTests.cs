using System.Net.Http.Json;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Issue 16: special files moved into the watched folder of the built service (the course's <c>files</c> pipeline)
/// are dead letters, never opened; the files after them are read.
/// </summary>
public sealed class DirectoryHardeningTests
{
    [Fact]
    public async Task FileRows_LinkToDevZeroAndFifoThenNormalFileMovedIn_SpecialsAreDeadLettersAndTheFileIsPrinted()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var incoming = Path.Combine(work, "incoming");
        var staging = Path.Combine(work, "staging");
        Directory.CreateDirectory(incoming);
        Directory.CreateDirectory(staging);
        await using var service = ServiceProcess.Start(
            work,
            null,
            "--pipelines", "files",
            "--Pipelines:files:Source:Path", incoming,
            "--Pipelines:files:Source:PollInterval", "200 milliseconds",
            "--Pipelines:files:Source:SettleInterval", "1 second",
            "--Pipelines:files:Options:BatchInterval", "1 second",
            "--urls", "http://127.0.0.1:0");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };
        await service.WaitForStderrAsync("watching for new files", TimeSpan.FromSeconds(30));

        // Before the fix, /dev/zero was read forever (both cores pinned) and a FIFO blocked the scan in open().
        var zero = Path.Combine(incoming, "zero.csv");
        File.CreateSymbolicLink(Path.Combine(staging, "zero.csv"), "/dev/zero");
        File.Move(Path.Combine(staging, "zero.csv"), zero);
        var fifo = Path.Combine(incoming, "pipe.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(staging, "pipe.csv")]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        File.Move(Path.Combine(staging, "pipe.csv"), fifo);

        var staged = Path.Combine(staging, "rows.csv");
        File.WriteAllText(staged, "a,b,c\n1,2,3\n");
        File.Move(staged, Path.Combine(incoming, "rows.csv"));

        // The pipeline went on past both: the normal file's rows are printed.
        await service.WaitForStdoutAsync(o => o.Contains("['1', '2', '3']", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the rows of rows.csv");

        var letters = new List<(string? Code, string? Origin)>();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            var json = await http.GetFromJsonAsync<JsonElement>("/api/deadletters?pipeline=files");
            letters = [.. json.EnumerateArray().Select(l => (l.GetProperty("code").GetString(), l.GetProperty("origin").GetString()))];
            if (letters.Count >= 2)
            {
                break;
            }
        }

        Assert.Equal([("file_link", zero), ("file_not_regular", fifo)], letters.OrderBy(l => l.Code, StringComparer.Ordinal));
        Assert.Contains("zero.csv is a symbolic link to a character device", service.Stderr, StringComparison.Ordinal);

        // It does not spin: over the time a file written in place takes to come out (it must first stay unchanged for
        // the 1-second settle interval), the service uses well under one core (reading /dev/zero kept one busy).
        using var process = System.Diagnostics.Process.GetProcessById(service.Pid);
        var cpu0 = process.TotalProcessorTime;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        File.WriteAllText(Path.Combine(incoming, "more.csv"), "4,5,6\n");
        await service.WaitForStdoutAsync(o => o.Contains("['4', '5', '6']", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the rows of more.csv");
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        Assert.True(wall.Elapsed >= TimeSpan.FromSeconds(1), $"more.csv, written in place, came out after {wall.Elapsed.TotalMilliseconds:0} ms, before it settled");
        Assert.True(cpu < wall.Elapsed * 0.75, $"{cpu.TotalMilliseconds:0} ms of CPU in {wall.Elapsed.TotalMilliseconds:0} ms");

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
        var rows = SampleWordCountTests.Batches(service.Stdout).SelectMany(b => b.Skip(3).TakeWhile(l => l.Length > 0)).ToList();
        Assert.Equal(["['a', 'b', 'c']", "['1', '2', '3']", "['4', '5', '6']"], rows);
    }
}

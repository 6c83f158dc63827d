using System.Diagnostics;
using Reactive.Host.Cli;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// Progress on long work: a bar of bytes, rows/s and time left, redrawn on a terminal as the clock (a TimeProvider)
/// moves; nothing when the output is not a terminal.
/// </summary>
public sealed class TerminalProgressTests
{
    [Fact]
    public void Bar_ClockMoves_DrawsTheShareTheRateAndTheTimeLeft()
    {
        var clock = new TestClock();
        using var output = new StringWriter();
        long bytes = 0, rows = 0;
        using (var bar = new TerminalProgress(output, clock, "reactive run spread", 1_000, () => (bytes, rows)))
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            Assert.Equal("", output.ToString()); // the first draw is a quarter second in

            (bytes, rows) = (250, 500);
            clock.Advance(TimeSpan.FromMilliseconds(800));

            // 1 s in: 250 of 1000 bytes (25 %, 5 of 20 marks), 500 rows/s; 750 bytes left at 250 B/s is 3 s.
            var drawn = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries)[^1];
            Assert.Equal("reactive run spread [#####···············] 25% 250 B of 1000 B, 500 rows/s, 0:03 left", drawn.TrimEnd());
        }

        Assert.EndsWith("\r", output.ToString(), StringComparison.Ordinal); // cleared for the summary
    }

    [Fact]
    public void Bar_RowsKnownBytesNot_SharesByRows()
    {
        // generate: 2,000 of 8,000 rows in 2 s (1,000 rows/s): 25 %, 6,000 rows left take 6 s.
        var line = TerminalProgress.Line("reactive generate bbo", 100_000, null, 2_000, TimeSpan.FromSeconds(2), totalRows: 8_000);

        Assert.Equal("reactive generate bbo [#####···············] 25% 97.7 KB, 1,000 rows/s, 0:06 left", line);
    }

    [Fact]
    public async Task RunAndGenerate_OnATerminalABarElseNothing()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var command = $"dotnet '{ServiceProcess.ExecutablePath}' generate bbo --rows 300000 -o q.csv && dotnet '{ServiceProcess.ExecutablePath}' run spread --input q.csv --output s.jsonl";

        // script(1) gives the commands a terminal, as a user's shell does.
        var info = new ProcessStartInfo("script", ["-qec", command, "/dev/null"]) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardInput = true };
        using (var terminal = Process.Start(info)!)
        {
            var text = await terminal.StandardOutput.ReadToEndAsync();
            await terminal.WaitForExitAsync();

            Assert.True(terminal.ExitCode == 0, text);
            Assert.Contains("reactive generate bbo [", text, StringComparison.Ordinal);
            Assert.Matches(@"reactive run spread \[[#·]{20}\] \d+% [\d.]+ MB of [\d.]+ MB, [\d,]+ rows/s", text);
            Assert.Contains("reactive run spread: read 300001 lines", text, StringComparison.Ordinal);
        }

        // The same in a pipe: no bar, no carriage return.
        await using var piped = ServiceProcess.Start(work, null, "run", "spread", "--input", "q.csv", "--output", "s2.jsonl");
        Assert.Equal(0, await piped.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.DoesNotContain("rows/s", piped.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', piped.Stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(work, "s.jsonl")), File.ReadAllBytes(Path.Combine(work, "s2.jsonl")));
    }
}

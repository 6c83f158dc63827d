using System.Text;
using System.Text.Json;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// What a one-shot run writes ends on a line boundary and never replaces a file by half of one: outputs are written
/// under a temporary name and renamed at the end (also when SIGTERM stopped the run, with a summary); a killed run
/// leaves the final files as they were; an output that is the input is refused; rejected rows are bounded.
/// </summary>
public sealed class RunOutputSafetyTests
{
    private static string HourlyPrices(int rows)
    {
        var path = CliRunner.TempFile("prices.csv");
        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", path).Exit);
        return path;
    }

    [Fact]
    public void Run_OutputIsTheInput_IsRefusedAndTheInputKept()
    {
        var input = HourlyPrices(100);
        var before = File.ReadAllBytes(input);
        var link = Path.Combine(Path.GetDirectoryName(input)!, "link.csv");
        File.CreateSymbolicLink(link, input);

        var direct = CliRunner.Run("run", "anomaly", "--input", input, "--output", input);
        var throughLink = CliRunner.Run("run", "anomaly", "--input", input, "--output", "-", "--dead-letters", link);

        Assert.Equal(2, direct.Exit);
        Assert.Contains("reactive run: --output: ", direct.Stderr, StringComparison.Ordinal);
        Assert.Contains("is the input file", direct.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, throughLink.Exit);
        Assert.Contains("reactive run: --dead-letters: ", throughLink.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public async Task Run_OutputIsAHardLinkToTheInput_IsRefusedAndTheInputKept()
    {
        var input = HourlyPrices(100);
        var before = File.ReadAllBytes(input);
        var link = Path.Combine(Path.GetDirectoryName(input)!, "same.jsonl");
        using (var ln = System.Diagnostics.Process.Start("ln", [input, link]))
        {
            await ln.WaitForExitAsync();
            Assert.Equal(0, ln.ExitCode);
        }

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", link);

        Assert.Equal(2, exit);
        Assert.Contains("reactive run: --output: ", stderr, StringComparison.Ordinal);
        Assert.Contains("is the input file", stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void Run_TwoOutputsInOneFile_IsRefused()
    {
        var input = HourlyPrices(10);
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", "-", "--dead-letters", dead, "--late", dead);

        Assert.Equal(2, exit);
        Assert.Contains("reactive run: --late: ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dead));
    }

    [Fact]
    public void Run_GarbageInput_StopsOnceTooManyRowsAreRejected()
    {
        var input = CliRunner.TempFile("garbage.csv");
        File.WriteAllLines(input, Enumerable.Range(0, 20_000).Select(i => $"not a quote {i}"));
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", input, "--output", "-", "--dead-letters", dead);

        Assert.Equal(4, exit);
        Assert.Contains("stopped: more than 1000 rows and 1 % of the lines were rejected", stderr, StringComparison.Ordinal);
        var letters = File.ReadAllLines(dead);
        Assert.Equal(1_001, letters.Length); // bounded: not a file as large as the input
        Assert.All(letters, l => JsonDocument.Parse(l).Dispose());
    }

    [Fact]
    public void Run_MaxDeadLetters_StopsAtTheFirstRowPastIt()
    {
        var input = HourlyPrices(200);
        var lines = File.ReadAllLines(input).ToList();
        for (var i = 10; i < 30; i += 2)
        {
            lines[i] = "2017-01-01,99,1"; // a bad hour: a dead letter
        }

        File.WriteAllLines(input, lines);

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", "-", "--max-dead-letters", "5");

        Assert.Equal(4, exit);
        Assert.Contains("6 dead letters (bad_hour 6)", stderr, StringComparison.Ordinal);
        Assert.Contains("stopped: more than --max-dead-letters 5 rows were rejected", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FailingMidFile_LeavesTheFinalOutputAsItWas()
    {
        var input = CliRunner.TempFile("rows.jsonl");
        File.WriteAllLines(input, Enumerable.Range(0, 10).Select(i => $"{{\"time\":\"2024-01-01T00:{i:00}:30Z\"}}"));
        var output = CliRunner.TempFile("out.jsonl");
        File.WriteAllText(output, "an earlier result\n");

        var (exit, _, _) = CliRunner.Run("run", "aggregate", "--input", input, "--output", output, "--time-field", "time",
            "--window", "1 minute", "--agg", "count", "--watermark", "1 day", "--max-open-windows", "3");

        Assert.Equal(1, exit);
        Assert.Equal("an earlier result\n", File.ReadAllText(output));
        Assert.Equal([output], Directory.GetFiles(Path.GetDirectoryName(output)!)); // no temporary file left either
    }

    [Fact]
    public async Task Run_Sigterm_WritesWholeLinesAndTheSummaryAndStopsReading()
    {
        var dir = ServiceProcess.NewWorkingDirectory();
        var prices = File.ReadAllLines(HourlyPrices(2_000));
        await using var run = ServiceProcess.Start(dir, null, "run", "anomaly", "--input", "-", "--output", "out.jsonl", "--all");
        await WaitForTemporaryFileAsync(dir, "out.jsonl");

        // Half of the prices, then the signal with standard input left open: the run must stop without waiting for the end
        // of its input (writing more after the signal would race with its delivery: the run may read it first).
        await run.WriteStandardInputAsync(Encoding.UTF8.GetBytes(string.Join("\n", prices[..1_001]) + "\n"));
        run.Signal("TERM");

        Assert.Equal(143, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("stopped by SIGTERM (the outputs hold whole lines up to there)", run.Stderr, StringComparison.Ordinal);
        var text = File.ReadAllText(Path.Combine(dir, "out.jsonl"));
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "the output ends on a line boundary");
        var results = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(results, l => JsonDocument.Parse(l).Dispose());
        Assert.InRange(results.Length, 0, 1_000);
    }

    [Fact]
    public async Task Run_Killed_LeavesTheFinalOutputAsItWas()
    {
        var dir = ServiceProcess.NewWorkingDirectory();
        File.WriteAllText(Path.Combine(dir, "out.jsonl"), "an earlier result\n");
        var prices = File.ReadAllLines(HourlyPrices(500));
        await using var run = ServiceProcess.Start(dir, null, "run", "anomaly", "--input", "-", "--output", "out.jsonl", "--all");
        await WaitForTemporaryFileAsync(dir, "out.jsonl");
        await run.WriteStandardInputAsync(Encoding.UTF8.GetBytes(string.Join("\n", prices) + "\n"));

        run.Signal("KILL");

        Assert.Equal(137, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("an earlier result\n", File.ReadAllText(Path.Combine(dir, "out.jsonl")));
    }

    private static async Task WaitForTemporaryFileAsync(string dir, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.GetFiles(dir, $".{name}.reactive-*.tmp").Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the run did not start writing {name} within 60 s");
            await Task.Delay(20);
        }
    }
}

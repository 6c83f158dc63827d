using System.Text;

namespace Reactive.Host.Tests.Cli;

/// <summary>One-shot runs read the file's bytes (FileRecordSource): where they stop, and what they reject.</summary>
public class RunOneShotTests
{
    [Fact]
    public void RunAnomaly_OperatorFailsMidFile_StopsReadingAtThatLineAndExitsOne()
    {
        // 30,000 hourly rows = 1,250 days of 24 hours. With a lookback longer than the file, hour 1's baseline
        // reaches the default bound of 1,000 prices at the first row of day 1,001: line 1 + 1,000 × 24 + 1.
        var input = CliRunner.TempFile("h.csv");
        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", "30000", "-o", input).Exit);
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", output, "--lookback", "100000 days");

        Assert.Equal(1, exit);
        Assert.Contains("reactive run anomaly: failed after 24002 lines: Series '' hour 1 holds 1000 baseline prices", stderr, StringComparison.Ordinal);
        Assert.Contains("reactive run anomaly: AnomalyOptions.MaxBaselineSize is --max-baseline here", stderr, StringComparison.Ordinal);
        Assert.Equal(",1,", File.ReadLines(input).ElementAt(24001)[10..13]);

        // The bound the message names, raised: the whole file goes through.
        var again = CliRunner.Run("run", "anomaly", "--input", input, "--output", output, "--lookback", "100000 days", "--max-baseline", "2000");
        Assert.Equal(0, again.Exit);
        Assert.Contains("read 30001 lines", again.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-baseline", "1")]
    [InlineData("--max-pending-quotes", "0")]
    public void Run_BoundBelowItsMinimum_ExitTwoNamingTheArgument(string argument, string value)
    {
        var input = CliRunner.TempFile("in.csv");
        File.WriteAllText(input, "x\n");
        var pipeline = argument == "--max-baseline" ? "anomaly" : "spread";

        var (exit, _, stderr) = CliRunner.Run("run", pipeline, "--input", input, "--output", "-", argument, value);

        Assert.Equal(2, exit);
        Assert.Contains($"reactive run: {argument}:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAnomaly_LineLongerThanTheBound_IsADeadLetterAndTheRunGoesOn()
    {
        var input = CliRunner.TempFile("p.csv");
        File.WriteAllText(input, "date,hour,hoep\n2017-01-01,1,10.5\n" + new string('9', 2 << 20) + "\n2017-01-01,2,11\n", new UTF8Encoding(false));
        var output = CliRunner.TempFile("out.jsonl");
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", output, "--all", "--dead-letters", dead);

        Assert.Equal(0, exit);
        Assert.Contains("read 4 lines, wrote 2 results, 1 dead letters (line_too_long 1)", stderr, StringComparison.Ordinal);
        var letter = Assert.Single(CliRunner.ReadJsonLines(dead));
        Assert.Equal((3, "line_too_long", input), (letter.GetProperty("line").GetInt32(), letter.GetProperty("code").GetString(), letter.GetProperty("source").GetString()));
        Assert.True(letter.GetProperty("raw").GetString()!.Length < 10_000);
        Assert.Equal(2, CliRunner.ReadJsonLines(output).Count);
    }
}

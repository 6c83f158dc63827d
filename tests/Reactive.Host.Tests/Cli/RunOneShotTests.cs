using System.Text;

namespace Reactive.Host.Tests.Cli;

/// <summary>One-shot runs read the file's bytes (FileRecordSource): where they stop, and what they reject.</summary>
public class RunOneShotTests
{
    [Fact]
    public void RunAnomaly_LookbackLongerThanTheBaselineBound_IsRefusedAtStartNamingTheBound()
    {
        // A lookback of 100,000 days holds up to 100,000 prices per hour of day: more than the default bound of 1,000.
        // That used to fail at the first row of day 1,002 (line 24,026 of this file); it is now known before reading.
        var input = CliRunner.TempFile("h.csv");
        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", "30000", "-o", input).Exit);
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", output, "--lookback", "100000 days");

        Assert.Equal(2, exit);
        Assert.Contains("reactive run: --max-baseline: ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output) && new FileInfo(output).Length > 0);

        // The bound raised to the lookback: the whole file goes through.
        var again = CliRunner.Run("run", "anomaly", "--input", input, "--output", output, "--lookback", "100000 days", "--max-baseline", "100000");
        Assert.Equal(0, again.Exit);
        Assert.Contains("read 30001 lines", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAggregate_OperatorBoundReachedMidFile_StopsReadingAtThatLineAndNamesTheArgument()
    {
        // Ten rows a minute apart in one-minute windows, at most 3 open at once, with no watermark to close any: the
        // fourth window opens at line 4 and the run stops there.
        var input = CliRunner.TempFile("rows.jsonl");
        File.WriteAllLines(input, Enumerable.Range(0, 10).Select(i => $"{{\"time\":\"2024-01-01T00:{i:00}:30Z\"}}"));
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--output", output, "--time-field", "time",
            "--window", "1 minute", "--agg", "count", "--watermark", "1 day", "--max-open-windows", "3");

        Assert.Equal(1, exit);
        Assert.Contains("reactive run aggregate: failed after 4 lines: Event-time window state exceeded MaxOpenWindows = 3 open windows", stderr, StringComparison.Ordinal);
        Assert.Contains("reactive run aggregate: EventTimeWindowOptions.MaxOpenWindows is --max-open-windows here", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-baseline", "1")]
    [InlineData("--max-baseline", "5")] // below --min-history (14)
    [InlineData("--max-pending-quotes", "0")]
    [InlineData("--max-line-length", "0")]
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
        // 1.5 MiB: over the 1 MiB bound, under the 2 MiB the pooled buffer grows to.
        var input = CliRunner.TempFile("p.csv");
        File.WriteAllText(input, "date,hour,hoep\n2017-01-01,1,10.5\n" + new string('9', 3 << 19) + "\n2017-01-01,2,11\n", new UTF8Encoding(false));
        var output = CliRunner.TempFile("out.jsonl");
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", output, "--all", "--dead-letters", dead);

        Assert.Equal(0, exit);
        Assert.Contains("read 4 lines, wrote 2 results, 1 dead letters (line_too_long 1)", stderr, StringComparison.Ordinal);
        var letter = Assert.Single(CliRunner.ReadJsonLines(dead));
        Assert.Equal((3, "line_too_long", input), (letter.GetProperty("line").GetInt32(), letter.GetProperty("code").GetString(), letter.GetProperty("source").GetString()));
        Assert.True(letter.GetProperty("raw").GetString()!.Length < 10_000);
        Assert.Equal(2, CliRunner.ReadJsonLines(output).Count);

        // The bound is an argument: with 20 bytes, "2017-01-01,1,10.5" (17) passes, the 35-byte line is cut.
        var small = CliRunner.TempFile("small.csv");
        File.WriteAllText(small, "date,hour,hoep\n2017-01-01,1,10.5\n2017-01-01,2,11.25 with a comment\n");
        var (exitSmall, _, stderrSmall) = CliRunner.Run("run", "anomaly", "--input", small, "--output", output, "--all", "--max-line-length", "20");
        Assert.Equal(0, exitSmall);
        Assert.Contains("read 3 lines, wrote 1 results, 1 dead letters (line_too_long 1)", stderrSmall, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAnomaly_Utf16File_IsReadLikeItsUtf8Twin()
    {
        // A spreadsheet's "Unicode text": UTF-16 with a byte-order mark, CRLF.
        var utf8 = CliRunner.TempFile("u8.csv");
        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", "480", "-o", utf8).Exit);
        var utf16 = CliRunner.TempFile("u16.csv");
        File.WriteAllText(utf16, File.ReadAllText(utf8).Replace("\n", "\r\n", StringComparison.Ordinal), new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        var (out8, out16) = (CliRunner.TempFile("o8.jsonl"), CliRunner.TempFile("o16.jsonl"));

        var run8 = CliRunner.Run("run", "anomaly", "--input", utf8, "--output", out8, "--all");
        var run16 = CliRunner.Run("run", "anomaly", "--input", utf16, "--output", out16, "--all");

        Assert.Equal((0, 0), (run8.Exit, run16.Exit));
        Assert.Contains("read 481 lines, wrote 480 results, 0 dead letters", run16.Stderr, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(out8), File.ReadAllBytes(out16));
    }

    [Fact]
    public void Run_OutputDirectoryMissing_ExitOneWithAMessageNotAStackTrace()
    {
        var input = CliRunner.TempFile("in.csv");
        File.WriteAllText(input, "date,hour,hoep\n2017-01-01,1,1\n");
        var output = Path.Combine(Path.GetDirectoryName(input)!, "no-such-dir", "out.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", output);

        Assert.Equal(1, exit);
        Assert.StartsWith("reactive run anomaly: Could not find a part of the path", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAnomaly_InputFromStandardInput_SameResultsAsFromTheFile()
    {
        // The real executable, fed through a pipe: `reactive generate hourly | reactive run anomaly --input -`.
        var file = CliRunner.TempFile("h.csv");
        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", "2000", "-o", file).Exit);
        var fromFile = CliRunner.TempFile("f.jsonl");
        Assert.Equal(0, CliRunner.Run("run", "anomaly", "--input", file, "--output", fromFile, "--all").Exit);
        var fromPipe = CliRunner.TempFile("p.jsonl");

        await using var process = Reactive.Host.Tests.EndToEnd.ServiceProcess.Start(
            Path.GetDirectoryName(file)!, null, "run", "anomaly", "--input", "-", "--output", fromPipe, "--all");
        await process.WriteStandardInputAndCloseAsync(await File.ReadAllBytesAsync(file));
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        Assert.Contains("read 2001 lines, wrote 2000 results", process.Stderr, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(fromFile), await File.ReadAllBytesAsync(fromPipe));
    }

    [Fact]
    public void RunSpread_QuotesTurnedAwayByTheOperator_NameTheirLineAndTextWithIsoTimes()
    {
        // Line 3 is late (its second ended before the watermark 09:30:05 of line 2; delay 0); line 4 has a zero bid,
        // which parses but is no price. Both pass the parser: the spread operator turns them away.
        var input = CliRunner.TempFile("q.csv");
        File.WriteAllText(input,
            "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n" +
            "ITT,03/03/2014,09:30:05.000,43.16,Z,1,43.69,P,3\r\n" +
            "ITT,03/03/2014,09:30:01.250,43.10,Z,1,43.69,P,3\r\n" +
            "ITT,03/03/2014,09:30:06.000,0,Z,1,43.69,P,3\r\n");
        var dead = CliRunner.TempFile("dead.jsonl");
        var late = CliRunner.TempFile("late.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", input, "--output", CliRunner.TempFile("o.jsonl"), "--dead-letters", dead, "--late", late);

        Assert.True(exit == 0, stderr);
        var l = Assert.Single(CliRunner.ReadJsonLines(late));
        Assert.Equal((input, 3L, "late", "ITT,03/03/2014,09:30:01.250,43.10,Z,1,43.69,P,3"),
            (l.GetProperty("source").GetString(), l.GetProperty("line").GetInt64(), l.GetProperty("code").GetString(), l.GetProperty("raw").GetString()));
        // 09:30 in New York on 3 March 2014 (EST) is 14:30Z.
        Assert.Contains("quote at 2014-03-03T14:30:01.25Z is in second [2014-03-03T14:30:01Z, 2014-03-03T14:30:02Z)", l.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("watermark 2014-03-03T14:30:05Z", l.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var d = Assert.Single(CliRunner.ReadJsonLines(dead));
        Assert.Equal((input, 4L, "bad_price", "ITT,03/03/2014,09:30:06.000,0,Z,1,43.69,P,3"),
            (d.GetProperty("source").GetString(), d.GetProperty("line").GetInt64(), d.GetProperty("code").GetString(), d.GetProperty("raw").GetString()));
    }

    [Fact]
    public void RunAnomaly_PriceOutOfOrderForItsHour_IsADeadLetterNamingItsLine()
    {
        var input = CliRunner.TempFile("p.csv");
        File.WriteAllText(input, "date,hour,hoep\n2017-01-02,1,10\n2017-01-02,2,11\n2017-01-01,1,12.5\n");
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", CliRunner.TempFile("o.jsonl"), "--all", "--dead-letters", dead);

        Assert.True(exit == 0, stderr);
        var d = Assert.Single(CliRunner.ReadJsonLines(dead));
        Assert.Equal((input, 4L, "out_of_order", "2017-01-01,1,12.5"),
            (d.GetProperty("source").GetString(), d.GetProperty("line").GetInt64(), d.GetProperty("code").GetString(), d.GetProperty("raw").GetString()));
    }

    [Theory]
    [InlineData("run", "--help")]
    [InlineData("run", "spread", "--help")]
    [InlineData("run", "aggregate", "--input", "x.jsonl", "-h")]
    public void Run_Help_PrintsTheUsageAndExitsZero(params string[] args)
    {
        var (exit, stdout, stderr) = CliRunner.Run(args);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage:", stdout.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("reactive run aggregate --input", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void RunAggregate_TextThatIsNotAscii_IsWrittenAsItIsNotEscaped()
    {
        // JSON lines for people and tools alike: "é" stays "é", a quote is \" (not \u00E9, \u0022).
        var input = CliRunner.TempFile("in.jsonl");
        File.WriteAllText(input, """
            {"t":"2024-01-01T00:00:01Z","city":"Montréal","v":1}
            {"city":"Québec \"QC\""}

            """, new UTF8Encoding(false));
        var output = CliRunner.TempFile("out.jsonl");
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--time-field", "t", "--window", "1 minute",
            "--group-by", "city", "--agg", "count", "--output", output, "--dead-letters", dead);

        Assert.True(exit == 0, stderr);
        Assert.Contains(""" "city":"Montréal" """.Trim(), File.ReadAllText(output, Encoding.UTF8), StringComparison.Ordinal);
        Assert.Contains(""" "raw":"{\"city\":\"Québec \\\"QC\\\"\"}" """.Trim(), File.ReadAllText(dead, Encoding.UTF8), StringComparison.Ordinal);
    }
}

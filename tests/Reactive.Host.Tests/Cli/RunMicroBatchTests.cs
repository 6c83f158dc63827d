namespace Reactive.Host.Tests.Cli;

/// <summary>
/// <c>reactive run aggregate</c> in Spark's execution model: each input file one micro-batch, the watermark of the
/// previous batch, no-data batches, <c>--at-end</c>, <c>batchId</c> on every row. Every expected value below is worked
/// out by hand from Spark's rules (MicroBatchExecution, StateStoreSaveExec), in the comments beside it.
/// </summary>
public sealed class RunMicroBatchTests
{
    private const string Row34 = """{"time":"2016-03-27T19:39:34Z"}""";
    private const string Row56 = """{"time":"2016-03-27T19:39:56Z"}""";
    private const string Row27 = """{"time":"2016-03-27T19:39:27Z"}""";

    [Fact]
    public void WithoutWatermark_NoRowIsLate_TheIssuesExampleGivesSparksThreeWindows()
    {
        // The issue's example: groupBy(window(time, "10 seconds")).count() without withWatermark never drops a row.
        var input = Write("t.jsonl", Row34, Row56, Row27);

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--output", "-");

        Assert.True(exit == 0, stderr);
        var rows = Lines(stdout);
        // Batch 0 is the file (no watermark: nothing final); batch 1 is the end of the input, where every window is final.
        Assert.Equal(
        [
            "1 19:39:20-19:39:30 count=1",
            "1 19:39:30-19:39:40 count=1",
            "1 19:39:50-19:39:60 count=1",
        ], rows);
        Assert.Contains("0 late rows", stderr, StringComparison.Ordinal);
        Assert.Contains("batch 0: 3 input rows", stderr, StringComparison.Ordinal);
        Assert.Contains("batch 1 (end of input): 0 input rows", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void OneFile_IsTriggerOnce_NothingInItIsLateEvenWithAWatermark()
    {
        // One batch: every row is judged by the watermark before it (none), so :27 counts although :34 − 10 s > :20.
        var input = Write("t.jsonl", Row34, Row56, Row27);
        var late = CliRunner.TempFile("late.jsonl");

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--watermark", "10 seconds", "--late", late, "--output", "-");

        Assert.True(exit == 0, stderr);
        // Batch 0 moves the watermark to :56 − 10 = :46, so a no-data batch 1 emits [:20,:30) and [:30,:40) (end <= :46);
        // batch 2, the end of the input, emits [:50,:60).
        Assert.Equal(
        [
            "1 19:39:20-19:39:30 count=1",
            "1 19:39:30-19:39:40 count=1",
            "2 19:39:50-19:39:60 count=1",
        ], Lines(stdout));
        Assert.Empty(File.ReadAllLines(late));
        Assert.Contains("batch 1 (no data): 0 input rows", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFiles_ARowIsLateOnlyAgainstThePreviousBatchsWatermark()
    {
        var first = Write("a.jsonl", Row34, Row56);
        var second = Write("b.jsonl", Row27);
        var late = CliRunner.TempFile("late.jsonl");

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", first, "--input", second, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--watermark", "10 seconds", "--late", late, "--output", "-");

        Assert.True(exit == 0, stderr);
        // Batch 0 (a): watermark after it :46; no-data batch 1 emits [:30,:40). Batch 2 (b): :27's window [:20,:30)
        // ended by :46, so it is late. Batch 3, the end: [:50,:60).
        Assert.Equal(["1 19:39:30-19:39:40 count=1", "3 19:39:50-19:39:60 count=1"], Lines(stdout));
        var lateRow = Assert.Single(CliRunner.ReadJsonLines(late));
        Assert.Equal((second, 1L), (lateRow.GetProperty("source").GetString(), lateRow.GetProperty("line").GetInt64()));
        Assert.Contains("batch 2: 1 input rows", stderr, StringComparison.Ordinal);
        Assert.Contains("1 dropped by watermark", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NoDataBatchesOff_NewlyFinalWindowsWaitForTheNextDataBatch()
    {
        var first = Write("a.jsonl", Row34, Row56);
        var second = Write("b.jsonl", Row27);

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", first, "--input", second, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--watermark", "10 seconds", "--no-data-batches", "off", "--output", "-");

        Assert.True(exit == 0, stderr);
        // No batch runs between a and b: batch 1 (b) runs with the watermark :46, drops :27 and emits [:30,:40);
        // batch 2, the end, emits [:50,:60).
        Assert.Equal(["1 19:39:30-19:39:40 count=1", "2 19:39:50-19:39:60 count=1"], Lines(stdout));
        Assert.DoesNotContain("(no data)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AtEndKeep_LeavesTheWindowsNotYetFinalUnemitted()
    {
        var input = Write("t.jsonl", Row34, Row56);

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--watermark", "10 seconds", "--at-end", "keep", "--output", "-");

        Assert.True(exit == 0, stderr);
        // Watermark :46 after batch 0: [:30,:40) is final (no-data batch 1); [:50,:60) is not, and a stopped query keeps it.
        Assert.Equal(["1 19:39:30-19:39:40 count=1"], Lines(stdout));
        Assert.DoesNotContain("end of input", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteMode_KeepsEveryWindowAndTakesLateRows()
    {
        var first = Write("a.jsonl", Row34, Row56);
        var second = Write("b.jsonl", Row27);

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", first, "--input", second, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--watermark", "10 seconds", "--output-mode", "complete", "--output", "-");

        Assert.True(exit == 0, stderr);
        // Complete mode: the whole table each batch, no no-data batch, no window dropped; :27 is added in batch 1.
        Assert.Equal(
        [
            "0 19:39:30-19:39:40 count=1", "0 19:39:50-19:39:60 count=1",
            "1 19:39:20-19:39:30 count=1", "1 19:39:30-19:39:40 count=1", "1 19:39:50-19:39:60 count=1",
        ], Lines(stdout));
        Assert.Contains("0 late rows", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ADirectory_IsReadFileByFileInNameOrder_LeavingOutHiddenAndUnderscoreFiles()
    {
        var directory = Directory.CreateTempSubdirectory("reactive-batches-").FullName;
        File.WriteAllText(Path.Combine(directory, "2.jsonl"), Row27 + "\n");
        File.WriteAllText(Path.Combine(directory, "1.jsonl"), Row34 + "\n" + Row56 + "\n");
        File.WriteAllText(Path.Combine(directory, "_SUCCESS"), "not json\n");
        File.WriteAllText(Path.Combine(directory, ".1.jsonl.crc"), "not json\n");

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", directory, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--watermark", "10 seconds", "--format", "jsonl", "--output", "-");

        Assert.True(exit == 0, stderr);
        // As two files given in the order 1, 2 (TwoFiles_… above), and nothing from the other two.
        Assert.Equal(["1 19:39:30-19:39:40 count=1", "3 19:39:50-19:39:60 count=1"], Lines(stdout));
        Assert.Contains("read 3 lines from 2 files", stderr, StringComparison.Ordinal);
        Assert.Contains("0 dead letters", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyFile_IsABatchWithoutData()
    {
        var first = Write("a.jsonl", Row34);
        var empty = Write("b.jsonl");
        var third = Write("c.jsonl", Row56);

        var (exit, stdout, stderr) = CliRunner.Run("run", "aggregate", "--input", first, "--input", empty, "--input", third, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--watermark", "10 seconds", "--no-data-batches", "off", "--output", "-");

        Assert.True(exit == 0, stderr);
        // a = batch 0, b = batch 1 (no rows), c = batch 2 (watermark :24 from a: nothing final), end = batch 3.
        Assert.Contains("batch 1: 0 input rows", stderr, StringComparison.Ordinal);
        Assert.Contains("batch 2: 1 input rows", stderr, StringComparison.Ordinal);
        Assert.Equal(["3 19:39:30-19:39:40 count=1", "3 19:39:50-19:39:60 count=1"], Lines(stdout));
    }

    [Theory]
    [InlineData("--no-data-batches", "maybe", "'maybe' is not on or off")]
    [InlineData("--at-end", "drop", "'drop' is not flush or keep")]
    public void BadValues_AreRefusedNamingTheArgument(string arg, string value, string message)
    {
        var input = Write("t.jsonl", Row34);

        var (exit, _, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--time-field", "time", "--window", "10 seconds", "--agg", "count", arg, value, "--output", "-");

        Assert.Equal(2, exit);
        Assert.Contains($"{arg}: {message}", stderr, StringComparison.Ordinal);
    }

    private static string Write(string name, params string[] lines)
    {
        var path = CliRunner.TempFile(name);
        File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));
        return path;
    }

    /// <summary>Each result as <c>batchId start-end count=N</c> (times as HH:mm:ss; an end at the next minute as :60).</summary>
    private static List<string> Lines(string stdout) =>
    [
        .. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            var row = System.Text.Json.JsonDocument.Parse(l).RootElement;
            var start = row.GetProperty("window").GetProperty("start").GetString()!;
            var end = row.GetProperty("window").GetProperty("end").GetString()!;
            var endText = end[14..16] == start[14..16] ? end[11..19] : $"{start[11..17]}60";
            return $"{row.GetProperty("batchId").GetInt64()} {start[11..19]}-{endText} count={row.GetProperty("count").GetInt64()}";
        }),
    ];
}

using System.Globalization;
namespace Reactive.Host.Tests.Cli;

public sealed class RunAggregateTests
{
    // Hand-worked: 10 s windows sliding by 5 s, watermark 10 s. t=1 → [-5,5),[0,10); t=4 (b) → same;
    // t=7 → [0,10),[5,15); t=12 → [5,15),[10,20); t=30 → [25,35),[30,40). The row at t=2 comes in a second
    // file, the next micro-batch, which runs with the watermark 30 − 10 = 20 of the first: both its windows
    // are final, so 2 late (row, window) pairs. (In the same file it would count: a batch is judged by the
    // watermark before it.)
    private const string Input = """
        {"time":"2024-01-01T00:00:01Z","id":"a","value":1}
        {"time":"2024-01-01T00:00:04Z","id":"b","value":2}
        {"time":"2024-01-01T00:00:07Z","id":"a","value":3}
        {"time":"2024-01-01T00:00:12Z","id":"a","value":5}
        {"time":"yesterday","id":"a","value":1}
        {"time":"2024-01-01T00:00:30Z","id":"a","value":7}
        {"time":"2024-01-01T00:00:02Z","id":"a","value":100}
        """;

    private static readonly string[] InputLines = Input.Split('\n');

    [Fact]
    public void RunAggregate_SlidingWindowsByKey_WritesSparkShapedRowsDeadLettersAndLateRows()
    {
        var input = CliRunner.TempFile("in.jsonl");
        File.WriteAllText(input, string.Join('\n', InputLines[..6]) + "\n");
        var second = CliRunner.TempFile("in2.jsonl");
        File.WriteAllText(second, InputLines[6] + "\n");
        var output = CliRunner.TempFile("out.jsonl");
        var dead = CliRunner.TempFile("dead.jsonl");
        var late = CliRunner.TempFile("late.jsonl");

        var (exit, _, stderr) = CliRunner.Run(
            "run", "aggregate", "--input", input, "--input", second, "--time-field", "time", "--window", "10 seconds", "--slide", "5 seconds",
            "--group-by", "id", "--agg", "count", "--agg", "avg(value)", "--watermark", "10 seconds",
            "--output", output, "--dead-letters", dead, "--late", late);

        Assert.True(exit == 0, stderr);
        var rows = CliRunner.ReadJsonLines(output).Select(r =>
            $"{r.GetProperty("window").GetProperty("start").GetString()![17..19]}-{r.GetProperty("window").GetProperty("end").GetString()![17..19]} " +
            $"{r.GetProperty("id").GetString()} {r.GetProperty("count").GetInt64()} {r.GetProperty("avg(value)").GetDouble()}").ToList();
        Assert.Equal(
        [
            "55-05 a 1 1", "55-05 b 1 2",
            "00-10 a 2 2", "00-10 b 1 2",
            "05-15 a 2 4",
            "10-20 a 1 5",
            "25-35 a 1 7",
            "30-40 a 1 7",
        ], rows);
        var first = CliRunner.ReadJsonLines(output)[0];
        Assert.Equal("2023-12-31T23:59:55Z", first.GetProperty("window").GetProperty("start").GetString());
        Assert.Equal(["batchId", "window", "id", "count", "avg(value)"], first.EnumerateObject().Select(p => p.Name));

        var deadLetter = Assert.Single(CliRunner.ReadJsonLines(dead));
        Assert.Equal(5, deadLetter.GetProperty("line").GetInt64());
        Assert.Equal("bad_date", deadLetter.GetProperty("code").GetString());
        Assert.Contains("yesterday", deadLetter.GetProperty("raw").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.ReadJsonLines(late).Count);
        Assert.All(CliRunner.ReadJsonLines(late), l => Assert.Equal("late", l.GetProperty("code").GetString()));
        // Turned away by the window operator, not the parser, and still named by its file, line and text (line 1 of the second file: value 100).
        Assert.All(CliRunner.ReadJsonLines(late), l => Assert.Equal(
            (second, 1L, """{"time":"2024-01-01T00:00:02Z","id":"a","value":100}"""),
            (l.GetProperty("source").GetString(), l.GetProperty("line").GetInt64(), l.GetProperty("raw").GetString())));
        Assert.Contains("read 7 lines from 2 files, wrote 8 results in 4 batches, 1 dead letters (bad_date 1), 2 late rows", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAggregate_CompleteMode_WritesTheWholeTableOnceAtTheEnd()
    {
        var input = CliRunner.TempFile("in.jsonl");
        File.WriteAllText(input, Input);
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run(
            "run", "aggregate", "--input", input, "--time-field", "time", "--window", "1 minute",
            "--agg", "count", "--agg", "max(value)", "--output-mode", "complete", "--output", output);

        Assert.True(exit == 0, stderr);
        // Without a watermark nothing is late: one window [00:00, 00:01) with all six timed rows.
        var row = Assert.Single(CliRunner.ReadJsonLines(output));
        Assert.Equal(6, row.GetProperty("count").GetInt64());
        Assert.Equal(100, row.GetProperty("max(value)").GetDouble());
    }

    [Fact]
    public void RunAggregate_Csv_ReadsHeaderAndSkipsNullsLikeSql()
    {
        var input = CliRunner.TempFile("in.csv");
        File.WriteAllText(input, "ts,sym,px\n1700000000,X,10\n1700000001,X,\n1700000002,X,20\n");
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run(
            "run", "aggregate", "--input", input, "--time-field", "ts", "--time-format", "unix_s", "--window", "1 hour",
            "--agg", "count", "--agg", "count(px)", "--agg", "avg(px)", "--agg", "stddev(px)", "--output", output);

        Assert.True(exit == 0, stderr);
        var row = Assert.Single(CliRunner.ReadJsonLines(output));
        Assert.Equal(3, row.GetProperty("count").GetInt64());
        Assert.Equal(2, row.GetProperty("count(px)").GetInt64());
        Assert.Equal(15, row.GetProperty("avg(px)").GetDouble());
        Assert.Equal(Math.Sqrt(50), row.GetProperty("stddev(px)").GetDouble(), 12);
    }

    [Theory]
    [InlineData("--slide: The slide duration (00:00:20) must be less than or equal to the window duration (00:00:10).", "--window", "10 seconds", "--slide", "20 seconds", "--agg", "count")]
    [InlineData("--agg: Unknown aggregate function 'median'", "--window", "10 seconds", "--agg", "median(value)")]
    [InlineData("--window: is required", "--agg", "count")]
    [InlineData("--agg: at least one aggregate is required", "--window", "10 seconds")]
    [InlineData("--window: 'ten seconds' is not a duration", "--window", "ten seconds", "--agg", "count")]
    [InlineData("--output-mode: 'sometimes' is not append, update or complete", "--window", "1 second", "--agg", "count", "--output-mode", "sometimes")]
    [InlineData("--colour: not an argument of 'run aggregate'", "--window", "1 second", "--agg", "count", "--colour", "red")]
    public void RunAggregate_BadArguments_ExitTwoNamingTheArgument(string expected, params string[] args)
    {
        var input = CliRunner.TempFile("in.jsonl");
        File.WriteAllText(input, Input);

        var (exit, _, stderr) = CliRunner.Run(["run", "aggregate", "--input", input, "--time-field", "time", "--output", "-", .. args]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownPipelineOrMissingInput_ExitTwo()
    {
        Assert.Equal(2, CliRunner.Run("run", "wordcloud", "--input", "x", "--output", "-").Exit);
        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", "/nonexistent/quotes.csv", "--output", "-");
        Assert.Equal(2, exit);
        Assert.Contains("--input: '/nonexistent/quotes.csv' does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAggregate_HeaderlessCsvWithADeclaredSchema_ReadsTheColumnsByPosition()
    {
        // bitcoincharts' trades: unix seconds, price, amount; no header. Only the third column is aggregated, so the
        // columns must come from the declared schema, not from the fields the query names. By hand, 1-minute windows:
        // [00:00, 00:01): 0.5 + 0.25 (2 trades, avg price 10.5); [00:01, 00:02): 2 (1 trade, price 12).
        var input = CliRunner.TempFile("trades.csv");
        File.WriteAllText(input, "1704067200,10,0.5\n1704067230,11,0.25\n1704067260,12,2\n");
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run(
            "run", "aggregate", "--input", input, "--no-header", "--schema", "t timestamp, price double, amount double",
            "--time-field", "t", "--time-format", "unix_s", "--window", "1 minute",
            "--agg", "count", "--agg", "sum(amount)", "--agg", "avg(price)", "--output", output);

        Assert.True(exit == 0, stderr);
        Assert.Equal(
            ["2024-01-01T00:00:00Z 2 0.75 10.5", "2024-01-01T00:01:00Z 1 2 12"],
            CliRunner.ReadJsonLines(output).Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.GetProperty("window").GetProperty("start").GetString()} {r.GetProperty("count").GetInt64()} {r.GetProperty("sum(amount)").GetDouble()} {r.GetProperty("avg(price)").GetDouble()}")));
    }

    [Fact]
    public void RunAggregate_DeclaredSchemaWithoutAKeyOfTheQuery_ExitTwoNamingSchema()
    {
        var input = CliRunner.TempFile("trades.csv");
        File.WriteAllText(input, "1704067200,10,0.5\n");

        var (exit, _, stderr) = CliRunner.Run(
            "run", "aggregate", "--input", input, "--no-header", "--schema", "t:timestamp,price:double,amount:double",
            "--time-field", "t", "--time-format", "unix_s", "--window", "1 minute", "--group-by", "venue", "--agg", "count", "--output", "-");

        Assert.Equal(2, exit);
        Assert.Contains("reactive run: --schema: the group-by field 'venue' is not declared (declared: t, price, amount)", stderr, StringComparison.Ordinal);
    }
}

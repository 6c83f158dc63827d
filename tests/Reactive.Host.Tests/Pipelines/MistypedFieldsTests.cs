using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection;
using Reactive.Host.Http;
using Reactive.Host.Metrics;
using Reactive.Host.Progress;
using Reactive.Host.Tests.Cli;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>
/// The aggregate's <c>MistypedFields</c> (<c>--mistyped-fields</c>): <c>reject</c> (default) makes a row with a mistyped
/// value a dead letter; <c>null</c> keeps the row with that field null (Spark's <c>from_json</c>), and each field so
/// nulled is counted by code wherever the pipeline reports itself: progress, <c>/api/pipelines</c>, the progress log
/// line, the metric and <c>reactive run</c>'s summary.
/// </summary>
public sealed class MistypedFieldsTests
{
    // One 10-minute window. Line 2: euro_rate mistyped; line 3: usd_rate an object, gbp_rate NaN; line 4: not JSON;
    // line 5: its time unreadable (required: a dead letter either way); line 6: fine.
    private const string Feed = """
        {"timestamp":"2021-01-04T00:00:00","euro_rate":10,"usd_rate":20,"gbp_rate":30}
        {"timestamp":"2021-01-04T00:01:00","euro_rate":"abc","usd_rate":22,"gbp_rate":32}
        {"timestamp":"2021-01-04T00:02:00","euro_rate":14,"usd_rate":{"v":1},"gbp_rate":"NaN"}
        not json
        {"timestamp":"2021-01-04T00:03:00Z","euro_rate":99,"usd_rate":99,"gbp_rate":99}
        {"timestamp":"2021-01-04T00:04:00","euro_rate":16,"usd_rate":24,"gbp_rate":34}

        """;

    private static readonly string[] Query =
    [
        "--time-field", "timestamp", "--time-format", "yyyy-MM-dd'T'HH:mm:ss",
        "--schema", "timestamp TIMESTAMP, euro_rate DOUBLE, usd_rate DOUBLE, gbp_rate DOUBLE",
        "--window", "10 minutes", "--agg", "count", "--agg", "avg(euro_rate)", "--agg", "avg(usd_rate)", "--agg", "avg(gbp_rate)",
    ];

    [Fact]
    public void RunAggregate_MistypedFieldsNull_KeepsTheRowsWithNullFieldsAndCountsThem()
    {
        var (exit, stderr, window, dead) = RunFeed("--mistyped-fields", "null");

        Assert.True(exit == 0, stderr);
        // Rows 1, 2, 3 and 6; a null rate is skipped by its average, as in SQL.
        Assert.Equal(4, window.GetProperty("count").GetInt64());
        Assert.Equal((10 + 14 + 16) / 3.0, window.GetProperty("avg(euro_rate)").GetDouble(), 12);
        Assert.Equal((20 + 22 + 24) / 3.0, window.GetProperty("avg(usd_rate)").GetDouble(), 12);
        Assert.Equal((30 + 32 + 34) / 3.0, window.GetProperty("avg(gbp_rate)").GetDouble(), 12);
        Assert.Equal([(4L, "bad_json"), (5L, "bad_date")], dead);
        Assert.Contains("read 6 lines, wrote 1 results in 2 batches, 2 dead letters (bad_date 1, bad_json 1), 0 late rows, 3 nulled fields (bad_number 1, bad_value 1, non_finite 1)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAggregate_MistypedFieldsByDefault_RejectTheirRows()
    {
        var (exit, stderr, window, dead) = RunFeed();

        Assert.True(exit == 0, stderr);
        Assert.Equal(2, window.GetProperty("count").GetInt64());
        Assert.Equal(13, window.GetProperty("avg(euro_rate)").GetDouble(), 12);
        Assert.Equal([(2L, "bad_number"), (3L, "bad_value"), (4L, "bad_json"), (5L, "bad_date")], dead);
        Assert.Contains("4 dead letters (bad_date 1, bad_json 1, bad_number 1, bad_value 1), 0 late rows\n", stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("nulled", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAggregate_MistypedFieldsNotRejectOrNull_ExitsTwoNamingTheArgument()
    {
        var input = CliRunner.TempFile("rates.jsonl");
        File.WriteAllText(input, Feed);

        var (exit, _, stderr) = CliRunner.Run(["run", "aggregate", "--input", input, "--output", "-", .. Query, "--mistyped-fields", "maybe"]);

        Assert.Equal(2, exit);
        Assert.Contains("reactive run: --mistyped-fields: 'maybe' is not reject or null", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AggregatePipeline_MistypedFieldsNull_CountedInProgressApiLogLineAndMetric()
    {
        var path = CliRunner.TempFile("rates.jsonl");
        await File.WriteAllTextAsync(path, Feed);
        await using var pipeline = await InProcessPipeline.StartAsync(
            "rates",
            TimeProvider.System,
            DefaultScheduler.Instance,
            ("Kind", "aggregate"),
            ("Source:Kind", "replay"),
            ("Source:Path", path),
            ("Source:AsFastAsPossible", "true"),
            ("Options:TimeField", "timestamp"),
            ("Options:TimeFormat", "yyyy-MM-dd'T'HH:mm:ss"),
            ("Options:Schema", "timestamp TIMESTAMP, euro_rate DOUBLE, usd_rate DOUBLE, gbp_rate DOUBLE"),
            ("Options:Window", "10 minutes"),
            ("Options:Aggregates:0", "avg(euro_rate)"),
            ("Options:OutputMode", "complete"),
            ("Options:MistypedFields", "null"),
            ("Sinks:0:Kind", "console"));
        await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        var view = PipelineProgressView.From(pipeline.Progress);
        Assert.Equal(3, view.NulledFields);
        Assert.Equal(new Dictionary<string, long> { ["bad_number"] = 1, ["bad_value"] = 1, ["non_finite"] = 1 }, view.NulledFieldsByCode.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        // The rows with a nulled field were parsed and kept: the lines still add up.
        Assert.Equal((6L, 4L, 2L), (view.InputRows, view.RowsParsed, view.DeadLetters));
        Assert.Equal(view.InputRows, view.RowsParsed + view.DeadLetters + view.SkippedBlank + view.SkippedHeader - view.RowsRejected);

        var logger = new CapturingLogger<ProgressReporter>();
        new ProgressReporter(pipeline.Registry, Microsoft.Extensions.Options.Options.Create(new ProgressOptions()), TimeProvider.System, logger).LogProgress();
        Assert.Contains("deadLetters=2 nulledFields=3 ", Assert.Single(logger.Messages), StringComparison.Ordinal);

        await using var metrics = await Metrics.MetricsServer.StartAsync(s => s.AddSingleton(pipeline.Registry));
        var family = Metrics.PrometheusTextParser.Parse(await metrics.ScrapeAsync())["reactive_pipeline_nulled_fields_total"];
        Assert.Equal("counter", family.Type);
        Assert.Equal(
            new Dictionary<string, double> { ["bad_number"] = 1, ["bad_value"] = 1, ["non_finite"] = 1 },
            family.Samples.Where(s => s.Labels["pipeline"] == "rates").ToDictionary(s => s.Labels["code"], s => s.Value).OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    /// <summary><c>reactive run aggregate</c> over <see cref="Feed"/>: its exit code, standard error, its one window and its dead letters (line, code).</summary>
    private static (int Exit, string Stderr, System.Text.Json.JsonElement Window, List<(long, string)> Dead) RunFeed(params string[] more)
    {
        var input = CliRunner.TempFile("rates.jsonl");
        File.WriteAllText(input, Feed);
        var output = CliRunner.TempFile("out.jsonl");
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run(["run", "aggregate", "--input", input, "--output", output, "--dead-letters", dead, .. Query, .. more]);

        return (exit, stderr, exit == 0 ? Assert.Single(CliRunner.ReadJsonLines(output)) : default,
            exit == 0 ? [.. CliRunner.ReadJsonLines(dead).Select(d => (d.GetProperty("line").GetInt64(), d.GetProperty("code").GetString()!))] : []);
    }
}

using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;
using Reactive.Host.Tests.Cli;

namespace Reactive.Host.Tests.Kinds;

/// <summary>
/// Issue 12, "the notebook's own queries, unchanged": aggregates and the window column take aliases (Spark's
/// <c>.alias(…)</c>), as arguments (<c>--agg "avg(f) as name"</c>, <c>--window-alias</c>) and in configuration.
/// </summary>
public sealed class AggregateAliasTests
{
    private const string Rows = """
        {"time":"2016-03-27T19:39:34Z","price":2}
        {"time":"2016-03-27T19:39:36Z","price":4}
        {"time":"2016-03-27T19:39:56Z","price":6}
        """;

    [Fact]
    public void RunAggregate_Aliases_TheJsonFieldsAreTheAliases()
    {
        var input = CliRunner.TempFile("rows.jsonl");
        File.WriteAllText(input, Rows);
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run(
            "run", "aggregate", "--input", input, "--output", output, "--time-field", "time", "--window", "10 seconds",
            "--agg", "count AS n", "--agg", "avg(price) as window_avg_price", "--agg", "max(price)", "--window-alias", "time_window");

        Assert.True(exit == 0, stderr);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(["batchId", "time_window", "n", "window_avg_price", "max(price)"], r.EnumerateObject().Select(p => p.Name)));
        Assert.Equal("2016-03-27T19:39:30Z", rows[0].GetProperty("time_window").GetProperty("start").GetString());
        Assert.Equal("2016-03-27T19:39:40Z", rows[0].GetProperty("time_window").GetProperty("end").GetString());
        Assert.Equal((2L, 3.0), (rows[0].GetProperty("n").GetInt64(), rows[0].GetProperty("window_avg_price").GetDouble()));
    }

    [Fact]
    public void RunAggregate_NoAlias_TheWindowIsCalledWindowAndTheColumnsAsSparkNamesThem()
    {
        var input = CliRunner.TempFile("rows.jsonl");
        File.WriteAllText(input, Rows);
        var output = CliRunner.TempFile("out.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--output", output, "--time-field", "time", "--window", "10 seconds", "--agg", "count", "--agg", "avg(price)");

        Assert.True(exit == 0, stderr);
        Assert.All(File.ReadAllLines(output), l => Assert.Equal(["batchId", "window", "count", "avg(price)"], JsonDocument.Parse(l).RootElement.EnumerateObject().Select(p => p.Name)));
    }

    [Theory]
    [InlineData("--agg", "avg(price) as 2x", "2x")]
    [InlineData("--agg", "avg(price) as a-b", "a-b")]
    [InlineData("--window-alias", "time window", "time window")]
    [InlineData("--window-alias", "w.x", "w.x")]
    public void RunAggregate_AliasNotAColumnName_AnErrorNamingTheArgument(string argument, string value, string named)
    {
        var input = CliRunner.TempFile("rows.jsonl");
        File.WriteAllText(input, Rows);
        string[] agg = argument == "--agg" ? [] : ["--agg", "count"];

        var (exit, _, stderr) = CliRunner.Run(["run", "aggregate", "--input", input, "--output", CliRunner.TempFile("out.jsonl"), "--time-field", "time", "--window", "10 seconds", .. agg, argument, value]);

        Assert.NotEqual(0, exit);
        Assert.Contains($"{argument}: ", stderr, StringComparison.Ordinal);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count as avg_price", "avg(price) as avg_price", "avg_price")]
    [InlineData("avg(price)", "mean(price)", "avg(price)")]
    [InlineData("count", "avg(price) as COUNT", "COUNT")]
    [InlineData("count as window", "avg(price)", "window")]
    public void RunAggregate_TwoColumnsWithOneName_AnErrorNamingTheArgument(string first, string second, string named)
    {
        var input = CliRunner.TempFile("rows.jsonl");
        File.WriteAllText(input, Rows);

        var (exit, _, stderr) = CliRunner.Run("run", "aggregate", "--input", input, "--output", CliRunner.TempFile("out.jsonl"), "--time-field", "time", "--window", "10 seconds", "--agg", first, "--agg", second);

        Assert.NotEqual(0, exit);
        Assert.Contains("--agg: ", stderr, StringComparison.Ordinal);
        Assert.Contains($"two columns named '{named}'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_Aliases_TheAggregatesAndTheWindowNamed()
    {
        var catalog = Load(out var errors, ("Options:Aggregates:0", "count"), ("Options:Aggregates:1", "avg(euro_rate) as window_avg_euro_rate"), ("Options:WindowAlias", "time_window"));

        Assert.Empty(errors);
        var options = Assert.IsAssignableFrom<Reactive.Host.Kinds.AggregatePipelineOptions>(Assert.Single(catalog.Pipelines).Options);
        Assert.Equal(["count", "window_avg_euro_rate"], options.Aggregates.Select(a => a.Name));
        Assert.Equal("time_window", options.WindowAlias);
    }

    [Theory]
    [InlineData("Options:Aggregates:1", "avg(euro_rate) as window avg", "Pipelines:btc:Options:Aggregates")]
    [InlineData("Options:Aggregates:1", "avg(euro_rate) as count", "Pipelines:btc:Options:Aggregates")]
    [InlineData("Options:WindowAlias", "time-window", "Pipelines:btc:Options:WindowAlias")]
    [InlineData("Options:WindowAlias", "count", "Pipelines:btc:Options:Aggregates")]
    public void Configuration_BadOrDuplicateAlias_AnErrorNamingTheKey(string key, string value, string named)
    {
        var settings = new List<(string, string)> { ("Options:Aggregates:0", "count"), ("Options:Aggregates:1", "avg(euro_rate)") };
        settings.RemoveAll(s => s.Item1 == key);
        settings.Add((key, value));

        Load(out var errors, [.. settings]);

        Assert.Contains(errors, e => e.StartsWith(named + ":", StringComparison.Ordinal));
    }

    private static Catalog Load(out List<string> errors, params (string Key, string Value)[] options)
    {
        (string Key, string Value)[] values =
        [
            ("Pipelines:btc:Kind", "bitcoin"),
            ("Pipelines:btc:Source:Kind", "generator"),
            ("Pipelines:btc:Source:Generator", "bitcoin"),
            .. options.Select(o => ("Pipelines:btc:" + o.Key, o.Value)),
        ];
        return PipelineCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), out errors);
    }
}

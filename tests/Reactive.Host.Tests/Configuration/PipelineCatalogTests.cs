using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;
using Reactive.Host.Sinks;

namespace Reactive.Host.Tests.Configuration;

public sealed class PipelineCatalogTests
{
    private static Catalog Load(out List<string> errors, params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return PipelineCatalog.Load(configuration, out errors);
    }

    [Fact]
    public void Load_SocketWordCount_ReadsEveryValue()
    {
        var catalog = Load(
            out var errors,
            ("Pipelines:wc:Kind", "wordcount"),
            ("Pipelines:wc:Source:Kind", "socket"),
            ("Pipelines:wc:Source:Host", "127.0.0.1"),
            ("Pipelines:wc:Source:Port", "9999"),
            ("Pipelines:wc:Source:Reconnect:MaxRetries", "3"),
            ("Pipelines:wc:Options:BatchInterval", "2 seconds"));

        Assert.Empty(errors);
        var p = Assert.Single(catalog.Pipelines);
        Assert.True(p.Enabled);
        var socket = Assert.IsType<SocketSourceDefinition>(p.Source);
        Assert.Equal(("127.0.0.1", 9999, 3), (socket.Options.Host, socket.Options.Port, socket.Options.MaxRetries!.Value));
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.IsType<Reactive.Operators.WordCount.WordCountOptions>(p.Options).BatchInterval);
        Assert.IsType<ConsoleSinkDefinition>(Assert.Single(p.Sinks));
    }

    [Theory]
    [InlineData("Pipelines:wc:Source:Port", "Pipelines:wc:Source:Port: is required")]
    public void Load_MissingPort_NamesTheKey(string key, string expected)
    {
        _ = key;
        Load(out var errors, ("Pipelines:wc:Kind", "wordcount"), ("Pipelines:wc:Source:Kind", "socket"));

        Assert.Contains(expected, errors);
    }

    [Fact]
    public void Load_EveryKindOfMistake_IsReportedTogetherWithItsKey()
    {
        Load(
            out var errors,
            ("Pipelines:a:Kind", "nosuchkind"),
            ("Pipelines:b:Kind", "wordcount"),
            ("Pipelines:b:Source:Kind", "socket"),
            ("Pipelines:b:Source:Port", "70000"),
            ("Pipelines:b:Options:BatchInterval", "-1 seconds"),
            ("Pipelines:b:Colour", "blue"),
            ("Pipelines:c:Kind", "wordcount"),
            ("Pipelines:c:Source:Kind", "kinesis"),
            ("Reactive:TimeZone", "Mars/Olympus"));

        Assert.Contains(errors, e => e.StartsWith("Pipelines:a:Kind: unknown pipeline kind 'nosuchkind'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pipelines:b:Source:Port: 70000 is out of range", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pipelines:b:Options:BatchInterval: '-1 seconds' must be positive", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pipelines:b:Colour: unknown key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pipelines:c:Source:Kind: 'kinesis' is not a source this pipeline can read", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Reactive:TimeZone: 'Mars/Olympus' is not a known time zone", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public void Load_AnomalyBaselineBound_IsReadAndRangeChecked()
    {
        (string, string)[] anomaly = [("Pipelines:x:Kind", "anomaly"), ("Pipelines:x:Source:Kind", "generator"), ("Pipelines:x:Source:Generator", "hourly")];

        var catalog = Load(out var errors, [.. anomaly, ("Pipelines:x:Options:MaxBaselineSize", "5000")]);
        Assert.Empty(errors);
        Assert.Equal(5000, Assert.IsType<Reactive.Host.Kinds.AnomalyPipelineOptions>(Assert.Single(catalog.Pipelines).Options).Anomaly.MaxBaselineSize);

        // The detector's own Validate() judges the bound, named by its key: below MinHistory (14 by default) no price
        // could ever be judged.
        foreach (var bound in new[] { "1", "10" })
        {
            Load(out errors, [.. anomaly, ("Pipelines:x:Options:MaxBaselineSize", bound)]);
            var error = Assert.Single(errors);
            Assert.StartsWith("Pipelines:x:Options:MaxBaselineSize: ", error, StringComparison.Ordinal);
            Assert.Contains("MinHistory", error, StringComparison.Ordinal);
        }

        Load(out errors, [.. anomaly, ("Pipelines:x:Options:MaxBaselineSize", "14")]);
        Assert.Empty(errors);
    }

    [Fact]
    public void Load_Selection_EnablesOnlyTheNamedPipelines()
    {
        var catalog = Load(
            out var errors,
            ("Pipelines:a:Kind", "wordcount"),
            ("Pipelines:a:Source:Kind", "sample"),
            ("Pipelines:b:Kind", "wordcount"),
            ("Pipelines:b:Enabled", "false"),
            ("Pipelines:b:Source:Kind", "sample"),
            ("pipelines", "b"));

        Assert.Empty(errors);
        Assert.Equal(["b"], catalog.Enabled.Select(p => p.Name));
    }

    [Fact]
    public void Load_SelectionOfUnknownPipeline_IsAnError()
    {
        Load(out var errors, ("Pipelines:a:Kind", "wordcount"), ("Pipelines:a:Source:Kind", "sample"), ("pipelines", "a,zz"));

        Assert.Equal(["--pipelines: no pipeline named 'zz' is configured (configured: a)"], errors);
    }

    [Fact]
    public void Load_RepositoryAppsettings_IsValidAndEnablesOnlyTheEmbeddedSamples()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var catalog = PipelineCatalog.Load(new ConfigurationBuilder().AddJsonFile(path).Build(), out var errors);

        Assert.Empty(errors);
        // Nothing else running is needed: every enabled pipeline reads embedded or generated data.
        Assert.Equal(["sample-anomaly", "sample-bitcoin", "sample-spread", "sample-trading", "sample-wordcount"], catalog.Enabled.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(catalog.Enabled, p => Assert.True(p.Source is SampleSourceDefinition or GeneratorSourceDefinition, p.Name));
        Assert.Equal(
            ["anomalies", "bitcoin_window", "spread", "trading_decisions"],
            catalog.Enabled.SelectMany(p => p.Sinks).OfType<TableSinkDefinition>().Select(t => t.Table).Order(StringComparer.Ordinal));
        Assert.Contains(catalog.Pipelines, p => p.Name == "wordcount" && p.Source is SocketSourceDefinition { Options.Port: 9999 });
    }

    [Fact]
    public void Load_TwoEnabledPipelinesWritingOneTable_TheSecondIsRefusedNamingBothKeys()
    {
        (string, string)[] two =
        [
            ("Pipelines:a:Kind", "spread"), ("Pipelines:a:Source:Kind", "generator"), ("Pipelines:a:Source:Generator", "bbo"),
            ("Pipelines:a:Sinks:0:Kind", "console"), ("Pipelines:a:Sinks:1:Kind", "table"), ("Pipelines:a:Sinks:1:Table", "prices"),
            ("Pipelines:b:Kind", "rawtable"), ("Pipelines:b:Source:Kind", "socket"), ("Pipelines:b:Source:Host", "127.0.0.1"),
            ("Pipelines:b:Source:Port", "9999"), ("Pipelines:b:Options:Table", "PRICES"),
        ];

        Load(out var errors, two);
        Assert.Equal(["Pipelines:b:Options:Table: table 'PRICES' is written already by Pipelines:a:Sinks:1:Table; a table has one writer pipeline: give this one another table name (query both together with UNION ALL in SQL)"], errors);

        // Only enabled pipelines count: the same two with b disabled, or not selected, load.
        Load(out errors, [.. two, ("Pipelines:b:Enabled", "false")]);
        Assert.Empty(errors);
        Load(out errors, [.. two, ("pipelines", "a")]);
        Assert.Empty(errors);
    }

    [Fact]
    public void Load_MissingDirectoryWithoutCreateIfMissing_NamesThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "reactive-missing-" + Guid.NewGuid().ToString("N"));

        Load(
            out var errors,
            ("Pipelines:f:Kind", "filerows"),
            ("Pipelines:f:Source:Kind", "directory"),
            ("Pipelines:f:Source:Path", missing),
            ("Pipelines:f:Source:CreateIfMissing", "false"));

        Assert.Equal([$"Pipelines:f:Source:Path: the directory '{missing}' does not exist (create it, or set CreateIfMissing to true)"], errors);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Load_DisabledDirectoryPipeline_MakesNoDirectory()
    {
        var missing = Path.Combine(Path.GetTempPath(), "reactive-missing-" + Guid.NewGuid().ToString("N"));

        Load(out var errors, ("Pipelines:f:Kind", "filerows"), ("Pipelines:f:Enabled", "false"), ("Pipelines:f:Source:Kind", "directory"), ("Pipelines:f:Source:Path", missing));

        Assert.Empty(errors);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Load_AggregateWithSparkConfigurationErrors_NamesTheKeys()
    {
        Load(
            out var errors,
            ("Pipelines:agg:Kind", "aggregate"),
            ("Pipelines:agg:Source:Kind", "generator"),
            ("Pipelines:agg:Source:Generator", "bitcoin"),
            ("Pipelines:agg:Options:TimeField", "timestamp"),
            ("Pipelines:agg:Options:Window", "10 minutes"),
            ("Pipelines:agg:Options:Slide", "15 minutes"),
            ("Pipelines:agg:Options:Aggregates:0", "count"),
            ("Pipelines:agg:Sinks:0:Kind", "table"),
            ("Pipelines:agg:Sinks:0:Table", "bad-name"));

        Assert.Contains(errors, e => e.StartsWith("Pipelines:agg:Options:Slide: The slide duration (00:15:00) must be less than or equal to the window duration (00:10:00)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pipelines:agg:Sinks:0:Table: The table name 'bad-name' is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_AggregateWithUnknownFunctionAndNoTimeField_NamesTheKeys()
    {
        Load(
            out var errors,
            ("Pipelines:agg:Kind", "aggregate"),
            ("Pipelines:agg:Source:Kind", "replay"),
            ("Pipelines:agg:Source:Path", "rates.jsonl"),
            ("Pipelines:agg:Options:Window", "10 minutes"),
            ("Pipelines:agg:Options:Aggregates", "count,median(x)"));

        Assert.Contains("Pipelines:agg:Options:TimeField: is required", errors);
        Assert.Contains(errors, e => e.StartsWith("Pipelines:agg:Options:Aggregates: Unknown aggregate function 'median'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("t timestamp, value dbl", "Pipelines:agg:Options:Schema: 'dbl' (field 'value') is not a type")]
    [InlineData("t timestamp value double", "Pipelines:agg:Options:Schema: 't timestamp value double' is not a field")]
    [InlineData("t timestamp, t double", "Pipelines:agg:Options:Schema: the field 't' is declared twice")]
    [InlineData("t long, value double", "Pipelines:agg:Options:Schema: the time field 't' is declared long; declare it timestamp")]
    [InlineData("t timestamp", "Pipelines:agg:Options:Schema: avg(value) reads 'value', which is not declared (declared: t)")]
    [InlineData("t timestamp, value string", "Pipelines:agg:Options:Schema: avg(value) reads 'value', declared string; aggregates read long or double fields")]
    public void Load_AggregateWithABadDeclaredSchema_NamesTheKey(string schema, string expected)
    {
        // The replayed file exists: a missing one is an error of its own (see Load_ReplayOfAMissingFile_NamesThePath).
        var trades = Path.GetTempFileName();
        Load(
            out var errors,
            ("Pipelines:agg:Kind", "aggregate"),
            ("Pipelines:agg:Source:Kind", "replay"),
            ("Pipelines:agg:Source:Path", trades),
            ("Pipelines:agg:Options:Format", "csv"),
            ("Pipelines:agg:Options:CsvHeader", "false"),
            ("Pipelines:agg:Options:Schema", schema),
            ("Pipelines:agg:Options:TimeField", "t"),
            ("Pipelines:agg:Options:Window", "1 minute"),
            ("Pipelines:agg:Options:Watermark", "10 seconds"),
            ("Pipelines:agg:Options:Aggregates:0", "avg(value)"));

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("0 seconds", "Pipelines:s:Options:IdleTimeout: '0 seconds' must be positive")]
    [InlineData("soon", "Pipelines:s:Options:IdleTimeout: 'soon' is not a duration")]
    public void Load_SpreadWithABadIdleTimeout_NamesTheKey(string value, string expected)
    {
        Load(out var errors, ("Pipelines:s:Kind", "spread"), ("Pipelines:s:Source:Kind", "socket"), ("Pipelines:s:Source:Port", "9999"), ("Pipelines:s:Options:IdleTimeout", value));

        Assert.StartsWith(expected, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HourlyGeneratorWithMoreRowsThanDatesLeft_NamesTheKey()
    {
        // From 2017-01-01 (the default start) to 9999-12-31: 2,915,730 days (worked out with Python's date arithmetic)
        // of 24 hours = 69,977,520 rows.
        Load(out var errors, ("Pipelines:h:Kind", "anomaly"), ("Pipelines:h:Source:Kind", "generator"), ("Pipelines:h:Source:Generator", "hourly"), ("Pipelines:h:Source:Rows", "69977521"));

        Assert.Equal(["Pipelines:h:Source:Rows: 69977521 rows do not fit before the end of year 9999 (at most 69977520 for hourly)"], errors);
    }

    [Fact]
    public void Load_GeneratorOfUnknownData_NamesTheKey()
    {
        Load(out var errors, ("Pipelines:s:Kind", "spread"), ("Pipelines:s:Source:Kind", "generator"), ("Pipelines:s:Source:Generator", "weather"));

        Assert.Equal(["Pipelines:s:Source:Generator: 'weather' is not one of bbo, hourly, bitcoin"], errors);
    }

    [Fact]
    public void Load_SinkAPipelineCannotWrite_NamesTheSinkKey()
    {
        Load(
            out var errors,
            ("Pipelines:f:Kind", "filerows"),
            ("Pipelines:f:Source:Kind", "sample"),
            ("Pipelines:f:Sinks:0:Kind", "console"),
            ("Pipelines:f:Sinks:1:Kind", "table"),
            ("Pipelines:f:Sinks:1:Table", "rows"));

        Assert.Equal(["Pipelines:f:Sinks:1:Kind: a filerows pipeline writes only to: console (for lines in a table, use a rawtable pipeline)"], errors);
    }

    [Fact]
    public void Load_ReplayOfAMissingFile_NamesThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"reactive-missing-{Guid.NewGuid():N}.csv");

        Load(out var errors, ("Pipelines:r:Kind", "spread"), ("Pipelines:r:Source:Kind", "replay"), ("Pipelines:r:Source:Path", missing));

        Assert.Equal([$"Pipelines:r:Source:Path: the file '{missing}' does not exist"], errors);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("append", null, true)]
    [InlineData("append", "0 seconds", false)]
    [InlineData("update", null, false)]
    [InlineData("complete", null, false)]
    public void Load_LiveAggregateInAppendModeWithoutWatermark_NamesTheWatermarkKey(string? mode, string? watermark, bool refused)
    {
        // Spark: "Append output mode not supported when there are streaming aggregations ... without watermark".
        var file = Path.GetTempFileName();
        List<(string, string)> settings =
        [
            ("Pipelines:r:Kind", "aggregate"), ("Pipelines:r:Source:Kind", "replay"), ("Pipelines:r:Source:Path", file),
            ("Pipelines:r:Source:TimeFormat", "json:t"), ("Pipelines:r:Options:TimeField", "t"), ("Pipelines:r:Options:Window", "1 minute"),
            ("Pipelines:r:Options:Aggregates", "count"),
        ];
        if (mode is not null)
        {
            settings.Add(("Pipelines:r:Options:OutputMode", mode));
        }

        if (watermark is not null)
        {
            settings.Add(("Pipelines:r:Options:Watermark", watermark));
        }

        Load(out var errors, [.. settings]);

        if (refused)
        {
            var error = Assert.Single(errors);
            Assert.StartsWith("Pipelines:r:Options:Watermark: append mode needs a watermark in a live pipeline", error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void Load_ReplayWithAnUnknownTimeFormat_NamesTheKey()
    {
        var file = Path.GetTempFileName();

        Load(out var errors, ("Pipelines:r:Kind", "aggregate"), ("Pipelines:r:Source:Kind", "replay"), ("Pipelines:r:Source:Path", file),
            ("Pipelines:r:Source:TimeFormat", "json:"), ("Pipelines:r:Options:TimeField", "t"), ("Pipelines:r:Options:Window", "1 minute"),
            ("Pipelines:r:Options:Watermark", "10 seconds"), ("Pipelines:r:Options:Aggregates", "count"));

        Assert.Equal(["Pipelines:r:Source:TimeFormat: 'json:' is not a replay time format (bbo, hourly, json:<field>, unix:<column>, none)"], errors);
    }

    [Fact]
    public void Load_SocketOptionItsOwnValidateRefuses_NamesTheKey()
    {
        Load(out var errors, ("Pipelines:wc:Kind", "wordcount"), ("Pipelines:wc:Source:Kind", "socket"), ("Pipelines:wc:Source:Port", "9999"),
            ("Pipelines:wc:Source:MaxLineLength", "2147483647"));

        var error = Assert.Single(errors);
        Assert.StartsWith("Pipelines:wc:Source:MaxLineLength: SocketSourceOptions.MaxLineLength must be between 1 and", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
    }
}

using Reactive.Host.Analytics;
using Reactive.Operators.Anomaly;
using Reactive.Operators.Spread;
using Reactive.Operators.Windows;
using Reactive.Operators.WordCount;
using Reactive.Sources.Generators;

namespace Reactive.Host.Configuration;

/// <summary>What a pipeline reads (<c>Pipelines:&lt;name&gt;:Source</c>).</summary>
internal abstract record SourceDefinition(string Kind)
{
    /// <summary>Whether the source can replay what it delivered (files can, a socket cannot).</summary>
    public abstract bool CanReplay { get; }
}

internal sealed record SampleSourceDefinition(TimeSpan Interval, long? Count) : SourceDefinition("sample")
{
    public override bool CanReplay => true;
}

internal sealed record SocketSourceDefinition(
    string Host,
    int Port,
    int MaxLineLength,
    TimeSpan InitialDelay,
    TimeSpan MaxDelay,
    int? MaxRetries,
    double Multiplier = 2.0,
    double JitterFraction = 0.2) : SourceDefinition("socket")
{
    public override bool CanReplay => false;
}

internal sealed record DirectorySourceDefinition(
    string Path,
    string Pattern,
    bool IncludeExisting,
    TimeSpan PollInterval,
    int MaxLineLength,
    bool CreateIfMissing = true,
    bool UseFileSystemWatcher = true,
    string? ProcessedLogPath = null) : SourceDefinition("directory")
{
    public override bool CanReplay => true;
}

/// <summary>A recorded file replayed at its original pace × <c>Speed</c>, or as fast as possible.</summary>
internal sealed record ReplaySourceDefinition(string Path, string? TimeFormat, double Speed, bool AsFastAsPossible) : SourceDefinition("replay")
{
    public override bool CanReplay => true;
}

/// <summary>A deterministic synthetic feed in a course format, paced by its event times × <c>Speed</c>.</summary>
internal sealed record GeneratorSourceDefinition(string Generator, int Seed, long Rows, double Speed, bool AsFastAsPossible, string Symbol) : SourceDefinition("generator")
{
    public override bool CanReplay => true;
}

internal static class SourceDefinitions
{
    public static SourceDefinition? Read(ConfigReader r, IReadOnlyList<string> allowed)
    {
        var kind = r.GetString("Kind", required: true)?.ToLowerInvariant();
        if (kind is null)
        {
            return null;
        }

        if (!allowed.Contains(kind))
        {
            r.Error("Kind", $"'{kind}' is not a source this pipeline can read (allowed: {string.Join(", ", allowed)})");
            return null;
        }

        SourceDefinition definition = kind switch
        {
            "sample" => new SampleSourceDefinition(
                r.GetDuration("Interval", TimeSpan.FromMilliseconds(500)),
                r.GetNullableInt("Count", 0)),
            "socket" => ReadSocket(r),
            "replay" => new ReplaySourceDefinition(
                r.GetString("Path", required: true) ?? "",
                r.GetString("TimeFormat"),
                r.GetDouble("Speed", 1, 1e-6, 1e9),
                r.GetBool("AsFastAsPossible", false)),
            "generator" => ReadGenerator(r),
            "directory" => new DirectorySourceDefinition(
                r.GetString("Path", required: true) ?? "",
                r.GetString("Pattern", "*")!,
                r.GetBool("IncludeExisting", false),
                r.GetDuration("PollInterval", TimeSpan.FromSeconds(2)),
                r.GetInt("MaxLineLength", 1 << 20, 1),
                r.GetBool("CreateIfMissing", true),
                r.GetBool("UseFileSystemWatcher", true),
                r.GetString("ProcessedLogPath")),
            _ => throw new InvalidOperationException($"source kind {kind} has no reader"),
        };
        r.RejectUnknownKeys($"a {kind} source");
        return definition;
    }

    private static GeneratorSourceDefinition ReadGenerator(ConfigReader r)
    {
        var generator = r.GetString("Generator", required: true)?.ToLowerInvariant() ?? "bbo";
        if (generator is not ("bbo" or "hourly" or "bitcoin"))
        {
            r.Error("Generator", $"'{generator}' is not one of bbo, hourly, bitcoin");
        }

        // Without Rows a generator runs as a live feed: as many rows as its format can date (up to year 9999).
        long maxRows = generator switch
        {
            "hourly" => new HourlyPriceGeneratorOptions().MaxRows,
            "bitcoin" => new BitcoinRateGeneratorOptions().MaxRows,
            _ => int.MaxValue,
        };
        var rows = r.GetNullableInt("Rows", 1);
        if (rows > maxRows)
        {
            r.Error("Rows", $"{rows} rows do not fit before the end of year 9999 (at most {maxRows} for {generator})");
        }

        return new GeneratorSourceDefinition(
            generator,
            r.GetInt("Seed", 14081),
            Math.Min(rows ?? maxRows, maxRows),
            r.GetDouble("Speed", 1, 1e-6, 1e9),
            r.GetBool("AsFastAsPossible", false),
            r.GetString("Symbol", "SYN")!);
    }

    private static SocketSourceDefinition ReadSocket(ConfigReader r)
    {
        var host = r.GetString("Host", "localhost")!;
        var port = r.GetInt("Port", 0, 1, 65535, required: true);
        var reconnect = r.Child("Reconnect");
        var initial = reconnect.GetDuration("InitialDelay", TimeSpan.FromSeconds(1));
        var max = reconnect.GetDuration("MaxDelay", TimeSpan.FromSeconds(30));
        var retries = reconnect.GetNullableInt("MaxRetries", 0);
        var multiplier = reconnect.GetDouble("Multiplier", 2.0, 1.0, 100.0);
        var jitter = reconnect.GetDouble("JitterFraction", 0.2, 0.0, 1.0);
        if (max < initial)
        {
            reconnect.Error("MaxDelay", "must not be shorter than InitialDelay");
        }

        reconnect.RejectUnknownKeys("socket reconnection");
        return new SocketSourceDefinition(host, port, r.GetInt("MaxLineLength", 1 << 20, 1), initial, max, retries, multiplier, jitter);
    }
}

/// <summary>Where a pipeline's results go (<c>Pipelines:&lt;name&gt;:Sinks:&lt;i&gt;</c>).</summary>
internal abstract record SinkDefinition(string Kind);

/// <summary>Standard output: pprint batches for word count and file rows, JSON lines for analytics.</summary>
internal sealed record ConsoleSinkDefinition(int Rows = 10) : SinkDefinition("console");

/// <summary>A memory table queryable with SQL (issue 4): <c>{ "Kind": "table", "Table": "spread", "MaxRows": 100000 }</c>.</summary>
internal sealed record TableSinkDefinition(string Table, int? MaxRows) : SinkDefinition("table");

/// <summary>Rolling JSON lines or CSV files, one series per pipeline.</summary>
internal sealed record FileSinkDefinition(Reactive.Host.FileSinks.FileSinkFormat Format) : SinkDefinition("file");

internal static class SinkDefinitions
{
    public static SinkDefinition? Read(ConfigReader r)
    {
        var kind = r.GetString("Kind", required: true)?.ToLowerInvariant();
        SinkDefinition? sink = kind switch
        {
            null => null,
            "console" => new ConsoleSinkDefinition(r.GetInt("Rows", 10, 1, 10_000)),
            "table" => ReadTable(r),
            "jsonl" => new FileSinkDefinition(Reactive.Host.FileSinks.FileSinkFormat.JsonLines),
            "csv" => new FileSinkDefinition(Reactive.Host.FileSinks.FileSinkFormat.Csv),
            _ => null,
        };
        if (kind is not null && sink is null)
        {
            r.Error("Kind", $"unknown sink kind '{kind}' (known: console, table, jsonl, csv)");
            return null;
        }

        r.RejectUnknownKeys($"a {kind} sink");
        return sink;
    }

    private static TableSinkDefinition ReadTable(ConfigReader r)
    {
        var name = r.GetString("Table", required: true) ?? "results";
        try
        {
            Reactive.Host.Tables.TableSchema.ValidateName(name, "table");
        }
        catch (ArgumentException ex)
        {
            r.Error("Table", Cli.ArgReader.CleanMessage(ex));
        }

        return new TableSinkDefinition(name, r.GetNullableInt("MaxRows", 1));
    }
}

/// <summary>Settings specific to a pipeline kind (<c>Pipelines:&lt;name&gt;:Options</c>).</summary>
internal abstract record PipelineSettings;

internal sealed record WordCountSettings(WordCountOptions Options) : PipelineSettings;

internal sealed record FileRowsSettings(TimeSpan BatchInterval, string Separator) : PipelineSettings;

internal sealed record SpreadPipelineSettings(SpreadSettings Settings) : PipelineSettings;

/// <summary>The course's <c>writeStream.format("memory").queryName("new_dataframe")</c>: raw lines into a table.</summary>
internal sealed record RawTableSettings(string Table, int? MaxRows) : PipelineSettings;

internal sealed record AnomalyPipelineSettings(AnomalySettings Settings) : PipelineSettings;

internal sealed record AggregatePipelineSettings(AggregateSettings Settings) : PipelineSettings;

/// <summary>A pipeline kind: its name, the sources it reads, and how its options are read.</summary>
internal sealed record PipelineKind(string Name, IReadOnlyList<string> Sources, Func<ConfigReader, PipelineSettings> ReadSettings);

internal static class PipelineKinds
{
    private static readonly PipelineKind[] All =
    [
        new("wordcount", ["socket", "sample", "directory"], r =>
        {
            var options = new WordCountOptions
            {
                BatchInterval = r.GetDuration("BatchInterval", TimeSpan.FromSeconds(10)),
                MaxDistinctWords = r.GetInt("MaxDistinctWords", 1_000_000, 1),
            };
            r.RejectUnknownKeys("wordcount options");
            return new WordCountSettings(options);
        }),
        new("spread", ["generator", "replay", "socket", "directory"], ReadSpread),
        new("anomaly", ["generator", "replay", "socket", "directory"], ReadAnomaly),
        new("aggregate", ["generator", "replay", "socket", "directory"], ReadAggregate),
        new("rawtable", ["socket", "directory", "sample", "replay", "generator"], r =>
        {
            var table = r.GetString("Table", "new_dataframe")!;
            try
            {
                Reactive.Host.Tables.TableSchema.ValidateName(table, "table");
            }
            catch (ArgumentException ex)
            {
                r.Error("Table", Cli.ArgReader.CleanMessage(ex));
            }

            var settings = new RawTableSettings(table, r.GetNullableInt("MaxRows", 1));
            r.RejectUnknownKeys("rawtable options");
            return settings;
        }),
        new("filerows", ["directory", "socket", "sample"], r =>
        {
            var settings = new FileRowsSettings(r.GetDuration("BatchInterval", TimeSpan.FromSeconds(10)), r.GetString("Separator", ",")!);
            r.RejectUnknownKeys("filerows options");
            return settings;
        }),
    ];

    public static IEnumerable<string> Names => All.Select(k => k.Name);

    private static SpreadPipelineSettings ReadSpread(ConfigReader r)
    {
        var options = new SpreadOptions
        {
            WatermarkDelay = r.GetDuration("WatermarkDelay", TimeSpan.Zero, allowZero: true),
            IncludeLockedAndCrossed = r.GetBool("IncludeLockedAndCrossed", true),
            EmitSeconds = r.GetBool("EmitSeconds", true),
            EmitMinutes = r.GetBool("EmitMinutes", true),
            MaxPendingQuotes = r.GetInt("MaxPendingQuotes", 1_000_000, 1),
            IdleTimeout = r.Exists("IdleTimeout") ? r.GetDuration("IdleTimeout", TimeSpan.FromSeconds(5)) : null,
        };
        var settings = new SpreadPipelineSettings(new SpreadSettings(options, r.GetZone("TimeZone", "America/New_York"), r.GetBool("EmitQuotes", false)));
        r.RejectUnknownKeys("spread options");
        return settings;
    }

    private static AnomalyPipelineSettings ReadAnomaly(ConfigReader r)
    {
        var options = new AnomalyOptions
        {
            Lookback = r.GetDuration("Lookback", TimeSpan.FromDays(14)),
            MinHistory = r.GetInt("MinHistory", 14, 2, 100_000),
            StandardDeviations = r.GetDouble("StandardDeviations", 2, 1e-9, 1000),
            EmitEvaluations = r.GetBool("EmitEvaluations", false),
            MaxBaselineSize = r.GetInt("MaxBaselineSize", 1_000, 2, 10_000_000),
        };
        if (options.MaxBaselineSize < options.MinHistory)
        {
            r.Error("MaxBaselineSize", $"{options.MaxBaselineSize} is less than MinHistory ({options.MinHistory})");
        }

        var settings = new AnomalyPipelineSettings(new AnomalySettings(options, r.GetZone("TimeZone", "Etc/GMT+5")));
        r.RejectUnknownKeys("anomaly options");
        return settings;
    }

    private static AggregatePipelineSettings ReadAggregate(ConfigReader r)
    {
        var aggregates = new List<AggregateSpec>();
        foreach (var text in r.GetList("Aggregates"))
        {
            if (AggregateSpec.TryParse(text, out var spec, out var error))
            {
                aggregates.Add(spec!);
            }
            else
            {
                r.Error("Aggregates", error!);
            }
        }

        if (aggregates.Count == 0 && !r.Errors.Any(e => e.StartsWith(r.Key("Aggregates"), StringComparison.Ordinal)))
        {
            r.Error("Aggregates", "at least one aggregate is required, e.g. [\"count\", \"avg(value)\"]");
        }

        IReadOnlyList<DeclaredField>? schema = null;
        if (r.GetString("Schema") is { } schemaText)
        {
            if (DeclaredField.TryParseList(schemaText, out var declared, out var schemaError))
            {
                schema = declared;
            }
            else
            {
                r.Error("Schema", schemaError!);
            }
        }

        var settings = new AggregateSettings(
            r.GetEnum("Format", RowFormat.JsonLines),
            r.GetBool("CsvHeader", true),
            r.GetString("TimeField", required: true) ?? "time",
            r.GetString("TimeFormat", "iso")!,
            r.GetZone("TimeZone", "UTC"),
            r.GetList("GroupBy"),
            aggregates,
            r.GetDuration("Window", TimeSpan.FromMinutes(10), required: true),
            r.Exists("Slide") ? r.GetDuration("Slide", TimeSpan.FromMinutes(10)) : null,
            r.GetDuration("StartOffset", TimeSpan.Zero, allowNegative: true),
            r.GetDuration("Watermark", TimeSpan.Zero, allowZero: true),
            r.GetEnum("OutputMode", WindowOutputMode.Append),
            r.GetDuration("Trigger", TimeSpan.FromSeconds(5), allowZero: true),
            r.Exists("IdleTimeout") ? r.GetDuration("IdleTimeout", TimeSpan.FromMinutes(1)) : null,
            schema);
        if (r.Errors.Count == 0)
        {
            try
            {
                // The window operator checks its options when composed, with Spark's wording.
                _ = Compositions.Aggregate(System.Reactive.Linq.Observable.Empty<Reactive.Sources.SourceLine>(), settings, System.Reactive.Concurrency.ImmediateScheduler.Instance, new CompositionOutputs(_ => { }, _ => { }));
            }
            catch (ArgumentException ex)
            {
                var key = ex.ParamName switch
                {
                    "WindowDuration" => "Window",
                    "SlideDuration" => "Slide",
                    "StartOffset" => "StartOffset",
                    "WatermarkDelay" => "Watermark",
                    "IdleTimeout" => "IdleTimeout",
                    "TriggerInterval" => "Trigger",
                    "Schema" => "Schema",
                    _ => "Aggregates",
                };
                r.Error(key, Cli.ArgReader.CleanMessage(ex));
            }
        }

        r.RejectUnknownKeys("aggregate options");
        return new AggregatePipelineSettings(settings);
    }

    public static bool TryGet(string name, out PipelineKind kind)
    {
        kind = All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return kind is not null;
    }
}

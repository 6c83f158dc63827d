using Reactive.Host.Sinks;
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

/// <summary>How a replay source dates its lines (<c>Source:TimeFormat</c>).</summary>
internal static class ReplayTimeFormats
{
    /// <summary>The formats, for messages.</summary>
    public const string Known = "bbo, hourly, json:<field>, unix:<column>, none";

    /// <summary>The format of a pipeline kind that names none: JSON lines with a <c>timestamp</c>.</summary>
    public const string Default = "json:timestamp";

    /// <summary>The line-dating function of <paramref name="format"/>, or null when it is not a format.</summary>
    public static Func<string, DateTimeOffset?>? Resolve(string format) => format switch
    {
        "bbo" => Reactive.Sources.Replay.LineTimes.Bbo,
        "hourly" => Reactive.Sources.Replay.LineTimes.HourlyPrice,
        "none" => static _ => null,
        _ when format.StartsWith("json:", StringComparison.Ordinal) && format.Length > 5 => Reactive.Sources.Replay.LineTimes.JsonProperty(format[5..]),
        _ when format.StartsWith("unix:", StringComparison.Ordinal) && int.TryParse(format[5..], out var column) && column >= 0 => Reactive.Sources.Replay.LineTimes.UnixSecondsColumn(column),
        _ => null,
    };
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
                ReadTimeFormat(r),
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

    private static string? ReadTimeFormat(ConfigReader r)
    {
        var format = r.GetString("TimeFormat");
        if (format is not null && ReplayTimeFormats.Resolve(format) is null)
        {
            r.Error("TimeFormat", $"'{format}' is not a replay time format ({ReplayTimeFormats.Known})");
        }

        return format;
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
            "jsonl" => new FileSinkDefinition(FileSinks.FileSinkFormat.JsonLines),
            "csv" => new FileSinkDefinition(FileSinks.FileSinkFormat.Csv),
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
        if (SinkNames.TableNameError(name) is { } error)
        {
            r.Error("Table", error);
        }

        return new TableSinkDefinition(name, r.GetNullableInt("MaxRows", 1));
    }
}

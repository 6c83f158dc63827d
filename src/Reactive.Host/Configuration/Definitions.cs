using Reactive.Host.Settings;
using Reactive.Host.Sinks;
using Reactive.Sources.Directory;
using Reactive.Sources.Generators;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Replay;
using Reactive.Sources.Socket;

namespace Reactive.Host.Configuration;

/// <summary>What a pipeline reads (<c>Pipelines:&lt;name&gt;:Source</c>): a source kind and its own options type.</summary>
internal abstract record SourceDefinition(string Kind)
{
    /// <summary>Whether the source can replay what it delivered (files can, a socket cannot).</summary>
    public abstract bool CanReplay { get; }

    /// <summary>One line saying what it reads, for logs and listings.</summary>
    public abstract string Describe();
}

/// <summary>The embedded sample text, a line every <paramref name="Interval"/>.</summary>
/// <param name="Interval">The pace. The default is 500 ms.</param>
/// <param name="Count">The lines to send, or null for ever (the text repeats).</param>
internal sealed record SampleSourceDefinition(TimeSpan Interval, long? Count) : SourceDefinition("sample")
{
    public override bool CanReplay => true;

    public override string Describe() => $"embedded sample text, a line every {Interval.TotalMilliseconds} ms";
}

/// <summary>A TCP client of a line server (the course's <c>ncat -lk 9999</c>).</summary>
internal sealed record SocketSourceDefinition(SocketSourceOptions Options) : SourceDefinition("socket")
{
    public override bool CanReplay => false;

    public override string Describe() => $"socket {Options.Host}:{Options.Port} (cannot replay: lines sent while disconnected are lost)";
}

/// <summary>New files moved into a directory (Spark's <c>textFileStream</c>).</summary>
internal sealed record DirectorySourceDefinition(DirectorySourceOptions Options) : SourceDefinition("directory")
{
    public override bool CanReplay => true;

    public override string Describe() => $"directory {System.IO.Path.GetFullPath(Options.Path)} ({Options.Pattern})";
}

/// <summary>A recorded file replayed at its original pace × <c>Speed</c>, or as fast as possible.</summary>
/// <param name="Path">The file.</param>
/// <param name="TimeFormat">How its lines are dated (<see cref="ReplayTimeFormats"/>), or null for the pipeline kind's own.</param>
/// <param name="Options">Pace and line bound.</param>
internal sealed record ReplaySourceDefinition(string Path, string? TimeFormat, FileReplayOptions Options) : SourceDefinition("replay")
{
    public override bool CanReplay => true;

    public override string Describe() =>
        $"replay of {System.IO.Path.GetFullPath(Path)} {(Options.AsFastAsPossible ? "as fast as possible" : $"at {Options.Speed}x its original pace")}";
}

/// <summary>A deterministic synthetic feed in a course format, paced by its event times × <c>Speed</c>.</summary>
/// <param name="Generator">bbo, hourly or bitcoin.</param>
/// <param name="Options">The generator's options (<see cref="BboQuoteGeneratorOptions"/>, <see cref="HourlyPriceGeneratorOptions"/>, <see cref="BitcoinRateGeneratorOptions"/>).</param>
/// <param name="Pacing">Its pace.</param>
internal sealed record GeneratorSourceDefinition(string Generator, object Options, GeneratorPacing Pacing) : SourceDefinition("generator")
{
    public override bool CanReplay => true;

    public override string Describe()
    {
        var seed = Options switch
        {
            BboQuoteGeneratorOptions o => o.Seed,
            HourlyPriceGeneratorOptions o => o.Seed,
            BitcoinRateGeneratorOptions o => o.Seed,
            _ => 0,
        };
        return $"generated {Generator} data (seed {seed}) {(Pacing.AsFastAsPossible ? "as fast as possible" : $"at {Pacing.Speed}x event-time pace")}";
    }
}

/// <summary>A Kinesis stream, every shard read in parallel (Spark's Kinesis source).</summary>
/// <param name="Options">The stream, where to start, the pace and the client's region, endpoint and credentials.</param>
internal sealed record KinesisSourceDefinition(KinesisSourceOptions Options) : SourceDefinition("kinesis")
{
    public override bool CanReplay => true;

    // Never the credentials: the region or endpoint, the stream and where it starts.
    public override string Describe() =>
        $"kinesis stream {Options.Stream} at {(string.IsNullOrWhiteSpace(Options.Kinesis.ServiceUrl) ? Options.Kinesis.Region : Options.Kinesis.ServiceUrl)} (from {Options.StartingPosition}{(Options.AtTimestamp is { } t ? " " + t.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "")})";
}

/// <summary>
/// Reads <c>Pipelines:NAME:Source</c>: its <c>Kind</c>, then the source's options through a binding table into the
/// source's own options type, which holds the defaults; its <c>Validate()</c> names the key at fault.
/// </summary>
internal static class SourceDefinitions
{
    private static readonly SettingsTable<SocketSourceOptions> Socket = new SettingsTable<SocketSourceOptions>()
        .Text("Host", null, (o, v) => o.Host = v)
        .Int("Port", null, (o, v) => o.Port = v, 1, 65535)
        .Int("MaxLineLength", null, (o, v) => o.MaxLineLength = v, min: 1);

    private static readonly SettingsTable<SocketSourceOptions> Reconnect = new SettingsTable<SocketSourceOptions>()
        .Duration("InitialDelay", null, (o, v) => o.InitialDelay = v)
        .Duration("MaxDelay", null, (o, v) => o.MaxDelay = v)
        .Int("MaxRetries", null, (o, v) => o.MaxRetries = v, min: 0)
        .Double("Multiplier", null, (o, v) => o.Multiplier = v, 1.0, 100.0)
        .Double("JitterFraction", null, (o, v) => o.JitterFraction = v, 0.0, 1.0);

    private static readonly SettingsTable<DirectorySourceOptions> Directory = new SettingsTable<DirectorySourceOptions>()
        .Text("Path", null, (o, v) => o.Path = v)
        .Text("Pattern", null, (o, v) => o.Pattern = v)
        .Bool("IncludeExisting", null, (o, v) => o.IncludeExisting = v)
        .Duration("PollInterval", null, (o, v) => o.PollInterval = v)
        .Int("MaxLineLength", null, (o, v) => o.MaxLineLength = v, min: 1)
        .Bool("CreateIfMissing", null, (o, v) => o.CreateIfMissing = v)
        .Bool("UseFileSystemWatcher", null, (o, v) => o.UseFileSystemWatcher = v)
        .Text("ProcessedLogPath", null, (o, v) => o.ProcessedLogPath = v)
        .Duration("SettleInterval", null, (o, v) => o.SettleInterval = v, DurationRule.NonNegative)
        .Long("MaxFileBytes", null, (o, v) => o.MaxFileBytes = v, min: 1)
        .Bool("FollowLinks", null, (o, v) => o.FollowLinks = v);

    private static readonly SettingsTable<FileReplayOptions> Replay = new SettingsTable<FileReplayOptions>()
        .Double("Speed", null, (o, v) => o.Speed = v, 1e-6, 1e9)
        .Bool("AsFastAsPossible", null, (o, v) => o.AsFastAsPossible = v)
        .Int("MaxLineLength", null, (o, v) => o.MaxLineLength = v, min: 1);

    private static readonly SettingsTable<KinesisSourceOptions> Kinesis = new SettingsTable<KinesisSourceOptions>()
        .Text("Stream", null, (o, v) => o.Stream = v)
        .Text("StartingPosition", null, (o, v) => o.StartingPosition = v)
        .Add("AtTimestamp", null, (s, n, o) => o.AtTimestamp = ReadInstant(s, n) ?? o.AtTimestamp)
        .Duration("PollInterval", null, (o, v) => o.PollInterval = v)
        .Int("MaxRecordsPerCall", null, (o, v) => o.MaxRecordsPerCall = v, 1, KinesisSourceOptions.MaxRecordsPerCallLimit)
        .Int("MaxRecordBytes", null, (o, v) => o.MaxRecordBytes = v, 1, KinesisSourceOptions.MaxRecordBytesLimit)
        .Duration("ShardDiscoveryInterval", null, (o, v) => o.ShardDiscoveryInterval = v)
        .Duration("InitialBackoff", null, (o, v) => o.InitialBackoff = v)
        .Duration("MaxBackoff", null, (o, v) => o.MaxBackoff = v)
        .Text("Region", null, (o, v) => o.Kinesis.Region = v)
        .Text("ServiceUrl", null, (o, v) => o.Kinesis.ServiceUrl = v)
        .Text("AccessKeyId", null, (o, v) => o.Kinesis.AccessKeyId = v)
        .Text("SecretAccessKey", null, (o, v) => o.Kinesis.SecretAccessKey = v)
        .Text("SessionToken", null, (o, v) => o.Kinesis.SessionToken = v)
        .Duration("RequestTimeout", null, (o, v) => o.Kinesis.RequestTimeout = v);

    private static readonly SettingsTable<GeneratorPacing> Pacing = new SettingsTable<GeneratorPacing>()
        .Double("Speed", null, (o, v) => o.Speed = v, 1e-6, 1e9)
        .Bool("AsFastAsPossible", null, (o, v) => o.AsFastAsPossible = v);

    /// <summary>The BBO generator's settings (<c>Source</c> keys, and <c>reactive generate bbo</c>'s arguments).</summary>
    internal static readonly SettingsTable<BboQuoteGeneratorOptions> Bbo = new SettingsTable<BboQuoteGeneratorOptions>()
        .Int("Seed", "seed", (o, v) => o.Seed = v)
        .Int("Rows", "rows", (o, v) => o.Rows = v, min: 1)
        .Text("Symbol", "symbol", (o, v) => o.Symbol = v)
        .List("Symbols", "symbols", t => ((string?)t, (string?)null), (o, v) => o.Symbols = [.. v.SelectMany(x => x.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))])
        .Add("StartDate", "start-date", (s, n, o) => o.StartDate = ReadDate(s, n) ?? o.StartDate);

    /// <summary>The hourly price generator's settings.</summary>
    internal static readonly SettingsTable<HourlyPriceGeneratorOptions> Hourly = new SettingsTable<HourlyPriceGeneratorOptions>()
        .Int("Seed", "seed", (o, v) => o.Seed = v)
        .Int("Rows", "rows", (o, v) => o.Rows = v, min: 1)
        .Add("StartDate", "start-date", (s, n, o) => o.StartDate = ReadDate(s, n) ?? o.StartDate);

    /// <summary>The bitcoin rate generator's settings.</summary>
    internal static readonly SettingsTable<BitcoinRateGeneratorOptions> Bitcoin = new SettingsTable<BitcoinRateGeneratorOptions>()
        .Int("Seed", "seed", (o, v) => o.Seed = v)
        .Int("Rows", "rows", (o, v) => o.Rows = v, min: 1)
        .Add("Start", "start", (s, n, o) => o.Start = ReadStart(s, n) ?? o.Start)
        .Duration("Interval", "interval", (o, v) => o.Interval = v);

    private static DateOnly? ReadDate(ISettingSource s, SettingName n)
    {
        if (s.Text(n) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            return date;
        }

        s.Error(n, $"'{text}' is not a date yyyy-MM-dd");
        return null;
    }

    private static DateTime? ReadStart(ISettingSource s, SettingName n)
    {
        if (s.Text(n) is not { } text)
        {
            return null;
        }

        // The feed's own shape, a date alone, or with a space: never a time alone (it would be dated from the
        // machine's clock) nor an offset (converted to the machine's zone); the feed's times have no zone.
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t))
        {
            return DateTime.SpecifyKind(t, DateTimeKind.Unspecified);
        }

        s.Error(n, $"'{text}' is not a date and time such as 2021-01-04T00:00:00");
        return null;
    }

    /// <summary>The source of a pipeline whose kind reads <paramref name="allowed"/>; null (errors recorded) when there is none.</summary>
    public static SourceDefinition? Read(ConfigSettingSource s, IReadOnlyList<string> allowed)
    {
        var kind = s.Text("Kind")?.ToLowerInvariant();
        if (kind is null)
        {
            s.Error("Kind", "is required");
            return null;
        }

        if (!allowed.Contains(kind))
        {
            s.Error("Kind", $"'{kind}' is not a source this pipeline can read (allowed: {string.Join(", ", allowed)})");
            return null;
        }

        SourceDefinition? definition = kind switch
        {
            "sample" => ReadSample(s),
            "socket" => ReadSocket(s),
            "replay" => ReadReplay(s),
            "generator" => ReadGenerator(s),
            "directory" => ReadDirectory(s),
            "kinesis" => ReadKinesis(s),
            _ => null,
        };
        s.RejectUnknownKeys($"a {kind} source");
        return definition;
    }

    private static SampleSourceDefinition ReadSample(ConfigSettingSource s)
    {
        var interval = SettingsTable<object>.ReadDuration(s, new SettingName("Interval", null), DurationRule.Positive) ?? TimeSpan.FromMilliseconds(500);
        long? count = null;
        if (s.Text("Count") is { } text)
        {
            if (long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                count = n;
            }
            else
            {
                s.Error("Count", $"'{text}' is not a whole number from 0");
            }
        }

        return new SampleSourceDefinition(interval, count);
    }

    private static SocketSourceDefinition ReadSocket(ConfigSettingSource s)
    {
        var errorsBefore = s.Errors.Count;
        var options = new SocketSourceOptions();
        if (s.Text("Port") is null)
        {
            s.Error("Port", "is required");
        }

        Socket.Bind(s, options);
        var reconnect = s.Child("Reconnect");
        Reconnect.Bind(reconnect, options);
        if (options.MaxDelay < options.InitialDelay)
        {
            reconnect.Error("MaxDelay", "must not be shorter than InitialDelay");
        }

        reconnect.RejectUnknownKeys("socket reconnection");
        if (s.Errors.Count == errorsBefore)
        {
            // One Validate() for both sections: the property at fault is under Source or under Source:Reconnect.
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                if (!Reconnect.TryReport(reconnect, ex) && !Socket.TryReport(s, ex))
                {
                    s.Error(SettingsTable<SocketSourceOptions>.MessageOf(ex));
                }
            }
        }

        return new SocketSourceDefinition(options);
    }

    private static DirectorySourceDefinition ReadDirectory(ConfigSettingSource s)
    {
        // In the service a watched folder is made when missing (the course's ./incoming), unless told otherwise. Without
        // a Path it is incoming/ under Reactive:DataDirectory (PipelineCatalog sets it, knowing that directory).
        var options = new DirectorySourceOptions { CreateIfMissing = true };
        Directory.Bind(s, options);
        {
            // Validate() also makes a missing directory: the directory is checked (and made) for enabled pipelines only
            // (PipelineCatalog, then the source), so the other options are checked here on a directory that exists.
            Directory.Validate(s, () => new DirectorySourceOptions
            {
                Path = ".",
                Pattern = options.Pattern,
                PollInterval = options.PollInterval,
                MaxLineLength = options.MaxLineLength,
            }.Validate());
        }

        return new DirectorySourceDefinition(options);
    }

    private static KinesisSourceDefinition ReadKinesis(ConfigSettingSource s)
    {
        var options = new KinesisSourceOptions();
        Kinesis.Require(s, "Stream", s.Text("Stream") is not null);
        var errors = s.Errors.Count;
        Kinesis.Bind(s, options);
        if (s.Errors.Count == errors)
        {
            // One Validate() for the source's and the client's options (its messages name the key, never a secret's value).
            Kinesis.Validate(s, options.Validate);
        }

        return new KinesisSourceDefinition(options);
    }

    private static DateTimeOffset? ReadInstant(ISettingSource s, SettingName n)
    {
        if (s.Text(n) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
        {
            return t.ToUniversalTime();
        }

        s.Error(n, $"'{text}' is not a date and time such as 2021-01-04T00:00:00Z");
        return null;
    }

    private static ReplaySourceDefinition ReadReplay(ConfigSettingSource s)
    {
        var path = s.Text("Path");
        if (path is null)
        {
            s.Error("Path", "is required");
        }

        var format = s.Text("TimeFormat");
        if (format is not null && ReplayTimeFormats.Resolve(format) is null)
        {
            s.Error("TimeFormat", $"'{format}' is not a replay time format ({ReplayTimeFormats.Known})");
        }

        return new ReplaySourceDefinition(path ?? "", format, Replay.Bind(s, new FileReplayOptions()));
    }

    private static GeneratorSourceDefinition? ReadGenerator(ConfigSettingSource s)
    {
        var generator = s.Text("Generator")?.ToLowerInvariant();
        if (generator is null)
        {
            s.Error("Generator", "is required");
            return null;
        }

        var pacing = Pacing.Bind(s, new GeneratorPacing());
        switch (generator)
        {
            case "bbo":
                return new GeneratorSourceDefinition(generator, Generate(s, Bbo, new BboQuoteGeneratorOptions(), int.MaxValue, o => o.Rows = int.MaxValue, o => o.Validate()), pacing);
            case "hourly":
                return new GeneratorSourceDefinition(generator, Generate(s, Hourly, new HourlyPriceGeneratorOptions(), new HourlyPriceGeneratorOptions().MaxRows, o => o.Rows = o.MaxRows, o => o.Validate()), pacing);
            case "bitcoin":
                return new GeneratorSourceDefinition(generator, Generate(s, Bitcoin, new BitcoinRateGeneratorOptions(), new BitcoinRateGeneratorOptions().MaxRows, o => o.Rows = o.MaxRows, o => o.Validate()), pacing);
            default:
                s.Error("Generator", $"'{generator}' is not one of bbo, hourly, bitcoin");
                s.Known("Seed", "Rows", "Symbol", "Symbols", "StartDate", "Start", "Interval");
                return null;
        }
    }

    /// <summary>
    /// A generator's options: without <c>Rows</c> it runs as a live feed, as many rows as its format can date (up to
    /// year 9999); a <c>Rows</c> that does not fit is an error naming the key.
    /// </summary>
    private static T Generate<T>(ConfigSettingSource s, SettingsTable<T> table, T options, long maxRows, Action<T> live, Action<T> validate)
    {
        var rows = s.Text("Rows");
        table.Bind(s, options);
        if (rows is null)
        {
            live(options);
        }
        else if (long.TryParse(rows, out var n) && n > maxRows)
        {
            s.Error("Rows", $"{n} rows do not fit before the end of year 9999 (at most {maxRows} for {s.Text("Generator")})");
            return options;
        }

        table.Validate(s, () => validate(options));
        return options;
    }
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

/// <summary>Reads <c>Pipelines:NAME:Sinks:i</c>.</summary>
internal static class SinkDefinitions
{
    public static SinkDefinition? Read(ConfigSettingSource s)
    {
        var kind = s.Text("Kind")?.ToLowerInvariant();
        SinkDefinition? sink = kind switch
        {
            null => null,
            "console" => SettingsTable<SinkDefinition>.ReadInt(s, new SettingName("Rows", null), 1, 10_000) is { } rows ? new ConsoleSinkDefinition(rows) : new ConsoleSinkDefinition(),
            "table" => ReadTable(s),
            "jsonl" => new FileSinkDefinition(FileSinks.FileSinkFormat.JsonLines),
            "csv" => new FileSinkDefinition(FileSinks.FileSinkFormat.Csv),
            _ => null,
        };
        if (kind is null)
        {
            s.Error("Kind", "is required");
            return null;
        }

        if (sink is null)
        {
            s.Error("Kind", $"unknown sink kind '{kind}' (known: console, table, jsonl, csv)");
            return null;
        }

        s.RejectUnknownKeys($"a {kind} sink");
        return sink;
    }

    private static TableSinkDefinition ReadTable(ConfigSettingSource s)
    {
        var name = s.Text("Table");
        if (name is null)
        {
            s.Error("Table", "is required");
        }
        else if (SinkNames.TableNameError(name) is { } error)
        {
            s.Error("Table", error);
        }

        return new TableSinkDefinition(name ?? "results", SettingsTable<SinkDefinition>.ReadInt(s, new SettingName("MaxRows", null), 1));
    }
}

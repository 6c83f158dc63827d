using Reactive.Operators.WordCount;

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

internal sealed record ConsoleSinkDefinition(int Rows = 10) : SinkDefinition("console");

internal static class SinkDefinitions
{
    public static SinkDefinition? Read(ConfigReader r)
    {
        var kind = r.GetString("Kind", required: true)?.ToLowerInvariant();
        SinkDefinition? sink = kind switch
        {
            null => null,
            "console" => new ConsoleSinkDefinition(r.GetInt("Rows", 10, 1, 10_000)),
            _ => null,
        };
        if (kind is not null && sink is null)
        {
            r.Error("Kind", $"unknown sink kind '{kind}' (known: console)");
            return null;
        }

        r.RejectUnknownKeys($"a {kind} sink");
        return sink;
    }
}

/// <summary>Settings specific to a pipeline kind (<c>Pipelines:&lt;name&gt;:Options</c>).</summary>
internal abstract record PipelineSettings;

internal sealed record WordCountSettings(WordCountOptions Options) : PipelineSettings;

internal sealed record FileRowsSettings(TimeSpan BatchInterval, string Separator) : PipelineSettings;

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
        new("filerows", ["directory", "socket", "sample"], r =>
        {
            var settings = new FileRowsSettings(r.GetDuration("BatchInterval", TimeSpan.FromSeconds(10)), r.GetString("Separator", ",")!);
            r.RejectUnknownKeys("filerows options");
            return settings;
        }),
    ];

    public static IEnumerable<string> Names => All.Select(k => k.Name);

    public static bool TryGet(string name, out PipelineKind kind)
    {
        kind = All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return kind is not null;
    }
}

using Microsoft.Extensions.Configuration;
using Reactive.Host.Kinds;
using Reactive.Host.Settings;
using Reactive.Host.Sinks;

namespace Reactive.Host.Configuration;

/// <summary>Settings of the service as a whole (section <c>Reactive</c>).</summary>
internal sealed class HostSettings
{
    /// <summary>The binding table of the <c>Reactive</c> section (<c>Restart</c> has its own).</summary>
    internal static readonly SettingsTable<HostSettings> Table = new SettingsTable<HostSettings>()
        .Add("TimeZone", null, (s, n, o) =>
        {
            // Validated here; kept as an id so that "local" is resolved through the TimeProvider.
            if (SettingsTable<HostSettings>.ReadZone(s, n) is not null)
            {
                o.TimeZoneId = s.Text(n);
            }
        })
        .Duration("ShutdownTimeout", null, (o, v) => o.ShutdownTimeout = v)
        .Text("StateDirectory", null, (o, v) => o.StateDirectory = v)
        .Text("DataDirectory", null, (o, v) => o.DataDirectory = v);

    /// <summary>The binding table of <c>Reactive:Restart</c>.</summary>
    internal static readonly SettingsTable<HostSettings> RestartTable = new SettingsTable<HostSettings>()
        .Duration("InitialDelay", null, (o, v) => o.RestartInitialDelay = v)
        .Duration("MaxDelay", null, (o, v) => o.RestartMaxDelay = v);

    /// <summary>The zone results are shown in (<c>Reactive:TimeZone</c>), an IANA id or <c>local</c>.</summary>
    /// <value>The default is null: the machine's zone.</value>
    public string? TimeZoneId { get; set; }

    /// <summary>The first wait before a failed pipeline restarts (<c>Reactive:Restart:InitialDelay</c>).</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RestartInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts (<c>Reactive:Restart:MaxDelay</c>).</summary>
    /// <value>The default is 1 minute.</value>
    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long pipelines get to flush on Ctrl+C or SIGTERM (<c>Reactive:ShutdownTimeout</c>).</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where checkpoints live (<c>Reactive:StateDirectory</c>): one directory per pipeline whose source can replay,
    /// and the durable tables of those pipelines. Null: no checkpoints (a restart starts each pipeline afresh).
    /// </summary>
    /// <value>The default is null.</value>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// Where the service keeps its files (<c>Reactive:DataDirectory</c>), relative to the working directory: the folder the
    /// directory source watches by default (<c>incoming/</c>) and the service's run state (<c>state/</c>: which instance runs
    /// where, read by <c>reactive sql</c>).
    /// </summary>
    /// <value>The default is <c>data</c>.</value>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where the running service says who and where it is: <see cref="StateDirectory"/> when set, else <c>DataDirectory/state</c>.</summary>
    public string RunStateDirectory => StateDirectory ?? Path.Combine(DataDirectory, "state");

    public TimeZoneInfo ResolveTimeZone(TimeProvider time) =>
        TimeZoneId is null or "local" ? time.LocalTimeZone : TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
}

/// <summary>One configured pipeline: <c>Pipelines:&lt;name&gt;</c>.</summary>
/// <param name="Name">The pipeline's name (the section's key).</param>
/// <param name="Kind">What it computes.</param>
/// <param name="Enabled">Whether the service runs it.</param>
/// <param name="Source">What it reads.</param>
/// <param name="Options">Its kind's options, bound and validated (<c>Options</c>).</param>
/// <param name="Sinks">Where its results go.</param>
/// <param name="Description">A line for listings.</param>
internal sealed record PipelineDefinition(
    string Name,
    IPipelineKind Kind,
    bool Enabled,
    SourceDefinition Source,
    object Options,
    IReadOnlyList<SinkDefinition> Sinks,
    string? Description)
{
    /// <summary>
    /// How long the pipeline may read no line while running before <c>/healthz</c> says Degraded
    /// (<c>Pipelines:NAME:StallTimeout</c>). Null: no stall check.
    /// </summary>
    /// <value>The default is none: a quiet source is not a stuck one (the course's socket feeds are typed by hand, a
    /// directory waits for files); set it for a feed that is never quiet for that long. <c>0 seconds</c> is none too.</value>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>
    /// Whether the pipeline keeps a checkpoint under <c>Reactive:StateDirectory</c> (<c>Pipelines:NAME:Checkpoint</c>);
    /// only a pipeline whose kind has state and whose source can replay does.
    /// </summary>
    /// <value>The default is true.</value>
    public bool Checkpoint { get; init; } = true;

    /// <summary>
    /// The batch length of a checkpointed per-row pipeline (spread, anomaly: <c>Pipelines:NAME:CheckpointInterval</c>):
    /// its state and the source position it covers are checkpointed together at this interval. A micro-batch kind
    /// (aggregate) checkpoints each batch (its trigger).
    /// </summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most lines in one micro-batch (<c>Pipelines:NAME:MaxRowsPerBatch</c>, Spark's <c>maxOffsetsPerTrigger</c>):
    /// a batch that reaches it is cut before its trigger interval ends; 1 makes each line its own batch.
    /// </summary>
    /// <value>The default is 100 000.</value>
    public int MaxRowsPerBatch { get; init; } = 100_000;
}

/// <summary>The complete, validated configuration.</summary>
internal sealed record Catalog(HostSettings Host, IReadOnlyList<PipelineDefinition> Pipelines)
{
    public IEnumerable<PipelineDefinition> Enabled => Pipelines.Where(p => p.Enabled);
}

/// <summary>
/// Reads <c>Reactive</c> and <c>Pipelines</c> from configuration and validates every key, so that
/// a bad configuration stops the service at start with messages that name the keys.
/// </summary>
internal static class PipelineCatalog
{
    public const string SelectionKey = "pipelines";

    /// <summary>The folder a directory source without a <c>Path</c> watches, under <c>Reactive:DataDirectory</c>.</summary>
    public const string DefaultIncoming = "incoming";

    public static Catalog Load(IConfiguration configuration, out List<string> errors)
    {
        errors = [];
        ConfigurationSections.Check(configuration, errors);
        var host = ReadHost(new ConfigSettingSource(configuration.GetSection("Reactive"), errors));
        var pipelines = new List<PipelineDefinition>();
        foreach (var section in configuration.GetSection("Pipelines").GetChildren())
        {
            var definition = ReadPipeline(new ConfigSettingSource(section, errors), section.Key);
            if (definition is not null)
            {
                pipelines.Add(definition);
            }
        }

        // A directory source without a Path watches incoming/ in the data directory.
        foreach (var p in pipelines)
        {
            if (p.Source is DirectorySourceDefinition { Options: { Path.Length: 0 } options })
            {
                options.Path = Path.Combine(host.DataDirectory, DefaultIncoming);
            }
        }

        var selection = configuration[SelectionKey];
        if (selection is not null)
        {
            var names = selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // A configured pipeline whose section has errors (a bad Kind) is named by those errors, not as missing.
            var configured = configuration.GetSection("Pipelines").GetChildren().Select(c => c.Key).ToList();
            var unknown = names.Where(n => !configured.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            if (names.Length == 0)
            {
                errors.Add("--pipelines: names no pipeline (give a comma-separated list of names from --list-pipelines)");
            }

            foreach (var name in unknown)
            {
                errors.Add($"--pipelines: no pipeline named '{name}' is configured (configured: {string.Join(", ", configured)}){Suggestions.Nearest(name, configured)}");
            }

            pipelines = [.. pipelines.Select(p => p with { Enabled = names.Contains(p.Name, StringComparer.OrdinalIgnoreCase) })];
        }

        // What can only be checked against the machine, for the pipelines that will run.
        foreach (var p in pipelines.Where(p => p.Enabled))
        {
            if (p.Source is DirectorySourceDefinition { Options: { CreateIfMissing: false } d } && !Directory.Exists(d.Path))
            {
                errors.Add($"Pipelines:{p.Name}:Source:Path: the directory '{Path.GetFullPath(d.Path)}' does not exist (create it, or set CreateIfMissing to true)");
            }

            if (p.Source is ReplaySourceDefinition r && !File.Exists(r.Path))
            {
                errors.Add($"Pipelines:{p.Name}:Source:Path: the file '{Path.GetFullPath(r.Path)}' does not exist");
            }
        }

        TableWriterErrors(pipelines.Where(p => p.Enabled), errors);
        return new Catalog(host, pipelines);
    }

    /// <summary>
    /// A memory table has one writer: two enabled pipelines (or two sinks of one) naming the same table would fight over
    /// its columns, output mode and checkpointed rows, so the second is refused at start, naming its key and the first.
    /// </summary>
    private static void TableWriterErrors(IEnumerable<PipelineDefinition> enabled, List<string> errors)
    {
        var writers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in enabled)
        {
            for (var i = 0; i < p.Sinks.Count; i++)
            {
                if (p.Sinks[i] is not TableSinkDefinition { Table: var table })
                {
                    continue;
                }

                // A kind that takes no sinks (rawtable) names its table in its options.
                var key = $"Pipelines:{p.Name}:" + (p.Kind.Sinks.Count == 0 ? "Options:Table" : $"Sinks:{i}:Table");
                if (writers.TryGetValue(table, out var first))
                {
                    errors.Add($"{key}: table '{table}' is written already by {first}; a table has one writer pipeline: give this one another table name (query both together with UNION ALL in SQL)");
                }
                else
                {
                    writers[table] = key;
                }
            }
        }
    }

    private static HostSettings ReadHost(ConfigSettingSource s)
    {
        var settings = HostSettings.Table.Bind(s, new HostSettings());
        var restart = s.Child("Restart");
        HostSettings.RestartTable.Bind(restart, settings);
        if (settings.RestartMaxDelay < settings.RestartInitialDelay)
        {
            restart.Error("MaxDelay", "must not be shorter than InitialDelay");
        }

        restart.RejectUnknownKeys("Reactive:Restart");
        s.RejectUnknownKeys("the Reactive section");
        return settings;
    }

    private static PipelineDefinition? ReadPipeline(ConfigSettingSource r, string name)
    {
        var kindText = r.Text("Kind");
        var enabled = true;
        if (r.Text("Enabled") is { } enabledText && !bool.TryParse(enabledText, out enabled))
        {
            r.Error("Enabled", $"'{enabledText}' is not true or false");
        }

        var description = r.Text("Description");
        var checkpoint = true;
        if (r.Text("Checkpoint") is { } checkpointText && !bool.TryParse(checkpointText, out checkpoint))
        {
            r.Error("Checkpoint", $"'{checkpointText}' is not true or false");
        }

        var checkpointInterval = SettingsTable<object>.ReadDuration(r, new SettingName("CheckpointInterval", null), DurationRule.Positive);
        var maxRowsPerBatch = SettingsTable<object>.ReadInt(r, new SettingName("MaxRowsPerBatch", null), 1);
        var stallTimeout = SettingsTable<object>.ReadDuration(r, new SettingName("StallTimeout", null), DurationRule.NonNegative);
        if (kindText is null)
        {
            r.Error("Kind", "is required");
            return null;
        }

        if (PipelineKinds.Find(kindText) is not { } kind)
        {
            r.Error("Kind", $"unknown pipeline kind '{kindText}' (known kinds: {string.Join(", ", PipelineKinds.Names)})");
            return null;
        }

        if (!r.Exists("Source"))
        {
            r.Error("Source", $"is required: a {kind.Name} pipeline reads from one of: {string.Join(", ", kind.Sources)}");
            return null;
        }

        var source = SourceDefinitions.Read(r.Child("Source"), kind.Sources);
        var optionsSection = r.Child("Options");
        var options = kind.Bind(optionsSection);
        optionsSection.RejectUnknownKeys($"{kind.Name} options");
        var configured = r.Exists("Sinks");
        List<SinkDefinition> sinks = configured
            ? [.. r.Children("Sinks").Select(SinkDefinitions.Read).OfType<SinkDefinition>()]
            : [.. kind.DefaultSinks(options)];
        for (var i = 0; configured && i < sinks.Count; i++)
        {
            if (!kind.Sinks.Contains(sinks[i].Kind == "file" ? "jsonl" : sinks[i].Kind))
            {
                r.Error($"Sinks:{i}:Kind", kind.Sinks.Count == 0
                    ? $"a {kind.Name} pipeline writes only where its options say; it takes no sinks"
                    : $"a {kind.Name} pipeline writes only to: {string.Join(", ", kind.Sinks)} (for lines in a table, use a rawtable pipeline)");
            }
        }

        r.RejectUnknownKeys($"a pipeline");
        return source is null ? null : new PipelineDefinition(name, kind, enabled, source, options, sinks, description)
        {
            StallTimeout = stallTimeout > TimeSpan.Zero ? stallTimeout : null,
            Checkpoint = checkpoint,
            CheckpointInterval = checkpointInterval ?? TimeSpan.FromSeconds(10),
            MaxRowsPerBatch = maxRowsPerBatch ?? 100_000,
        };
    }
}

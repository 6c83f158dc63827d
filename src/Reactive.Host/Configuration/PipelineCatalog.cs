using Microsoft.Extensions.Configuration;
using Reactive.Host.Kinds;
using Reactive.Host.Sinks;

namespace Reactive.Host.Configuration;

/// <summary>Settings of the service as a whole (section <c>Reactive</c>).</summary>
internal sealed record HostSettings(
    string? TimeZoneId,
    TimeSpan RestartInitialDelay,
    TimeSpan RestartMaxDelay,
    TimeSpan ShutdownTimeout,
    string StateDirectory)
{
    public static readonly HostSettings Default = new(null, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), "state");

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
    string? Description);

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

    public static Catalog Load(IConfiguration configuration, out List<string> errors)
    {
        errors = [];
        var host = ReadHost(new ConfigReader(configuration.GetSection("Reactive"), errors));
        var pipelines = new List<PipelineDefinition>();
        foreach (var section in configuration.GetSection("Pipelines").GetChildren())
        {
            var definition = ReadPipeline(new ConfigReader(section, errors), section.Key);
            if (definition is not null)
            {
                pipelines.Add(definition);
            }
        }

        var selection = configuration[SelectionKey];
        if (selection is not null)
        {
            var names = selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var unknown = names.Where(n => !pipelines.Any(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
            if (names.Length == 0)
            {
                errors.Add("--pipelines: names no pipeline (give a comma-separated list of names from --list-pipelines)");
            }

            foreach (var name in unknown)
            {
                errors.Add($"--pipelines: no pipeline named '{name}' is configured (configured: {string.Join(", ", pipelines.Select(p => p.Name))})");
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

        return new Catalog(host, pipelines);
    }

    private static HostSettings ReadHost(ConfigReader r)
    {
        var d = HostSettings.Default;
        // Validated here; kept as an id so that "local" is resolved through the TimeProvider.
        _ = r.GetZone("TimeZone", "local");
        var zone = r.GetString("TimeZone");

        var restart = r.Child("Restart");
        var initial = restart.GetDuration("InitialDelay", d.RestartInitialDelay);
        var max = restart.GetDuration("MaxDelay", d.RestartMaxDelay);
        if (max < initial)
        {
            restart.Error("MaxDelay", "must not be shorter than InitialDelay");
        }

        restart.RejectUnknownKeys("Reactive:Restart");
        var settings = new HostSettings(
            zone,
            initial,
            max,
            r.GetDuration("ShutdownTimeout", d.ShutdownTimeout),
            r.GetString("StateDirectory", d.StateDirectory)!);
        r.RejectUnknownKeys("the Reactive section");
        return settings;
    }

    private static PipelineDefinition? ReadPipeline(ConfigReader r, string name)
    {
        var kindText = r.GetString("Kind", required: true);
        var enabled = r.GetBool("Enabled", true);
        var description = r.GetString("Description");
        if (kindText is null)
        {
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

        var source = SourceDefinitions.Read(r.Settings("Source"), kind.Sources);
        var optionsSection = r.Settings("Options");
        var options = kind.Bind(optionsSection);
        optionsSection.RejectUnknownKeys($"{kind.Name} options");
        List<SinkDefinition> sinks = r.Exists("Sinks")
            ? [.. r.Children("Sinks").Select(SinkDefinitions.Read).OfType<SinkDefinition>()]
            : [.. kind.DefaultSinks(options)];
        for (var i = 0; r.Exists("Sinks") && i < sinks.Count; i++)
        {
            if (!kind.Sinks.Contains(sinks[i].Kind == "file" ? "jsonl" : sinks[i].Kind))
            {
                r.Error($"Sinks:{i}:Kind", kind.Sinks.Count == 0
                    ? $"a {kind.Name} pipeline writes only where its options say; it takes no sinks"
                    : $"a {kind.Name} pipeline writes only to: {string.Join(", ", kind.Sinks)} (for lines in a table, use a rawtable pipeline)");
            }
        }

        r.RejectUnknownKeys($"a pipeline");
        return source is null ? null : new PipelineDefinition(name, kind, enabled, source, options, sinks, description);
    }
}

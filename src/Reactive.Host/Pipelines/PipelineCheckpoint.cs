using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reactive.Host.Analytics;
using Reactive.Host.Checkpoints;

namespace Reactive.Host.Pipelines;

/// <summary>
/// A pipeline's checkpoint (<c>Reactive:StateDirectory/NAME</c>), as the runner uses it: what to restore and where to
/// resume at start, then the planned range of each batch before it runs and its state and commit after it.
/// </summary>
internal sealed class PipelineCheckpoint : IDisposable
{
    private readonly CheckpointDirectory _store;
    private readonly PipelineRunContext _ctx;
    private long _lastCommitted = -1;

    private PipelineCheckpoint(PipelineRunContext ctx, CheckpointDirectory store, string directory)
    {
        _ctx = ctx;
        _store = store;
        Directory = directory;
    }

    /// <summary>The checkpoint's directory.</summary>
    public string Directory { get; }

    /// <summary>The source's own files (a directory source's processed log), as Spark's <c>sources/0</c>.</summary>
    public string SourceDirectory => Path.Combine(Directory, "sources", "0");

    /// <summary>The operator state of the last committed batch, or null for a fresh start.</summary>
    public JsonElement? RestoredState { get; private set; }

    /// <summary>The id of the next batch (the one after the last committed).</summary>
    public long NextBatchId { get; private set; }

    /// <summary>Where the source resumes: after the last committed batch's range.</summary>
    public SourcePosition ResumeAt { get; private set; } = SourcePosition.Start;

    /// <summary>The batches planned after it, re-run first over exactly their ranges.</summary>
    public IReadOnlyList<PlannedBatch> Reruns { get; private set; } = [];

    /// <summary>The tables' marks at the last commit (what they held then), or null for a fresh start.</summary>
    public IReadOnlyDictionary<string, long>? TableMarks { get; private set; }

    /// <summary>The checkpoint directory of pipeline <paramref name="name"/> under <paramref name="stateDirectory"/>.</summary>
    public static string DirectoryOf(string stateDirectory, string name) => Path.Combine(Path.GetFullPath(stateDirectory), name);

    /// <summary>
    /// Opens the pipeline's checkpoint and reads what to restore, or returns null when it has none (no state
    /// directory, a kind without state, a source that cannot replay, <c>Checkpoint: false</c>).
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint is damaged beyond what a fallback can repair, or was written by other options; the message names the directory and what to do.</exception>
    public static PipelineCheckpoint? Open(PipelineRunContext ctx)
    {
        var definition = ctx.Definition;
        if (ctx.Host.StateDirectory is not { } state || !definition.Checkpoint || !definition.Kind.Checkpoints || !LineSources.CanReplay(definition.Source))
        {
            return null;
        }

        var directory = DirectoryOf(state, definition.Name);
        var store = CheckpointDirectory.Open(directory, new CheckpointMetadata(definition.Name, definition.Kind.Name, Fingerprint(definition)), new CheckpointOptions(RetainBatches: RetainedBatches, Time: ctx.Time));
        var checkpoint = new PipelineCheckpoint(ctx, store, directory);
        checkpoint.Recover();
        ctx.Progress.Checkpoint = directory;
        return checkpoint;
    }

    private void Recover()
    {
        var plan = _store.Recover();
        foreach (var warning in plan.Warnings)
        {
            Log.CheckpointWarning(_ctx.Logger, _ctx.Name, Directory, warning);
        }

        if (plan.Restore is { } restore)
        {
            RestoredState = restore.State;
            NextBatchId = restore.BatchId + 1;
            _lastCommitted = restore.BatchId;
            ResumeAt = ReadRange(restore.Offsets).End;
            TableMarks = ReadMarks(restore.Commit);
        }

        Reruns = [.. plan.Reruns.Select(r =>
        {
            var (start, end) = ReadRange(r.Offsets);
            return new PlannedBatch(r.BatchId, start, end);
        })];
        Log.CheckpointRecovered(_ctx.Logger, _ctx.Name, Directory, plan.Restore is null
            ? Reruns.Count == 0 ? "no batch committed yet: starting from the beginning of the input" : $"no batch committed yet: re-running {Reruns.Count} planned batch(es) from the beginning"
            : $"restored batch {plan.Restore.BatchId}; resuming after {ResumeAt}" + (Reruns.Count == 0 ? "" : $"; re-running planned batch(es) {string.Join(", ", Reruns.Select(r => r.Id))} over exactly their ranges"));
    }

    /// <summary>Logs batch <paramref name="id"/>'s planned range before it runs (Spark's offsets log).</summary>
    public void Planned(long id, SourcePosition start, SourcePosition end)
    {
        if (Reruns.Count > 0 && id <= Reruns[^1].Id)
        {
            // A batch planned before the restart, run again over its logged range: its offsets are already written.
            return;
        }

        var range = new JsonObject { ["start"] = Position(start), ["end"] = Position(end) };
        _store.WriteOffsets(id, range);
    }

    /// <summary>Writes batch <paramref name="id"/>'s state, then its commit entry (the sinks already hold its results).</summary>
    public void Committed(long id, JsonElement? state, IReadOnlyDictionary<string, long> tableMarks, int rows)
    {
        // The snapshot's own UTF-8 text, without a copy.
        _store.WriteState(id, state is { } s ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(s) : "{}"u8);
        var marks = new JsonObject();
        foreach (var (table, mark) in tableMarks)
        {
            marks[table] = mark;
        }

        _store.WriteCommit(id, new JsonObject { ["rows"] = rows, ["tables"] = marks });
        _lastCommitted = id;
    }

    /// <summary>Committed batches whose files are kept (older ones are deleted; a damaged newest one falls back to these).</summary>
    public const int RetainedBatches = 20;

    public void Dispose() => _store.Dispose();

    private static JsonObject Position(SourcePosition p)
    {
        var node = new JsonObject { ["origin"] = p.Origin, ["line"] = p.Line, ["offset"] = p.Offset };
        if (p.Partitions is { } partitions)
        {
            // Sequence numbers as strings: they are integers of up to 128 digits.
            var map = new JsonObject();
            foreach (var (partition, sequence) in partitions.Map)
            {
                map[partition] = sequence;
            }

            node["partitions"] = map;
        }

        return node;
    }

    private static (SourcePosition Start, SourcePosition End) ReadRange(JsonNode? offsets)
    {
        static SourcePosition Read(JsonNode? node) => node is JsonObject o
            ? new SourcePosition((string?)o["origin"] ?? string.Empty, (long?)o["line"] ?? 0, (long?)o["offset"] ?? 0)
            {
                Partitions = o["partitions"] is JsonObject map
                    ? PartitionOffsets.Of(map.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value ?? "0")))
                    : null,
            }
            : SourcePosition.Start;
        return (Read(offsets?["start"]), Read(offsets?["end"]));
    }

    private static Dictionary<string, long> ReadMarks(JsonNode? commit)
    {
        var marks = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        if (commit?["tables"] is JsonObject tables)
        {
            foreach (var (name, value) in tables)
            {
                if (value is not null)
                {
                    marks[name] = (long)value;
                }
            }
        }

        return marks;
    }

    /// <summary>
    /// What the saved state depends on: the kind, the source and the options that shape the state (windows, keys,
    /// aggregates, modes); not those a restart may change, as in Spark (the trigger, idle timeouts, bounds).
    /// </summary>
    internal static string Fingerprint(Configuration.PipelineDefinition definition)
    {
        var text = new StringBuilder();
        // The source is identified by what it gives (the file, the directory and pattern, the generator and its seed),
        // not by its pace.
        text.Append("kind=").Append(definition.Kind.Name);
        switch (definition.Source)
        {
            case Configuration.ReplaySourceDefinition replay:
                text.Append(";source=replay ").Append(Path.GetFullPath(replay.Path));
                break;
            case Configuration.DirectorySourceDefinition directory:
                text.Append(";source=directory ").Append(Path.GetFullPath(directory.Options.Path)).Append(' ').Append(directory.Options.Pattern);
                break;
            case Configuration.GeneratorSourceDefinition generator:
                text.Append(";source=generator ").Append(generator.Generator).Append('{');
                Describe(generator.Options, text, 0);
                text.Append('}');
                break;
            case Configuration.KinesisSourceDefinition kinesis:
                // The stream, not where it is reached from (an endpoint or region may move) nor where a fresh start begins.
                text.Append(";source=kinesis ").Append(kinesis.Options.Stream);
                break;
            default:
                text.Append(";source=").Append(definition.Source.Kind);
                break;
        }

        Describe(definition.Options, text, 0);
        return text.ToString();
    }

    private static readonly HashSet<string> RestartMayChange = new(StringComparer.Ordinal)
    {
        "Trigger", "TriggerInterval", "IdleTimeout", "NoDataBatches", "AtEnd", "Scheduler", "Stats", "State", "Rejected", "StartRow",

        // A name of the results, not of the state (and so a checkpoint from before aliases existed still fits).
        "WindowAlias",
    };

    private static void Describe(object? value, StringBuilder text, int depth)
    {
        if (depth > 3 || value is null)
        {
            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.GetIndexParameters().Length > 0 || RestartMayChange.Contains(property.Name) || property.Name.StartsWith("Max", StringComparison.Ordinal))
            {
                continue;
            }

            var v = property.GetValue(value);
            text.Append(';').Append(property.Name).Append('=');
            switch (v)
            {
                case null:
                    break;
                case string or bool or Enum or TimeSpan or DateTime:
                    text.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
                    break;
                case IFormattable f:
                    text.Append(f.ToString(null, CultureInfo.InvariantCulture));
                    break;
                case TimeZoneInfo zone:
                    text.Append(zone.Id);
                    break;
                case IEnumerable items:
                    // An aggregate's alias names its column only: the state is the function and the field.
                    text.Append('[').AppendJoin(',', items.Cast<object?>().Select(i => i is Reactive.Operators.Windows.AggregateSpec a ? a.SparkName : Convert.ToString(i, CultureInfo.InvariantCulture))).Append(']');
                    break;
                case Delegate:
                    break;
                default:
                    text.Append('{');
                    Describe(v, text, depth + 1);
                    text.Append('}');
                    break;
            }
        }
    }
}

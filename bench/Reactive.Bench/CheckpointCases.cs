using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Reactive.Host.Analytics;
using Reactive.Host.Configuration;
using Reactive.Host.Kinds;
using Reactive.Host.Pipelines;
using Reactive.Host.Progress;
using Reactive.Operators.EventTime;
using Reactive.Operators.Windows;

namespace Reactive.Bench;

/// <summary>A generated row: its event time, group key and value.</summary>
internal readonly record struct KeyedRow(long Ticks, GroupKey Key, double Value);

/// <summary>One configuration: <paramref name="BatchRows"/> rows per micro-batch, <paramref name="Keys"/> group keys, <paramref name="Batches"/> batches per run.</summary>
internal sealed record CheckpointConfig(int BatchRows, int Keys, int Batches)
{
    public long Rows => (long)BatchRows * Batches;

    /// <summary>The keys, made once: the operator is measured, not the key parsing of the aggregate kind.</summary>
    public GroupKey[] KeyPool { get; } = [.. Enumerable.Range(0, Keys).Select(k => new GroupKey([$"key{k:D5}"]))];
}

/// <summary>What the window operator emitted in one run, folded in order (the same updates give the same figures bit for bit).</summary>
internal sealed class WindowChecksum : IEquatable<WindowChecksum>
{
    private const ulong Prime = 0x100000001B3UL;

    public long Updates { get; private set; }

    public long NoDataUpdates { get; private set; }

    public long ResultRows { get; private set; }

    public ulong Hash { get; private set; } = 0xCBF29CE484222325UL;

    public void Add(WindowUpdate<GroupKey> update)
    {
        Updates++;
        NoDataUpdates += update.IsNoDataBatch ? 1 : 0;
        var h = (Hash ^ (ulong)update.BatchId) * Prime;
        h = (h ^ (ulong)update.WatermarkTicks) * Prime;
        foreach (var row in update.Rows)
        {
            ResultRows++;
            h = (h ^ (ulong)row.WindowStartTicks) * Prime;
            foreach (var part in row.Key.Values)
            {
                // Not GetHashCode: string hashes are randomised per process, and the printed hash should not be.
                foreach (var c in part ?? "\0")
                {
                    h = (h ^ c) * Prime;
                }
            }

            foreach (var value in row.Values)
            {
                h = (h ^ (ulong)BitConverter.DoubleToInt64Bits(value ?? double.NaN)) * Prime;
            }
        }

        Hash = h;
    }

    public bool Equals(WindowChecksum? other) =>
        other is not null && Updates == other.Updates && NoDataUpdates == other.NoDataUpdates && ResultRows == other.ResultRows && Hash == other.Hash;

    public override bool Equals(object? obj) => Equals(obj as WindowChecksum);

    public override int GetHashCode() => Hash.GetHashCode();

    public override string ToString() => $"{Updates} updates ({NoDataUpdates} no-data), {ResultRows} result rows, hash {Hash:X16}";
}

/// <summary>
/// Issue 11's benchmark: the aggregate's micro-batch path (<c>WindowByEventTime</c> over batches) with and without
/// what the service does to checkpoint each batch, through the service's own <see cref="PipelineCheckpoint"/> on a
/// real directory: the planned range before the batch (offsets file), then the operator's snapshot serialised as the
/// aggregate kind does (<see cref="KindState.Snapshot"/>), its state file, its commit file and the retention sweep.
/// </summary>
/// <remarks>
/// Rows: batch i covers event seconds [i, i + 1), its rows evenly spaced, key = row number mod K. Query: 10-second
/// tumbling windows, watermark 5 seconds, append mode, count, avg and max of the value, the service's defaults
/// otherwise (no-data batches on). So every batch moves the watermark and is followed by a no-data batch, which the
/// service checkpoints too: two checkpoints per batch. From batch 15 on the first window has been evicted and the
/// state holds 0.5 to 1.5 windows of rows (up to K keys each): the steady state the checkpoint figures are taken in.
/// </remarks>
internal static class CheckpointCases
{
    /// <summary>The first data batch whose checkpoint counts as steady state (the first window was evicted).</summary>
    public const int SteadyFromBatch = 15;

    private const string Pipeline = "bench";
    private static readonly long Start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    private static readonly Lazy<PipelineDefinition> Definition = new(LoadDefinition);

    /// <summary>The query's options; <paramref name="state"/> as the aggregate kind gives it when checkpointed.</summary>
    public static EventTimeWindowOptions<KeyedRow, GroupKey> Options(StateHandle<WindowState<GroupKey>>? state)
    {
        var options = new EventTimeWindowOptions<KeyedRow, GroupKey>
        {
            EventTime = static r => r.Ticks,
            KeySelector = static r => r.Key,
            WindowDuration = TimeSpan.FromSeconds(10),
            WatermarkDelay = TimeSpan.FromSeconds(5),
            OutputMode = WindowOutputMode.Append,

            // As the aggregate kind: every batch runs; a stopped run keeps its open windows (so the last checkpoint has them).
            RunEmptyBatches = true,
            AtEnd = EndOfInput.Keep,
            Scheduler = ImmediateScheduler.Instance,
            State = state,
        };
        options.Aggregates.Add(WindowAggregate<KeyedRow>.Count());
        options.Aggregates.Add(WindowAggregate<KeyedRow>.Of(AggregateKind.Avg, "value", static r => r.Value));
        options.Aggregates.Add(WindowAggregate<KeyedRow>.Of(AggregateKind.Max, "value", static r => r.Value));
        return options;
    }

    /// <summary>One run of all batches; with <paramref name="checkpoint"/>, each batch is checkpointed as the service does.</summary>
    public static WindowChecksum Run(CheckpointConfig config, CheckpointedRun? checkpoint)
    {
        var sum = new WindowChecksum();
        var batches = new GeneratedBatches(config, 0, config.Batches, checkpoint is null ? null : checkpoint.Starting);
        using var subscription = batches.WindowByEventTime(Options(checkpoint?.Handle)).Subscribe(
            update =>
            {
                // The service's order: the sinks take the batch's rows, then its state and commit are written.
                sum.Add(update);
                checkpoint?.Ended(update);
            },
            static error => ExceptionDispatchInfo.Throw(error));
        return sum;
    }

    /// <summary>Opens a fresh checkpoint of the benchmark's pipeline under <paramref name="stateDirectory"/>.</summary>
    public static PipelineCheckpoint OpenCheckpoint(string stateDirectory)
    {
        var ctx = new PipelineRunContext(
            Definition.Value,
            new PipelineProgress(Pipeline, "aggregate"),
            ImmediateScheduler.Instance,
            TimeProvider.System,
            TimeZoneInfo.Utc,
            NullLogger.Instance,
            new ResultsOutput(TextWriter.Null),
            new HostSettings { StateDirectory = stateDirectory },
            new PipelineServices(null, null, null));
        return PipelineCheckpoint.Open(ctx) ?? throw new InvalidOperationException("the benchmark's pipeline has no checkpoint: its definition must be a checkpointed aggregate over a replayable source");
    }

    /// <summary>A row's source position, as a generator's: its row number.</summary>
    public static SourcePosition Position(long row) => new("generator:bench", row, row);

    /// <summary>
    /// A pipeline definition for <see cref="PipelineCheckpoint.Open"/>: an aggregate over a generator (a source that
    /// can replay). Only its name, kind and fingerprint reach the checkpoint; the rows come from <see cref="Run"/>.
    /// </summary>
    private static PipelineDefinition LoadDefinition()
    {
        var values = new Dictionary<string, string?>
        {
            [$"Pipelines:{Pipeline}:Kind"] = "aggregate",
            [$"Pipelines:{Pipeline}:Source:Kind"] = "generator",
            [$"Pipelines:{Pipeline}:Source:Generator"] = "bitcoin",
            [$"Pipelines:{Pipeline}:Options:TimeField"] = "timestamp",
            [$"Pipelines:{Pipeline}:Options:GroupBy"] = "key",
            [$"Pipelines:{Pipeline}:Options:Window"] = "10 seconds",
            [$"Pipelines:{Pipeline}:Options:Watermark"] = "5 seconds",
            [$"Pipelines:{Pipeline}:Options:Aggregates"] = "count, avg(value), max(value)",
        };
        var catalog = PipelineCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out var errors);
        return errors.Count == 0
            ? catalog.Pipelines.Single()
            : throw new InvalidOperationException("the benchmark's pipeline definition is refused: " + string.Join("; ", errors));
    }

    /// <summary>Batches [first, first + count) of <paramref name="config"/>, each generated when subscribed (and then announced to <paramref name="starting"/>).</summary>
    private sealed class GeneratedBatches(CheckpointConfig config, int first, int count, Action<int>? starting) : IObservable<IObservable<KeyedRow>>
    {
        public IDisposable Subscribe(IObserver<IObservable<KeyedRow>> observer)
        {
            for (var i = first; i < first + count; i++)
            {
                observer.OnNext(new GeneratedBatch(config, i, starting));
            }

            observer.OnCompleted();
            return Disposable.Empty;
        }
    }

    private sealed class GeneratedBatch(CheckpointConfig config, int index, Action<int>? starting) : IObservable<KeyedRow>
    {
        public IDisposable Subscribe(IObserver<KeyedRow> observer)
        {
            starting?.Invoke(index);
            var rows = config.BatchRows;
            var keys = config.KeyPool;
            var first = (long)index * rows;
            var time = Start + (index * TimeSpan.TicksPerSecond);
            var step = TimeSpan.TicksPerSecond / rows;
            for (var j = 0; j < rows; j++)
            {
                var n = first + j;
                observer.OnNext(new KeyedRow(time + (j * step), keys[n % keys.Length], n * 7919 % 1000 / 10.0));
            }

            observer.OnCompleted();
            return Disposable.Empty;
        }
    }
}

/// <summary>
/// One checkpointed run, driven as <c>BatchTracker</c> drives the service's checkpoint: <see cref="Starting"/> logs a
/// batch's planned range before its rows go in; <see cref="Ended"/>, when the operator delivers the batch's update,
/// plans a no-data batch's (empty) range, takes the operator's snapshot and commits. Each checkpoint's work is timed.
/// </summary>
internal sealed class CheckpointedRun : IDisposable
{
    private static readonly IReadOnlyDictionary<string, long> NoTables = new Dictionary<string, long>();

    private readonly CheckpointConfig _config;
    private readonly PipelineCheckpoint _checkpoint;
    private readonly KindState _state = new(null);
    private readonly List<CheckpointSample> _samples;
    private long _nextId;
    private long _currentId = -1;
    private int _currentBatch;
    private long _planTicks;
    private SourcePosition _lastEnd = SourcePosition.Start;

    public CheckpointedRun(CheckpointConfig config, string stateDirectory)
    {
        _config = config;
        _checkpoint = CheckpointCases.OpenCheckpoint(stateDirectory);
        _samples = new List<CheckpointSample>((2 * config.Batches) + 2);
        _state.Save = Handle.Save;
    }

    /// <summary>The operator's state handle (the aggregate kind's).</summary>
    public StateHandle<WindowState<GroupKey>> Handle { get; } = new();

    /// <summary>The checkpoint's directory.</summary>
    public string Directory => _checkpoint.Directory;

    /// <summary>Each checkpoint's timings, in order.</summary>
    public IReadOnlyList<CheckpointSample> Samples => _samples;

    /// <summary>The last snapshot committed, as written.</summary>
    public JsonElement? LastSnapshot { get; private set; }

    /// <summary>The id of the last batch committed, or -1.</summary>
    public long LastCommitted { get; private set; } = -1;

    /// <summary>Batch <paramref name="index"/> of the input is about to run: its planned range goes to the offsets log.</summary>
    public void Starting(int index)
    {
        var started = Stopwatch.GetTimestamp();
        var id = _nextId;
        var end = CheckpointCases.Position((index + 1L) * _config.BatchRows);
        _checkpoint.Planned(id, CheckpointCases.Position((long)index * _config.BatchRows), end);
        _currentId = id;
        _currentBatch = index;
        _lastEnd = end;
        _planTicks = Stopwatch.GetTimestamp() - started;
    }

    /// <summary>The operator delivered batch <c>update.BatchId</c>: a no-data batch's range is planned, then the state and commit are written.</summary>
    public void Ended(WindowUpdate<GroupKey> update)
    {
        var started = Stopwatch.GetTimestamp();
        var id = update.BatchId;
        var plan = _planTicks;
        if (id != _currentId)
        {
            // A batch the operator ran without new rows: its range is empty, at the last position.
            _checkpoint.Planned(id, _lastEnd, _lastEnd);
            plan = Stopwatch.GetTimestamp() - started;
        }

        _currentId = -1;
        _nextId = Math.Max(_nextId, id + 1);
        var snapshotStarted = Stopwatch.GetTimestamp();
        var snapshot = _state.Snapshot();
        var commitStarted = Stopwatch.GetTimestamp();
        _checkpoint.Committed(id, snapshot, NoTables, update.Rows.Count);
        var ended = Stopwatch.GetTimestamp();
        LastSnapshot = snapshot;
        LastCommitted = id;
        _samples.Add(new CheckpointSample(
            _currentBatch,
            plan,
            commitStarted - snapshotStarted,
            ended - commitStarted,
            update.Progress?.NumRowsTotal ?? 0,
            new FileInfo(Path.Combine(_checkpoint.Directory, "state", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Length));
    }

    public void Dispose() => _checkpoint.Dispose();
}

/// <summary>One checkpoint: the data batch it follows, its phases in <see cref="Stopwatch"/> ticks, the state rows and the state file's bytes.</summary>
internal readonly record struct CheckpointSample(int DataBatch, long PlanTicks, long SnapshotTicks, long CommitTicks, long StateRows, long StateBytes)
{
    public double Milliseconds => (PlanTicks + SnapshotTicks + CommitTicks) * 1000.0 / Stopwatch.Frequency;
}

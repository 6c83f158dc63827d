using System.Collections.Concurrent;

namespace Reactive.Host.Progress;

/// <summary>The lifecycle state of one pipeline.</summary>
public enum PipelineState
{
    /// <summary>Configured, not started yet.</summary>
    Starting,
    /// <summary>Running and consuming input.</summary>
    Running,
    /// <summary>Failed; waiting before a restart.</summary>
    BackingOff,
    /// <summary>Finished its input (finite sources) or stopped by shutdown.</summary>
    Stopped,
}

/// <summary>
/// Live counters of one pipeline, updated from the pipeline's thread and read by the HTTP API,
/// the periodic progress log and metrics. Thread-safe; counters are monotonic.
/// </summary>
public sealed class PipelineProgress
{
    private readonly ConcurrentDictionary<string, long> _deadLettersByCode = new(StringComparer.Ordinal);
    private long _inputRows;
    private long _outputRows;
    private long _lateRows;
    private long _deadLetters;
    private long _stateRows;
    private long _lastEventTicks = long.MinValue;
    private long _watermarkTicks = long.MinValue;
    private int _restarts;
    private volatile PipelineState _state = PipelineState.Starting;
    private volatile string? _lastError;
    private volatile string? _sourceStatus;

    public PipelineProgress(string name, string kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }

    public string Kind { get; }

    public PipelineState State => _state;

    public long InputRows => Interlocked.Read(ref _inputRows);

    public long OutputRows => Interlocked.Read(ref _outputRows);

    public long LateRows => Interlocked.Read(ref _lateRows);

    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    public long StateRows => Interlocked.Read(ref _stateRows);

    public int Restarts => Volatile.Read(ref _restarts);

    public string? LastError => _lastError;

    /// <summary>What the source says of itself (connected, reconnecting, cannot replay, ...).</summary>
    public string? SourceStatus => _sourceStatus;

    public DateTimeOffset? LastEventTime => FromTicks(Interlocked.Read(ref _lastEventTicks));

    public DateTimeOffset? Watermark => FromTicks(Interlocked.Read(ref _watermarkTicks));

    public IReadOnlyDictionary<string, long> DeadLettersByCode => new Dictionary<string, long>(_deadLettersByCode, StringComparer.Ordinal);

    public void SetState(PipelineState state) => _state = state;

    public void SetSourceStatus(string status) => _sourceStatus = status;

    public void RecordInput(long rows = 1) => Interlocked.Add(ref _inputRows, rows);

    public void RecordOutput(long rows = 1) => Interlocked.Add(ref _outputRows, rows);

    public void RecordLate(long rows = 1) => Interlocked.Add(ref _lateRows, rows);

    public void RecordDeadLetter(string code)
    {
        Interlocked.Increment(ref _deadLetters);
        _deadLettersByCode.AddOrUpdate(code, 1, static (_, n) => n + 1);
    }

    public void SetStateRows(long rows) => Interlocked.Exchange(ref _stateRows, rows);

    public void SetLastEventTime(DateTimeOffset time) => Interlocked.Exchange(ref _lastEventTicks, time.UtcTicks);

    /// <summary>Sets the watermark; it never goes back.</summary>
    public void SetWatermark(DateTimeOffset watermark)
    {
        var ticks = watermark.UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _watermarkTicks);
            if (ticks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _watermarkTicks, ticks, current) != current);
    }

    public void RecordError(string message)
    {
        _lastError = message;
        Interlocked.Increment(ref _restarts);
    }

    private static DateTimeOffset? FromTicks(long ticks) =>
        ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}

/// <summary>All pipelines' progress, by name. One per host.</summary>
public sealed class PipelineProgressRegistry
{
    private readonly ConcurrentDictionary<string, PipelineProgress> _pipelines = new(StringComparer.Ordinal);

    public PipelineProgress GetOrAdd(string name, string kind) => _pipelines.GetOrAdd(name, n => new PipelineProgress(n, kind));

    public IReadOnlyList<PipelineProgress> All => [.. _pipelines.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    public PipelineProgress? Find(string name) => _pipelines.TryGetValue(name, out var p) ? p : null;
}

using System.Collections.Concurrent;
using Reactive.Host.DeadLetters;

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
    private long _maxEventTicks = long.MinValue;
    private long _watermarkTicks = long.MinValue;
    private int _restarts;
    private volatile PipelineState _state = PipelineState.Starting;
    private volatile string? _lastError;
    private volatile string? _sourceStatus;
    private readonly ConcurrentDictionary<string, Func<SinkCounters>> _sinks = new(StringComparer.Ordinal);
    private long _batches;
    private readonly Lock _rateLock = new();
    private readonly Queue<RateSample> _samples = new();
    private double _inputRate;
    private double _processedRate;

    /// <summary>Creates the progress of pipeline <paramref name="name"/> of kind <paramref name="kind"/>.</summary>
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

    /// <summary>The newest event time seen in the input (Spark's <c>eventTime.max</c>); null before the first, and for pipelines without event time.</summary>
    public DateTimeOffset? MaxEventTime => FromTicks(Interlocked.Read(ref _maxEventTicks));

    public DateTimeOffset? Watermark => FromTicks(Interlocked.Read(ref _watermarkTicks));

    /// <summary>Items waiting in the queues of the pipeline's sinks (<see cref="AttachSink"/>).</summary>
    public long QueueLength => _sinks.Values.Sum(s => s().QueueLength);

    /// <summary>Rows the pipeline's sinks dropped because their queue was full (policy drop).</summary>
    public long SinkDroppedRows => _sinks.Values.Sum(s => s().DroppedRows);

    /// <summary>Time the pipeline waited for room in its sinks' queues (policy wait).</summary>
    public TimeSpan SinkWaitTime => TimeSpan.FromTicks(_sinks.Values.Sum(s => s().WaitTime.Ticks));

    /// <summary>Batches (triggers) emitted so far, as reported with <see cref="RecordTrigger"/>.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Input rows per second over the last rate window (Spark's inputRowsPerSecond).</summary>
    public double InputRowsPerSecond
    {
        get
        {
            lock (_rateLock)
            {
                return _inputRate;
            }
        }
    }

    /// <summary>
    /// Input rows taken through the pipeline per second over the last rate window. The pipelines process each row as it
    /// comes (no micro-batches yet), so this is the rate at which input went through, sampled as
    /// <see cref="InputRowsPerSecond"/> is.
    /// </summary>
    public double ProcessedRowsPerSecond
    {
        get
        {
            lock (_rateLock)
            {
                return _processedRate;
            }
        }
    }

    /// <summary>Called with the pipeline name and the seconds each trigger took to emit its results (metrics).</summary>
    internal Action<string, double>? BatchObserver { get; set; }

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

    /// <summary>
    /// Shows a sink's queue in this progress (<see cref="QueueLength"/>, <see cref="SinkDroppedRows"/>,
    /// <see cref="SinkWaitTime"/>): <paramref name="counters"/> is read when progress is read. A second
    /// sink of the same name (a restarted pipeline) replaces the first.
    /// </summary>
    public void AttachSink(string name, Func<SinkCounters> counters)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(counters);
        _sinks[name] = counters;
    }

    /// <summary>
    /// Records one trigger's batch (a word-count or file-rows batch, an aggregate's trigger): counted in
    /// <see cref="Batches"/>, and the time it took to emit its results to the sinks goes to the batch-duration histogram.
    /// </summary>
    public void RecordTrigger(TimeSpan emitTime)
    {
        Interlocked.Increment(ref _batches);
        BatchObserver?.Invoke(Name, Math.Max(0, emitTime.TotalSeconds));
    }

    /// <summary>
    /// Takes a sample of the counters at <paramref name="now"/> and recomputes the rates over the
    /// samples not older than <paramref name="window"/>.
    /// </summary>
    internal void SampleRates(DateTimeOffset now, TimeSpan window)
    {
        var sample = new RateSample(now.UtcTicks, InputRows);
        lock (_rateLock)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > 2 && sample.Ticks - _samples.Peek().Ticks > window.Ticks)
            {
                _samples.Dequeue();
            }

            var oldest = _samples.Peek();
            var seconds = (sample.Ticks - oldest.Ticks) / (double)TimeSpan.TicksPerSecond;
            if (seconds <= 0)
            {
                return;
            }

            _inputRate = (sample.InputRows - oldest.InputRows) / seconds;
            _processedRate = _inputRate;
        }
    }

    public void SetStateRows(long rows) => Interlocked.Exchange(ref _stateRows, rows);

    /// <summary>Notes the event time of a row (UTC ticks); <see cref="MaxEventTime"/> keeps the newest. Cheap when it does not move.</summary>
    public void ObserveEventTime(long utcTicks) => RaiseTo(ref _maxEventTicks, utcTicks);

    /// <summary>Sets the watermark; it never goes back.</summary>
    public void SetWatermark(DateTimeOffset watermark) => RaiseTo(ref _watermarkTicks, watermark.UtcTicks);

    public void RecordError(string message)
    {
        _lastError = message;
        Interlocked.Increment(ref _restarts);
    }

    // Sets field to value when that is later, atomically; a field only ever moves forward.
    private static void RaiseTo(ref long field, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref field)))
        {
            if (Interlocked.CompareExchange(ref field, value, current) == current)
            {
                return;
            }
        }
    }

    private static DateTimeOffset? FromTicks(long ticks) =>
        ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private readonly record struct RateSample(long Ticks, long InputRows);
}

/// <summary>What a sink's queue says of itself, for <see cref="PipelineProgress.AttachSink"/>.</summary>
/// <param name="QueueLength">Writes queued now.</param>
/// <param name="DroppedRows">Rows dropped so far because the queue was full.</param>
/// <param name="WaitTime">Time writers waited so far for room in the queue.</param>
public readonly record struct SinkCounters(long QueueLength, long DroppedRows, TimeSpan WaitTime);

/// <summary>All pipelines' progress, by name. One per host.</summary>
public sealed class PipelineProgressRegistry : IDeadLetterCounter
{
    private readonly ConcurrentDictionary<string, PipelineProgress> _pipelines = new(StringComparer.Ordinal);

    private Action<string, double>? _batchObserver;

    public PipelineProgress GetOrAdd(string name, string kind) =>
        _pipelines.GetOrAdd(name, n => new PipelineProgress(n, kind) { BatchObserver = _batchObserver });

    /// <summary>Sets the observer of batch durations on every pipeline, present and future (metrics).</summary>
    internal void SetBatchObserver(Action<string, double> observer)
    {
        _batchObserver = observer;
        foreach (var pipeline in _pipelines.Values)
        {
            pipeline.BatchObserver = observer;
        }
    }

    public IReadOnlyList<PipelineProgress> All => [.. _pipelines.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    public PipelineProgress? Find(string name) => _pipelines.TryGetValue(name, out var p) ? p : null;

    /// <summary>
    /// Counts a dead letter in the pipeline's progress when the pipeline is registered. A name the
    /// registry does not know is not invented: an unknown pipeline would stay "Starting" and keep
    /// <c>/healthz</c> from ever being ready.
    /// </summary>
    void IDeadLetterCounter.CountDeadLetter(string pipeline, string code) => Find(pipeline)?.RecordDeadLetter(code);
}

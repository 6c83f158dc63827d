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
    /// <summary>Not running any more: see <see cref="PipelineProgress.StopReason"/> (finished its input, shut down, or its live source ended).</summary>
    Stopped,
}

/// <summary>Why a pipeline is <see cref="PipelineState.Stopped"/>.</summary>
public enum PipelineStopReason
{
    /// <summary>It has not stopped.</summary>
    None,

    /// <summary>Its finite input (a replayed file, a generator or sample with a count) ended: done, not failed.</summary>
    Finished,

    /// <summary>The service is shutting down.</summary>
    Shutdown,

    /// <summary>Its live source (socket, directory) ended although it should not: the pipeline reads nothing any more.</summary>
    SourceEnded,

    /// <summary>
    /// Its checkpoint cannot be used (damaged beyond a fallback, written with other options, used by another process):
    /// restarting would not help; its error says what to do.
    /// </summary>
    CheckpointUnusable,
}

/// <summary>What the source's own status says of its health.</summary>
public enum SourceCondition
{
    /// <summary>Delivering, or waiting for input as it should (connected, watching a directory).</summary>
    Ok,

    /// <summary>Lost its input and is retrying (a socket disconnected, reconnecting).</summary>
    Retrying,

    /// <summary>Ran out of retries.</summary>
    GaveUp,
}

/// <summary>
/// Live counters of one pipeline, updated from the pipeline's thread and read by the HTTP API,
/// the periodic progress log and metrics. Thread-safe; counters are monotonic.
/// </summary>
public sealed class PipelineProgress
{
    private readonly ConcurrentDictionary<string, long> _deadLettersByCode = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _nulledFieldsByCode = new(StringComparer.Ordinal);
    private long _nulledFields;
    private long _inputRows;
    private long _rowsParsed;
    private long _skippedBlank;
    private long _skippedHeader;
    private long _lineDeadLetters;
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
    private volatile SourceCondition _sourceCondition;
    private volatile PipelineStopReason _stopReason;
    private readonly Lock _progressLock = new();
    private long _progressMark = -1;
    private long _progressTicks = long.MinValue;
    private readonly ConcurrentDictionary<string, Func<SinkCounters>> _sinks = new(StringComparer.Ordinal);
    private long _batches;
    private readonly Lock _rateLock = new();
    private readonly Queue<RateSample> _samples = new();
    private double _inputRate;
    private double _processedRate;
    private readonly Lock _batchLock = new();
    private readonly Queue<QueryProgress> _recent = new();
    private volatile QueryProgress? _lastProgress;
    private volatile PeriodAverage? _lastHourAverage;

    /// <summary>How many batches' progress <see cref="RecentProgress"/> keeps (Spark keeps 100).</summary>
    public const int RecentProgressCount = 20;

    /// <summary>Creates the progress of pipeline <paramref name="name"/> of kind <paramref name="kind"/>.</summary>
    public PipelineProgress(string name, string kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }

    public string Kind { get; }

    public PipelineState State => _state;

    /// <summary>
    /// Lines read: every line the source delivered, and every piece of input it turned away itself (a too-long line, a
    /// line cut by a broken connection, a file it could not read: one each). Each is, exactly once, a row parsed
    /// (<see cref="RowsParsed"/>), a skipped line (<see cref="SkippedBlank"/>, <see cref="SkippedHeader"/>) or a dead
    /// letter of a line (source or parser): <c>InputRows = RowsParsed + SkippedBlank + SkippedHeader + DeadLetters − RowsRejected</c>.
    /// </summary>
    public long InputRows => Interlocked.Read(ref _inputRows);

    /// <summary>Lines the parser turned into rows (for pipelines of text, each line taken as text).</summary>
    public long RowsParsed => Interlocked.Read(ref _rowsParsed);

    /// <summary>Blank lines the parser skipped.</summary>
    public long SkippedBlank => Interlocked.Read(ref _skippedBlank);

    /// <summary>Header lines the parser skipped (the first, or one repeated).</summary>
    public long SkippedHeader => Interlocked.Read(ref _skippedHeader);

    /// <summary>
    /// Of <see cref="DeadLetters"/>, the rows an operator turned away after they were parsed (a symbol over the bound, a
    /// bad price, ...): counted in <see cref="RowsParsed"/> too. The rest of the dead letters are lines the source or the
    /// parser turned away.
    /// </summary>
    public long RowsRejected => Math.Max(0, DeadLetters - Interlocked.Read(ref _lineDeadLetters));

    public long OutputRows => Interlocked.Read(ref _outputRows);

    public long LateRows => Interlocked.Read(ref _lateRows);

    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    public long StateRows => Interlocked.Read(ref _stateRows);

    public int Restarts => Volatile.Read(ref _restarts);

    public string? LastError => _lastError;

    /// <summary>What the source says of itself (connected, reconnecting, cannot replay, ...).</summary>
    public string? SourceStatus => _sourceStatus;

    /// <summary>What the source's status means for health (<see cref="SourceStatus"/> says it in words).</summary>
    public SourceCondition SourceCondition => _sourceCondition;

    /// <summary>Why the pipeline is <see cref="PipelineState.Stopped"/>; <see cref="PipelineStopReason.None"/> while it is not.</summary>
    public PipelineStopReason StopReason => _stopReason;

    /// <summary>
    /// How long the pipeline may read nothing while running before health calls it stalled
    /// (<c>Pipelines:NAME:StallTimeout</c>); null: never.
    /// </summary>
    public TimeSpan? StallTimeout { get; set; }

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

    /// <summary>The last micro-batch's progress (Spark's <c>lastProgress</c>); null before the first, and for pipelines that do not run in batches.</summary>
    public QueryProgress? LastProgress => _lastProgress;

    /// <summary>The last batches' progress, oldest first (Spark's <c>recentProgress</c>), at most <see cref="RecentProgressCount"/>.</summary>
    public IReadOnlyList<QueryProgress> RecentProgress
    {
        get
        {
            lock (_batchLock)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>Whether the source can give its input again after a restart; false: at-most-once (a socket).</summary>
    public bool? SourceCanReplay { get; set; }

    /// <summary>
    /// Whether the source, without a checkpoint, starts at the newest input rather than its first (a Kinesis stream read
    /// from <c>latest</c>): a restart then skips what arrived while the pipeline was down, so without a checkpoint it is
    /// at-most-once although the source could replay.
    /// </summary>
    public bool SourceStartsAtTip { get; set; }

    /// <summary>The checkpoint directory, when the pipeline has one.</summary>
    public string? Checkpoint { get; set; }

    /// <summary>The last hour's average of each rate as of the last batch (the bitcoin pipeline); null before the first, and for other kinds.</summary>
    public PeriodAverage? LastHourAverage => _lastHourAverage;

    /// <summary>Sets <see cref="LastHourAverage"/>.</summary>
    public void SetLastHourAverage(PeriodAverage average) => _lastHourAverage = average;

    /// <summary>A partitioned source's shards as they are now (Kinesis: records read, behind the tip, throttling), read when progress is read.</summary>
    public Func<IReadOnlyList<Reactive.Sources.Kinesis.KinesisShardProgress>>? Shards { get; set; }

    /// <summary>Records a micro-batch's progress: it is <see cref="LastProgress"/> now, kept in <see cref="RecentProgress"/>.</summary>
    public void RecordBatch(QueryProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        lock (_batchLock)
        {
            _recent.Enqueue(progress);
            while (_recent.Count > RecentProgressCount)
            {
                _recent.Dequeue();
            }

            _lastProgress = progress;
        }
    }

    /// <summary>Called with the pipeline name and the seconds each trigger took to emit its results (metrics).</summary>
    internal Action<string, double>? BatchObserver { get; set; }

    public IReadOnlyDictionary<string, long> DeadLettersByCode => new Dictionary<string, long>(_deadLettersByCode, StringComparer.Ordinal);

    /// <summary>
    /// Fields the parser made null because their value did not fit their type (a pipeline whose mistyped fields are
    /// null, as Spark's <c>from_json</c>): their rows were kept, so they are in <see cref="RowsParsed"/>, not in the dead letters.
    /// </summary>
    public long NulledFields => Interlocked.Read(ref _nulledFields);

    /// <summary><see cref="NulledFields"/> by the code the value would have been rejected with (<c>bad_number</c>, <c>bad_date</c>, …).</summary>
    public IReadOnlyDictionary<string, long> NulledFieldsByCode => new Dictionary<string, long>(_nulledFieldsByCode, StringComparer.Ordinal);

    public void SetState(PipelineState state)
    {
        _state = state;
        if (state != PipelineState.Stopped)
        {
            _stopReason = PipelineStopReason.None;
        }

        if (state == PipelineState.Running)
        {
            // A (re)start begins a new stall clock at the next look (NoteProgress).
            lock (_progressLock)
            {
                _progressTicks = long.MinValue;
            }
        }
    }

    /// <summary>Marks the pipeline <see cref="PipelineState.Stopped"/> for <paramref name="reason"/>.</summary>
    public void SetStopped(PipelineStopReason reason)
    {
        _stopReason = reason;
        _state = PipelineState.Stopped;
    }

    public void SetSourceStatus(string status) => _sourceStatus = status;

    /// <summary>Sets what the source says of itself and what it means for health.</summary>
    public void SetSourceStatus(string status, SourceCondition condition)
    {
        _sourceStatus = status;
        _sourceCondition = condition;
    }

    public void RecordInput(long rows = 1) => Interlocked.Add(ref _inputRows, rows);

    /// <summary>Counts rows the parser made (or lines taken as text).</summary>
    public void RecordParsed(long rows = 1) => Interlocked.Add(ref _rowsParsed, rows);

    /// <summary>Counts a line the parser skipped: blank, else a header.</summary>
    public void RecordSkipped(bool blank)
    {
        if (blank)
        {
            Interlocked.Increment(ref _skippedBlank);
        }
        else
        {
            Interlocked.Increment(ref _skippedHeader);
        }
    }

    /// <summary>
    /// Counts a dead letter as one of a line (the source or the parser turned the line away), not of a row an operator
    /// turned away; the dead letter itself is counted by <see cref="RecordDeadLetter"/> as any other.
    /// </summary>
    public void RecordLineDeadLetter() => Interlocked.Increment(ref _lineDeadLetters);

    /// <summary>
    /// Looks at the progress counters at <paramref name="now"/>: when lines were read since the last look (or on the
    /// first look after a start) the pipeline has made progress at <paramref name="now"/>.
    /// </summary>
    public void NoteProgress(DateTimeOffset now)
    {
        var mark = InputRows;
        lock (_progressLock)
        {
            if (_progressTicks == long.MinValue || mark != _progressMark)
            {
                _progressMark = mark;
                _progressTicks = now.UtcTicks;
            }
        }
    }

    /// <summary>Time since the pipeline last read a line, as seen by <see cref="NoteProgress"/> at <paramref name="now"/>.</summary>
    public TimeSpan SinceProgress(DateTimeOffset now)
    {
        NoteProgress(now);
        lock (_progressLock)
        {
            return TimeSpan.FromTicks(Math.Max(0, now.UtcTicks - _progressTicks));
        }
    }

    public void RecordOutput(long rows = 1) => Interlocked.Add(ref _outputRows, rows);

    public void RecordLate(long rows = 1) => Interlocked.Add(ref _lateRows, rows);

    /// <summary>Counts a mistyped field made null, by the code it would have been rejected with.</summary>
    public void RecordNulledField(string code)
    {
        Interlocked.Increment(ref _nulledFields);
        _nulledFieldsByCode.AddOrUpdate(code, 1, static (_, n) => n + 1);
    }

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
        NoteProgress(now);
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

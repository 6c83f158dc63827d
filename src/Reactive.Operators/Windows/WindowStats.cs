namespace Reactive.Operators.Windows;

/// <summary>
/// Live progress of one event-time window subscription, for the host's progress page and metrics. The
/// operator writes it (one writer, under its lock); any thread may read it. Give each subscription its own
/// instance: a shared one mixes subscriptions.
/// </summary>
public sealed class WindowStats
{
    private long _watermarkTicks = long.MinValue;
    private long _maxEventTicks = long.MinValue;
    private long _inputRows;
    private long _lateRows;
    private long _droppedRows;
    private long _openWindows;
    private long _stateRows;
    private long _groups;
    private long _outputRows;
    private long _batches;

    /// <summary>The watermark in UTC ticks; <see cref="long.MinValue"/> before the first event. Never goes back.</summary>
    public long WatermarkTicks => Volatile.Read(ref _watermarkTicks);

    /// <summary>The watermark, or null before the first event.</summary>
    public DateTimeOffset? Watermark => WatermarkTicks is var w && w == long.MinValue ? null : new DateTimeOffset(w, TimeSpan.Zero);

    /// <summary>The largest event time seen, UTC ticks; <see cref="long.MinValue"/> before the first event.</summary>
    public long MaxEventTicks => Volatile.Read(ref _maxEventTicks);

    /// <summary>Rows received (all of them: aggregated, late or dropped).</summary>
    public long InputRows => Volatile.Read(ref _inputRows);

    /// <summary>
    /// (row, window) pairs rejected as late because the window was final, like Spark's
    /// <c>numRowsDroppedByWatermark</c> (counted after window expansion). Each went to the rejected output (code <c>late</c>).
    /// </summary>
    public long LateRows => Volatile.Read(ref _lateRows);

    /// <summary>Rows dropped because they had no event time (each went to the rejected output, code <c>missing_field</c>).</summary>
    public long DroppedRows => Volatile.Read(ref _droppedRows);

    /// <summary>Windows not final yet.</summary>
    public long OpenWindows => Volatile.Read(ref _openWindows);

    /// <summary>State rows (window × key) held for the open windows (Spark's <c>numRowsTotal</c>).</summary>
    public long StateRows => Volatile.Read(ref _stateRows);

    /// <summary>Distinct keys in the open windows.</summary>
    public long Groups => Volatile.Read(ref _groups);

    /// <summary>Result rows emitted (all batches).</summary>
    public long OutputRows => Volatile.Read(ref _outputRows);

    /// <summary>Batches emitted.</summary>
    public long Batches => Volatile.Read(ref _batches);

    internal void SetWatermark(long ticks) => Volatile.Write(ref _watermarkTicks, ticks);

    internal void SetMaxEvent(long ticks) => Volatile.Write(ref _maxEventTicks, ticks);

    internal void AddInput() => Volatile.Write(ref _inputRows, _inputRows + 1);

    internal void AddLate() => Volatile.Write(ref _lateRows, _lateRows + 1);

    internal void AddDropped() => Volatile.Write(ref _droppedRows, _droppedRows + 1);

    internal void SetState(long openWindows, long stateRows, long groups)
    {
        Volatile.Write(ref _openWindows, openWindows);
        Volatile.Write(ref _stateRows, stateRows);
        Volatile.Write(ref _groups, groups);
    }

    internal void AddOutput(int rows)
    {
        Volatile.Write(ref _outputRows, _outputRows + rows);
        Volatile.Write(ref _batches, _batches + 1);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"watermark={WatermarkTicks} input={InputRows} late={LateRows} dropped={DroppedRows} openWindows={OpenWindows} stateRows={StateRows} groups={Groups} output={OutputRows}";
}

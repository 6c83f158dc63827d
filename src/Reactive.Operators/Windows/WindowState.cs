namespace Reactive.Operators.Windows;

/// <summary>
/// A saved state of one <see cref="EventTimeWindowExtensions.WindowByEventTime{T, TKey}(IObservable{T}, EventTimeWindowOptions{T, TKey})"/> subscription: the watermark,
/// the open (not final) windows with their aggregate state, and what the output mode still owes. Minimal and
/// versioned, for checkpoints; restore it through <see cref="EventTimeWindowOptions{T, TKey}.State"/> with the same options.
/// </summary>
/// <typeparam name="TKey">The group key type.</typeparam>
public sealed class WindowState<TKey>
{
    /// <summary>The version of this layout.</summary>
    public const int CurrentVersion = 2;

    /// <summary>Creates a snapshot.</summary>
    public WindowState(
        int version,
        long watermarkTicks,
        long maxEventTicks,
        long nextBatchId,
        IReadOnlyList<WindowStateEntry<TKey>> entries,
        IReadOnlyList<WindowResult<TKey>> pendingUpdates,
        IReadOnlyList<WindowResult<TKey>> finished,
        bool completeDirty,
        bool noDataBatchDue = false)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(pendingUpdates);
        ArgumentNullException.ThrowIfNull(finished);
        Version = version;
        WatermarkTicks = watermarkTicks;
        MaxEventTicks = maxEventTicks;
        NextBatchId = nextBatchId;
        Entries = entries;
        PendingUpdates = pendingUpdates;
        Finished = finished;
        CompleteDirty = completeDirty;
        NoDataBatchDue = noDataBatchDue;
    }

    /// <summary>The layout version (<see cref="CurrentVersion"/>).</summary>
    public int Version { get; }

    /// <summary>The watermark, UTC ticks (<see cref="long.MinValue"/> = none yet).</summary>
    public long WatermarkTicks { get; }

    /// <summary>The newest event time seen, UTC ticks.</summary>
    public long MaxEventTicks { get; }

    /// <summary>The batch id of the next batch (micro-batch overload: the watermark is then the one that batch runs with).</summary>
    public long NextBatchId { get; }

    /// <summary>The state rows of the open windows (window × key), in the order they were created.</summary>
    public IReadOnlyList<WindowStateEntry<TKey>> Entries { get; }

    /// <summary>Update mode: rows of windows that closed since the last trigger, still owed at the next one.</summary>
    public IReadOnlyList<WindowResult<TKey>> PendingUpdates { get; }

    /// <summary>Complete mode: the rows of the finished windows, kept for the table.</summary>
    public IReadOnlyList<WindowResult<TKey>> Finished { get; }

    /// <summary>Complete mode: whether the table changed since the last trigger.</summary>
    public bool CompleteDirty { get; }

    /// <summary>
    /// Micro-batch overload: the last batch moved the watermark and its no-data batch has not run yet (a snapshot taken
    /// while the batch's update was being delivered); the restored subscription runs it first.
    /// </summary>
    public bool NoDataBatchDue { get; }
}

/// <summary>One state row of an open window: its start, key, whether it changed since the last trigger, and its aggregates.</summary>
/// <typeparam name="TKey">The group key type.</typeparam>
/// <param name="WindowStartTicks">The window start, UTC ticks.</param>
/// <param name="Key">The group key.</param>
/// <param name="Dirty">Update mode: changed since the last trigger.</param>
/// <param name="Aggregates">The running state of each aggregate, in the options' order.</param>
public sealed record WindowStateEntry<TKey>(long WindowStartTicks, TKey Key, bool Dirty, IReadOnlyList<AggregateState> Aggregates);

/// <summary>The running state of one aggregate of one window and key (only the fields of its kind are used).</summary>
/// <param name="Count">Rows (or values) counted.</param>
/// <param name="Sum">Sum of the values.</param>
/// <param name="Mean">Running mean (standard deviation, variance).</param>
/// <param name="M2">Sum of squared deviations (standard deviation, variance).</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="HasFirst">Whether a first value was taken.</param>
/// <param name="First">The first value.</param>
/// <param name="Last">The last value.</param>
/// <param name="Times">Time-weighted average: the sample times in event-time order.</param>
/// <param name="Values">Time-weighted average: the sample values.</param>
/// <param name="Weighted">Time-weighted average: the weighted sum of the closed intervals.</param>
public sealed record AggregateState(
    long Count,
    double Sum,
    double Mean,
    double M2,
    double Min,
    double Max,
    bool HasFirst,
    double? First,
    double? Last,
    IReadOnlyList<long> Times,
    IReadOnlyList<double> Values,
    double Weighted);

namespace Reactive.Operators.Windows;

/// <summary>Event-time windows with a watermark, as Spark Structured Streaming computes them.</summary>
public static class EventTimeWindowExtensions
{
    /// <summary>
    /// Spark's <c>withWatermark(time, delay).groupBy(window(time, duration, slide, startOffset), key).agg(...)</c>:
    /// aggregates the rows of <paramref name="source"/> per event-time window and key, and emits result batches
    /// in the configured output mode. See <see cref="EventTimeWindowOptions{T, TKey}"/> for every rule.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <typeparam name="TKey">The group key type (<see cref="System.Reactive.Unit"/> for one group).</typeparam>
    /// <param name="source">The rows.</param>
    /// <param name="options">The window, watermark, aggregates and output mode; copied and validated here.</param>
    /// <returns>Result batches; user-code exceptions and exceeded bounds arrive as OnError, never thrown from OnNext.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or a required option is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (the exception names it), as Spark's checks:
    /// duration &lt;= 0, slide &lt;= 0, slide &gt; duration, |startOffset| &gt;= slide; also a negative delay or trigger,
    /// a non-positive idle timeout or bound, or no aggregate.</exception>
    public static IObservable<WindowUpdate<TKey>> WindowByEventTime<T, TKey>(this IObservable<T> source, EventTimeWindowOptions<T, TKey> options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        return new EventTimeWindow<T, TKey>(source, WindowConfig<T, TKey>.From(options));
    }

    /// <summary>
    /// The same query in Spark's micro-batch execution model (MicroBatchExecution + StateStoreSaveExec): each inner
    /// observable of <paramref name="batches"/> is one micro-batch, run strictly in order (inner i + 1 is subscribed
    /// only after inner i completed; an inner's error is the operator's error).
    /// </summary>
    /// <remarks>
    /// <list type="number">
    /// <item>Batch N runs with the watermark W_N, fixed for the whole batch (W_0 = none): a row is late for a window only
    /// if the window's end &lt;= W_N (per window; complete mode takes late rows in and never evicts).</item>
    /// <item>At the end of batch N: append emits and evicts the windows with end &lt;= W_N; update emits every state row
    /// created or changed in the batch (by window start, then key) and evicts the windows with end &lt;= W_N; complete
    /// emits the whole result table.</item>
    /// <item>Then W_{N+1} = max(W_N, max event time through batch N − delay), with a watermark
    /// (<see cref="EventTimeWindowOptions{T, TKey}.WatermarkDelay"/> not null).</item>
    /// <item>When W_{N+1} &gt; W_N, append and update modes run a no-data batch N + 1 at once
    /// (<see cref="EventTimeWindowOptions{T, TKey}.NoDataBatches"/>): it evicts (append: emits) the windows it made final.</item>
    /// <item>An empty inner is a batch only with <see cref="EventTimeWindowOptions{T, TKey}.RunEmptyBatches"/>.</item>
    /// <item>Exactly one <see cref="WindowUpdate{TKey}"/> per batch that runs, rows or not, with its
    /// <see cref="WindowUpdate{TKey}.Progress"/>; batch ids 0, 1, 2, … (continuing a restored state's).</item>
    /// <item>End of input: <see cref="EndOfInput.Flush"/> runs a final batch (<see cref="WindowUpdate{TKey}.IsFinalBatch"/>)
    /// where every window is final: append emits the open windows, update evicts them, complete emits the table if it
    /// changed since its last emission; <see cref="EndOfInput.Keep"/> emits nothing more.</item>
    /// <item>The idle timeout runs a batch of its own (no data): the watermark to the newest event time, then as a
    /// no-data batch; append adds the still-open windows provisionally.</item>
    /// <item><see cref="EventTimeWindowOptions{T, TKey}.TriggerInterval"/> is not used: the batches are the triggers.</item>
    /// <item><see cref="EventTime.StateHandle{TSnapshot}.Save"/> called while batch N's update is delivered returns the state after
    /// batch N (next batch id N + 1, watermark W_{N+1}); between batches, the state after the last one.</item>
    /// </list>
    /// </remarks>
    /// <typeparam name="T">The row type.</typeparam>
    /// <typeparam name="TKey">The group key type.</typeparam>
    /// <param name="batches">The micro-batches: hot (for example Rx <c>Window(TimeSpan)</c>) or cold (one per file).</param>
    /// <param name="options">The window, watermark, aggregates and output mode; copied and validated here.</param>
    /// <returns>One update per batch; user-code exceptions and exceeded bounds arrive as OnError.</returns>
    public static IObservable<WindowUpdate<TKey>> WindowByEventTime<T, TKey>(this IObservable<IObservable<T>> batches, EventTimeWindowOptions<T, TKey> options)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(options);
        return new MicroBatchEventTimeWindow<T, TKey>(batches, WindowConfig<T, TKey>.From(options));
    }
}

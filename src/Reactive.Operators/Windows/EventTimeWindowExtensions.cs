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
}

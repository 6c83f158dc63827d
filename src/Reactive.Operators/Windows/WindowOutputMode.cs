namespace Reactive.Operators.Windows;

/// <summary>How an event-time window aggregation emits its result table (Spark's output modes).</summary>
public enum WindowOutputMode
{
    /// <summary>
    /// Each window/key row once, when its window is final (<c>end &lt;= watermark</c>, or at completion),
    /// in window-start order then key order. Emitted at once when the watermark passes the window end.
    /// </summary>
    Append,

    /// <summary>
    /// At each trigger, the window/key rows into which at least one input row was aggregated since the
    /// previous trigger (as Spark: a touched row is emitted even if its values did not change).
    /// </summary>
    Update,

    /// <summary>At each trigger at which the table changed, the whole result table (finished and open windows).</summary>
    Complete,
}

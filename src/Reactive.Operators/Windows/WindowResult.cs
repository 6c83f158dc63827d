using System.Globalization;
using System.Text;

namespace Reactive.Operators.Windows;

/// <summary>
/// One row of a window result table: a window <c>[start, end)</c>, a group key and the aggregate values
/// in the order of the operator's aggregate list (<see cref="WindowUpdate{TKey}.Aggregates"/> names them).
/// Equality compares all fields and the values element by element.
/// </summary>
/// <typeparam name="TKey">The group key type (<see cref="System.Reactive.Unit"/> when ungrouped).</typeparam>
public sealed class WindowResult<TKey> : IEquatable<WindowResult<TKey>>
{
    /// <summary>Creates a result row.</summary>
    public WindowResult(long windowStartTicks, long windowEndTicks, TKey key, double?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        WindowStartTicks = windowStartTicks;
        WindowEndTicks = windowEndTicks;
        Key = key;
        Values = values;
    }

    /// <summary>The window start, inclusive, in UTC ticks.</summary>
    public long WindowStartTicks { get; }

    /// <summary>The window end, exclusive, in UTC ticks.</summary>
    public long WindowEndTicks { get; }

    /// <summary>The window start as a UTC instant.</summary>
    public DateTimeOffset WindowStart => new(WindowStartTicks, TimeSpan.Zero);

    /// <summary>The window end as a UTC instant.</summary>
    public DateTimeOffset WindowEnd => new(WindowEndTicks, TimeSpan.Zero);

    /// <summary>The group key (default when ungrouped).</summary>
    public TKey Key { get; }

    /// <summary>The aggregate values (SQL null = null), in the order of the aggregate list.</summary>
    public IReadOnlyList<double?> Values { get; }

    /// <inheritdoc/>
    public bool Equals(WindowResult<TKey>? other)
    {
        if (other is null)
        {
            return false;
        }

        if (WindowStartTicks != other.WindowStartTicks || WindowEndTicks != other.WindowEndTicks
            || !EqualityComparer<TKey>.Default.Equals(Key, other.Key) || Values.Count != other.Values.Count)
        {
            return false;
        }

        for (var i = 0; i < Values.Count; i++)
        {
            if (Values[i] != other.Values[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as WindowResult<TKey>);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(WindowStartTicks, WindowEndTicks, Key, Values.Count);

    /// <summary>Like <c>[2024-01-01T12:00:00,2024-01-01T12:10:00) key [3, 1.5, null]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append('[').Append(WindowStart.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture))
          .Append(',').Append(WindowEnd.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture))
          .Append(") ").Append(Key?.ToString() ?? "null").Append(" [");
        for (var i = 0; i < Values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Values[i] is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null");
        }

        return sb.Append(']').ToString();
    }
}

/// <summary>
/// What the operator emits: one batch of result rows per trigger (Spark's micro-batch output). Append: the
/// rows of the windows that just became final. Update: the rows touched since the previous trigger.
/// Complete: the whole result table. Rows are ordered by window start, then by key.
/// </summary>
/// <typeparam name="TKey">The group key type.</typeparam>
/// <param name="BatchId">0, 1, 2, … per emitted batch of one subscription (like Spark's batchId).</param>
/// <param name="Mode">The output mode that produced the batch.</param>
/// <param name="WatermarkTicks">The watermark when the batch was emitted (<see cref="long.MinValue"/> = none yet).</param>
/// <param name="Aggregates">The header: the aggregate columns, naming <see cref="WindowResult{TKey}.Values"/>.</param>
/// <param name="Rows">The result rows; never empty from the per-row overload; the micro-batch overload emits one update
/// per batch that runs, with no rows when the batch has none.</param>
public sealed record WindowUpdate<TKey>(
    long BatchId,
    WindowOutputMode Mode,
    long WatermarkTicks,
    IReadOnlyList<AggregateSpec> Aggregates,
    IReadOnlyList<WindowResult<TKey>> Rows)
{
    /// <summary>
    /// Append mode: true for the batch of the idle flush (<see cref="EventTimeWindowOptions{T, TKey}.IdleTimeout"/>):
    /// the windows still open when the input went quiet, emitted before they are final. Each is emitted again, final,
    /// only if a row lands in it later (then with all its rows); otherwise this row is its final value.
    /// </summary>
    public bool IsProvisional { get; init; }

    /// <summary>Micro-batch overload: a batch with no data (after a batch that moved the watermark, or the idle batch).</summary>
    public bool IsNoDataBatch { get; init; }

    /// <summary>Micro-batch overload: the final batch at the end of the input (<see cref="EndOfInput.Flush"/>), where every window is final.</summary>
    public bool IsFinalBatch { get; init; }

    /// <summary>Micro-batch overload: the batch's progress (Spark's <c>StreamingQueryProgress</c> fields); null from the per-row overload.</summary>
    public BatchProgress? Progress { get; init; }

    /// <summary>Batch header and rows, one per line.</summary>
    public override string ToString() =>
        $"batch {BatchId} {Mode} ({string.Join(", ", Aggregates.Select(a => a.Name))}): {string.Join("; ", Rows)}";
}

/// <summary>
/// The progress of one micro-batch of the event-time window operator, with the fields of Spark's
/// <c>StreamingQueryProgress</c> (<c>numInputRows</c>, <c>eventTime</c>, <c>stateOperators</c>).
/// </summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="NumInputRows">Rows of the batch, late and without event time included.</param>
/// <param name="EventTimeMinTicks">The earliest event time of the batch's rows (null when none has one).</param>
/// <param name="EventTimeMaxTicks">The latest event time of the batch's rows (null when none has one).</param>
/// <param name="EventTimeAvgTicks">The mean event time of the batch's rows (null when none has one).</param>
/// <param name="WatermarkTicks">The watermark the batch ran with (<see cref="long.MinValue"/> = none).</param>
/// <param name="NextWatermarkTicks">The watermark of the next batch (<see cref="long.MinValue"/> = none).</param>
/// <param name="NumRowsTotal">State rows (window × key) after the batch.</param>
/// <param name="NumRowsUpdated">State rows created or changed in the batch.</param>
/// <param name="NumRowsDroppedByWatermark">Late row × window drops in the batch.</param>
/// <param name="NumRowsMissingTime">Rows of the batch without a usable event time (dropped).</param>
public sealed record BatchProgress(
    long BatchId,
    long NumInputRows,
    long? EventTimeMinTicks,
    long? EventTimeMaxTicks,
    long? EventTimeAvgTicks,
    long WatermarkTicks,
    long NextWatermarkTicks,
    long NumRowsTotal,
    long NumRowsUpdated,
    long NumRowsDroppedByWatermark,
    long NumRowsMissingTime);

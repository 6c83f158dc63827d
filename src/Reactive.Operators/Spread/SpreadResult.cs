namespace Reactive.Operators.Spread;

/// <summary>What a <see cref="SpreadResult"/> describes.</summary>
public enum SpreadResultKind
{
    /// <summary>A final one-second window <c>[start, start + 1 s)</c>, aligned to the Unix epoch.</summary>
    Second,

    /// <summary>A final one-minute window <c>[start, start + 1 min)</c>, aligned to the Unix epoch.</summary>
    Minute,
}

/// <summary>
/// One output of the spread aggregation: a final window (second or minute). Late quotes and quotes with a bad price
/// go to the operator's rejected output instead. A struct, so that emitting results allocates nothing.
/// </summary>
/// <remarks>
/// For windows, the statistics (<see cref="Average"/>, <see cref="Min"/>, <see cref="Max"/>,
/// <see cref="Last"/>, <see cref="TimeWeightedAverage"/>) cover the included quotes (all quotes unless
/// <see cref="SpreadOptions.IncludeLockedAndCrossed"/> is false) and are null when none was included.
/// </remarks>
public readonly record struct SpreadResult
{
    /// <summary>What this result describes.</summary>
    public SpreadResultKind Kind { get; init; }

    /// <summary>The window start (inclusive), in ticks.</summary>
    public long WindowStartTicks { get; init; }

    /// <summary>The window end (exclusive), in ticks.</summary>
    public long WindowEndTicks { get; init; }

    /// <summary>All quotes of the window, included or not.</summary>
    public int Count { get; init; }

    /// <summary>Quotes that entered the statistics.</summary>
    public int IncludedCount { get; init; }

    /// <summary>Locked quotes (ask = bid).</summary>
    public int LockedCount { get; init; }

    /// <summary>Crossed quotes (ask &lt; bid).</summary>
    public int CrossedCount { get; init; }

    /// <summary>Simple average spread of the included quotes.</summary>
    public double? Average { get; init; }

    /// <summary>Smallest spread of the included quotes.</summary>
    public double? Min { get; init; }

    /// <summary>Largest spread of the included quotes.</summary>
    public double? Max { get; init; }

    /// <summary>Spread of the last included quote (by time; among equal times, the last to arrive).</summary>
    public double? Last { get; init; }

    /// <summary>
    /// Time-weighted average spread: each quote's spread holds from its time until the next quote's
    /// time (the last one until the window end), and the quote in force at the window start carries
    /// in, so the weight covers the whole window (from the first quote of the stream, for the first window).
    /// Time under an excluded (locked or crossed) quote carries no weight.
    /// </summary>
    public double? TimeWeightedAverage { get; init; }

    /// <summary>Ticks of the window that carried weight in <see cref="TimeWeightedAverage"/>.</summary>
    public long WeightedTicks { get; init; }

    /// <summary>The time of the window's last quote.</summary>
    public long TimestampTicks { get; init; }

    /// <summary>The bid of the window's last quote.</summary>
    public double Bid { get; init; }

    /// <summary>The ask of the window's last quote.</summary>
    public double Ask { get; init; }

    /// <summary>The watermark when the result was produced, in ticks.</summary>
    public long WatermarkTicks { get; init; }

    /// <summary>
    /// True for a window emitted by the idle flush (<see cref="SpreadOptions.IdleTimeout"/>) while it could still take
    /// quotes: the newest quote's second and minute. It is emitted again, final, only if a quote lands in it later
    /// (then with all its quotes); otherwise this result is its final value.
    /// </summary>
    public bool IsProvisional { get; init; }
}

/// <summary>Receives the results of a <see cref="SpreadAggregator"/>, synchronously, in order.</summary>
internal interface ISpreadSink
{
    /// <summary>Called for each final window.</summary>
    /// <param name="result">The result; valid only during the call unless copied.</param>
    void OnResult(in SpreadResult result);
}

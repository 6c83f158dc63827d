namespace Reactive.Operators.Spread;

/// <summary>
/// A saved state of one spread aggregation: the watermark, the quotes of the seconds not final yet, the open minute
/// and the spread in force on the time line. Minimal and versioned, for checkpoints; restore it through
/// <see cref="SpreadOptions.State"/> with the same options.
/// </summary>
/// <param name="Version">The layout version (<see cref="CurrentVersion"/>).</param>
/// <param name="WatermarkDelayTicks">The watermark delay it was saved with.</param>
/// <param name="WatermarkTicks">The watermark (<see cref="long.MinValue"/> = none yet).</param>
/// <param name="MaxEventTicks">The newest quote time seen.</param>
/// <param name="FrontierTicks">Seconds that start before it are final.</param>
/// <param name="Pending">The quotes of the seconds not final yet, in time order.</param>
/// <param name="InForce">Whether a spread is in force on the time line (a quote was accumulated).</param>
/// <param name="InForceIncluded">Whether that spread enters the time weighting.</param>
/// <param name="InForceSpread">That spread.</param>
/// <param name="CursorTicks">How far the time line has been weighed.</param>
/// <param name="Minute">The open minute, or null.</param>
/// <param name="QuoteCount">Quotes received.</param>
/// <param name="LateCount">Late quotes.</param>
/// <param name="RejectedCount">Quotes with a bad price.</param>
public sealed record SpreadState(
    int Version,
    long WatermarkDelayTicks,
    long WatermarkTicks,
    long MaxEventTicks,
    long FrontierTicks,
    IReadOnlyList<SpreadQuoteState> Pending,
    bool InForce,
    bool InForceIncluded,
    double InForceSpread,
    long CursorTicks,
    SpreadMinuteState? Minute,
    long QuoteCount,
    long LateCount,
    long RejectedCount)
{
    /// <summary>The version of this layout.</summary>
    public const int CurrentVersion = 1;

    /// <summary>
    /// The windows the idle flush emitted provisionally (<see cref="SpreadResult.IsProvisional"/>) and whether a quote
    /// came into them since; null when none (and in states saved before it existed: then they are emitted again when final).
    /// </summary>
    public SpreadProvisionalState? Provisional { get; init; }
}

/// <summary>The idle flush's provisional windows; a start of <see cref="long.MinValue"/> = none of that kind.</summary>
/// <param name="SecondStartTicks">The provisional second's start.</param>
/// <param name="SecondChanged">Whether a quote came into it since (then it is emitted again when final).</param>
/// <param name="MinuteStartTicks">The provisional minute's start.</param>
/// <param name="MinuteChanged">Whether a quote came into it since.</param>
public sealed record SpreadProvisionalState(long SecondStartTicks, bool SecondChanged, long MinuteStartTicks, bool MinuteChanged);

/// <summary>A quote held until its second is final.</summary>
/// <param name="TimestampTicks">Its event time.</param>
/// <param name="Bid">Its bid.</param>
/// <param name="Ask">Its ask.</param>
public readonly record struct SpreadQuoteState(long TimestampTicks, double Bid, double Ask);

/// <summary>The running statistics of the open minute (the fields of <see cref="SpreadResult"/> before division).</summary>
/// <param name="StartTicks">The minute's start.</param>
/// <param name="Count">Quotes.</param>
/// <param name="Included">Quotes in the statistics.</param>
/// <param name="Locked">Locked quotes.</param>
/// <param name="Crossed">Crossed quotes.</param>
/// <param name="Sum">Sum of the included spreads.</param>
/// <param name="Min">Smallest included spread.</param>
/// <param name="Max">Largest included spread.</param>
/// <param name="Last">Last included spread.</param>
/// <param name="Weighted">Σ spread × ticks.</param>
/// <param name="WeightTicks">Ticks that carried weight.</param>
/// <param name="LastTimeTicks">The time of the last quote.</param>
/// <param name="LastBid">The bid of the last quote.</param>
/// <param name="LastAsk">The ask of the last quote.</param>
public sealed record SpreadMinuteState(
    long StartTicks,
    int Count,
    int Included,
    int Locked,
    int Crossed,
    double Sum,
    double Min,
    double Max,
    double Last,
    double Weighted,
    long WeightTicks,
    long LastTimeTicks,
    double LastBid,
    double LastAsk);

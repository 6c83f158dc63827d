namespace Reactive.Operators.Anomaly;

/// <summary>The verdict on one price.</summary>
public enum AnomalyStatus
{
    /// <summary>Judged, not anomalous.</summary>
    Normal,

    /// <summary>Above the baseline mean and at least K sample standard deviations above it.</summary>
    Anomaly,

    /// <summary>Fewer than <see cref="AnomalyOptions.MinHistory"/> baseline prices: not judged.</summary>
    InsufficientHistory,

    /// <summary>Rejected: older than the newest price of its series and hour (rejection code <c>out_of_order</c>).</summary>
    OutOfOrder,

    /// <summary>Rejected: the same time as the newest price of its series and hour (rejection code <c>duplicate_time</c>).</summary>
    DuplicateTime,

    /// <summary>Rejected: the hour of day is outside 0–24 (rejection code <c>bad_hour</c>).</summary>
    InvalidHour,

    /// <summary>Rejected: the price is not a finite number (rejection code <c>bad_price</c>).</summary>
    InvalidPrice,

    /// <summary>Rejected: the series selector returned null (rejection code <c>missing_series</c>).</summary>
    MissingSeries,
}

/// <summary>
/// The result of judging one price against its baseline, as the detector returns it.
/// A struct, for loops; undefined statistics are NaN.
/// </summary>
/// <param name="Status">The verdict.</param>
/// <param name="BaselineCount">Baseline prices (same series and hour, time in <c>[t − Lookback, t)</c>).</param>
/// <param name="BaselineMean">Their mean; NaN when there are none.</param>
/// <param name="BaselineStdDev">Their sample standard deviation; NaN with fewer than two.</param>
/// <param name="Threshold">mean + K·sd; NaN when sd is.</param>
/// <param name="ZScore">(price − mean) / sd; NaN when sd is NaN or zero.</param>
internal readonly record struct AnomalyCheck(
    AnomalyStatus Status,
    int BaselineCount,
    double BaselineMean,
    double BaselineStdDev,
    double Threshold,
    double ZScore)
{
    /// <summary>Whether the price is an anomaly.</summary>
    public bool IsAnomaly => Status == AnomalyStatus.Anomaly;

    /// <summary>Whether the row was rejected (nothing was judged and the state did not change).</summary>
    public bool IsRejected => Status >= AnomalyStatus.OutOfOrder;
}

/// <summary>One output of <see cref="AnomalyObservableExtensions.DetectAnomalies{T}"/>: an anomaly, or a judged price (when asked). Rejected rows go to its rejected output.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="Series">The series (key); empty for the single default series.</param>
/// <param name="TimestampTicks">The price's event time, in ticks.</param>
/// <param name="Hour">The hour of day the price is compared within.</param>
/// <param name="Price">The price.</param>
/// <param name="BaselineCount">Baseline prices: same series and hour, time in <c>[t − Lookback, t)</c>.</param>
/// <param name="BaselineMean">The baseline mean; null when the baseline is empty.</param>
/// <param name="BaselineStdDev">The baseline sample standard deviation; null with fewer than two prices.</param>
/// <param name="ZScore">(price − mean) / sd; null when sd is null or zero (with sd = 0 any price above the mean is an anomaly).</param>
/// <param name="Threshold">mean + K·sd, the lowest anomalous price (it must also be above the mean); null when sd is null.</param>
public sealed record AnomalyResult(
    AnomalyStatus Status,
    string Series,
    long TimestampTicks,
    int Hour,
    double Price,
    int BaselineCount,
    double? BaselineMean,
    double? BaselineStdDev,
    double? ZScore,
    double? Threshold)
{
    /// <summary>Whether the price is an anomaly.</summary>
    public bool IsAnomaly => Status == AnomalyStatus.Anomaly;
}

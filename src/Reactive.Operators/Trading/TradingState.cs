namespace Reactive.Operators.Trading;

/// <summary>
/// A saved state of one trading rule subscription: the paper account, what the limits remember (the last order, the
/// orders of the last hour) and the newest average and gate signals. Minimal and versioned, for checkpoints; restore it
/// through <see cref="TradingOptions.State"/> with the same rule name and currency, so that a restart keeps the cooldown,
/// the hourly count and the anomaly gate, and gives the decisions an uninterrupted run would have given.
/// </summary>
/// <param name="Version">The layout version (<see cref="CurrentVersion"/>).</param>
/// <param name="RuleName">The rule name it was saved with.</param>
/// <param name="Currency">The currency it was saved with.</param>
/// <param name="Euro">The paper euro balance.</param>
/// <param name="Bitcoin">The paper bitcoin balance.</param>
/// <param name="FeesPaid">The fees paid so far.</param>
/// <param name="Orders">The orders so far.</param>
/// <param name="StartingValue">The starting value (at the first rate); null before the first rate.</param>
/// <param name="PeakValue">The highest value so far.</param>
/// <param name="MaxDrawdown">The largest drawdown so far.</param>
/// <param name="NewestRateTicks">The newest rate's event time (an older rate is out of order); null before the first rate.</param>
/// <param name="LastOrderTicks">The last order's event time (the cooldown); null before the first order.</param>
/// <param name="RecentOrderTicks">The event times of the orders that may still count in an hour, oldest first.</param>
/// <param name="SkippedTicks">The event time of the newest skipped decisions (their ids' ordinals).</param>
/// <param name="SkippedBuys">Skipped buys at <paramref name="SkippedTicks"/>.</param>
/// <param name="SkippedSells">Skipped sells at <paramref name="SkippedTicks"/>.</param>
/// <param name="Average">The newest window average; null when none was seen.</param>
/// <param name="Anomaly">The newest anomaly; null when none was seen.</param>
/// <param name="Spread">The newest spread; null when none was seen.</param>
public sealed record TradingState(
    int Version,
    string RuleName,
    string Currency,
    double Euro,
    double Bitcoin,
    double FeesPaid,
    int Orders,
    double? StartingValue,
    double PeakValue,
    double MaxDrawdown,
    long? NewestRateTicks,
    long? LastOrderTicks,
    IReadOnlyList<long> RecentOrderTicks,
    long SkippedTicks,
    int SkippedBuys,
    int SkippedSells,
    WindowAverage? Average,
    AnomalySignal? Anomaly,
    SpreadSignal? Spread)
{
    /// <summary>The version of this layout.</summary>
    public const int CurrentVersion = 1;
}

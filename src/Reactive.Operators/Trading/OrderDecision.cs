namespace Reactive.Operators.Trading;

/// <summary>The side of an order.</summary>
public enum OrderSide
{
    /// <summary>Buy bitcoin with euro.</summary>
    Buy,

    /// <summary>Sell bitcoin for euro.</summary>
    Sell,
}

/// <summary>What became of a signal.</summary>
public enum DecisionOutcome
{
    /// <summary>An order: the wallet client places it (in paper mode, the paper account books it).</summary>
    Order,

    /// <summary>No order: a limit or gate blocked the signal (its check says which and why).</summary>
    Skipped,
}

/// <summary>The result of one limit or gate on one signal.</summary>
public enum LimitOutcome
{
    /// <summary>The limit allowed the order as it was.</summary>
    Passed,

    /// <summary>The limit reduced the amount (to what it allows, still at least the minimum order).</summary>
    Reduced,

    /// <summary>The limit blocked the order.</summary>
    Blocked,
}

/// <summary>The names of the limits and gates in <see cref="LimitCheck.Limit"/>: short, stable codes that metrics can group by.</summary>
public static class TradingLimits
{
    /// <summary>The average's window ended more than <see cref="TradingOptions.MaxAverageAge"/> before the rate.</summary>
    public const string AverageAge = "average_age";

    /// <summary>Buys only: an anomaly within <see cref="TradingOptions.AnomalyHold"/> before the rate.</summary>
    public const string Anomaly = "anomaly";

    /// <summary>The newest spread is above <see cref="TradingOptions.MaxSpread"/>.</summary>
    public const string Spread = "spread";

    /// <summary>The last order is less than <see cref="TradingOptions.Cooldown"/> before the rate.</summary>
    public const string Cooldown = "cooldown";

    /// <summary><see cref="TradingOptions.MaxOrdersPerHour"/> orders in the hour before the rate.</summary>
    public const string OrdersPerHour = "orders_per_hour";

    /// <summary>The amount above <see cref="TradingOptions.MaxOrderAmount"/>.</summary>
    public const string MaxOrder = "max_order";

    /// <summary>Buys only: the position would exceed <see cref="TradingOptions.MaxPosition"/>.</summary>
    public const string MaxPosition = "max_position";

    /// <summary>Buys only: the euro left (after the fee) would fall below <see cref="TradingOptions.MinEuroKept"/>.</summary>
    public const string MinEuroKept = "min_euro_kept";

    /// <summary>Sells only: more bitcoin than is held (the rule never sells short).</summary>
    public const string BitcoinHeld = "bitcoin_held";
}

/// <summary>One limit or gate checked on a signal.</summary>
/// <param name="Limit">Which (<see cref="TradingLimits"/>).</param>
/// <param name="Outcome">Whether it passed, reduced the amount or blocked the order.</param>
/// <param name="Detail">The numbers it compared, readable.</param>
public sealed record LimitCheck(string Limit, LimitOutcome Outcome, string Detail);

/// <summary>Why the rule fired: the rate against its window average.</summary>
/// <param name="Rate">The rate.</param>
/// <param name="Average">The window average it was compared with.</param>
/// <param name="WindowStartTicks">The average's window start, in UTC ticks.</param>
/// <param name="WindowEndTicks">The average's window end, in UTC ticks.</param>
/// <param name="Deviation">(rate − average) / average.</param>
/// <param name="Threshold">θ: a buy needs a deviation ≤ −θ, a sell ≥ θ.</param>
public readonly record struct TradingSignal(double Rate, double Average, long WindowStartTicks, long WindowEndTicks, double Deviation, double Threshold);

/// <summary>The paper account after a rate (and its order, if any), marked to market at that rate.</summary>
/// <param name="Euro">The euro balance.</param>
/// <param name="Bitcoin">The bitcoin balance.</param>
/// <param name="Rate">The rate it is marked at (the newest).</param>
/// <param name="Value">Euro + bitcoin × rate.</param>
/// <param name="StartingValue">The starting euro + the starting bitcoin × the first rate.</param>
/// <param name="ProfitAndLoss">Value − starting value.</param>
/// <param name="FeesPaid">The fees of all orders so far, in euro.</param>
/// <param name="Orders">The orders so far.</param>
/// <param name="PeakValue">The highest value so far.</param>
/// <param name="Drawdown">Peak value − value.</param>
/// <param name="MaxDrawdown">The largest drawdown so far (peak to trough).</param>
public readonly record struct PaperPortfolio(
    double Euro,
    double Bitcoin,
    double Rate,
    double Value,
    double StartingValue,
    double ProfitAndLoss,
    double FeesPaid,
    int Orders,
    double PeakValue,
    double Drawdown,
    double MaxDrawdown);

/// <summary>
/// A decision of the trading rule: an order, or a signal that a limit or gate skipped. Every signal gives one, so every
/// order and every order not placed is explained: <see cref="Reason"/> says it in a line, <see cref="Signal"/> and
/// <see cref="Checks"/> give the numbers.
/// </summary>
/// <param name="Id">
/// Deterministic: 32 hex digits of the SHA-256 of the rule name, currency, event time and side (for a skipped decision
/// also "skipped" and its ordinal among skipped decisions of that time and side), so a replay or a restart gives the same
/// ids; the wallet client journals orders and sends them under it. Two orders never share an event time (the cooldown is
/// positive), so order ids are unique in a run.
/// </param>
/// <param name="Rule">The rule's name (<see cref="TradingOptions.RuleName"/>).</param>
/// <param name="Currency">The currency traded.</param>
/// <param name="TimestampTicks">The event time of the rate that fired, in UTC ticks.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Outcome">Order or skipped.</param>
/// <param name="Amount">The bitcoin ordered, rounded down to <see cref="TradingOptions.AmountDecimals"/>; 0 when skipped.</param>
/// <param name="RequestedAmount">The amount the signal asked for (<see cref="TradingOptions.BuyAmount"/> or <see cref="TradingOptions.SellAmount"/>).</param>
/// <param name="Price">The rate the order is priced at.</param>
/// <param name="Fee">The fee in euro (amount × price × fee rate); 0 when skipped.</param>
/// <param name="Signal">The rate, its average and the deviation that fired.</param>
/// <param name="Checks">Every limit and gate checked, in order, with its outcome.</param>
/// <param name="Reason">One line: the signal and, when skipped, what blocked it.</param>
/// <param name="Portfolio">The paper account after this decision, marked at <see cref="Price"/>.</param>
public sealed record OrderDecision(
    string Id,
    string Rule,
    string Currency,
    long TimestampTicks,
    OrderSide Side,
    DecisionOutcome Outcome,
    double Amount,
    double RequestedAmount,
    double Price,
    double Fee,
    TradingSignal Signal,
    IReadOnlyList<LimitCheck> Checks,
    string Reason,
    PaperPortfolio Portfolio)
{
    /// <summary>Whether this decision is an order to place.</summary>
    public bool IsOrder => Outcome == DecisionOutcome.Order;

    /// <summary>The event time as a UTC instant.</summary>
    public DateTimeOffset Timestamp => new(TimestampTicks, TimeSpan.Zero);
}

/// <summary>The rule's output for one rate: the decision it gave, if any, and the paper account after it.</summary>
/// <param name="Rate">The rate.</param>
/// <param name="Decision">The decision when the rate fired a signal; null otherwise.</param>
/// <param name="Portfolio">The paper account after the rate, marked to market at it.</param>
public sealed record TradingStep(RateTick Rate, OrderDecision? Decision, PaperPortfolio Portfolio);

namespace Reactive.Operators.Trading;

/// <summary>One bitcoin rate: the price of one bitcoin in a currency at an event time.</summary>
/// <param name="TimestampTicks">The event time, in UTC ticks.</param>
/// <param name="Currency">The currency the rate is in (compared ordinally with <see cref="TradingOptions.Currency"/>).</param>
/// <param name="Rate">The price of one bitcoin; a rate that is not a positive finite number is rejected.</param>
public readonly record struct RateTick(long TimestampTicks, string Currency, double Rate);

/// <summary>
/// The average rate of one currency over an event-time window <c>[start, end)</c>, as the bitcoin pipeline emits it
/// (10-minute windows sliding by 5 by default).
/// </summary>
/// <param name="WindowStartTicks">The window start, inclusive, in UTC ticks.</param>
/// <param name="WindowEndTicks">The window end, exclusive, in UTC ticks.</param>
/// <param name="Currency">The currency of the averaged rates.</param>
/// <param name="Average">The average rate; one that is not a positive finite number is ignored.</param>
/// <param name="Count">How many rates were averaged.</param>
public readonly record struct WindowAverage(long WindowStartTicks, long WindowEndTicks, string Currency, double Average, long Count);

/// <summary>
/// An anomaly found at an event time (for example an <see cref="Anomaly.AnomalyResult"/> that is an anomaly): buying is
/// blocked for <see cref="TradingOptions.AnomalyHold"/> after it.
/// </summary>
/// <param name="TimestampTicks">The anomaly's event time, in UTC ticks.</param>
/// <param name="Description">What was anomalous, for the decisions' reasons (e.g. the series and the price).</param>
public readonly record struct AnomalySignal(long TimestampTicks, string Description);

/// <summary>
/// A spread measurement (for example a <see cref="Spread.QuoteSpread"/>): while the newest one is above
/// <see cref="TradingOptions.MaxSpread"/>, no order is placed.
/// </summary>
/// <param name="TimestampTicks">The measurement's event time, in UTC ticks.</param>
/// <param name="Spread">The spread, in the unit <see cref="TradingOptions.MaxSpread"/> is given in (absolute or basis points: the host chooses).</param>
public readonly record struct SpreadSignal(long TimestampTicks, double Spread);

using System.Globalization;
using Reactive.Operators.EventTime;

namespace Reactive.Operators.Trading;

/// <summary>
/// Options of the trading rule (<see cref="TradingRule.Trade"/>): the mean-reversion signal, the order sizes, the risk
/// limits, the gates and the paper account. Amounts are in bitcoin; "euro" is the balance in <see cref="Currency"/>
/// (the course's wallet holds euro).
/// </summary>
public sealed class TradingOptions
{
    /// <summary>The most decimals an amount may have (bitcoin's smallest unit is 10⁻⁸).</summary>
    public const int MaxAmountDecimals = 8;

    /// <summary>The rule's name: part of every decision id, so a rule run with other settings should get another name.</summary>
    /// <value>The default value is <c>mean-reversion</c>.</value>
    public string RuleName { get; set; } = "mean-reversion";

    /// <summary>The currency traded: rates and averages in other currencies are ignored.</summary>
    /// <value>The default value is <c>EUR</c>.</value>
    public string Currency { get; set; } = "EUR";

    /// <summary>
    /// θ, a fraction: buy when the rate is at least θ below its window average (<c>(rate − avg) / avg ≤ −θ</c>), sell
    /// when at least θ above (<c>≥ θ</c>). Greater than 0 and less than 1.
    /// </summary>
    /// <value>The default value is 0.01 (1%).</value>
    public double Threshold { get; set; } = 0.01;

    /// <summary>The bitcoin bought by one buy signal, before the limits reduce it.</summary>
    /// <value>The default value is 0.01.</value>
    public double BuyAmount { get; set; } = 0.01;

    /// <summary>The bitcoin sold by one sell signal, before the limits reduce it.</summary>
    /// <value>The default value is 0.01.</value>
    public double SellAmount { get; set; } = 0.01;

    /// <summary>The most bitcoin one order may buy or sell: a larger amount is reduced to it.</summary>
    /// <value>The default value is 0.1.</value>
    public double MaxOrderAmount { get; set; } = 0.1;

    /// <summary>The most bitcoin held: a buy is reduced so the position stays within it, and blocked when it is reached (0: never buy).</summary>
    /// <value>The default value is 1.</value>
    public double MaxPosition { get; set; } = 1;

    /// <summary>The euro always kept: a buy (with its fee) is reduced so the balance stays at or above it, and blocked when it would not.</summary>
    /// <value>The default value is 100.</value>
    public double MinEuroKept { get; set; } = 100;

    /// <summary>The smallest order: a limit that reduces an order below it blocks the order instead.</summary>
    /// <value>The default value is 0.0001.</value>
    public double MinimumOrderAmount { get; set; } = 0.0001;

    /// <summary>Amounts are rounded down to this many decimals (0 to <see cref="MaxAmountDecimals"/>), as the wallet accepts them.</summary>
    /// <value>The default value is 8.</value>
    public int AmountDecimals { get; set; } = MaxAmountDecimals;

    /// <summary>
    /// The least event time between two orders (of either side). Positive: it also keeps two orders off one event
    /// time, which would give them one id.
    /// </summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most orders in any hour of event time (sliding: the orders after <c>t − 1 h</c> count at <c>t</c>).</summary>
    /// <value>The default value is 6.</value>
    public int MaxOrdersPerHour { get; set; } = 6;

    /// <summary>How long an anomaly blocks buying: a rate at <c>t</c> is not bought while the newest anomaly is after <c>t − AnomalyHold</c>.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan AnomalyHold { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The spread gate: while the newest spread signal is above this, no order is placed. Null: no spread gate.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? MaxSpread { get; set; }

    /// <summary>
    /// The oldest average traded on: a signal from an average whose window ended more than this before the rate is
    /// skipped (a stale average is no reference). <see cref="TimeSpan.MaxValue"/>: no limit.
    /// </summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan MaxAverageAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The paper account's euro at the start.</summary>
    /// <value>The default value is 10,000.</value>
    public double StartingEuro { get; set; } = 10_000;

    /// <summary>The paper account's bitcoin at the start.</summary>
    /// <value>The default value is 0.</value>
    public double StartingBitcoin { get; set; }

    /// <summary>The fee of an order, a fraction of its value (amount × rate), paid in euro; at least 0 and less than 1.</summary>
    /// <value>The default value is 0.</value>
    public double FeeRate { get; set; }

    /// <summary>
    /// The state handle: the subscription starts from its <see cref="StateHandle{TSnapshot}.Initial"/> state (saved by an
    /// earlier run, with the same <see cref="RuleName"/> and <see cref="Currency"/>) instead of the starting balances, and
    /// <see cref="StateHandle{TSnapshot}.Save"/> snapshots it between rates, on the thread that feeds them. Null: start
    /// from the starting balances, no snapshots.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public StateHandle<TradingState>? State { get; set; }

    /// <summary>Throws when an option, or a combination of options, is one the rule cannot run with, naming it.</summary>
    /// <exception cref="OptionValidationException">An option is invalid; <see cref="OptionValidationException.OptionName"/> names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RuleName))
        {
            throw Invalid(nameof(RuleName), $"TradingOptions.RuleName must not be empty: it is part of every decision id.");
        }

        if (string.IsNullOrWhiteSpace(Currency))
        {
            throw Invalid(nameof(Currency), $"TradingOptions.Currency must not be empty.");
        }

        if (!(Threshold > 0 && Threshold < 1))
        {
            throw Invalid(nameof(Threshold), $"TradingOptions.Threshold (θ) must be a fraction greater than 0 and less than 1 (it is {Threshold}).");
        }

        if (AmountDecimals is < 0 or > MaxAmountDecimals)
        {
            throw Invalid(nameof(AmountDecimals), $"TradingOptions.AmountDecimals must be 0 to {MaxAmountDecimals} (it is {AmountDecimals}).");
        }

        var unit = Math.Pow(10, -AmountDecimals);
        if (!(MinimumOrderAmount >= unit) || !double.IsFinite(MinimumOrderAmount))
        {
            throw Invalid(nameof(MinimumOrderAmount), $"TradingOptions.MinimumOrderAmount must be finite and at least {unit} (one unit of AmountDecimals {AmountDecimals}); it is {MinimumOrderAmount}.");
        }

        RequireAtLeastMinimum(nameof(BuyAmount), BuyAmount);
        RequireAtLeastMinimum(nameof(SellAmount), SellAmount);
        RequireAtLeastMinimum(nameof(MaxOrderAmount), MaxOrderAmount);
        RequireNonNegative(nameof(MaxPosition), MaxPosition);
        RequireNonNegative(nameof(MinEuroKept), MinEuroKept);
        RequireNonNegative(nameof(StartingEuro), StartingEuro);
        RequireNonNegative(nameof(StartingBitcoin), StartingBitcoin);

        if (Cooldown <= TimeSpan.Zero)
        {
            throw Invalid(nameof(Cooldown), $"TradingOptions.Cooldown must be positive (it is {Cooldown}): it keeps two orders off one event time, which would give them one id.");
        }

        if (MaxOrdersPerHour < 1)
        {
            throw Invalid(nameof(MaxOrdersPerHour), $"TradingOptions.MaxOrdersPerHour must be at least 1 (it is {MaxOrdersPerHour}).");
        }

        if (AnomalyHold <= TimeSpan.Zero)
        {
            throw Invalid(nameof(AnomalyHold), $"TradingOptions.AnomalyHold must be positive (it is {AnomalyHold}); to trade without the anomaly gate, give the rule no anomaly signals.");
        }

        if (MaxSpread is { } spread && !(spread >= 0 && double.IsFinite(spread)))
        {
            throw Invalid(nameof(MaxSpread), $"TradingOptions.MaxSpread must be null (no spread gate) or a finite number at least 0 (it is {spread}).");
        }

        if (MaxAverageAge < TimeSpan.Zero)
        {
            throw Invalid(nameof(MaxAverageAge), $"TradingOptions.MaxAverageAge must not be negative (it is {MaxAverageAge}).");
        }

        if (!(FeeRate >= 0 && FeeRate < 1))
        {
            throw Invalid(nameof(FeeRate), $"TradingOptions.FeeRate must be a fraction at least 0 and less than 1 (it is {FeeRate}).");
        }

        if (State?.Initial is { } state)
        {
            if (state.Version != TradingState.CurrentVersion)
            {
                throw Invalid(nameof(State), $"TradingOptions.State is of version {state.Version}; this rule reads version {TradingState.CurrentVersion}.");
            }

            if (!string.Equals(state.RuleName, RuleName, StringComparison.Ordinal) || !string.Equals(state.Currency, Currency, StringComparison.Ordinal))
            {
                throw Invalid(nameof(State), $"TradingOptions.State was saved by the rule '{state.RuleName}' on {state.Currency}, not '{RuleName}' on {Currency}: restore it with the rule it was saved with.");
            }

            if (state.RecentOrderTicks is null)
            {
                throw Invalid(nameof(State), $"TradingOptions.State has no RecentOrderTicks list.");
            }
        }
    }

    internal TradingOptions Snapshot() => (TradingOptions)MemberwiseClone();

    private void RequireAtLeastMinimum(string name, double value)
    {
        if (!(value >= MinimumOrderAmount) || !double.IsFinite(value))
        {
            throw Invalid(name, $"TradingOptions.{name} must be finite and at least MinimumOrderAmount ({MinimumOrderAmount}); it is {value}.");
        }
    }

    private static void RequireNonNegative(string name, double value)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw Invalid(name, $"TradingOptions.{name} must be a finite number at least 0 (it is {value}).");
        }
    }

    private static OptionValidationException Invalid(string name, FormattableString message) =>
        new(name, message.ToString(CultureInfo.InvariantCulture));
}

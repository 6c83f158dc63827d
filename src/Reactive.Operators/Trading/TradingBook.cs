using System.Globalization;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Time;

namespace Reactive.Operators.Trading;

/// <summary>What the rule knows besides the rate: the newest window average and the gates' newest signals.</summary>
/// <param name="Average">The newest window average of the traded currency; null before the first.</param>
/// <param name="Anomaly">The anomaly with the newest event time; null before the first.</param>
/// <param name="Spread">The newest spread signal; null before the first.</param>
internal readonly record struct TradingContext(WindowAverage? Average, AnomalySignal? Anomaly, SpreadSignal? Spread);

/// <summary>
/// The trading rule's state and decisions for one subscription: the mean-reversion signal, the risk limits and the
/// paper account. Rates come one at a time, in event-time order (one older than the newest is rejected); time is only
/// ever the rates' event time.
/// </summary>
/// <remarks>Not thread-safe: one caller at a time, as an Rx observer is called.</remarks>
internal sealed class TradingBook
{
    private const long HourTicks = TimeSpan.TicksPerHour;

    private readonly TradingOptions _options;
    private readonly decimal _scale;
    private readonly double _unit;

    // Event times of the orders after (newest rate − 1 h): at most MaxOrdersPerHour of them.
    private readonly Queue<long> _recentOrders = new();

    private double _euro;
    private double _bitcoin;
    private double _fees;
    private int _orders;
    private bool _started;
    private double _startingValue;
    private double _peak;
    private double _maxDrawdown;
    private long _newestRate = long.MinValue;
    private long? _lastOrder;

    // Skipped decisions of the newest rate time, per side: their ordinals keep their ids apart.
    private long _skipTime = long.MinValue;
    private int _skippedBuys;
    private int _skippedSells;

    /// <summary>Creates a book.</summary>
    /// <param name="options">Validated options, not changed afterwards (a snapshot).</param>
    public TradingBook(TradingOptions options)
    {
        _options = options;
        _euro = options.StartingEuro;
        _bitcoin = options.StartingBitcoin;
        _scale = Pow10(options.AmountDecimals);
        _unit = (double)(1m / _scale);
    }

    /// <summary>A snapshot of the book and of <paramref name="context"/>, sharing nothing with the book.</summary>
    /// <param name="context">The newest average and gate signals, as the rule holds them now.</param>
    public TradingState Save(TradingContext context) => new(
        TradingState.CurrentVersion,
        _options.RuleName,
        _options.Currency,
        _euro,
        _bitcoin,
        _fees,
        _orders,
        _started ? _startingValue : null,
        _peak,
        _maxDrawdown,
        _started ? _newestRate : null,
        _lastOrder,
        [.. _recentOrders],
        _skipTime,
        _skippedBuys,
        _skippedSells,
        context.Average,
        context.Anomaly,
        context.Spread);

    /// <summary>Loads a snapshot (validated by <see cref="TradingOptions.Validate"/>) into a new book, before its first rate.</summary>
    public void Load(TradingState state)
    {
        _euro = state.Euro;
        _bitcoin = state.Bitcoin;
        _fees = state.FeesPaid;
        _orders = state.Orders;
        _started = state.StartingValue is not null;
        _startingValue = state.StartingValue ?? 0;
        _peak = state.PeakValue;
        _maxDrawdown = state.MaxDrawdown;
        _newestRate = state.NewestRateTicks ?? long.MinValue;
        _lastOrder = state.LastOrderTicks;
        _recentOrders.Clear();
        foreach (var ticks in state.RecentOrderTicks)
        {
            _recentOrders.Enqueue(ticks);
        }

        _skipTime = state.SkippedTicks;
        _skippedBuys = state.SkippedBuys;
        _skippedSells = state.SkippedSells;
    }

    /// <summary>
    /// Takes one rate: fires the signal against the context's average, checks the limits, books an order in the paper
    /// account, and marks the account to market at the rate. A rate it turns away changes nothing.
    /// </summary>
    /// <param name="rate">The rate (of the traded currency).</param>
    /// <param name="context">The newest average and gate signals.</param>
    /// <param name="rejection">Why the rate was turned away (code and reason); default when it was taken.</param>
    /// <returns>The step; null when the rate was turned away.</returns>
    public TradingStep? OnRate(RateTick rate, TradingContext context, out (string Code, string Reason) rejection)
    {
        var r = rate.Rate;
        var t = rate.TimestampTicks;
        if (!(r > 0) || !double.IsFinite(r))
        {
            rejection = (RejectionCodes.BadPrice, Text($"rate {r} at {UtcTicks.Format(t)} is not a positive finite number"));
            return null;
        }

        if (t < _newestRate)
        {
            rejection = (RejectionCodes.OutOfOrder, $"rate at {UtcTicks.Format(t)} is older than the newest rate, at {UtcTicks.Format(_newestRate)}; the trading rule takes rates in event-time order");
            return null;
        }

        rejection = default;
        _newestRate = t;
        if (!_started)
        {
            _started = true;
            _startingValue = _options.StartingEuro + (_options.StartingBitcoin * r);
            _peak = _startingValue;
        }

        OrderDecision? decision = null;
        if (context.Average is { } average)
        {
            var deviation = (r - average.Average) / average.Average;
            var theta = _options.Threshold;
            if (deviation <= -theta || deviation >= theta)
            {
                var signal = new TradingSignal(r, average.Average, average.WindowStartTicks, average.WindowEndTicks, deviation, theta);
                decision = Decide(rate, deviation <= -theta ? OrderSide.Buy : OrderSide.Sell, signal, context);
            }
        }

        var portfolio = Mark(r);
        if (decision is not null)
        {
            decision = decision with { Portfolio = portfolio };
        }

        return new TradingStep(rate, decision, portfolio);
    }

    private OrderDecision Decide(RateTick rate, OrderSide side, TradingSignal signal, TradingContext context)
    {
        var o = _options;
        var t = rate.TimestampTicks;
        var r = rate.Rate;
        var buy = side == OrderSide.Buy;
        var checks = new List<LimitCheck>(8);

        // Gates: each passes or blocks. All are checked, so a skipped decision names every reason, not only the first.
        var age = t - signal.WindowEndTicks;
        var ageDetail = $"the average's window ends at {UtcTicks.Format(signal.WindowEndTicks)}; MaxAverageAge is {Span(o.MaxAverageAge.Ticks)}";
        checks.Add(age > o.MaxAverageAge.Ticks
            ? new LimitCheck(TradingLimits.AverageAge, LimitOutcome.Blocked, $"{Span(age)} before the rate, too old: {ageDetail}")
            : new LimitCheck(TradingLimits.AverageAge, LimitOutcome.Passed, ageDetail));

        if (buy)
        {
            checks.Add(AnomalyCheck(t, context.Anomaly));
        }

        if (o.MaxSpread is { } maxSpread)
        {
            checks.Add(context.Spread is { } spread
                ? spread.Spread > maxSpread
                    ? new LimitCheck(TradingLimits.Spread, LimitOutcome.Blocked, Text($"the spread at {UtcTicks.Format(spread.TimestampTicks)} is {spread.Spread}, above MaxSpread {maxSpread}"))
                    : new LimitCheck(TradingLimits.Spread, LimitOutcome.Passed, Text($"the spread at {UtcTicks.Format(spread.TimestampTicks)} is {spread.Spread}, within MaxSpread {maxSpread}"))
                : new LimitCheck(TradingLimits.Spread, LimitOutcome.Passed, "no spread seen yet"));
        }

        if (_lastOrder is { } last)
        {
            var since = t - last;
            checks.Add(since < o.Cooldown.Ticks
                ? new LimitCheck(TradingLimits.Cooldown, LimitOutcome.Blocked, $"the last order was {Span(since)} before, at {UtcTicks.Format(last)}; Cooldown is {Span(o.Cooldown.Ticks)}")
                : new LimitCheck(TradingLimits.Cooldown, LimitOutcome.Passed, $"the last order was {Span(since)} before, at {UtcTicks.Format(last)}; Cooldown is {Span(o.Cooldown.Ticks)}"));
        }
        else
        {
            checks.Add(new LimitCheck(TradingLimits.Cooldown, LimitOutcome.Passed, "no earlier order"));
        }

        while (_recentOrders.Count > 0 && _recentOrders.Peek() <= t - HourTicks)
        {
            _recentOrders.Dequeue();
        }

        var inHour = _recentOrders.Count;
        checks.Add(new LimitCheck(
            TradingLimits.OrdersPerHour,
            inHour >= o.MaxOrdersPerHour ? LimitOutcome.Blocked : LimitOutcome.Passed,
            Text($"{inHour} order(s) after {UtcTicks.Format(t - HourTicks)}; MaxOrdersPerHour is {o.MaxOrdersPerHour}")));

        // Sizes: each limit caps the amount; one that leaves less than the minimum order blocks it.
        var requested = buy ? o.BuyAmount : o.SellAmount;
        var amount = Floor(requested);
        var cost = r * (1 + o.FeeRate);
        amount = Cap(checks, TradingLimits.MaxOrder, amount, o.MaxOrderAmount, a => a <= o.MaxOrderAmount, Text($"MaxOrderAmount is {o.MaxOrderAmount}"));
        if (buy)
        {
            var euro = _euro;
            var bitcoin = _bitcoin;
            amount = Cap(checks, TradingLimits.MaxPosition, amount, o.MaxPosition - bitcoin, a => bitcoin + a <= o.MaxPosition, Text($"{bitcoin} held, MaxPosition is {o.MaxPosition}"));
            amount = Cap(checks, TradingLimits.MinEuroKept, amount, (euro - o.MinEuroKept) / cost, a => euro - (a * cost) >= o.MinEuroKept, Text($"{euro} euro, {cost} a bitcoin with the fee, MinEuroKept is {o.MinEuroKept}"));
        }
        else
        {
            var bitcoin = _bitcoin;
            amount = Cap(checks, TradingLimits.BitcoinHeld, amount, bitcoin, a => a <= bitcoin, Text($"{bitcoin} held"));
        }

        var blocked = checks.Exists(c => c.Outcome == LimitOutcome.Blocked);
        var why = Text($"rate {r} is {Math.Abs(signal.Deviation) * 100:0.####}% {(buy ? "below" : "above")} the average {signal.Average} of [{UtcTicks.Format(signal.WindowStartTicks)}, {UtcTicks.Format(signal.WindowEndTicks)}) (θ {signal.Threshold * 100:0.####}%)");
        var verb = buy ? "buy" : "sell";
        if (blocked)
        {
            if (t != _skipTime)
            {
                _skipTime = t;
                _skippedBuys = 0;
                _skippedSells = 0;
            }

            var ordinal = buy ? _skippedBuys++ : _skippedSells++;
            var blockers = string.Join("; ", checks.Where(c => c.Outcome == LimitOutcome.Blocked).Select(c => $"{c.Limit}: {c.Detail}"));
            return Decision(ordinal, DecisionOutcome.Skipped, 0, 0, Text($"skipped {verb} of {requested} at {r} {o.Currency}: {why}; blocked by {blockers}"));
        }

        var value = amount * r;
        var fee = value * o.FeeRate;
        if (buy)
        {
            _euro -= value + fee;
            _bitcoin = Math.Round(_bitcoin + amount, o.AmountDecimals);
        }
        else
        {
            _euro += value - fee;
            _bitcoin = Math.Max(0, Math.Round(_bitcoin - amount, o.AmountDecimals));
        }

        _fees += fee;
        _orders++;
        _lastOrder = t;
        _recentOrders.Enqueue(t);
        var reductions = checks.Where(c => c.Outcome == LimitOutcome.Reduced).Select(c => $"{c.Limit}: {c.Detail}").ToList();
        var reduced = reductions.Count == 0 ? string.Empty : $"; reduced from {Text($"{requested}")} by {string.Join("; ", reductions)}";
        return Decision(null, DecisionOutcome.Order, amount, fee, Text($"{verb} {amount} at {r} {o.Currency}: {why}") + reduced);

        // The portfolio is filled in once the account is marked at the rate.
        OrderDecision Decision(int? skippedOrdinal, DecisionOutcome outcome, double ordered, double orderFee, string reason) =>
            new(DecisionIds.For(o.RuleName, o.Currency, t, side, skippedOrdinal), o.RuleName, o.Currency, t, side, outcome, ordered, requested, r, orderFee, signal, checks, reason, default);
    }

    private LimitCheck AnomalyCheck(long t, AnomalySignal? newest)
    {
        if (newest is not { } anomaly)
        {
            return new LimitCheck(TradingLimits.Anomaly, LimitOutcome.Passed, "no anomaly seen");
        }

        // The newest anomaly decides: an older one ends its hold no later. A rate older than a known anomaly is blocked
        // too: the rule does not buy into a market it already knows turned anomalous.
        var until = UtcTicks.AddSaturating(anomaly.TimestampTicks, _options.AnomalyHold.Ticks);
        return t < until
            ? new LimitCheck(TradingLimits.Anomaly, LimitOutcome.Blocked, $"anomaly at {UtcTicks.Format(anomaly.TimestampTicks)} ({anomaly.Description}): buying blocked until {UtcTicks.Format(until)}")
            : new LimitCheck(TradingLimits.Anomaly, LimitOutcome.Passed, $"the newest anomaly, at {UtcTicks.Format(anomaly.TimestampTicks)}, stopped blocking at {UtcTicks.Format(until)}");
    }

    // One size limit: the amount capped at `cap`, rounded down to the amount's decimals; one unit less when rounding
    // (decimal keeps 15 digits of the double) left it a hair outside the limit; blocked below the minimum order.
    private double Cap(List<LimitCheck> checks, string limit, double amount, double cap, Func<double, bool> fits, string detail)
    {
        var capped = Floor(Math.Min(amount, cap));
        if (capped > 0 && !fits(capped))
        {
            capped = Math.Round(capped - _unit, _options.AmountDecimals);
        }

        if (capped < _options.MinimumOrderAmount)
        {
            checks.Add(new LimitCheck(limit, LimitOutcome.Blocked, Text($"{detail}: allows {Math.Max(0, capped)}, less than MinimumOrderAmount {_options.MinimumOrderAmount}")));
            return amount;
        }

        if (capped < amount)
        {
            checks.Add(new LimitCheck(limit, LimitOutcome.Reduced, Text($"{detail}: allows {capped}")));
            return capped;
        }

        checks.Add(new LimitCheck(limit, LimitOutcome.Passed, Text($"{detail}: allows {amount}")));
        return amount;
    }

    private PaperPortfolio Mark(double rate)
    {
        var value = _euro + (_bitcoin * rate);
        if (value > _peak)
        {
            _peak = value;
        }

        var drawdown = _peak - value;
        if (drawdown > _maxDrawdown)
        {
            _maxDrawdown = drawdown;
        }

        return new PaperPortfolio(_euro, _bitcoin, rate, value, _startingValue, value - _startingValue, _fees, _orders, _peak, drawdown, _maxDrawdown);
    }

    // Rounds down to the amount decimals, in decimal so that 0.29 stays 0.29 (0.29 × 1e8 in double is 28999999.99…).
    private double Floor(double amount)
    {
        if (!(amount > 0))
        {
            return double.IsNaN(amount) ? 0 : amount;
        }

        if (amount >= 1e12)
        {
            return Math.Floor(amount);
        }

        return (double)(Math.Floor((decimal)amount * _scale) / _scale);
    }

    private static decimal Pow10(int exponent)
    {
        var scale = 1m;
        for (var i = 0; i < exponent; i++)
        {
            scale *= 10;
        }

        return scale;
    }

    private static string Span(long ticks) => ticks == TimeSpan.MaxValue.Ticks ? "unlimited" : Durations.Format(TimeSpan.FromTicks(ticks));

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

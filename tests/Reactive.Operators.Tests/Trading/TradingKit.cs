using System.Globalization;
using System.Reactive.Linq;
using Reactive.Operators.Trading;
using Reactive.Testing;

namespace Reactive.Operators.Tests.Trading;

/// <summary>
/// Helpers of the trading tests. Virtual time is event time: one marble frame is a minute from <see cref="T0"/>, and the
/// stamp helpers give each value the virtual time it arrives at as its event time.
/// </summary>
internal static class TradingKit
{
    public const long M = TimeSpan.TicksPerMinute;

    /// <summary>2024-01-01T00:00Z: frame 0 and the subscription time.</summary>
    public static readonly long T0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    /// <summary>The minute <paramref name="minute"/> after <see cref="T0"/>.</summary>
    public static long At(double minute) => T0 + (long)(minute * M);

    /// <summary>
    /// Small numbers the tests work out by hand: θ 2%, orders of 0.1, 1,000 euro and 1 bitcoin at the start, no fee, and
    /// limits wide enough not to bind unless a test narrows one.
    /// </summary>
    public static TradingOptions Options(Action<TradingOptions>? change = null)
    {
        var options = new TradingOptions
        {
            RuleName = "test",
            Currency = "EUR",
            Threshold = 0.02,
            BuyAmount = 0.1,
            SellAmount = 0.1,
            MaxOrderAmount = 1,
            MaxPosition = 10,
            MinEuroKept = 0,
            MinimumOrderAmount = 0.0001,
            Cooldown = TimeSpan.FromMinutes(1),
            MaxOrdersPerHour = 100,
            AnomalyHold = TimeSpan.FromMinutes(10),
            MaxAverageAge = TimeSpan.FromHours(1),
            StartingEuro = 1000,
            StartingBitcoin = 1,
            FeeRate = 0,
        };
        change?.Invoke(options);
        return options;
    }

    /// <summary>98 and 102: a buy and a sell signal against an average of 100 with θ 2%.</summary>
    public static readonly Dictionary<char, double> BuySell = new() { ['b'] = 98, ['s'] = 102 };

    public static Dictionary<char, double> Values(params (char Key, double Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    public static Dictionary<char, string> Texts(params (char Key, string Text)[] texts) => texts.ToDictionary(v => v.Key, v => v.Text);

    /// <summary>Hot rates from a marble (frames of a minute from <see cref="T0"/>), each stamped with its arrival time.</summary>
    public static IObservable<RateTick> Rates(this TestScheduler scheduler, string marble, Dictionary<char, double> rates, out ITestableObservable<double> hot)
    {
        hot = scheduler.Hot(marble, rates, frameTicks: M, offset: T0);
        return hot.Select(r => new RateTick(scheduler.Clock, "EUR", r));
    }

    /// <summary>Hot rates of one value at the given minutes, each stamped with its arrival time.</summary>
    public static IObservable<RateTick> RatesAt(this TestScheduler scheduler, double rate, params int[] minutes) =>
        scheduler.CreateHotObservable(minutes.Select(m => ReactiveTest.OnNext(At(m), rate)).ToArray()).Select(r => new RateTick(scheduler.Clock, "EUR", r));

    /// <summary>Hot averages from a marble, each of the 10-minute window that ends at its arrival.</summary>
    public static IObservable<WindowAverage> Averages(this TestScheduler scheduler, string marble, Dictionary<char, double> averages) =>
        scheduler.Hot(marble, averages, frameTicks: M, offset: T0).Select(a => new WindowAverage(scheduler.Clock - (10 * M), scheduler.Clock, "EUR", a, 10));

    /// <summary>Hot anomalies from a marble, each at its arrival time.</summary>
    public static IObservable<AnomalySignal> Anomalies(this TestScheduler scheduler, string marble) =>
        scheduler.Hot<char>(marble, frameTicks: M, offset: T0).Select(c => new AnomalySignal(scheduler.Clock, $"anomaly {c}"));

    /// <summary>Hot spreads from a marble, each at its arrival time.</summary>
    public static IObservable<SpreadSignal> Spreads(this TestScheduler scheduler, string marble, Dictionary<char, double> spreads) =>
        scheduler.Hot(marble, spreads, frameTicks: M, offset: T0).Select(s => new SpreadSignal(scheduler.Clock, s));

    /// <summary>Runs <paramref name="create"/> subscribed at <see cref="T0"/> and disposed after <paramref name="minutes"/>.</summary>
    public static ITestableObserver<T> Run<T>(this TestScheduler scheduler, Func<IObservable<T>> create, int minutes = 600) =>
        scheduler.Start(create, T0 - 1, T0, At(minutes));

    /// <summary>
    /// A decision in a word or two: <c>buy 0.1</c>; <c>buy 0.05 (max_position)</c> when limits reduced it;
    /// <c>skip buy: cooldown</c> with the limits that blocked it.
    /// </summary>
    public static string Render(OrderDecision d)
    {
        var side = d.Side == OrderSide.Buy ? "buy" : "sell";
        if (!d.IsOrder)
        {
            return $"skip {side}: " + string.Join(",", d.Checks.Where(c => c.Outcome == LimitOutcome.Blocked).Select(c => c.Limit));
        }

        var reduced = d.Checks.Where(c => c.Outcome == LimitOutcome.Reduced).Select(c => c.Limit).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{side} {d.Amount}") + (reduced.Count == 0 ? "" : $" ({string.Join(",", reduced)})");
    }

    /// <summary>A backtest input: the average of the 10-minute window that ends at <paramref name="endMinute"/>.</summary>
    public static TradingInput Avg(double average, double endMinute = 0) =>
        TradingInput.Of(new WindowAverage(At(endMinute - 10), At(endMinute), "EUR", average, 10));

    /// <summary>A backtest input: a rate at <paramref name="minute"/>.</summary>
    public static TradingInput Rate(double minute, double rate) => TradingInput.Of(new RateTick(At(minute), "EUR", rate));

    /// <summary>The decisions of the rule, rendered.</summary>
    public static IObservable<string> RenderDecisions(this IObservable<TradingStep> steps) => steps.Decisions().Select(Render);
}

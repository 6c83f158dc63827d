using System.Globalization;
using Reactive.Operators.Trading;
using static Reactive.Operators.Tests.Trading.TradingKit;

namespace Reactive.Operators.Tests.Trading;

// The rule against a brute-force reference on random inputs (a seeded loop): the reference keeps every input and every
// order it has seen and answers each question by scanning them, the way the documentation states the rules.
public sealed class TradingReferenceTests
{
    private const long Hour = TimeSpan.TicksPerHour;

    [Fact]
    public void Trade_RandomInputs_AgreesWithTheReference()
    {
        var seen = new HashSet<(string, LimitOutcome)>();
        var orders = 0;
        for (var seed = 1; seed <= 300; seed++)
        {
            var random = new Random(seed);
            var options = RandomOptions(random);
            var inputs = RandomInputs(random, 200);

            var result = TradingBacktest.Run(inputs, options);
            var expected = Reference(inputs, options);
            foreach (var decision in result.Decisions)
            {
                orders += decision.IsOrder ? 1 : 0;
                seen.UnionWith(decision.Checks.Select(c => (c.Limit, c.Outcome)));
            }

            Assert.True(expected.Count == result.Steps.Count, $"seed {seed}: {expected.Count} steps expected, {result.Steps.Count} given");
            for (var i = 0; i < expected.Count; i++)
            {
                var (e, a) = (expected[i], result.Steps[i]);
                var where = string.Create(CultureInfo.InvariantCulture, $"seed {seed}, step {i} (rate {a.Rate.Rate} at {a.Rate.TimestampTicks})");
                Assert.True(e.Time == a.Rate.TimestampTicks, where);
                Assert.True(e.Decision == (a.Decision is null ? null : Render(a.Decision)), $"{where}: expected {e.Decision ?? "no decision"}, given {(a.Decision is null ? "none" : Render(a.Decision))}");
                Assert.True(Near(e.Euro, a.Portfolio.Euro) && Near(e.Bitcoin, a.Portfolio.Bitcoin), $"{where}: balances {e.Euro}/{e.Bitcoin} expected, {a.Portfolio.Euro}/{a.Portfolio.Bitcoin} given");
                Assert.True(Near(e.Value, a.Portfolio.Value) && Near(e.MaxDrawdown, a.Portfolio.MaxDrawdown), $"{where}: value {e.Value} and max drawdown {e.MaxDrawdown} expected, {a.Portfolio.Value} and {a.Portfolio.MaxDrawdown} given");
            }

            if (expected.Count > 0)
            {
                var last = expected[^1];
                var report = result.Report;
                Assert.True(Near(report.FinalEuro, last.Euro) && Near(report.FinalBitcoin, last.Bitcoin) && Near(report.MaxDrawdown, last.MaxDrawdown), $"seed {seed}: report {report}");
                Assert.Equal(result.Steps[^1].Portfolio.Orders, report.Orders);
                Assert.True(Near(report.FeesPaid, result.Steps[^1].Portfolio.FeesPaid), $"seed {seed}: fees");
            }
        }

        // The inputs reach every limit: each blocks somewhere (but max_order, which is at least the minimum order), and each
        // size limit also reduces somewhere.
        var gates = new[] { TradingLimits.AverageAge, TradingLimits.Anomaly, TradingLimits.Spread, TradingLimits.Cooldown, TradingLimits.OrdersPerHour };
        var sizes = new[] { TradingLimits.MaxOrder, TradingLimits.MaxPosition, TradingLimits.MinEuroKept, TradingLimits.BitcoinHeld };
        Assert.All(gates.Concat(sizes.Skip(1)), limit => Assert.Contains((limit, LimitOutcome.Blocked), seen));
        Assert.All(sizes, limit => Assert.Contains((limit, LimitOutcome.Reduced), seen));
        Assert.True(orders > 1000, $"{orders} orders");
    }

    private static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(b));

    private sealed record Expected(long Time, string? Decision, double Euro, double Bitcoin, double Value, double MaxDrawdown);

    private static List<Expected> Reference(IReadOnlyList<TradingInput> inputs, TradingOptions o)
    {
        var averages = new List<WindowAverage>();
        var anomalies = new List<AnomalySignal>();
        var spreads = new List<SpreadSignal>();
        var orders = new List<long>();
        var steps = new List<Expected>();
        double euro = o.StartingEuro, bitcoin = o.StartingBitcoin;
        double? start = null;
        double peak = 0, maxDrawdown = 0;
        long? newest = null;
        var unit = Math.Pow(10, -o.AmountDecimals);
        var skipped = 0;
        foreach (var input in inputs)
        {
            switch (input.Kind)
            {
                case TradingInputKind.Average:
                    averages.Add(input.Average);
                    continue;
                case TradingInputKind.Anomaly:
                    anomalies.Add(input.Anomaly);
                    continue;
                case TradingInputKind.Spread:
                    spreads.Add(input.Spread);
                    continue;
            }

            var (t, r) = (input.Rate.TimestampTicks, input.Rate.Rate);
            if (input.Rate.Currency != o.Currency || !(r > 0) || double.IsInfinity(r) || (newest is { } n && t < n))
            {
                continue;
            }

            newest = t;
            start ??= o.StartingEuro + (o.StartingBitcoin * r);
            if (steps.Count == 0)
            {
                peak = start.Value;
            }

            // The newest average: latest window end, then latest start, then latest arrival.
            var usable = averages.Select((a, i) => (a, i)).Where(x => x.a.Currency == o.Currency && x.a.Average > 0 && double.IsFinite(x.a.Average)).ToList();
            string? decision = null;
            if (usable.Count > 0)
            {
                var average = usable.OrderBy(x => x.a.WindowEndTicks).ThenBy(x => x.a.WindowStartTicks).ThenBy(x => x.i).Last().a;
                var deviation = (r - average.Average) / average.Average;
                bool? buy = deviation <= -o.Threshold ? true : deviation >= o.Threshold ? false : null;
                if (buy is { } isBuy)
                {
                    var blocked = new List<string>();
                    var reduced = new List<string>();
                    if (t - average.WindowEndTicks > o.MaxAverageAge.Ticks)
                    {
                        blocked.Add(TradingLimits.AverageAge);
                    }

                    if (isBuy && anomalies.Count > 0)
                    {
                        var latest = anomalies.Select((a, i) => (a, i)).OrderBy(x => x.a.TimestampTicks).ThenBy(x => x.i).Last().a;
                        if (t < latest.TimestampTicks + o.AnomalyHold.Ticks)
                        {
                            blocked.Add(TradingLimits.Anomaly);
                        }
                    }

                    if (o.MaxSpread is { } max && spreads.Count > 0 && spreads[^1].Spread > max)
                    {
                        blocked.Add(TradingLimits.Spread);
                    }

                    if (orders.Any(time => t - time < o.Cooldown.Ticks))
                    {
                        blocked.Add(TradingLimits.Cooldown);
                    }

                    if (orders.Count(time => time > t - Hour) >= o.MaxOrdersPerHour)
                    {
                        blocked.Add(TradingLimits.OrdersPerHour);
                    }

                    var requested = isBuy ? o.BuyAmount : o.SellAmount;
                    var amount = FloorTo(requested, o.AmountDecimals);
                    var limits = isBuy
                        ? new (string Name, double Cap, Func<double, bool> Fits)[]
                        {
                            (TradingLimits.MaxOrder, o.MaxOrderAmount, a => a <= o.MaxOrderAmount),
                            (TradingLimits.MaxPosition, o.MaxPosition - bitcoin, a => bitcoin + a <= o.MaxPosition),
                            (TradingLimits.MinEuroKept, (euro - o.MinEuroKept) / (r * (1 + o.FeeRate)), a => euro - (a * r * (1 + o.FeeRate)) >= o.MinEuroKept),
                        }
                        : [(TradingLimits.MaxOrder, o.MaxOrderAmount, a => a <= o.MaxOrderAmount), (TradingLimits.BitcoinHeld, bitcoin, a => a <= bitcoin)];
                    foreach (var (name, cap, fits) in limits)
                    {
                        var allowed = FloorTo(Math.Min(amount, cap), o.AmountDecimals);
                        if (allowed > 0 && !fits(allowed))
                        {
                            allowed = Math.Round(allowed - unit, o.AmountDecimals);
                        }

                        if (allowed < o.MinimumOrderAmount)
                        {
                            blocked.Add(name);
                        }
                        else if (allowed < amount)
                        {
                            reduced.Add(name);
                            amount = allowed;
                        }
                    }

                    var side = isBuy ? "buy" : "sell";
                    if (blocked.Count > 0)
                    {
                        skipped++;
                        decision = $"skip {side}: {string.Join(",", blocked)}";
                    }
                    else
                    {
                        var worth = amount * r;
                        euro += isBuy ? -(worth + (worth * o.FeeRate)) : worth - (worth * o.FeeRate);
                        bitcoin = Math.Max(0, Math.Round(bitcoin + (isBuy ? amount : -amount), o.AmountDecimals));
                        orders.Add(t);
                        decision = string.Create(CultureInfo.InvariantCulture, $"{side} {amount}") + (reduced.Count == 0 ? "" : $" ({string.Join(",", reduced)})");
                    }
                }
            }

            var value = euro + (bitcoin * r);
            peak = Math.Max(peak, value);
            maxDrawdown = Math.Max(maxDrawdown, peak - value);
            steps.Add(new Expected(t, decision, euro, bitcoin, value, maxDrawdown));
        }

        return steps;
    }

    // Rounds down to the decimals after reading the double as the decimal number it stands for (15 significant digits).
    private static double FloorTo(double x, int decimals)
    {
        if (!(x > 0))
        {
            return double.IsNaN(x) ? 0 : x;
        }

        var text = ((decimal)x).ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var cut = point < 0 ? text : decimals == 0 ? text[..point] : text[..Math.Min(text.Length, point + 1 + decimals)];
        return double.Parse(cut, CultureInfo.InvariantCulture);
    }

    internal static TradingOptions RandomOptions(Random random)
    {
        T Pick<T>(params T[] values) => values[random.Next(values.Length)];
        var decimals = Pick(8, 4, 2);
        var minimum = Math.Pow(10, -decimals);
        return Options(o =>
        {
            o.Threshold = Pick(0.005, 0.01, 0.02, 0.05);
            (o.AmountDecimals, o.MinimumOrderAmount) = (decimals, Pick(1, 5) * minimum);
            o.BuyAmount = Pick(0.05, 0.1, 0.25, 1, 1.37);
            o.SellAmount = Pick(0.05, 0.1, 0.3, 2);
            o.MaxOrderAmount = Pick(0.05, 0.2, 1, 5);
            o.MaxPosition = Pick(0, 0.5, 1, 3, 10);
            o.MinEuroKept = Pick(0, 100, 500, 900);
            o.Cooldown = TimeSpan.FromMinutes(Pick(1, 2, 5, 15));
            o.MaxOrdersPerHour = random.Next(1, 7);
            o.AnomalyHold = TimeSpan.FromMinutes(Pick(5, 30, 60));
            o.MaxSpread = Pick<double?>(null, 0.5, 1);
            o.MaxAverageAge = Pick(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.MaxValue);
            o.StartingEuro = Pick(0, 1000, 10_000);
            o.StartingBitcoin = Pick(0, 0.5, 2);
            o.FeeRate = Pick(0, 0.001, 0.01, 0.26);
        });
    }

    // A random walk of rates around 100 with averages, anomalies and spreads in between, and now and then a bad rate, a
    // rate out of order, a rate or an average of another currency, an older window, an anomaly from ahead.
    internal static List<TradingInput> RandomInputs(Random random, int count)
    {
        var inputs = new List<TradingInput>();
        var minute = 0.0;
        var rate = 100.0;
        var recent = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            if (roll < 0.15)
            {
                var end = Math.Floor(minute / 5) * 5 - (random.NextDouble() < 0.2 ? 5 : 0);
                var average = recent.Count == 0 ? rate : recent.TakeLast(10).Average();
                var currency = random.NextDouble() < 0.1 ? "USD" : "EUR";
                inputs.Add(TradingInput.Of(new WindowAverage(At(end - 10), At(end), currency, random.NextDouble() < 0.05 ? double.NaN : Math.Round(average, 2), 10)));
            }
            else if (roll < 0.2)
            {
                inputs.Add(TradingInput.Of(new AnomalySignal(At(minute + random.Next(-30, 10)), "random")));
            }
            else if (roll < 0.27)
            {
                inputs.Add(TradingInput.Of(new SpreadSignal(At(minute), Math.Round(random.NextDouble() * 1.5, 2))));
            }
            else
            {
                minute += random.Next(0, 4);
                rate = Math.Round(Math.Max(1, rate * (1 + ((random.NextDouble() - 0.5) * 0.06))), 2);
                recent.Add(rate);
                var special = random.NextDouble();
                inputs.Add(special switch
                {
                    < 0.02 => TradingInput.Of(new RateTick(At(minute), "EUR", double.NaN)),
                    < 0.04 => TradingInput.Of(new RateTick(At(minute - 3), "EUR", rate)),
                    < 0.06 => TradingInput.Of(new RateTick(At(minute), "USD", rate)),
                    _ => TradingInput.Of(new RateTick(At(minute), "EUR", rate)),
                });
            }
        }

        return inputs;
    }
}

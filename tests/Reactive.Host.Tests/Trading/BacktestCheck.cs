using System.Globalization;
using System.Text.Json;

namespace Reactive.Host.Tests.Trading;

/// <summary>One input rate: its event time (UTC ticks) and value.</summary>
internal readonly record struct InputRate(long Ticks, double Rate);

/// <summary>The settings a check needs, with the trading rule's documented defaults.</summary>
internal sealed record CheckSettings
{
    public double Threshold { get; init; } = 0.01;

    public double FeeRate { get; init; }

    public double StartingEuro { get; init; } = 10_000;

    public double StartingBitcoin { get; init; }

    public double MaxPosition { get; init; } = 1;

    public double MinEuroKept { get; init; } = 100;

    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxOrdersPerHour { get; init; } = 6;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan Slide { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Checks a trading backtest's output against the input, computed here from the definitions and not from the
/// service's code: which rates fire a signal (the rate against the average of the newest window made final by the rates
/// before it), the paper account replayed from the printed orders, the risk limits as invariants, and the report.
/// </summary>
internal static class BacktestCheck
{
    /// <summary>The rates of a bitcoin JSON file (field <paramref name="field"/>).</summary>
    public static List<InputRate> JsonRates(string path, string field = "euro_rate") =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l =>
        {
            using var json = JsonDocument.Parse(l);
            var time = DateTime.ParseExact(json.RootElement.GetProperty("timestamp").GetString()!, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            return new InputRate(time.Ticks, json.RootElement.GetProperty(field).GetDouble());
        })];

    /// <summary>The prices of a bitcoincharts CSV (<c>unix seconds,price,amount</c>).</summary>
    public static List<InputRate> CsvRates(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split(',');
            return new InputRate(DateTimeOffset.FromUnixTimeSeconds(long.Parse(f[0], CultureInfo.InvariantCulture)).UtcTicks, double.Parse(f[1], CultureInfo.InvariantCulture));
        })];

    /// <summary>Asserts the output lines (decision rows, then one report row) against the rates; returns the decisions.</summary>
    public static List<JsonElement> Verify(IReadOnlyList<InputRate> rates, IReadOnlyList<JsonElement> lines, CheckSettings s)
    {
        Assert.NotEmpty(lines);
        var report = lines[^1];
        Assert.True(report.TryGetProperty("buy_and_hold_pnl", out _), $"the last line is the report: {report}");
        var decisions = lines.Take(lines.Count - 1).ToList();
        Assert.All(decisions, d => Assert.True(d.TryGetProperty("reason", out _), d.ToString()));

        // 1. Signals: every rate deviating at least θ from the newest final window's average gives exactly one decision.
        var expected = ExpectedSignals(rates, s);
        Assert.Equal(expected.Count, decisions.Count);
        for (var i = 0; i < decisions.Count; i++)
        {
            var d = decisions[i];
            var e = expected[i];
            Assert.Equal(new DateTimeOffset(e.Ticks, TimeSpan.Zero), d.GetProperty("timestamp").GetDateTimeOffset());
            Assert.Equal(e.Buy ? "buy" : "sell", d.GetProperty("side").GetString());
            Assert.Equal(e.Rate, d.GetProperty("price").GetDouble());
            Assert.Equal(new DateTimeOffset(e.WindowEnd, TimeSpan.Zero), d.GetProperty("window_end").GetDateTimeOffset());
            Assert.Equal(e.Average, d.GetProperty("average").GetDouble(), e.Average * 1e-12);
            Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("reason").GetString()));
        }

        // 2. The paper account replayed from the printed orders, and the limits as invariants.
        double euro = s.StartingEuro, bitcoin = s.StartingBitcoin, fees = 0;
        var orderTimes = new List<long>();
        int buys = 0, sells = 0;
        var byTime = decisions.GroupBy(d => d.GetProperty("timestamp").GetDateTimeOffset().UtcTicks).ToDictionary(g => g.Key, g => g.ToList());
        double first = rates[0].Rate, last = rates[^1].Rate, start = s.StartingEuro + (s.StartingBitcoin * first), peak = start, maxDrawdown = 0;
        foreach (var rate in rates)
        {
            foreach (var d in byTime.Remove(rate.Ticks, out var here) ? here : [])
            {
                if (d.GetProperty("outcome").GetString() == "order")
                {
                    var amount = d.GetProperty("amount").GetDouble();
                    var price = d.GetProperty("price").GetDouble();
                    var fee = d.GetProperty("fee").GetDouble();
                    Assert.Equal(amount * price * s.FeeRate, fee, 1e-9);
                    Assert.True(amount > 0, d.ToString());
                    if (d.GetProperty("side").GetString() == "buy")
                    {
                        buys++;
                        euro -= (amount * price) + fee;
                        bitcoin = Math.Round(bitcoin + amount, 8);
                        Assert.True(bitcoin <= s.MaxPosition + 1e-12, $"position {bitcoin} above {s.MaxPosition}: {d}");
                        Assert.True(euro >= s.MinEuroKept - 1e-9, $"euro {euro} below {s.MinEuroKept}: {d}");
                    }
                    else
                    {
                        sells++;
                        euro += (amount * price) - fee;
                        bitcoin = Math.Round(bitcoin - amount, 8);
                        Assert.True(bitcoin >= 0, $"sold short: {d}");
                    }

                    fees += fee;
                    var t = rate.Ticks;
                    Assert.True(orderTimes.Count == 0 || t - orderTimes[^1] >= s.Cooldown.Ticks, $"an order within the cooldown: {d}");
                    orderTimes.Add(t);
                    Assert.True(orderTimes.Count(o => o > t - TimeSpan.TicksPerHour) <= s.MaxOrdersPerHour, $"more than {s.MaxOrdersPerHour} orders in the hour before {d}");
                }
                else
                {
                    Assert.Equal(0, d.GetProperty("amount").GetDouble());
                }

                Assert.Equal(euro, d.GetProperty("euro").GetDouble(), 1e-6);
                Assert.Equal(bitcoin, d.GetProperty("bitcoin").GetDouble(), 1e-9);
            }

            var value = euro + (bitcoin * rate.Rate);
            peak = Math.Max(peak, value);
            maxDrawdown = Math.Max(maxDrawdown, peak - value);
        }

        Assert.Empty(byTime);

        // 3. The report.
        Assert.Equal(rates.Count, report.GetProperty("rates").GetInt32());
        Assert.Equal(buys, report.GetProperty("buys").GetInt32());
        Assert.Equal(sells, report.GetProperty("sells").GetInt32());
        Assert.Equal(buys + sells, report.GetProperty("orders").GetInt32());
        Assert.Equal(decisions.Count - buys - sells, report.GetProperty("skipped").GetInt32());
        Assert.Equal(euro, report.GetProperty("final_euro").GetDouble(), 1e-6);
        Assert.Equal(bitcoin, report.GetProperty("final_bitcoin").GetDouble(), 1e-9);
        Assert.Equal(first, report.GetProperty("first_rate").GetDouble());
        Assert.Equal(last, report.GetProperty("last_rate").GetDouble());
        Assert.Equal(euro + (bitcoin * last) - start, report.GetProperty("pnl").GetDouble(), 1e-6);
        var hold = (s.StartingBitcoin + (s.StartingEuro / (first * (1 + s.FeeRate)))) * last;
        Assert.Equal(hold - start, report.GetProperty("buy_and_hold_pnl").GetDouble(), 1e-6);
        Assert.Equal(fees, report.GetProperty("fees").GetDouble(), 1e-6);
        Assert.Equal(maxDrawdown, report.GetProperty("max_drawdown").GetDouble(), 1e-6);
        return decisions;
    }

    private sealed record Signal(long Ticks, double Rate, bool Buy, long WindowEnd, double Average);

    // The newest window (largest end, then largest start) among those holding a rate before this one whose end is at
    // most the previous rate's time (the watermark: no delay); its average is the plain mean of its rates. A signal on
    // a stale average is a decision too (skipped by the average_age gate).
    private static List<Signal> ExpectedSignals(IReadOnlyList<InputRate> rates, CheckSettings s)
    {
        var window = s.Window.Ticks;
        var slide = s.Slide.Ticks;
        var sums = new Dictionary<long, (double Sum, int Count)>();
        var starts = new SortedSet<long>();
        var signals = new List<Signal>();
        long? watermark = null;
        foreach (var r in rates)
        {
            if (watermark is { } w && starts.Count > 0 && starts.Min <= w - window)
            {
                var newest = starts.GetViewBetween(starts.Min, w - window).Max;
                var (sum, count) = sums[newest];
                var average = sum / count;
                var deviation = (r.Rate - average) / average;
                if (deviation <= -s.Threshold || deviation >= s.Threshold)
                {
                    signals.Add(new Signal(r.Ticks, r.Rate, deviation < 0, newest + window, average));
                }
            }

            for (var start = FloorTo(r.Ticks, slide); start > r.Ticks - window; start -= slide)
            {
                var (sum, count) = sums.GetValueOrDefault(start);
                sums[start] = (sum + r.Rate, count + 1);
                starts.Add(start);
            }

            watermark = Math.Max(watermark ?? long.MinValue, r.Ticks);
        }

        return signals;
    }

    private static long FloorTo(long ticks, long step) => ticks - (((ticks % step) + step) % step);
}

using System.Globalization;
using Reactive.Operators.Trading;
using Reactive.Testing;
using Xunit.Abstractions;

namespace Reactive.Operators.Tests.Trading;

// A backtest over the real Kraken BTC/GBP trades (../shared/data): the rule's limits hold on every step, and a second
// run gives the same decisions and report.
public sealed class TradingRealDataTests(ITestOutputHelper output)
{
    private const string File = "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv";
    private const long Minute = TimeSpan.TicksPerMinute;

    [SharedDataFact(File)]
    public void Backtest_KrakenTrades_LimitsHoldAndTheRunRepeats()
    {
        var inputs = KrakenWithAverages(SharedData.PathOf(File));
        var options = new TradingOptions { Currency = "GBP", RuleName = "kraken-test" };

        var result = TradingBacktest.Run(inputs, options);
        var again = TradingBacktest.Run(inputs, options);

        output.WriteLine(result.Report.ToString());
        Assert.Equal(24_715, result.Steps.Count);
        Assert.Equal(result.Decisions.Select(d => (d.Id, d.Outcome, d.Amount)), again.Decisions.Select(d => (d.Id, d.Outcome, d.Amount)));
        Assert.Equal(result.Report, again.Report);

        var orders = result.Decisions.Where(d => d.IsOrder).ToList();
        Assert.InRange(orders.Count, 10, int.MaxValue);
        Assert.Contains(result.Decisions, d => !d.IsOrder);
        Assert.Equal(orders.Count, orders.Select(d => d.Id).Distinct().Count());

        // Every limit, checked on the outcome rather than on the rule's own checks.
        Assert.All(result.Steps, s => Assert.True(s.Portfolio.Bitcoin >= 0 && s.Portfolio.Bitcoin <= options.MaxPosition + 1e-12, $"position {s.Portfolio.Bitcoin}"));
        Assert.All(result.Steps, s => Assert.True(s.Portfolio.Euro >= options.MinEuroKept - 1e-9, $"euro {s.Portfolio.Euro}"));
        Assert.All(orders, d => Assert.True(d.Amount >= options.MinimumOrderAmount && d.Amount <= options.MaxOrderAmount && Math.Round(d.Amount, 8) == d.Amount));
        for (var i = 1; i < orders.Count; i++)
        {
            Assert.True(orders[i].TimestampTicks - orders[i - 1].TimestampTicks >= options.Cooldown.Ticks, $"orders {i - 1} and {i} within the cooldown");
        }

        for (var i = options.MaxOrdersPerHour; i < orders.Count; i++)
        {
            Assert.True(orders[i].TimestampTicks - orders[i - options.MaxOrdersPerHour].TimestampTicks >= TimeSpan.TicksPerHour, $"more than {options.MaxOrdersPerHour} orders in the hour before order {i}");
        }

        // The report's balances are the starting ones plus the orders.
        var euro = options.StartingEuro + orders.Sum(d => d.Side == OrderSide.Sell ? (d.Amount * d.Price) - d.Fee : -(d.Amount * d.Price) - d.Fee);
        var bitcoin = options.StartingBitcoin + orders.Sum(d => d.Side == OrderSide.Buy ? d.Amount : -d.Amount);
        Assert.Equal(euro, result.Report.FinalEuro, 6);
        Assert.Equal(bitcoin, result.Report.FinalBitcoin, 8);
    }

    // The trades as rates, and before the first trade of each 5-minute step the average of the trades in the 10 minutes
    // before it (the bitcoin pipeline's 10-minute window sliding by 5, once final).
    private static List<TradingInput> KrakenWithAverages(string path)
    {
        var trades = System.IO.File.ReadLines(path)
            .Select(line => line.Split(','))
            .Select(f => (Ticks: DateTimeOffset.FromUnixTimeSeconds(long.Parse(f[0], CultureInfo.InvariantCulture)).UtcTicks, Price: double.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToList();
        var inputs = new List<TradingInput>(trades.Count * 2);
        var step = 5 * Minute;
        long? boundary = null;
        var start = 0;
        for (var i = 0; i < trades.Count; i++)
        {
            var (ticks, price) = trades[i];
            var floor = ticks - (ticks % step);
            if (boundary is { } b && floor > b)
            {
                // Every boundary passed since the last trade; the newest one with trades in its window is what matters.
                var end = floor;
                while (start < i && trades[start].Ticks < end - (10 * Minute))
                {
                    start++;
                }

                var window = trades.Skip(start).Take(i - start).Where(t => t.Ticks >= end - (10 * Minute) && t.Ticks < end).ToList();
                if (window.Count > 0)
                {
                    inputs.Add(TradingInput.Of(new WindowAverage(end - (10 * Minute), end, "GBP", window.Average(t => t.Price), window.Count)));
                }
            }

            boundary = floor;
            inputs.Add(TradingInput.Of(new RateTick(ticks, "GBP", price)));
        }

        return inputs;
    }
}

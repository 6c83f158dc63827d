using Reactive.Operators.Trading;
using Reactive.Testing;
using static Reactive.Operators.Tests.Trading.TradingKit;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Trading;

// The paper account and the backtest report, against figures worked out by hand.
public sealed class TradingPaperTests
{
    // 1,000 euro, no bitcoin, θ 10%, orders of 1 bitcoin, a fee of 1%.
    private static TradingOptions PaperOptions() => Options(o =>
    {
        (o.StartingEuro, o.StartingBitcoin, o.Threshold, o.FeeRate) = (1000, 0, 0.1, 0.01);
        (o.BuyAmount, o.SellAmount, o.MaxOrderAmount) = (1, 1, 10);
    });

    private static bool Is(PaperPortfolio p, double euro, double bitcoin, double value, double pnl, double fees, int orders, double peak, double drawdown, double maxDrawdown) =>
        Near(p.Euro, euro) && Near(p.Bitcoin, bitcoin) && Near(p.Value, value) && Near(p.ProfitAndLoss, pnl) && Near(p.FeesPaid, fees)
        && p.Orders == orders && Near(p.PeakValue, peak) && Near(p.Drawdown, drawdown) && Near(p.MaxDrawdown, maxDrawdown) && p.StartingValue == 1000;

    private static bool Near(double actual, double expected) => TradingRuleTests.Near(actual, expected);

    [Fact]
    public void Paper_ProfitAndLossAndFees_MarkedToMarketAtEveryRate()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a----", Values(('a', 100)));
        var rates = scheduler.Rates("-abcd|", Values(('a', 100), ('b', 80), ('c', 95), ('d', 120)), out _);

        var observer = scheduler.Run(() => rates.Trade(averages, PaperOptions()));

        // Start: 1,000 euro, worth 1,000.
        // 80 (20% below): buy 1 for 80 + 0.8 fee: 919.2 euro, 1 bitcoin, worth 999.2; P&L −0.8, drawdown 0.8 from 1,000.
        // 95 (5% below, no signal): worth 919.2 + 95 = 1,014.2, a new peak.
        // 120 (20% above): sell 1 for 120 − 1.2 fee: 1,038 euro, worth 1,038; fees 2; P&L 38.
        observer.Messages.AssertEqual(
            OnNext<TradingStep>(At(1), s => s.Decision is null && Is(s.Portfolio, 1000, 0, 1000, 0, 0, 0, 1000, 0, 0)),
            OnNext<TradingStep>(At(2), s => s.Decision!.Fee == 0.8 && Is(s.Portfolio, 919.2, 1, 999.2, -0.8, 0.8, 1, 1000, 0.8, 0.8)),
            OnNext<TradingStep>(At(3), s => s.Decision is null && Is(s.Portfolio, 919.2, 1, 1014.2, 14.2, 0.8, 1, 1014.2, 0, 0.8)),
            OnNext<TradingStep>(At(4), s => Near(s.Decision!.Fee, 1.2) && Is(s.Portfolio, 1038, 0, 1038, 38, 2, 2, 1038, 0, 0.8)),
            OnCompleted<TradingStep>(At(5)));
    }

    [Fact]
    public void Report_ByHand_BalancesBuyAndHoldFeesDrawdown()
    {
        var result = TradingBacktest.Run([Avg(100), Rate(1, 100), Rate(2, 80), Rate(3, 95), Rate(4, 120)], PaperOptions());
        var report = result.Report;

        // As the running account above; buy-and-hold puts the 1,000 euro into 1000 / (100 × 1.01) = 9.90099… bitcoin at
        // the first rate, worth 9.90099… × 120 = 1,188.1188… at the last.
        Assert.Equal((4, 2, 1, 1, 0), (report.Rates, report.Orders, report.Buys, report.Sells, report.Skipped));
        Assert.Equal((1000, 0), (report.StartingEuro, report.StartingBitcoin));
        Assert.True(Near(report.FinalEuro, 1038) && Near(report.FinalBitcoin, 0));
        Assert.Equal((100, 120), (report.FirstRate, report.LastRate));
        Assert.Equal(1000, report.StartingValue);
        Assert.True(Near(report.FinalValue!.Value, 1038) && Near(report.ProfitAndLoss!.Value, 38));
        Assert.True(Near(report.BuyAndHoldValue!.Value, 1000.0 / 101 * 120));
        Assert.True(Near(report.BuyAndHoldProfitAndLoss!.Value, (1000.0 / 101 * 120) - 1000));
        Assert.True(Near(report.FeesPaid, 2));
        Assert.True(Near(report.MaxDrawdown, 0.8) && Near(report.MaxDrawdownFraction, 0.0008));
        Assert.Equal(
            "rates 4, orders 2 (1 buy, 1 sell), skipped 0\n"
            + "balances: euro 1000 -> 1038, bitcoin 0 -> 0\n"
            + "rate 100 -> 120; value 1000 -> 1038\n"
            + "P&L 38; buy-and-hold P&L 188.12\n"
            + "fees 2; maximum drawdown 0.8 (0.08%)",
            report.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Drawdown_PeakToTroughOfTheValue()
    {
        // No average, no trading: 1 bitcoin and nothing else, so the value is the rate. Peaks 100, 120, 120, 130, 130, 130;
        // falls 0, 0, 30, 0, 50, 20: the largest is 50, from 130 to 80.
        var rates = new[] { 100.0, 120, 90, 130, 80, 110 };
        var result = TradingBacktest.Run(rates.Select((r, i) => Rate(i, r)), Options(o => o.StartingEuro = 0));

        Assert.Equal([0, 0, 30, 30, 50, 50], result.Steps.Select(s => s.Portfolio.MaxDrawdown));
        Assert.Equal([0, 0, 30, 0, 50, 20], result.Steps.Select(s => s.Portfolio.Drawdown));
        Assert.Equal(50, result.Report.MaxDrawdown);
        Assert.Equal(50.0 / 130, result.Report.MaxDrawdownFraction);
        Assert.Equal(10, result.Report.ProfitAndLoss);
        Assert.Equal(10, result.Report.BuyAndHoldProfitAndLoss);
    }

    [Fact]
    public void Drawdown_LargestFractionAndLargestAmount_AreFoundApart()
    {
        // 100 → 50 is a fall of 50, half the peak; 1,000 → 900 a fall of 100, a tenth of it.
        var result = TradingBacktest.Run([Rate(0, 100), Rate(1, 50), Rate(2, 1000), Rate(3, 900)], Options(o => o.StartingEuro = 0));

        Assert.Equal(100, result.Report.MaxDrawdown);
        Assert.Equal(0.5, result.Report.MaxDrawdownFraction);
    }

    [Fact]
    public void Backtest_InputOrder_DecidesWhatEachRateSees()
    {
        // The first rate comes before any average: no signal. The second sees it.
        var result = TradingBacktest.Run([Rate(1, 98), Avg(100), Rate(2, 98)], Options());

        Assert.Equal(2, result.Steps.Count);
        Assert.Null(result.Steps[0].Decision);
        Assert.Equal(At(2), result.Decisions.Single().TimestampTicks);
    }

    [Fact]
    public void Backtest_RejectedRates_ReportedAndNotCounted()
    {
        var result = TradingBacktest.Run([Rate(2, 100), Rate(1, 100), Rate(3, 0)], Options());

        Assert.Equal(1, result.Report.Rates);
        Assert.Equal([At(1), At(3)], result.Rejected.Select(r => r.Row.TimestampTicks));
    }

    [Fact]
    public void Backtest_NoRates_ReportsTheStartAndNoValues()
    {
        var result = TradingBacktest.Run([Avg(100)], Options());

        Assert.Empty(result.Steps);
        Assert.Equal(new TradingReport(0, 0, 0, 0, 0, 1000, 1, 1000, 1, null, null, null, null, null, null, null, 0, 0, 0), result.Report);
        Assert.Equal("rates 0, orders 0 (0 buy, 0 sell), skipped 0\nbalances: euro 1000 -> 1000, bitcoin 1 -> 1\nfees 0; maximum drawdown 0 (0%)", result.Report.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Backtest_ArgumentChecks()
    {
        Assert.Throws<ArgumentNullException>("inputs", () => TradingBacktest.Run(null!, Options()));
        Assert.Throws<ArgumentNullException>("options", () => TradingBacktest.Run([], null!));
        Assert.Throws<OptionValidationException>(() => TradingBacktest.Run([], Options(o => o.FeeRate = 2)));
        Assert.Throws<ArgumentNullException>("steps", () => TradingReport.From(null!, Options()));
        Assert.Throws<ArgumentNullException>("options", () => TradingReport.From([], null!));
    }
}

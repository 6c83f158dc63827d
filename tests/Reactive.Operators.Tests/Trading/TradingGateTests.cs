using System.Reactive.Linq;
using Reactive.Operators.Trading;
using Reactive.Testing;
using static Reactive.Operators.Tests.Trading.TradingKit;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Trading;

// The gates: anomaly (buys only), spread, and the age of the average. Average 100; 98 buys, 102 sells (θ 2%).
public sealed class TradingGateTests
{
    [Fact]
    public void Anomaly_BlocksBuyingForTheHold_SellingGoesOn_BuyingResumesAfter()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));
        var anomalies = scheduler.Anomalies("-----x");
        var rates = scheduler.Rates("----b-b-s-----bb", BuySell, out _);

        // Hold 10 minutes: the anomaly at 5 blocks buys at 6 and 14; at 15 (5 + 10) the hold is over. The buy at 4 came
        // before the anomaly; the sell at 8 is not gated.
        var observer = scheduler.Run(() => rates.Trade(averages, Options(), anomalies).RenderDecisions());

        observer.Messages.AssertMarbles(
            "----b-x-s-----xb",
            Texts(('b', "buy 0.1"), ('x', "skip buy: anomaly"), ('s', "sell 0.1")),
            frameTicks: M,
            offset: T0);
    }

    [Fact]
    public void Anomaly_DetailNamesTheAnomalyAndTheEndOfTheHold()
    {
        var result = TradingBacktest.Run(
            [Avg(100), TradingInput.Of(new AnomalySignal(At(5), "HOEP 22.3 at hour 3")), Rate(6, 98)],
            Options());

        var check = result.Decisions.Single().Checks.Single(c => c.Limit == TradingLimits.Anomaly);
        Assert.Equal(LimitOutcome.Blocked, check.Outcome);
        Assert.Equal("anomaly at 2024-01-01T00:05:00Z (HOEP 22.3 at hour 3): buying blocked until 2024-01-01T00:15:00Z", check.Detail);
    }

    [Fact]
    public void Anomaly_NewestByEventTimeDecides_AndARateBeforeAKnownAnomalyIsNotBought()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));

        // The anomaly feed is ahead: an anomaly of 20 arrives at 2, then an older one (of 3) at 4, which changes nothing.
        var anomalies = scheduler.CreateHotObservable(OnNext(At(2), new AnomalySignal(At(20), "ahead")), OnNext(At(4), new AnomalySignal(At(3), "older")));
        var rates = scheduler.RatesAt(98, 5, 29, 30);

        var observer = scheduler.Run(() => rates.Trade(averages, Options(), anomalies).RenderDecisions());

        // 5 is before the known anomaly of 20: not bought. 29 is within its hold (until 30). At 30 it is over.
        observer.Messages.AssertEqual(OnNext(At(5), "skip buy: anomaly"), OnNext(At(29), "skip buy: anomaly"), OnNext(At(30), "buy 0.1"));
    }

    [Fact]
    public void Spread_AboveTheMaximum_BlocksBothSides_EqualPasses()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));
        var spreads = scheduler.Spreads("--w---n", Values(('w', 0.6), ('n', 0.5)));
        var rates = scheduler.Rates("-b-b-s-b", BuySell, out _);

        // MaxSpread 0.5: before any spread, trading; 0.6 blocks the buy at 3 and the sell at 5; 0.5 lets the buy at 7 through.
        var observer = scheduler.Run(() => rates.Trade(averages, Options(o => o.MaxSpread = 0.5), spreads: spreads).RenderDecisions());

        observer.Messages.AssertMarbles(
            "-b-x-y-b",
            Texts(('b', "buy 0.1"), ('x', "skip buy: spread"), ('y', "skip sell: spread")),
            frameTicks: M,
            offset: T0);
    }

    [Fact]
    public void Spread_NoMaximum_SignalsIgnoredAndNotChecked()
    {
        var result = TradingBacktest.Run(
            [Avg(100), TradingInput.Of(new SpreadSignal(At(0), 1000)), Rate(1, 98)],
            Options());

        Assert.True(result.Decisions.Single().IsOrder);
        Assert.DoesNotContain(result.Decisions.Single().Checks, c => c.Limit == TradingLimits.Spread);
    }

    [Fact]
    public void AverageAge_AnAverageOlderThanTheMaximum_SkipsTheSignal()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));
        var rates = scheduler.RatesAt(98, 15, 17);

        // The average's window ends at 0; at most 15 minutes old: 15 is still within, 17 is not.
        var observer = scheduler.Run(() => rates.Trade(averages, Options(o => o.MaxAverageAge = TimeSpan.FromMinutes(15))).RenderDecisions());

        observer.Messages.AssertEqual(OnNext(At(15), "buy 0.1"), OnNext(At(17), "skip buy: average_age"));
    }

    [Fact]
    public void AverageAge_Unlimited_NeverBlocks()
    {
        var result = TradingBacktest.Run([Avg(100), Rate(60 * 24 * 365, 98)], Options(o => o.MaxAverageAge = TimeSpan.MaxValue));

        var decision = result.Decisions.Single();
        Assert.True(decision.IsOrder);
        Assert.Contains("MaxAverageAge is unlimited", decision.Checks[0].Detail, StringComparison.Ordinal);
    }
}

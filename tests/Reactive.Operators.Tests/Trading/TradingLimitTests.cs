using System.Reactive.Linq;
using Reactive.Operators.Trading;
using Reactive.Testing;
using static Reactive.Operators.Tests.Trading.TradingKit;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Trading;

// Each limit on its own: the average is 100 from the start, 98 is a buy signal and 102 a sell signal (θ 2%).
public sealed class TradingLimitTests
{
    private static ITestableObserver<string> Decide(TestScheduler scheduler, string rates, TradingOptions options, Dictionary<char, double>? values = null, string average = "a")
    {
        var averages = scheduler.Averages(average, Values(('a', 100)));
        var ticks = scheduler.Rates(rates, values ?? BuySell, out _);
        return scheduler.Run(() => ticks.Trade(averages, options).RenderDecisions());
    }

    [Fact]
    public void MaxPosition_BuyReducedToTheRoomLeftThenBlocked_SellStillAllowed()
    {
        var scheduler = new TestScheduler();

        // 1 bitcoin held, at most 1.25: 1.1, 1.2, then only 0.05 fits, then nothing; a sell is not held back by it.
        var observer = Decide(scheduler, "-b-b-b-b-s", Options(o => o.MaxPosition = 1.25));

        observer.Messages.AssertMarbles(
            "-a-a-c-d-e",
            Texts(('a', "buy 0.1"), ('c', "buy 0.05 (max_position)"), ('d', "skip buy: max_position"), ('e', "sell 0.1")),
            frameTicks: M,
            offset: T0);
    }

    [Fact]
    public void MaxOrder_BuyAndSellReducedToIt()
    {
        var scheduler = new TestScheduler();

        var observer = Decide(scheduler, "-b-s-", Options(o => (o.BuyAmount, o.SellAmount, o.MaxOrderAmount) = (0.5, 0.3, 0.2)));

        observer.Messages.AssertMarbles("-b-s-", Texts(('b', "buy 0.2 (max_order)"), ('s', "sell 0.2 (max_order)")), frameTicks: M, offset: T0);
    }

    [Fact]
    public void MaxOrder_EqualToTheAmount_Passes()
    {
        var scheduler = new TestScheduler();

        var observer = Decide(scheduler, "-b-", Options(o => (o.BuyAmount, o.MaxOrderAmount) = (0.2, 0.2)));

        observer.Messages.AssertMarbles("-b-", Texts(('b', "buy 0.2")), frameTicks: M, offset: T0);
    }

    [Fact]
    public void MinEuroKept_BuyReducedToWhatLeavesItThenBlocked()
    {
        var scheduler = new TestScheduler();

        // Rate 80 (20% below 100). 1,000 euro, 900 kept: 100 to spend. Buy 1 for 80 (920 left); then 20 buys 0.25
        // (900 left); then nothing.
        var observer = Decide(scheduler, "-b-b-b", Options(o => (o.BuyAmount, o.MinEuroKept) = (1, 900)), Values(('b', 80)));

        observer.Messages.AssertMarbles(
            "-a-b-c",
            Texts(('a', "buy 1"), ('b', "buy 0.25 (min_euro_kept)"), ('c', "skip buy: min_euro_kept")),
            frameTicks: M,
            offset: T0);
    }

    [Fact]
    public void MinEuroKept_CountsTheFee()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));
        var rates = scheduler.Rates("-b-b", Values(('b', 80)), out _);

        // A fee of 25%: a bitcoin at 80 costs 100, so the 100 euro to spend buy 1, leaving exactly 900.
        var observer = scheduler.Run(() => rates.Trade(averages, Options(o => (o.BuyAmount, o.MaxOrderAmount, o.MinEuroKept, o.FeeRate) = (2, 10, 900, 0.25))));

        observer.Messages.AssertEqual(
            OnNext<TradingStep>(At(1), s => Render(s.Decision!) == "buy 1 (min_euro_kept)" && s.Decision!.Fee == 20 && s.Portfolio.Euro == 900),
            OnNext<TradingStep>(At(3), s => Render(s.Decision!) == "skip buy: min_euro_kept" && s.Portfolio.Euro == 900));
    }

    [Fact]
    public void MinEuroKept_AmountRoundedDownToItsDecimals()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));
        var rates = scheduler.Rates("-b", Values(('b', 3)), out _);

        // 1 euro at 3 a bitcoin: 1/3 = 0.333…, rounded down to 8 decimals 0.33333333, which costs 0.99999999.
        var observer = scheduler.Run(() => rates.Trade(averages, Options(o => (o.BuyAmount, o.StartingEuro) = (1, 1))));

        observer.Messages.AssertEqual(OnNext<TradingStep>(At(1), s => Render(s.Decision!) == "buy 0.33333333 (min_euro_kept)" && s.Portfolio.Euro >= 0 && TradingRuleTests.Near(s.Portfolio.Euro, 1e-8)));
    }

    [Fact]
    public void BitcoinHeld_SellReducedToWhatIsHeldThenBlocked()
    {
        var scheduler = new TestScheduler();

        var observer = Decide(scheduler, "-s-s-s", Options(o => o.StartingBitcoin = 0.15));

        observer.Messages.AssertMarbles(
            "-a-b-c",
            Texts(('a', "sell 0.1"), ('b', "sell 0.05 (bitcoin_held)"), ('c', "skip sell: bitcoin_held")),
            frameTicks: M,
            offset: T0);
    }

    [Fact]
    public void Cooldown_BlocksBothSidesUntilItHasPassed_SkipsDoNotRestartIt()
    {
        var scheduler = new TestScheduler();

        // Cooldown 5 minutes. Orders at 1; at 5 (4 minutes after) skipped; at 6 (exactly 5 after) bought; at 10 a sell
        // 4 minutes after is skipped; at 11 sold.
        var observer = Decide(scheduler, "-b---bb---ss", Options(o => o.Cooldown = TimeSpan.FromMinutes(5)));

        observer.Messages.AssertMarbles(
            "-b---xb---ys",
            Texts(('b', "buy 0.1"), ('x', "skip buy: cooldown"), ('y', "skip sell: cooldown"), ('s', "sell 0.1")),
            frameTicks: M,
            offset: T0);
    }

    [Fact]
    public void Cooldown_DetailNamesTheLastOrder()
    {
        var result = TradingBacktest.Run(
            [Avg(100), Rate(1, 98), Rate(3, 98)],
            Options(o => o.Cooldown = TimeSpan.FromMinutes(5)));

        var check = result.Decisions[1].Checks.Single(c => c.Limit == TradingLimits.Cooldown);
        Assert.Equal(LimitOutcome.Blocked, check.Outcome);
        Assert.Equal("the last order was 2 minutes before, at 2024-01-01T00:01:00Z; Cooldown is 5 minutes", check.Detail);
        Assert.Contains("blocked by cooldown: the last order was 2 minutes before", result.Decisions[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxOrdersPerHour_SlidingHourOfEventTime()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));
        var rates = scheduler.RatesAt(98, 1, 11, 21, 61, 62, 71, 72);

        var observer = scheduler.Run(() => rates.Trade(averages, Options(o => (o.MaxOrdersPerHour, o.MaxAverageAge) = (2, TimeSpan.MaxValue))).RenderDecisions());

        // At most 2 orders after t − 1 h. 1, 11: placed. 21: 1 and 11 in the hour, skipped. 61: the order at 1 is not
        // after 61 − 60 = 1, so only 11 counts: placed. 62: 11 and 61: skipped. 71: 11 is not after 11, only 61: placed.
        // 72: 61 and 71: skipped. The skipped ones never count.
        observer.Messages.AssertEqual(
            OnNext(At(1), "buy 0.1"),
            OnNext(At(11), "buy 0.1"),
            OnNext(At(21), "skip buy: orders_per_hour"),
            OnNext(At(61), "buy 0.1"),
            OnNext(At(62), "skip buy: orders_per_hour"),
            OnNext(At(71), "buy 0.1"),
            OnNext(At(72), "skip buy: orders_per_hour"));
    }

    [Fact]
    public void SeveralLimitsBlock_AllAreNamed()
    {
        var result = TradingBacktest.Run(
            [Avg(100), Rate(1, 98), Rate(2, 98)],
            Options(o => (o.Cooldown, o.MaxOrdersPerHour, o.MaxPosition) = (TimeSpan.FromMinutes(5), 1, 1.1)));

        Assert.Equal("skip buy: cooldown,orders_per_hour,max_position", Render(result.Decisions[1]));
        Assert.Equal(0, result.Decisions[1].Amount);
        Assert.Equal(0.1, result.Decisions[1].RequestedAmount);
    }
}

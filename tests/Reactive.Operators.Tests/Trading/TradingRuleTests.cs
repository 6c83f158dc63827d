using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Trading;
using Reactive.Testing;
using static Reactive.Operators.Tests.Trading.TradingKit;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Trading;

public sealed class TradingRuleTests
{
    [Fact]
    public void Trade_MeanReversion_BuysAndSellsFromThetaOnAndNotBelowIt()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a-------------", Values(('a', 100)));

        // θ = 2% of the average 100: 98 is exactly 2% below (buy), 98.01 is 1.99% below (nothing), 102 exactly 2% above
        // (sell), 101.99 1.99% above (nothing), 100 on the average (nothing), 90 10% below (buy).
        var rates = scheduler.Rates("--b-c-d-e-f-g-|", Values(('b', 98), ('c', 98.01), ('d', 102), ('e', 101.99), ('f', 100), ('g', 90)), out var hot);

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).RenderDecisions());

        observer.Messages.AssertMarbles("--b---d-----g-|", Texts(('b', "buy 0.1"), ('d', "sell 0.1"), ('g', "buy 0.1")), frameTicks: M, offset: T0);
        hot.Subscriptions.AssertEqual(Subscribe(T0, At(14)));
    }

    [Fact]
    public void Trade_EveryRate_GivesAStepWithThePaperAccount()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a---", Values(('a', 100)));
        var rates = scheduler.Rates("-b-c|", Values(('b', 99), ('c', 98)), out _);

        var observer = scheduler.Run(() => rates.Trade(averages, Options()));

        // 99: no signal, 1,000 euro + 1 bitcoin × 99 = 1,099 (the starting value). 98: buy 0.1 for 9.8 euro: 990.2 euro,
        // 1.1 bitcoin, worth 990.2 + 1.1 × 98 = 1,098, 1 below the start.
        observer.Messages.AssertEqual(
            OnNext<TradingStep>(At(1), s => s.Decision is null && s.Rate.Rate == 99 && s.Portfolio.Value == 1099 && s.Portfolio.ProfitAndLoss == 0),
            OnNext<TradingStep>(At(3), s => s.Decision!.IsOrder && Near(s.Portfolio.Euro, 990.2) && Near(s.Portfolio.Bitcoin, 1.1)
                && Near(s.Portfolio.Value, 1098) && Near(s.Portfolio.ProfitAndLoss, -1) && s.Decision.Portfolio == s.Portfolio),
            OnCompleted<TradingStep>(At(4)));
    }

    [Fact]
    public void Trade_Decision_ExplainsTheSignalAndEveryCheck()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a--", Values(('a', 100)));
        var rates = scheduler.Rates("--b", Values(('b', 97)), out _);

        var decision = scheduler.Run(() => rates.Trade(averages, Options()).Decisions()).Messages.Single().Value.Value;

        Assert.Equal(OrderSide.Buy, decision.Side);
        Assert.Equal(At(2), decision.TimestampTicks);
        Assert.Equal(97, decision.Price);
        Assert.Equal(new TradingSignal(97, 100, At(-10), At(0), -0.03, 0.02), decision.Signal with { Deviation = Math.Round(decision.Signal.Deviation, 12) });
        Assert.Equal(
            [TradingLimits.AverageAge, TradingLimits.Anomaly, TradingLimits.Cooldown, TradingLimits.OrdersPerHour, TradingLimits.MaxOrder, TradingLimits.MaxPosition, TradingLimits.MinEuroKept],
            decision.Checks.Select(c => c.Limit));
        Assert.All(decision.Checks, c => Assert.Equal(LimitOutcome.Passed, c.Outcome));
        Assert.StartsWith("buy 0.1 at 97 EUR: rate 97 is 3% below the average 100 of [2023-12-31T23:50:00Z, 2024-01-01T00:00:00Z) (θ 2%)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Trade_NoAverageYet_NoSignal()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("---a--", Values(('a', 100)));
        var rates = scheduler.Rates("-b---c", Values(('b', 50), ('c', 50)), out _);

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).RenderDecisions());

        observer.Messages.AssertMarbles("-----c", Texts(('c', "buy 0.1")), frameTicks: M, offset: T0);
    }

    [Fact]
    public void Trade_Averages_NewestWindowWinsAndAnOlderOneIsIgnored()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.CreateHotObservable(
            OnNext(At(1), new WindowAverage(At(-5), At(5), "EUR", 100, 3)),
            OnNext(At(3), new WindowAverage(At(-10), At(0), "EUR", 50, 3)),   // older window: ignored
            OnNext(At(5), new WindowAverage(At(-5), At(5), "EUR", 120, 4)),   // the same window, updated
            OnNext(At(7), new WindowAverage(At(0), At(10), "USD", 50, 4)),    // another currency: ignored
            OnNext(At(9), new WindowAverage(At(0), At(10), "EUR", double.NaN, 0))); // not a number: ignored

        // 98 against 100: buy; against 50 it would be a sell. 118 against 120 (1.67% below): nothing; 117 (2.5% below): buy.
        var rates = scheduler.CreateHotObservable(
            OnNext(At(4), 98.0),
            OnNext(At(6), 118.0),
            OnNext(At(8), 117.0),
            OnNext(At(10), 117.0)).Select(r => new RateTick(scheduler.Clock, "EUR", r));

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).RenderDecisions());

        observer.Messages.AssertEqual(OnNext(At(4), "buy 0.1"), OnNext(At(8), "buy 0.1"), OnNext(At(10), "buy 0.1"));
    }

    [Fact]
    public void Trade_OtherCurrency_IgnoredAndNoStep()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a--", Values(('a', 100)));
        var rates = scheduler.CreateHotObservable(OnNext(At(1), new RateTick(At(1), "USD", 50)), OnNext(At(2), new RateTick(At(2), "EUR", 101)));

        var observer = scheduler.Run(() => rates.Trade(averages, Options()));

        observer.Messages.AssertEqual(OnNext<TradingStep>(At(2), s => s.Rate.Currency == "EUR" && s.Decision is null));
    }

    [Fact]
    public void Trade_BadAndOutOfOrderRates_ToTheRejectedOutputAndChangeNothing()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a----", Values(('a', 100)));
        var rates = scheduler.CreateHotObservable(
            OnNext(At(1), new RateTick(At(1), "EUR", 98)),
            OnNext(At(2), new RateTick(At(2), "EUR", double.NaN)),
            OnNext(At(3), new RateTick(At(0), "EUR", 90)),   // older than the newest rate
            OnNext(At(4), new RateTick(At(4), "EUR", -1)),
            OnNext(At(5), new RateTick(At(5), "EUR", 98)));
        var rejected = new List<Rejected<RateTick>>();

        var observer = scheduler.Run(() => rates.Trade(averages, Options(), rejected: Observer.Create<Rejected<RateTick>>(rejected.Add)));

        // Only the two good rates give steps; the second buy comes 4 minutes after the first (cooldown 1 minute) and the
        // account holds both buys and nothing else.
        observer.Messages.AssertEqual(
            OnNext<TradingStep>(At(1), s => s.Decision!.IsOrder),
            OnNext<TradingStep>(At(5), s => s.Decision!.IsOrder && Near(s.Portfolio.Bitcoin, 1.2) && Near(s.Portfolio.Euro, 1000 - 9.8 - 9.8)));
        Assert.Equal([RejectionCodes.BadPrice, RejectionCodes.OutOfOrder, RejectionCodes.BadPrice], rejected.Select(r => r.Code));
        Assert.Equal([At(2), At(0), At(4)], rejected.Select(r => r.Row.TimestampTicks));
        Assert.Contains("older than the newest rate, at 2024-01-01T00:01:00Z", rejected[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Trade_EqualTimes_AreInOrder()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a--", Values(('a', 100)));
        var rates = scheduler.CreateHotObservable(OnNext(At(1), new RateTick(At(1), "EUR", 98)), OnNext(At(2), new RateTick(At(1), "EUR", 97)));

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).RenderDecisions());

        // The second rate has the first's event time: taken, but the cooldown (0 since the last order) skips it.
        observer.Messages.AssertEqual(OnNext(At(1), "buy 0.1"), OnNext(At(2), "skip buy: cooldown"));
    }

    [Fact]
    public void Trade_RejectedObserverThrows_EndsWithOnErrorAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var averages = scheduler.Averages("a----", Values(('a', 100)));
        var rates = scheduler.Rates("-b-c-", Values(('b', double.NaN), ('c', 98)), out var hot);

        var observer = scheduler.Run(() => rates.Trade(averages, Options(), rejected: Observer.Create<Rejected<RateTick>>(_ => throw boom)).RenderDecisions());

        observer.Messages.AssertEqual(OnError<string>(At(1), boom));
        hot.Subscriptions.AssertEqual(Subscribe(T0, At(1)));
    }

    [Fact]
    public void Trade_InputErrors_EndTheSteps()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var averages = scheduler.Hot("a--#", Values(('a', 100)), boom, frameTicks: M, offset: T0)
            .Select(a => new WindowAverage(scheduler.Clock - (10 * M), scheduler.Clock, "EUR", a, 1));
        var rates = scheduler.Rates("-b---c", Values(('b', 98), ('c', 98)), out var hot);

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).RenderDecisions());

        observer.Messages.AssertEqual(OnNext(At(1), "buy 0.1"), OnError<string>(At(3), boom));
        hot.Subscriptions.AssertEqual(Subscribe(T0, At(3)));
    }

    [Fact]
    public void Trade_AveragesComplete_RatesGoOnWithTheLastAverage()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a|---", Values(('a', 100)));
        var rates = scheduler.Rates("---b|", Values(('b', 98)), out _);

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).RenderDecisions());

        observer.Messages.AssertMarbles("---b|", Texts(('b', "buy 0.1")), frameTicks: M, offset: T0);
    }

    [Fact]
    public void Trade_NoiseAroundTheSubscription_IsNotSeen()
    {
        var scheduler = new TestScheduler();

        // An average and a rate before the subscription (^), a rate after the rates completed.
        var averages = scheduler.Hot("a-^--b---", Values(('a', 50), ('b', 100)), frameTicks: M, offset: T0)
            .Select(a => new WindowAverage(scheduler.Clock - (10 * M), scheduler.Clock, "EUR", a, 1));
        var hot = scheduler.Hot("-x^-y---b-|-z", Values(('x', 10), ('y', 10), ('b', 98), ('z', 10)), frameTicks: M, offset: T0);
        var rates = hot.Select(r => new RateTick(scheduler.Clock, "EUR", r));

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).RenderDecisions());

        // y comes before any average the subscription saw (a was before it): no signal, though 10 is far below 50.
        observer.Messages.AssertMarbles("^-----b-|", Texts(('b', "buy 0.1")), frameTicks: M, offset: T0);
        hot.Subscriptions.AssertEqual(Subscribe(T0, At(8)));
    }

    [Fact]
    public void Trade_Disposed_UnsubscribesEveryInput()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Hot("a-------", Values(('a', 100)), frameTicks: M, offset: T0);
        var anomalies = scheduler.Hot<char>("--------", frameTicks: M, offset: T0);
        var spreads = scheduler.Hot("--------", Values(('s', 1)), frameTicks: M, offset: T0);
        var rates = scheduler.Hot("-b----b-", Values(('b', 98)), frameTicks: M, offset: T0);

        var observer = scheduler.Start(
            () => rates.Select(r => new RateTick(scheduler.Clock, "EUR", r)).Trade(
                averages.Select(a => new WindowAverage(At(-10), At(0), "EUR", a, 1)),
                Options(),
                anomalies.Select(_ => new AnomalySignal(scheduler.Clock, "")),
                spreads.Select(s => new SpreadSignal(scheduler.Clock, s))).RenderDecisions(),
            T0 - 1,
            T0,
            At(3));

        observer.Messages.AssertEqual(OnNext(At(1), "buy 0.1"));
        foreach (var subscriptions in new[] { rates.Subscriptions, averages.Subscriptions, anomalies.Subscriptions, spreads.Subscriptions })
        {
            subscriptions.AssertEqual(Subscribe(T0, At(3)));
        }
    }

    [Fact]
    public void Trade_TwoSubscriptions_EachHasItsOwnAccount()
    {
        var rates = new Subject<RateTick>();
        var averages = new Subject<WindowAverage>();
        var trade = rates.Trade(averages, Options());
        var first = new List<TradingStep>();
        var second = new List<TradingStep>();
        using var a = trade.Subscribe(first.Add);
        averages.OnNext(new WindowAverage(At(-10), At(0), "EUR", 100, 1));
        rates.OnNext(new RateTick(At(1), "EUR", 98));
        using var b = trade.Subscribe(second.Add);
        averages.OnNext(new WindowAverage(At(-10), At(0), "EUR", 100, 1));
        rates.OnNext(new RateTick(At(3), "EUR", 98));

        // The first account bought twice, the second (subscribed after the first buy) once, from the starting balances.
        Assert.True(Near(first[^1].Portfolio.Bitcoin, 1.2));
        Assert.True(Near(second.Single().Portfolio.Bitcoin, 1.1));
    }

    [Fact]
    public void Trade_ArgumentChecks()
    {
        var rates = Observable.Empty<RateTick>();
        var averages = Observable.Empty<WindowAverage>();
        Assert.Throws<ArgumentNullException>("rates", () => TradingRule.Trade(null!, averages, Options()));
        Assert.Throws<ArgumentNullException>("averages", () => rates.Trade(null!, Options()));
        Assert.Throws<ArgumentNullException>("options", () => rates.Trade(averages, null!));
        Assert.Throws<ArgumentNullException>("steps", () => TradingRule.Decisions(null!));
        Assert.Throws<ArgumentNullException>("steps", () => TradingRule.Orders(null!));
        var invalid = Assert.Throws<OptionValidationException>(() => rates.Trade(averages, Options(o => o.Threshold = 0)));
        Assert.Equal(nameof(TradingOptions.Threshold), invalid.OptionName);
    }

    [Fact]
    public void Trade_OptionsChangedAfterTheCall_HaveNoEffect()
    {
        var options = Options();
        var rates = new Subject<RateTick>();
        var averages = new Subject<WindowAverage>();
        var steps = new List<TradingStep>();
        using var subscription = rates.Trade(averages, options).Subscribe(steps.Add);
        options.BuyAmount = 0.5;
        averages.OnNext(new WindowAverage(At(-10), At(0), "EUR", 100, 1));
        rates.OnNext(new RateTick(At(1), "EUR", 98));

        Assert.Equal(0.1, steps.Single().Decision!.Amount);
    }

    [Fact]
    public void Orders_LeavesOutSkippedDecisions()
    {
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a---", Values(('a', 100)));
        var rates = scheduler.Rates("-bb-", Values(('b', 98)), out _);

        var observer = scheduler.Run(() => rates.Trade(averages, Options(o => o.Cooldown = TimeSpan.FromMinutes(5))).Orders().Select(Render));

        observer.Messages.AssertEqual(OnNext(At(1), "buy 0.1"));
    }

    internal static bool Near(double actual, double expected, double tolerance = 1e-9) => Math.Abs(actual - expected) <= tolerance;
}

using System.Reactive.Subjects;
using Reactive.Operators.EventTime;
using Reactive.Operators.Trading;
using static Reactive.Operators.Tests.Trading.TradingKit;

namespace Reactive.Operators.Tests.Trading;

// Save and reload: a run cut anywhere and resumed from its saved state decides as the run that was never cut.
public sealed class TradingStateTests
{
    // Feeds inputs to a subscription with a state handle, and saves at the end (between rates, on the feeding thread).
    private static TradingState RunAndSave(IEnumerable<TradingInput> inputs, TradingOptions options, List<TradingStep>? steps = null)
    {
        var handle = new StateHandle<TradingState>(options.State?.Initial);
        options.State = handle;
        using var feed = new TradingFeed();
        using var subscription = feed.Trade(options).Subscribe(s => steps?.Add(s));
        foreach (var input in inputs)
        {
            feed.Push(input);
        }

        return handle.Save();
    }

    private static string Describe(TradingStep s) =>
        $"{s.Rate.TimestampTicks} {(s.Decision is null ? "-" : $"{s.Decision.Id} {Render(s.Decision)}")} {s.Portfolio}";

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 120)]
    [InlineData(3, 199)]
    [InlineData(4, 0)]
    [InlineData(5, 77)]
    public void SaveAndReload_SameAsUninterrupted(int seed, int cut)
    {
        var random = new Random(seed);
        var options = TradingReferenceTests.RandomOptions(random);
        var inputs = TradingReferenceTests.RandomInputs(random, 200);
        var uninterrupted = TradingBacktest.Run(inputs, options).Steps;

        var before = new List<TradingStep>();
        var saved = RunAndSave(inputs.Take(cut), TradingReferenceTests.RandomOptions(new Random(seed)), before);
        var resumedOptions = TradingReferenceTests.RandomOptions(new Random(seed));
        resumedOptions.State = new StateHandle<TradingState>(saved);
        var after = TradingBacktest.Run(inputs.Skip(cut), resumedOptions).Steps;

        Assert.Equal(uninterrupted.Select(Describe), before.Concat(after).Select(Describe));
    }

    [Fact]
    public void Restart_KeepsTheCooldownTheHourAndTheAnomalyGate()
    {
        var options = Options(o => (o.Cooldown, o.MaxOrdersPerHour) = (TimeSpan.FromMinutes(5), 1));
        var saved = RunAndSave([Avg(100), Rate(1, 98), TradingInput.Of(new AnomalySignal(At(2), "x"))], options);

        var resumed = Options(o => (o.Cooldown, o.MaxOrdersPerHour) = (TimeSpan.FromMinutes(5), 1));
        resumed.State = new StateHandle<TradingState>(saved);
        var result = TradingBacktest.Run([Rate(3, 98), Rate(3, 102), Avg(100, 65), Rate(70, 102)], resumed);

        // The average of before the restart is still in force; the buy at 3 meets the order at 1 (cooldown, hour) and the
        // anomaly at 2; the sell at 3 the cooldown and the hour; at 70 (with a newer average) both are over.
        Assert.Equal(["skip buy: anomaly,cooldown,orders_per_hour", "skip sell: cooldown,orders_per_hour", "sell 0.1"], result.Decisions.Select(Render));
        // The report starts from the balances saved (1.1 bitcoin, 990.2 euro) and sells 0.1 at 102.
        Assert.Equal((1.1, 990.2), (result.Report.StartingBitcoin, result.Report.StartingEuro));
        Assert.Equal(1.0, result.Report.FinalBitcoin, 12);
        Assert.Equal(990.2 + 10.2, result.Report.FinalEuro, 9);
    }

    [Fact]
    public void Restart_BetweenSkippedDecisionsOfOneTime_KeepsTheirIdsApart()
    {
        TradingInput[] before = [Avg(100), Rate(1, 98), Rate(2, 98)];
        TradingInput[] after = [Rate(2, 97)];
        var uninterrupted = TradingBacktest.Run([.. before, .. after], Options(o => o.Cooldown = TimeSpan.FromMinutes(5))).Decisions;

        var resumed = Options(o => o.Cooldown = TimeSpan.FromMinutes(5));
        resumed.State = new StateHandle<TradingState>(RunAndSave(before, Options(o => o.Cooldown = TimeSpan.FromMinutes(5))));
        var decision = TradingBacktest.Run(after, resumed).Decisions.Single();

        // The second skipped buy at 2 is the ordinal 1 one in both runs.
        Assert.Equal(["buy 0.1", "skip buy: cooldown", "skip buy: cooldown"], uninterrupted.Select(Render));
        Assert.Equal(uninterrupted[2].Id, decision.Id);
        Assert.NotEqual(uninterrupted[1].Id, decision.Id);
    }

    [Fact]
    public void Save_SharesNothingWithTheRunningRule()
    {
        var options = Options();
        options.State = new StateHandle<TradingState>();
        using var rates = new Subject<RateTick>();
        using var averages = new Subject<WindowAverage>();
        using var subscription = rates.Trade(averages, options).Subscribe(_ => { });
        averages.OnNext(new WindowAverage(At(-10), At(0), "EUR", 100, 1));
        rates.OnNext(new RateTick(At(1), "EUR", 98));

        var saved = options.State.Save();
        rates.OnNext(new RateTick(At(3), "EUR", 98));

        Assert.Equal([At(1)], saved.RecentOrderTicks);
        Assert.Equal(1, saved.Orders);
        Assert.Equal(1.1, saved.Bitcoin, 12);
        Assert.Equal(2, options.State.Save().Orders);
    }

    [Fact]
    public void State_AHandleOfAnotherRunningSubscription_EndsWithOnError()
    {
        var options = Options();
        options.State = new StateHandle<TradingState>();
        var trade = new Subject<RateTick>().Trade(new Subject<WindowAverage>(), options);
        using var first = trade.Subscribe(_ => { });
        Exception? error = null;

        using var second = trade.Subscribe(_ => { }, e => error = e);

        Assert.IsType<InvalidOperationException>(error);
        first.Dispose();
        using var third = trade.Subscribe(_ => { });
        Assert.True(options.State.IsAttached);
    }

    public static TheoryData<TradingState> Mismatched => new()
    {
        Empty() with { Version = 2 },
        Empty() with { RuleName = "other" },
        Empty() with { Currency = "GBP" },
        Empty() with { RecentOrderTicks = null! },
    };

    [Theory]
    [MemberData(nameof(Mismatched))]
    public void Validate_StateOfAnotherVersionOrRule_NamesState(TradingState state)
    {
        var options = Options();
        options.State = new StateHandle<TradingState>(state);

        var error = Assert.Throws<OptionValidationException>(options.Validate);

        Assert.Equal(nameof(TradingOptions.State), error.OptionName);
    }

    private static TradingState Empty() => new(TradingState.CurrentVersion, "test", "EUR", 1000, 1, 0, 0, null, 0, 0, null, null, [], long.MinValue, 0, 0, null, null, null);
}

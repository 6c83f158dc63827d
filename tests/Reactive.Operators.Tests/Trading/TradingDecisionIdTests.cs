using System.Security.Cryptography;
using System.Text;
using Reactive.Operators.Trading;
using Reactive.Testing;
using static Reactive.Operators.Tests.Trading.TradingKit;

namespace Reactive.Operators.Tests.Trading;

public sealed class TradingDecisionIdTests
{
    // The documented id: the first 16 bytes of the SHA-256 of the fields, one a line, in lowercase hex.
    private static string Expected(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16).ToLowerInvariant();

    private static readonly TradingInput[] Feed =
    [
        Avg(100), Rate(1, 98), Rate(2, 97), Rate(3, 102), Rate(5, 98), Rate(8, 103), Avg(110, 10), Rate(11, 107.8), Rate(12, 100),
    ];

    [Fact]
    public void Id_OfAnOrder_IsTheHashOfRuleCurrencyTimeAndSide()
    {
        var decision = TradingBacktest.Run([Avg(100), Rate(1, 98)], Options()).Decisions.Single();

        Assert.Equal(Expected($"test\nEUR\n{At(1)}\nbuy"), decision.Id);
        Assert.Matches("^[0-9a-f]{32}$", decision.Id);
    }

    [Fact]
    public void Ids_SameInput_SameIdsInEveryRun()
    {
        var first = TradingBacktest.Run(Feed, Options(o => o.Cooldown = TimeSpan.FromMinutes(2)));
        var second = TradingBacktest.Run(Feed, Options(o => o.Cooldown = TimeSpan.FromMinutes(2)));

        // Cooldown 2 minutes: 1 buy; 2 skipped (1 minute after); 3 sell; 5 buy; 8 sell; 11 buy (107.8 is 2% below the new
        // average 110); 12 skipped.
        Assert.Equal(["buy 0.1", "skip buy: cooldown", "sell 0.1", "buy 0.1", "sell 0.1", "buy 0.1", "skip buy: cooldown"], first.Decisions.Select(Render));
        Assert.Equal(first.Decisions.Select(d => (d.Id, Render(d))), second.Decisions.Select(d => (d.Id, Render(d))));
        Assert.Equal(first.Decisions.Count, first.Decisions.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void Ids_InVirtualTime_SameAsTheBacktest()
    {
        var backtest = TradingBacktest.Run([Avg(100, 0), Rate(1, 98), Rate(3, 102)], Options());
        var scheduler = new TestScheduler();
        var averages = scheduler.Averages("a", Values(('a', 100)));
        var rates = scheduler.Rates("-b-s", BuySell, out _);

        var observer = scheduler.Run(() => rates.Trade(averages, Options()).Decisions());

        Assert.Equal(backtest.Decisions.Select(d => d.Id), observer.Messages.Select(m => m.Value.Value.Id));
    }

    [Fact]
    public void Ids_ReplayFromALaterPoint_OrdersAtTheSameTimesKeepTheirIds()
    {
        var full = TradingBacktest.Run([Avg(100), Rate(1, 98), Rate(3, 102), Rate(5, 98)], Options());
        var replay = TradingBacktest.Run([Avg(100), Rate(3, 102), Rate(5, 98)], Options());

        Assert.Equal(["buy 0.1", "sell 0.1", "buy 0.1"], full.Decisions.Select(Render));
        Assert.Equal(full.Decisions.Skip(1).Select(d => d.Id), replay.Decisions.Select(d => d.Id));
    }

    [Fact]
    public void Ids_DifferByRuleCurrencyTimeAndSide()
    {
        string Id(TradingOptions options, double minute, double rate, string currency = "EUR") =>
            TradingBacktest.Run(
                [TradingInput.Of(new WindowAverage(At(-10), At(0), currency, 100, 10)), TradingInput.Of(new RateTick(At(minute), currency, rate))],
                options).Decisions.Single().Id;

        var ids = new[]
        {
            Id(Options(), 1, 98),
            Id(Options(o => o.RuleName = "other"), 1, 98),
            Id(Options(o => o.Currency = "GBP"), 1, 98, "GBP"),
            Id(Options(), 2, 98),
            Id(Options(), 1, 102),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal(Expected($"other\nEUR\n{At(1)}\nbuy"), ids[1]);
        Assert.Equal(Expected($"test\nEUR\n{At(1)}\nsell"), ids[4]);
    }

    [Fact]
    public void Ids_SkippedDecisionsOfOneTime_AreDistinctAndApartFromTheOrder()
    {
        // Three buy signals at one event time: the first is ordered, the cooldown skips the other two.
        var result = TradingBacktest.Run([Avg(100), Rate(1, 98), Rate(1, 97), Rate(1, 96)], Options());

        Assert.Equal(["buy 0.1", "skip buy: cooldown", "skip buy: cooldown"], result.Decisions.Select(Render));
        Assert.Equal(
            [Expected($"test\nEUR\n{At(1)}\nbuy"), Expected($"test\nEUR\n{At(1)}\nbuy\nskipped\n0"), Expected($"test\nEUR\n{At(1)}\nbuy\nskipped\n1")],
            result.Decisions.Select(d => d.Id));
    }
}

using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Reactive.Host.Analytics;
using Reactive.Host.Dashboard;
using Reactive.Host.DeadLetters;
using Reactive.Host.Kinds;
using Reactive.Host.Progress;
using Reactive.Operators.Trading;
using Reactive.Testing;

namespace Reactive.Host.Tests.Dashboard;

/// <summary>The dashboard feed in virtual time: each chart is sent at most once per update interval, every point arrives, the bounds hold.</summary>
public sealed class DashboardFeedTests
{
    private static readonly long Interval = TimeSpan.FromMilliseconds(250).Ticks;

    [Fact]
    public async Task Spread_RowsEvery10MsForASecond_AtMostOneUpdatePerIntervalAndEveryPointInOrder()
    {
        var scheduler = new TestScheduler();
        using var feed = NewFeed(scheduler, new DashboardOptions());
        await feed.StartAsync(CancellationToken.None);
        var tap = feed.For("p", "spread", ResultMode.Append)!;

        // Noise before: another chart's row, and the progress samples of an empty registry.
        tap([SpreadRow("minute", 0, 0.5, locked: false, crossed: false)]);
        for (var i = 0; i < 100; i++)
        {
            scheduler.AdvanceTo(TimeSpan.FromMilliseconds(10 * i).Ticks + 1);
            tap([SpreadRow("second", i, i / 100.0, locked: i % 7 == 0, crossed: i % 11 == 0)]);
        }

        scheduler.AdvanceTo(TimeSpan.FromSeconds(2).Ticks);
        var updates = Charts(feed, "spread/p/second/S");

        // 100 rows over 1 s with a 250 ms interval: one update per interval that had rows (4 or 5, by where they fall).
        Assert.InRange(updates.Count, 4, 5);
        var points = updates.SelectMany(u => u.GetProperty("points").EnumerateArray()).ToList();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)(1_000_000 + i)), points.Select(p => p[0].GetDouble()));
        for (var i = 0; i < 100; i++)
        {
            // [x, avg, min, max, locked mark (at the average), crossed mark]
            Assert.Equal(i / 100.0, points[i][1].GetDouble());
            Assert.Equal(i % 7 == 0, points[i][4].ValueKind == JsonValueKind.Number);
            Assert.Equal(i % 11 == 0, points[i][5].ValueKind == JsonValueKind.Number);
        }

        Assert.All(updates, u => Assert.Equal(0, u.GetProperty("leftOut").GetInt64()));
        Assert.Single(Charts(feed, "spread/p/minute/S"));
    }

    [Fact]
    public async Task Spread_MoreRowsInOneIntervalThanAnUpdateHolds_SendsTheNewestAndCountsTheRest()
    {
        var scheduler = new TestScheduler();
        using var feed = NewFeed(scheduler, new DashboardOptions { MaxPointsPerUpdate = 50 });
        await feed.StartAsync(CancellationToken.None);
        var tap = feed.For("p", "spread", ResultMode.Append)!;
        tap([.. Enumerable.Range(0, 120).Select(i => SpreadRow("second", i, 1, false, false))]);
        scheduler.AdvanceTo(Interval * 3);

        var update = Assert.Single(Charts(feed, "spread/p/second/S"));
        var xs = update.GetProperty("points").EnumerateArray().Select(p => p[0].GetDouble()).ToList();
        Assert.Equal(Enumerable.Range(70, 50).Select(i => (double)(1_000_000 + i)), xs);
        Assert.Equal(70, update.GetProperty("leftOut").GetInt64());
    }

    [Fact]
    public async Task Charts_PastMaxChartsPerPipeline_FurtherSymbolsAreNotCharted()
    {
        var scheduler = new TestScheduler();
        using var feed = NewFeed(scheduler, new DashboardOptions { MaxChartsPerPipeline = 2 });
        await feed.StartAsync(CancellationToken.None);
        var tap = feed.For("p", "spread", ResultMode.Append)!;
        tap([.. new[] { "A", "B", "C" }.Select(s => SpreadRow("second", 0, 1, false, false, s))]);
        scheduler.AdvanceTo(Interval * 2);

        Assert.Single(Charts(feed, "spread/p/second/A"));
        Assert.Single(Charts(feed, "spread/p/second/B"));
        Assert.Empty(Charts(feed, "spread/p/second/C"));
    }

    [Fact]
    public async Task History_KeepsTheNewestEvents_AndAnIdOfAnotherProcessAsksForAllOfThem()
    {
        var start = new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
        var scheduler = new TestScheduler(start.UtcTicks);
        using var feed = NewFeed(scheduler, new DashboardOptions { HistoryEvents = 10, ProgressInterval = TimeSpan.FromSeconds(1) });
        await feed.StartAsync(CancellationToken.None);
        scheduler.AdvanceTo(start.AddSeconds(30).UtcTicks);
        Assert.Equal(start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), feed.History.Instance);

        // One progress event per second (and one dead-letters event at the start): 32 made, the newest 10 kept.
        var last = feed.History.Last;
        Assert.Equal(32, last);
        var kept = feed.History.After(0);
        Assert.Equal(Enumerable.Range(23, 10).Select(i => (long)i), kept.Select(e => e.Sequence));
        Assert.True(feed.History.TryParse($"{feed.History.Instance}-30", out var since));
        Assert.Equal(30, since);
        Assert.Equal([31L, 32L], feed.History.After(since).Select(e => e.Sequence));
        Assert.True(feed.History.TryParse("12345-30", out var other));
        Assert.Equal(0, other);
        Assert.False(feed.History.TryParse("thirty", out _));
    }

    [Fact]
    public void History_EventsLargerThanTheByteBound_KeepsTheNewestWithinItAndAlwaysTheNewestOne()
    {
        // 40 events of 1,000 characters of data each: their sizes worked out here from the id, type and data lengths.
        using var history = new DashboardHistory(capacity: 1_000, instance: 7, maxBytes: 10_000);
        var data = new string('x', 998);
        var sizes = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            var item = history.Publish("chart", $"\"{data}\"");
            sizes.Add(2L * ($"7-{i + 1}".Length + "chart".Length + 1_000));
            Assert.Equal(i + 1L, item.Sequence);
        }

        // The newest events whose sizes add up to at most 10,000 bytes: the count is far below the 1,000 the count allows.
        var expected = 0;
        for (long total = 0; expected < sizes.Count && total + sizes[^(expected + 1)] <= 10_000; expected++)
        {
            total += sizes[^(expected + 1)];
        }

        var kept = history.After(0);
        Assert.InRange(expected, 2, 39);
        Assert.Equal(Enumerable.Range(41 - expected, expected).Select(i => (long)i), kept.Select(e => e.Sequence));
        Assert.Equal(kept.Sum(DashboardHistory.SizeOf), history.Bytes);
        Assert.Equal(expected, history.Count);

        // One event larger than the whole bound: it alone is kept (a reconnecting client still gets the newest state).
        var huge = history.Publish("progress", new string('y', 20_000));
        Assert.Equal([huge.Sequence], history.After(0).Select(e => e.Sequence));
        Assert.Equal(DashboardHistory.SizeOf(huge), history.Bytes);

        // Small events again: the huge one goes as soon as a new one would not fit beside it.
        history.Publish("chart", "1");
        Assert.Equal([huge.Sequence + 1], history.After(0).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Trading_Decisions_RateAndAverageAtEachSignal_OrdersMarkedBySide_PnlAfterEach()
    {
        var scheduler = new TestScheduler();
        using var feed = NewFeed(scheduler, new DashboardOptions());
        await feed.StartAsync(CancellationToken.None);
        var tap = feed.For("t", "trading", ResultMode.Append)!;

        // A buy, a sell the limits skipped, a sell: (minute, side, outcome, rate, window average, P&L after it).
        var decisions = new (int Minute, OrderSide Side, DecisionOutcome Outcome, double Rate, double Average, double Pnl)[]
        {
            (0, OrderSide.Buy, DecisionOutcome.Order, 95, 100, 0),
            (1, OrderSide.Sell, DecisionOutcome.Skipped, 106, 100, 11),
            (2, OrderSide.Sell, DecisionOutcome.Order, 108, 101, 13),
        };
        tap([.. decisions.Select(d => TradingPipelineKind.DecisionRow(Decision(d.Minute, d.Side, d.Outcome, d.Rate, d.Average, d.Pnl)))]);
        scheduler.AdvanceTo(Interval * 2);

        var rates = Assert.Single(Charts(feed, "trading/t/rate"));
        Assert.Equal(["rate", "window average", "buy", "sell"], rates.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("label").GetString()));
        Assert.Equal(["line", "line", "buy", "sell"], rates.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("style").GetString()));
        var points = rates.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(decisions.Select(d => (double)(Start.AddMinutes(d.Minute).ToUnixTimeSeconds())), points.Select(p => p[0].GetDouble()));
        Assert.Equal(decisions.Select(d => d.Rate), points.Select(p => p[1].GetDouble()));
        Assert.Equal(decisions.Select(d => d.Average), points.Select(p => p[2].GetDouble()));

        // Marks only for orders, at the rate, in the column of their side.
        double? Mark(JsonElement point, int column) => point[column].ValueKind == JsonValueKind.Number ? point[column].GetDouble() : null;
        Assert.Equal(decisions.Select(d => d is { Outcome: DecisionOutcome.Order, Side: OrderSide.Buy } ? d.Rate : (double?)null), points.Select(p => Mark(p, 3)));
        Assert.Equal(decisions.Select(d => d is { Outcome: DecisionOutcome.Order, Side: OrderSide.Sell } ? d.Rate : (double?)null), points.Select(p => Mark(p, 4)));

        var pnl = Assert.Single(Charts(feed, "trading/t/pnl"));
        Assert.Equal(decisions.Select(d => d.Pnl), pnl.GetProperty("points").EnumerateArray().Select(p => p[1].GetDouble()));

        // The report row of a backtest is not a decision: no point.
        tap([new ResultRow("report", null, null, [new("pnl", 1.0)])]);
        scheduler.AdvanceTo(Interval * 4);
        Assert.Single(Charts(feed, "trading/t/rate"));
    }

    [Theory]
    [InlineData("Dashboard:UpdateInterval", "1 millisecond", "UpdateInterval")]
    [InlineData("Dashboard:UpdateInterval", "soon", "Dashboard:UpdateInterval")]
    [InlineData("Dashboard:HistoryEvents", "0", "HistoryEvents")]
    [InlineData("Dashboard:HistoryBytes", "1000", "HistoryBytes")]
    [InlineData("Dashboard:MaxPointsPerUpdate", "many", "Dashboard:MaxPointsPerUpdate")]
    public void Options_BadValue_NamesTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddReactiveDashboard(configuration).BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => _ = services.GetRequiredService<IOptions<DashboardOptions>>().Value);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static readonly DateTimeOffset Start = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A decision of the rule at <see cref="Start"/> + <paramref name="minute"/>, with the paper P&amp;L after it.</summary>
    private static OrderDecision Decision(int minute, OrderSide side, DecisionOutcome outcome, double rate, double average, double pnl)
    {
        var ticks = Start.AddMinutes(minute).UtcTicks;
        var amount = outcome == DecisionOutcome.Order ? 0.01 : 0;
        return new OrderDecision($"d{minute}", "dashboard-tests", "EUR", ticks, side, outcome, amount, 0.01, rate, 0,
            new TradingSignal(rate, average, ticks, ticks, (rate - average) / average, 0.01), [], "test", new PaperPortfolio { ProfitAndLoss = pnl });
    }

    private static DashboardFeed NewFeed(TestScheduler scheduler, DashboardOptions options) =>
        new(Options.Create(options), new PipelineProgressRegistry(), new DeadLetterStore(Options.Create(new DeadLetterOptions())), scheduler, scheduler.ToTimeProvider(), NullLogger<DashboardFeed>.Instance);

    private static List<JsonElement> Charts(DashboardFeed feed, string key) =>
        [.. feed.History.After(0).Where(e => e.Type == "chart").Select(e => JsonDocument.Parse(e.Data).RootElement).Where(d => d.GetProperty("chart").GetString() == key)];

    /// <summary>A spread row whose window starts at Unix second 1,000,000 + <paramref name="second"/>.</summary>
    private static ResultRow SpreadRow(string kind, int second, double average, bool locked, bool crossed, string symbol = "S")
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_000_000 + second);
        return new ResultRow(kind, start, start.AddSeconds(1),
        [
            new("symbol", symbol),
            new("kind", kind),
            new("locked", locked ? 1L : 0L),
            new("crossed", crossed ? 1L : 0L),
            new("avg(spread)", average),
            new("min(spread)", average / 2),
            new("max(spread)", average * 2),
        ]);
    }
}

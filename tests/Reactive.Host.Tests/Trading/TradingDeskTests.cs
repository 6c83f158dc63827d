using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Reactive.Host.Metrics;
using Reactive.Host.Trading;
using Reactive.Operators.Trading;

namespace Reactive.Host.Tests.Trading;

/// <summary>The paper executor and the desk that feeds it, with real decisions of the trading rule.</summary>
public sealed class TradingDeskTests
{
    private static readonly long T0 = new DateTime(2021, 1, 4, 0, 0, 0, DateTimeKind.Utc).Ticks;

    // An average of 100 over [T0 − 10 min, T0), then rates: every 10 minutes alternately 2% below and 2% above it.
    private static (TradingOptions Options, List<OrderDecision> Orders) Decisions(int rates, double feeRate = 0.001)
    {
        var options = new TradingOptions { FeeRate = feeRate, BuyAmount = 0.5, MaxOrderAmount = 1, MaxAverageAge = TimeSpan.MaxValue };
        List<TradingInput> inputs = [TradingInput.Of(new WindowAverage(T0 - TimeSpan.FromMinutes(10).Ticks, T0, "EUR", 100, 60))];
        for (var i = 0; i < rates; i++)
        {
            inputs.Add(TradingInput.Of(new RateTick(T0 + (i * TimeSpan.FromMinutes(10).Ticks), "EUR", i % 2 == 0 ? 98 : 102)));
        }

        var result = TradingBacktest.Run(inputs, options);
        return (options, [.. result.Decisions.Where(d => d.IsOrder)]);
    }

    [Fact]
    public async Task PaperExecutor_BooksAsTheRulesAccount_SameIdOnce_RejectsWhatItCannotPay()
    {
        var (options, orders) = Decisions(6);
        var executor = new PaperOrderExecutor(new WalletBalances(0, options.StartingEuro));

        foreach (var order in orders)
        {
            var outcome = await executor.ExecuteAsync(order, CancellationToken.None);
            Assert.Equal(OrderStatus.Executed, outcome.Status);
            Assert.Equal(order.Portfolio.Euro, outcome.Balances!.Value.Euro, 1e-9);
            Assert.Equal(order.Portfolio.Bitcoin, outcome.Balances!.Value.Bitcoin, 1e-12);
        }

        var again = await executor.ExecuteAsync(orders[0], CancellationToken.None);
        Assert.Equal(orders[0].Portfolio.Euro, again.Balances!.Value.Euro, 1e-9);
        var balances = await executor.BalancesAsync(CancellationToken.None);
        Assert.Equal(orders[^1].Portfolio.Euro, balances.Euro, 1e-9);

        var poor = new PaperOrderExecutor(new WalletBalances(0, 10));
        var refused = await poor.ExecuteAsync(orders[0], CancellationToken.None);
        Assert.Equal(OrderStatus.Rejected, refused.Status);
        Assert.Contains("insufficient euro", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(new WalletBalances(0, 10), await poor.BalancesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PaperExecutor_Resumed_FromAStateThatHoldsPendingOrders_EndsWhereTheRuleIs()
    {
        var (options, orders) = Decisions(6);
        Assert.True(orders.Count >= 4, $"{orders.Count} orders");
        var last = orders[^1].Portfolio;
        var state = new TradingState(TradingState.CurrentVersion, options.RuleName, "EUR", last.Euro, last.Bitcoin, last.FeesPaid, last.Orders, 10_000, last.PeakValue, last.MaxDrawdown, orders[^1].TimestampTicks, orders[^1].TimestampTicks, [], 0, 0, 0, null, null, null);
        var pending = orders.Skip(orders.Count - 2).ToList();

        var executor = PaperOrderExecutor.Resumed(options, state, pending);

        // Before the pending orders: the account after the order before them.
        var before = await executor.BalancesAsync(CancellationToken.None);
        Assert.Equal(orders[^3].Portfolio.Euro, before.Euro, 1e-9);
        Assert.Equal(orders[^3].Portfolio.Bitcoin, before.Bitcoin, 1e-12);
        foreach (var order in pending)
        {
            await executor.ExecuteAsync(order, CancellationToken.None);
        }

        var after = await executor.BalancesAsync(CancellationToken.None);
        Assert.Equal(last.Euro, after.Euro, 1e-9);
        Assert.Equal(last.Bitcoin, after.Bitcoin, 1e-12);
    }

    [Fact]
    public async Task Desk_DecisionsNeverWaitForTheExecutor_OrdersGoOneAtATimeInOrder()
    {
        var (options, orders) = Decisions(8);
        var gated = new GatedExecutor(new PaperOrderExecutor(new WalletBalances(0, options.StartingEuro)));
        using var desk = new TradingDesk("t", _ => gated, null, NullLogger.Instance);
        desk.Start(TradingMode.Simulator, options, null, [], 20);

        // The executor holds the first order; every decision is still taken at once.
        foreach (var order in orders)
        {
            desk.Decided(order);
        }

        await gated.Entered.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(orders.Count, desk.View().Orders.Queued);
        Assert.Equal(orders.Select(o => o.Id), desk.Pending().Select(o => o.Id));
        gated.Release();

        for (var deadline = DateTime.UtcNow.AddSeconds(60); desk.View().Orders.Executed < orders.Count; await Task.Delay(20))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{desk.View().Orders.Executed} of {orders.Count} executed");
        }

        Assert.Equal(orders.Select(o => o.Id), gated.Seen);
        Assert.Equal(1, gated.MaxConcurrent);
        Assert.Empty(desk.Pending());
        Assert.Equal(orders[^1].Portfolio.Euro, desk.View().Balances!.Euro, 1e-9);
    }

    [Fact]
    public async Task Desk_PipelineRestartedInTheProcess_ReDecidedBatchAndAnsweredPendingOrders_CountedOnce()
    {
        var (options, orders) = Decisions(10);
        Assert.True(orders.Count >= 6, $"{orders.Count} orders");
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        using var decisions = new MetricCollector<long>(factory, ReactiveMetrics.MeterName, "reactive.trading.decisions");
        using var outcomes = new MetricCollector<long>(factory, ReactiveMetrics.MeterName, "reactive.trading.orders");
        var desks = new List<TradingDesk>();
        using var desk = new TradingDesk("t", _ => null, new TradingMetrics(factory, () => desks), NullLogger.Instance);
        desks.Add(desk);
        desk.Start(TradingMode.Paper, options, null, [], 20);
        foreach (var order in orders.Take(orders.Count - 1))
        {
            desk.Decided(order);
        }

        await Until(() => desk.View().Orders.Executed == orders.Count - 1, desk);

        // The pipeline fails and restarts from its checkpoint (the same desk): the last commit was before the last three
        // orders were answered, so they are pending in it, and its uncommitted rows decide them again, then a new one.
        var uncommitted = orders.Skip(orders.Count - 4).Take(3).ToList();
        desk.Start(TradingMode.Paper, options, null, uncommitted, 20);
        foreach (var order in uncommitted.Append(orders[^1]))
        {
            desk.Decided(order);
        }

        await Until(() => desk.View().Orders.Executed == orders.Count, desk);

        var view = desk.View();
        Assert.Equal((orders.Count, orders.Count, 0L), (view.Counts.Decisions, view.Counts.Orders, view.Counts.Skipped));
        Assert.Equal((orders.Count, orders.Count, 0L, 0L), (view.Orders.Decided, view.Orders.Executed, view.Orders.Rejected, view.Orders.Queued));
        Assert.Equal(orders.Count, decisions.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(orders.Count, outcomes.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(orders.Count, view.Decisions.Count);
        Assert.Equal(orders.Select(o => o.Id).Reverse(), view.Decisions.Select(d => d.Id));
        // The paper account booked each order once: it ends where the rule's account does.
        Assert.Equal(orders[^1].Portfolio.Euro, view.Balances!.Euro, 1e-9);
    }

    [Fact]
    public void Checkpoint_WithPendingOrders_RoundTripsThroughTheCheckpointJson()
    {
        var (_, orders) = Decisions(4);
        var saved = new TradingCheckpoint(TradingCheckpoint.CurrentVersion, null, null, orders);
        var state = new Reactive.Host.Kinds.KindState(null) { Save = () => saved };

        var restored = new Reactive.Host.Kinds.KindState(state.Snapshot()).Restore<TradingCheckpoint>()!;

        Assert.Equal(orders.Count, restored.Pending.Count);
        for (var i = 0; i < orders.Count; i++)
        {
            var (a, b) = (orders[i], restored.Pending[i]);
            Assert.Equal((a.Id, a.Side, a.Outcome, a.Amount, a.Price, a.Fee, a.TimestampTicks, a.Reason, a.Signal, a.Portfolio), (b.Id, b.Side, b.Outcome, b.Amount, b.Price, b.Fee, b.TimestampTicks, b.Reason, b.Signal, b.Portfolio));
            Assert.Equal(a.Checks, b.Checks);
        }
    }

    [Fact]
    public void Desk_WalletModeWithoutExecutor_FailsNamingTheKey()
    {
        var (options, _) = Decisions(1);
        using var desk = new TradingDesk("t", _ => null, null, NullLogger.Instance);

        var error = Assert.Throws<InvalidOperationException>(() => desk.Start(TradingMode.Live, options, null, [], 20));

        Assert.StartsWith("Pipelines:t:Options:Mode: live", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Polls <paramref name="condition"/> for up to 60 s; the failure shows the desk's orders.</summary>
    internal static async Task Until(Func<bool> condition, TradingDesk desk, string what = "the desk")
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); !condition(); await Task.Delay(20))
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 60 s for {what}: {System.Text.Json.JsonSerializer.Serialize(desk.View().Orders)}");
        }
    }

    /// <summary>The paper executor behind a gate that holds the first order until released, counting calls in flight.</summary>
    private sealed class GatedExecutor(PaperOrderExecutor inner) : IOrderExecutor
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;

        public string Mode => "simulator";

        public TimeSpan? ReconcileInterval => null;

        public Task Entered => _entered.Task;

        public List<string> Seen { get; } = [];

        public int MaxConcurrent { get; private set; }

        public void Release() => _gate.TrySetResult();

        public Task<IReadOnlyList<OrderExecution>> RecoverAsync(CancellationToken cancellationToken) => inner.RecoverAsync(cancellationToken);

        public async Task<OrderExecution> ExecuteAsync(OrderDecision decision, CancellationToken cancellationToken)
        {
            MaxConcurrent = Math.Max(MaxConcurrent, Interlocked.Increment(ref _inFlight));
            Seen.Add(decision.Id);
            _entered.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
            var outcome = await inner.ExecuteAsync(decision, cancellationToken);
            Interlocked.Decrement(ref _inFlight);
            return outcome;
        }

        public Task<WalletBalances> BalancesAsync(CancellationToken cancellationToken) => inner.BalancesAsync(cancellationToken);
    }
}

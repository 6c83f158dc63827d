using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Reactive.Host.Tests.Wallet;
using Reactive.Host.Trading;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;
using Reactive.WalletSimulator.Tests;

namespace Reactive.Host.Tests.Trading;

/// <summary>
/// The desk in front of the journaled wallet executor over a real wallet simulator (HTTP on 127.0.0.1), the desk's and
/// the client's clock virtual: an order whose answer is lost and which its own call could not reconcile is settled by
/// the idle reconciliation, with no newer order and no restart; after a restart an order both recovered from the
/// journal and pending in the checkpoint is counted once.
/// </summary>
public sealed class TradingDeskWalletTests
{
    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The circuit opens on the first failure after one success (half of two calls): the lost answer of a buy opens it,
    /// so the executor's own reconciliation, reading <c>info</c> right after, is refused and the order stays open.
    /// </summary>
    private static Dictionary<string, string?> BreakerOpensOnTheLostAnswer() => new()
    {
        ["BreakerFailureRatio"] = "0.5",
        ["BreakerMinimumThroughput"] = "2",
        ["BreakDuration"] = BreakDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["InfoRetries"] = "0",
        ["ReconcileInterval"] = ReconcileInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task LastOrdersAnswerLost_NoNewerOrder_IdleReconciliationSettlesIt_CountedOnce_LogSaysWhatHappened()
    {
        await using var server = await SimulatorServer.StartAsync();
        var start = await server.BalanceAsync(SimulatorServer.Alice);
        // Every buy runs and is answered 500: the wallet executed it, the client cannot know.
        await server.SetFaultsAsync(lostAnswerRate: 1);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var rig = WalletRig.Start(server.Address, BreakerOpensOnTheLostAnswer(), time);
        using var orders = rig.Collect<long>("reactive.trading.orders");
        var state = WalletRig.NewStateDirectory();
        try
        {
            using var executor = rig.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);
            using var desk = Desk(rig, executor, time);
            desk.Start(TradingMode.Simulator, new TradingOptions(), null, [], 20);
            var order = WalletRig.Decision(1, OrderSide.Buy, 0.25);

            desk.Decided(order);

            // Executed by the wallet, its answer lost, the reconciliation in the call refused by the open circuit: unknown.
            await TradingDeskTests.Until(() => desk.View().Orders.Open.Any(o => o.Id == order.Id && o.State == "unknown"), desk, "the order left open");
            Assert.Single(await server.AuditAsync(SimulatorServer.Alice));
            Assert.Contains(rig.Logs.GetSnapshot(), r => r.Id.Id == 1314 && r.Message.Contains(order.Id, StringComparison.Ordinal) && r.Message.Contains("cannot reconcile", StringComparison.Ordinal));
            Assert.Equal((0L, 1L), (desk.View().Orders.Reconciled, desk.View().Orders.Unknown));

            // No newer order comes. The idle reconciliation tries every interval; once the circuit lets info through, it settles.
            await TradingDeskTests.Until(
                () =>
                {
                    time.Advance(ReconcileInterval);
                    return desk.View().Orders.Reconciled > 0;
                },
                desk,
                "the idle reconciliation settling the order");

            var view = desk.View().Orders;
            Assert.Equal((0L, 0L, 1L, 0L, 0), (view.Executed, view.Rejected, view.Reconciled, view.Unknown, view.Open.Count));
            var reconciled = Assert.Single(view.ReconciledOrders);
            Assert.Equal((order.Id, "reconciled_executed", 1), (reconciled.Id, reconciled.Status, reconciled.Attempts));
            Assert.True(time.GetUtcNow() - time.Start >= BreakDuration, "settled before the circuit could let info through");

            // Executed once by the wallet, sent once, and counted once.
            var audit = Assert.Single(await server.AuditAsync(SimulatorServer.Alice));
            Assert.Equal(order.Id, audit.GetProperty("idempotency_key").GetString());
            Assert.Equal(1, WalletRig.Requests(server, "/buy/"));
            var now = await server.BalanceAsync(SimulatorServer.Alice);
            Assert.Equal(start.Bitcoin + 0.25m, now.Bitcoin);
            Assert.True(now.Euro < start.Euro, $"euro {start.Euro} -> {now.Euro}");
            Assert.Equal(1, WalletRig.Sum(orders));
            Assert.Equal(1, WalletRig.Sum(orders, ("status", "reconciled_executed")));

            // The log says what happened: nothing was left by an earlier run (the one start-up line says 0, before the
            // order), and the order of this run was unknown after its send, then reconciled.
            var records = rig.Logs.GetSnapshot().ToList();
            var earlier = Assert.Single(records, r => r.Message.Contains("left open by an earlier run", StringComparison.Ordinal));
            Assert.Contains(": 0 orders left open by an earlier run", earlier.Message, StringComparison.Ordinal);
            Assert.True(records.IndexOf(earlier) < records.FindIndex(r => r.Id.Id == 1310), "the start-up line comes before the order is journaled");
            var later = Assert.Single(records, r => r.Id.Id == 1316);
            Assert.StartsWith($"Order {order.Id}: unknown after 1 sends (outcome unknown, cannot reconcile", later.Message, StringComparison.Ordinal);
            Assert.EndsWith("reconciled: ReconciledExecuted", later.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_OrderRecoveredFromTheJournalAndPendingInTheCheckpoint_CountedOnce_NotSentAgain()
    {
        await using var server = await SimulatorServer.StartAsync();
        await server.SetFaultsAsync(lostAnswerRate: 1);
        var state = WalletRig.NewStateDirectory();
        var order = WalletRig.Decision(1, OrderSide.Buy, 0.25);
        var next = WalletRig.Decision(2, OrderSide.Buy, 0.1);
        try
        {
            // A first run leaves the order open (its answer lost, its reconciliation refused) and stops: what the
            // checkpoint holds, the order pending, is what a crash there leaves.
            var firstTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
            using (var first = WalletRig.Start(server.Address, BreakerOpensOnTheLostAnswer(), firstTime))
            using (var executor = first.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode))
            using (var desk = Desk(first, executor, firstTime))
            {
                desk.Start(TradingMode.Simulator, new TradingOptions(), null, [], 20);
                desk.Decided(order);
                await TradingDeskTests.Until(() => desk.View().Orders.Open.Any(o => o.Id == order.Id && o.State == "unknown"), desk, "the order left open");
            }

            await server.SetFaultsAsync();
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            using var rig = WalletRig.Start(server.Address, BreakerOpensOnTheLostAnswer(), time);
            using var orders = rig.Collect<long>("reactive.trading.orders");
            using var restarted = rig.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);
            using var again = Desk(rig, restarted, time);

            // The restart: recovery reconciles the order from the journal, and the checkpoint hands it in as pending.
            again.Start(TradingMode.Simulator, new TradingOptions(), null, [order], 20);
            // A newer order behind it in the queue: once it is executed, the pending one has been taken.
            again.Decided(next);
            await TradingDeskTests.Until(() => again.View().Orders.Executed == 1, again, "the newer order executed");

            var view = again.View().Orders;
            Assert.Equal((1L, 1L, 0L, 0L, 0, 0L), (view.Executed, view.Reconciled, view.Rejected, view.Unknown, view.Open.Count, view.Queued));
            Assert.Equal([order.Id], view.ReconciledOrders.Select(o => o.Id));
            Assert.Equal(2, WalletRig.Sum(orders));
            Assert.Equal(1, WalletRig.Sum(orders, ("status", "reconciled_executed")));
            Assert.Equal(1, WalletRig.Sum(orders, ("status", "executed")));
            Assert.Equal([order.Id, next.Id], (await server.AuditAsync(SimulatorServer.Alice)).Select(a => a.GetProperty("idempotency_key").GetString()));
            Assert.Equal(2, WalletRig.Requests(server, "/buy/"));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>A desk of pipeline <c>t</c> sending to <paramref name="executor"/>, its instruments and logs on the rig's.</summary>
    private static TradingDesk Desk(WalletRig rig, WalletOrderExecutor executor, TimeProvider time)
    {
        var desks = new List<TradingDesk>();
        var metrics = new TradingMetrics(rig.Services.GetRequiredService<IMeterFactory>(), () => desks);
        var desk = new TradingDesk("t", _ => executor, metrics, rig.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Reactive.Trading")) { Time = time };
        desks.Add(desk);
        return desk;
    }
}

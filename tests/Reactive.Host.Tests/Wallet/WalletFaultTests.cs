using Reactive.Host.Trading;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.Host.Tests.Wallet;

/// <summary>
/// A run of order decisions against the simulator answering 30% of buys and sells with a fault: 500 with nothing done,
/// executed but answered 500, or held past the client's timeout. Every decision executes exactly once, and the
/// balances are the journal's.
/// </summary>
public sealed class WalletFaultTests
{
    private const int Decisions = 56;

    [Fact]
    public async Task ThirtyPercentFaults_EveryDecisionExecutedOnce_BalancesAsJournaled()
    {
        await using var server = await StartAsync();
        await server.SetFaultsAsync(errorRate: 0.1, lostAnswerRate: 0.1, delayRate: 0.1, delay: TimeSpan.FromSeconds(1), seed: 13);
        using var rig = WalletRig.Start(server.Address, new Dictionary<string, string?>
        {
            ["AttemptTimeout"] = "00:00:00.500",
            // Past the simulator's hold, so a held order has landed before info is read.
            ["ReconcileDelay"] = "00:00:01.500",
            ["BreakDuration"] = "00:00:01",
        });
        using var timeouts = rig.Collect<long>("reactive.wallet.timeouts");
        using var reconciliations = rig.Collect<long>("reactive.wallet.reconciliations");
        var state = WalletRig.NewStateDirectory();
        try
        {
            using var executor = rig.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);
            Assert.Empty(await executor.RecoverAsync(CancellationToken.None));
            // Pairs of a buy and a sell of the same amount: alice never runs short, so no order is refused.
            var decisions = Enumerable.Range(0, Decisions)
                .Select(i => WalletRig.Decision(i, i % 2 == 0 ? OrderSide.Buy : OrderSide.Sell, 0.01 * (1 + (i / 2 % 7))))
                .ToList();
            var firstCalls = new List<OrderExecution>();
            foreach (var decision in decisions)
            {
                firstCalls.Add(await executor.ExecuteAsync(decision, CancellationToken.None));
            }

            // The faults happened, each kind, and the executor met them.
            var injected = server.Logs.GetSnapshot().Select(r => r.Id.Id).ToList();
            Assert.Contains(2003, injected);
            Assert.Contains(2004, injected);
            Assert.Contains(2005, injected);
            Assert.Contains(firstCalls, e => e.Status == OrderStatus.ReconciledExecuted);
            Assert.Contains(firstCalls, e => e.Status == OrderStatus.Executed && e.Attempts > 1);
            // A held order is given up by the attempt timeout, logged and counted; so are the findings.
            Assert.True(WalletRig.Sum(timeouts, ("kind", "attempt")) >= 1);
            Assert.Contains(rig.Logs.GetSnapshot(), r => r.Id.Id == 1303);
            Assert.True(WalletRig.Sum(reconciliations, ("finding", "executed")) >= 1);
            Assert.True(WalletRig.Sum(reconciliations, ("finding", "not_executed")) >= 1);

            // Whatever a run of faults left open is finished once the wallet behaves.
            await server.SetFaultsAsync();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            IReadOnlyList<OrderExecution> open;
            do
            {
                open = (await executor.RecoverAsync(CancellationToken.None)).Where(e => e.Status is not (OrderStatus.Executed or OrderStatus.ReconciledExecuted)).ToList();
            }
            while (open.Count > 0 && DateTime.UtcNow < deadline);
            Assert.Empty(open);

            var final = new List<OrderExecution>();
            foreach (var decision in decisions)
            {
                final.Add(await executor.ExecuteAsync(decision, CancellationToken.None));
            }

            Assert.All(final, e => Assert.Contains(e.Status, new[] { OrderStatus.Executed, OrderStatus.ReconciledExecuted }));

            var audit = await server.AuditAsync(Alice);
            Assert.Equal(decisions.Select(d => d.Id).Order(), audit.Select(a => a.GetProperty("idempotency_key").GetString()!).Order());
            foreach (var entry in audit)
            {
                var decision = decisions.Single(d => d.Id == entry.GetProperty("idempotency_key").GetString());
                Assert.Equal(decision.Side == OrderSide.Buy ? "buy" : "sell", entry.GetProperty("side").GetString());
                Assert.Equal((decimal)decision.Amount, entry.GetProperty("amount").GetDecimal());
            }

            // Worked out from the decisions alone: each executed once at the fixed 100 euro.
            var bitcoin = 2m + decisions.Sum(d => (d.Side == OrderSide.Buy ? 1 : -1) * (decimal)d.Amount);
            var euro = 1000m - decisions.Sum(d => (d.Side == OrderSide.Buy ? 1 : -1) * (decimal)d.Amount * 100);
            Assert.Equal((bitcoin, euro), await server.BalanceAsync(Alice));

            // The journal's: the balances after its last order, and its orders added to the start.
            using var journal = WalletJournal.Open(state, TimeProvider.System);
            var entries = journal.All();
            Assert.Equal(Decisions, entries.Count);
            var after = Assert.NotNull(entries[^1].After);
            Assert.Equal((bitcoin, euro), (Math.Round((decimal)after.Bitcoin, 8), Math.Round((decimal)after.Euro, 2)));
            Assert.Equal(bitcoin, 2m + entries.Sum(e => (e.Side == OrderSide.Buy ? 1 : -1) * e.Amount));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}

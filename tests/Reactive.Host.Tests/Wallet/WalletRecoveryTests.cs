using Microsoft.Extensions.Time.Testing;
using Reactive.Host.Trading;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.Host.Tests.Wallet;

/// <summary>A service stopped between journaling an order and its answer, then restarted; and the circuit breaker.</summary>
public sealed class WalletRecoveryTests
{
    [Fact]
    public async Task CutOffAfterJournaling_TheOrderRanAnyway_RecoverReconcilesIt_NotRepeated()
    {
        var simulatorTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartAsync(time: simulatorTime);
        await server.SetFaultsAsync(delayRate: 1, delay: TimeSpan.FromMinutes(3));
        var state = WalletRig.NewStateDirectory();
        var decision = WalletRig.Decision(7, OrderSide.Buy, 0.25);
        try
        {
            using (var first = WalletRig.Start(server.Address, new Dictionary<string, string?> { ["AttemptTimeout"] = "00:05:00", ["TotalTimeout"] = "00:05:00" }))
            using (var executor = first.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode))
            using (var cut = new CancellationTokenSource())
            {
                var sending = executor.ExecuteAsync(decision, cut.Token);
                await Poll(() => server.Logs.GetSnapshot().Any(r => r.Id.Id == 2005), "the simulator holding the buy");
                cut.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
            }

            // The journal has it sent, its outcome unknown: what a crash there leaves.
            using (var journal = WalletJournal.Open(state, TimeProvider.System))
            {
                var entry = Assert.Single(journal.All());
                Assert.Equal((JournalPhase.Sent, 1), (entry.Phase, entry.Sends));
            }

            // The wallet ran the order after the client was gone.
            await Poll(
                async () =>
                {
                    simulatorTime.Advance(TimeSpan.FromMinutes(3));
                    return (await server.AuditAsync(Alice)).Count == 1;
                },
                "the held buy executed");
            await Poll(() => WalletRig.Requests(server, "/buy/") == 1, "the held buy's request log line");

            using var restarted = WalletRig.Start(server.Address);
            using var recovering = restarted.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);
            var recovered = Assert.Single(await recovering.RecoverAsync(CancellationToken.None));

            Assert.Equal(OrderStatus.ReconciledExecuted, recovered.Status);
            Assert.Equal((decision.Id, 1), (recovered.DecisionId, recovered.Attempts));
            // 0.25 bitcoin bought at 100 euro from 2 bitcoin and 1000 euro.
            Assert.Equal(new WalletBalances(2.25, 975), recovered.Balances);
            Assert.Equal(recovered, await recovering.ExecuteAsync(decision, CancellationToken.None));
            Assert.Equal(1, WalletRig.Requests(server, "/buy/"));
            Assert.Single(await server.AuditAsync(Alice));
            Assert.Equal((2.25m, 975m), await server.BalanceAsync(Alice));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task CutOffAfterJournaling_TheOrderNeverRan_RecoverSendsItOnceUnderItsKey()
    {
        var state = WalletRig.NewStateDirectory();
        var simulatorState = WalletRig.NewStateDirectory();
        var decision = WalletRig.Decision(8, OrderSide.Sell, 0.5);
        try
        {
            await using (var stopped = await StartAsync(stateDirectory: simulatorState))
            {
                await stopped.SetFaultsAsync(delayRate: 1, delay: TimeSpan.FromMinutes(30));
                using var first = WalletRig.Start(stopped.Address, new Dictionary<string, string?> { ["AttemptTimeout"] = "00:05:00", ["TotalTimeout"] = "00:05:00" });
                using var executor = first.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);
                using var cut = new CancellationTokenSource();
                var sending = executor.ExecuteAsync(decision, cut.Token);
                await Poll(() => stopped.Logs.GetSnapshot().Any(r => r.Id.Id == 2005), "the simulator holding the sell");
                cut.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
                // The wallet stops while it holds the sell: it never runs.
            }

            await using var server = await StartAsync(stateDirectory: simulatorState);
            Assert.Empty(await server.AuditAsync(Alice));
            using var restarted = WalletRig.Start(server.Address);
            using var recovering = restarted.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);

            var recovered = Assert.Single(await recovering.RecoverAsync(CancellationToken.None));

            Assert.Equal((OrderStatus.Executed, 2), (recovered.Status, recovered.Attempts));
            var entry = Assert.Single(await server.AuditAsync(Alice));
            Assert.Equal(decision.Id, entry.GetProperty("idempotency_key").GetString());
            Assert.Equal((1.5m, 1050m), await server.BalanceAsync(Alice));
            Assert.Equal(recovered, await recovering.ExecuteAsync(decision, CancellationToken.None));
            Assert.Equal(1, WalletRig.Requests(server, "/sell/"));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
            Directory.Delete(simulatorState, recursive: true);
        }
    }

    [Fact]
    public async Task RepeatedFailures_OpenTheBreaker_TheExecutorReportsUnknownWithoutSending_ThenFinishesOnceClosed()
    {
        await using var server = await StartAsync();
        await server.SetFaultsAsync(errorRate: 1);
        var clientTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var rig = WalletRig.Start(
            server.Address,
            new Dictionary<string, string?>
            {
                ["BreakerFailureRatio"] = "0.3",
                ["BreakerMinimumThroughput"] = "4",
                ["BreakDuration"] = "00:00:30",
                ["InfoRetries"] = "0",
            },
            clientTime);
        using var transitions = rig.Collect<long>("reactive.wallet.circuit_transitions");
        using var requests = rig.Collect<long>("reactive.wallet.requests");
        var state = WalletRig.NewStateDirectory();
        try
        {
            using var executor = rig.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);
            var first = WalletRig.Decision(1, OrderSide.Buy, 0.1);
            var second = WalletRig.Decision(2, OrderSide.Buy, 0.2);

            var failed = await executor.ExecuteAsync(first, CancellationToken.None);
            Assert.Equal(1, WalletRig.Sum(transitions, ("state", "opened")));
            Assert.NotEqual(OrderStatus.Executed, failed.Status);
            var buys = WalletRig.Requests(server, "/buy/");
            Assert.InRange(buys, 1, 3);

            var blocked = await executor.ExecuteAsync(second, CancellationToken.None);

            Assert.Equal((OrderStatus.Unknown, 0), (blocked.Status, blocked.Attempts));
            Assert.Contains("circuit is open", blocked.Detail, StringComparison.Ordinal);
            Assert.Equal(buys, WalletRig.Requests(server, "/buy/"));
            Assert.True(WalletRig.Sum(requests, ("outcome", "circuit_open")) >= 1);
            Assert.Contains(rig.Logs.GetSnapshot(), r => r.Id.Id == 1304);
            Assert.Empty(await server.AuditAsync(Alice));

            await server.SetFaultsAsync();
            clientTime.Advance(TimeSpan.FromSeconds(30));
            var recovered = await executor.RecoverAsync(CancellationToken.None);

            Assert.Equal([first.Id, second.Id], recovered.Select(r => r.DecisionId));
            Assert.All(recovered, r => Assert.Equal(OrderStatus.Executed, r.Status));
            Assert.Equal(1, WalletRig.Sum(transitions, ("state", "closed")));
            Assert.Equal(new[] { first.Id, second.Id }, (await server.AuditAsync(Alice)).Select(a => a.GetProperty("idempotency_key").GetString()));
            // 0.1 and 0.2 bitcoin at 100 euro.
            Assert.Equal((2.3m, 970m), await server.BalanceAsync(Alice));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static Task Poll(Func<bool> condition, string what) => Poll(() => Task.FromResult(condition()), what);

    private static async Task Poll(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 60 s for {what}");
            await Task.Delay(20);
        }
    }
}

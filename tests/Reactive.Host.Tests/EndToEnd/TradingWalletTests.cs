using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;
using Reactive.WalletSimulator.Tests;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Issue 13's "tests that must exist", on the built service (<c>reactive</c>) trading in simulator mode through the
/// wallet simulator over real HTTP: every decision executed once under faults, a kill between journaling and the
/// answer reconciled after the restart, no access key in what the service writes or serves, and the start refused
/// without a state directory. Expected orders and balances come from the paper backtest of the same rates.
/// </summary>
public sealed class TradingWalletTests(FaultedWalletRun run, ITestOutputHelper output) : IClassFixture<FaultedWalletRun>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Simulator_FaultsOn30PercentOfOrders_EachDecisionExecutedOnce_BalancesEqualJournalAndInfo()
    {
        var backtest = WalletEndToEnd.BacktestOrders(FaultedWalletRun.Rows);
        Assert.True(backtest.Count >= 10, $"the rates gave {backtest.Count} orders");

        // The service decided what the paper backtest of the same rates decided, in order.
        Assert.Equal(backtest.Select(o => o.Id), run.Decided);

        // The faults happened: the simulator failed, lost the answer of, and held some requests; the client reconciled.
        var faults = run.Simulator.Logs.GetSnapshot().GroupBy(r => r.Id.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(faults.GetValueOrDefault(2003) > 0 && faults.GetValueOrDefault(2004) > 0 && faults.GetValueOrDefault(2005) > 0,
            $"every fault kind met: errors {faults.GetValueOrDefault(2003)}, lost answers {faults.GetValueOrDefault(2004)}, held {faults.GetValueOrDefault(2005)}");
        var journal = WalletEndToEnd.ReadJournal(run.StateDirectory);
        output.WriteLine($"{backtest.Count} orders; faults: errors {faults.GetValueOrDefault(2003)}, lost answers {faults.GetValueOrDefault(2004)}, held {faults.GetValueOrDefault(2005)}; journal: "
            + string.Join(", ", journal.GroupBy(j => (j.Status, j.Sends)).Select(g => $"{g.Key.Status} after {g.Key.Sends} sends: {g.Count()}")));
        Assert.Contains(journal, j => j.Status == "ReconciledExecuted");
        Assert.Contains(journal, j => j.Sends > 1);
        Assert.All(journal, j => Assert.Equal("done", j.Phase));

        // The audit log: one execution per order decision, each as decided. With 10,000 euro at 100 euro a bitcoin every
        // buy is affordable, and the wallet holds exactly the bitcoin the paper account holds, so every sell is covered:
        // no rejection, and the executed ids are exactly the backtest's.
        var audit = await WalletEndToEnd.AuditAsync(run.Simulator);
        Assert.All(audit, a => Assert.NotNull(a.Key));
        Assert.Equal(audit.Count, audit.Select(a => a.Key).Distinct().Count());
        Assert.Equal(backtest.Select(o => o.Id).Order(StringComparer.Ordinal), audit.Select(a => a.Key!).Order(StringComparer.Ordinal));
        var decided = backtest.ToDictionary(o => o.Id);
        Assert.All(audit, a => Assert.Equal((decided[a.Key!].Side, decided[a.Key!].Amount), (a.Side, a.Amount)));
        Assert.DoesNotContain(journal, j => j.Status == "Rejected");
        Assert.Equal(backtest.Select(o => o.Id), journal.Select(j => j.DecisionId));
        Assert.All(journal, j => Assert.True(j.Executed, $"{j.DecisionId}: {j.Status}"));

        // Balances: the backtest's orders at the simulator's price = the simulator's info = the journal's = the desk's.
        var (bitcoin, euro) = WalletEndToEnd.Expected(backtest.Select(o => (o.Side, o.Amount)));
        Assert.Equal((bitcoin, euro), await run.Simulator.BalanceAsync(WalletEndToEnd.User));
        Assert.Equal(bitcoin, journal.Where(j => j.Executed).Sum(j => j.Side == "buy" ? j.Amount : -j.Amount));
        var last = journal[^1];
        Assert.Equal((double)bitcoin, last.AfterBitcoin!.Value, 1e-9);
        Assert.Equal((double)euro, last.AfterEuro!.Value, 1e-6);
        var balances = run.View.GetProperty("balances");
        Assert.Equal((double)bitcoin, balances.GetProperty("bitcoin").GetDouble(), 1e-9);
        Assert.Equal((double)euro, balances.GetProperty("euro").GetDouble(), 1e-6);
        Assert.Equal(backtest.Count, run.View.GetProperty("orders").GetProperty("decided").GetInt64());
    }

    [Fact]
    public void Simulator_LogsAndMetricsOfAFaultedRun_HoldNoAccessKey()
    {
        // The run talked to the wallet and said so: answers logged with the key redacted, requests counted.
        Assert.Contains("access_key=***", run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.Contains(run.Seen, s => s.Contains("reactive_wallet_requests_total{", StringComparison.Ordinal));
        Assert.Contains(run.Seen, s => s.Contains("\"mode\":\"simulator\"", StringComparison.Ordinal));

        string[] forms = [WalletEndToEnd.AccessKey, Uri.EscapeDataString(WalletEndToEnd.AccessKey), WalletEndToEnd.AccessKeyCore];
        foreach (var (what, text) in new[] { ("stdout", run.Stdout), ("stderr", run.Stderr) }.Concat(run.Seen.Select(s => ("an API answer", s))))
        {
            foreach (var form in forms)
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{what} holds the access key ({form})");
            }
        }
    }

    [Fact]
    public async Task Simulator_KilledBetweenJournalAndAnswer_RestartReconcilesTheOrderInsteadOfRepeatingIt()
    {
        const int rows = 3000;
        var state = Path.Combine(ServiceProcess.NewWorkingDirectory(), "state");
        // Every buy or sell is held 10 s: the first order is journaled and sent, and its answer does not come (orders go
        // one at a time, so the request held is the first order's).
        await using var simulator = await WalletEndToEnd.StartSimulatorAsync(0, 0, delayRate: 1, delay: TimeSpan.FromSeconds(10));
        var args = WalletEndToEnd.ServiceArgs(state, simulator.Address, rows, speed: 20_000, ("AttemptTimeout", "00:00:30"), ("ReconcileDelay", "00:00:30"));

        JournalRow held;
        await using (var first = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), WalletEndToEnd.Environment(), args))
        {
            for (var deadline = DateTime.UtcNow + Deadline; ; await Task.Delay(50))
            {
                Assert.False(first.HasExited, first.Stderr);
                Assert.True(DateTime.UtcNow < deadline, $"no order journaled as sent:\n{first.Stderr}");
                // Journaled as sent, and the wallet holds the request (the journal is written before the request leaves).
                if (WalletEndToEnd.ReadJournal(state).FirstOrDefault(j => j.Phase == "sent") is { } sent && simulator.Logs.GetSnapshot().Any(r => r.Id.Id == 2005))
                {
                    held = sent;
                    break;
                }
            }

            first.Signal("KILL");
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }

        // Killed before the wallet executed it, so before any answer could come.
        Assert.DoesNotContain(await WalletEndToEnd.AuditAsync(simulator), a => a.Key == held.DecisionId);

        // The held request runs now (the client is gone); no more faults. Restarted once the wallet executed it.
        await simulator.SetFaultsAsync();
        for (var deadline = DateTime.UtcNow + Deadline; !(await WalletEndToEnd.AuditAsync(simulator)).Any(a => a.Key == held.DecisionId); await Task.Delay(100))
        {
            Assert.True(DateTime.UtcNow < deadline, "the held order never executed");
        }

        await using var second = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), WalletEndToEnd.Environment(), args);
        using var http = new HttpClient { BaseAddress = await second.WaitForUrlAsync(TimeSpan.FromSeconds(90)), Timeout = TimeSpan.FromSeconds(60) };
        await WalletEndToEnd.WaitUntilSettledAsync(second, http, [], Deadline);

        // The order the kill left open was reconciled from the balances, not sent again.
        var journal = WalletEndToEnd.ReadJournal(state);
        var reconciled = Assert.Single(journal, j => j.DecisionId == held.DecisionId);
        Assert.Equal(("done", "ReconciledExecuted", 1), (reconciled.Phase, reconciled.Status, reconciled.Sends));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Wallet journal {WalletEndToEnd.JournalPath(state)} (simulator): 1 orders left open by an earlier run"), second.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Order {held.DecisionId} reconciled as executed", second.Stderr, StringComparison.Ordinal);

        // Each decision executed once, every one of the backtest's: the held one too, once.
        var backtest = WalletEndToEnd.BacktestOrders(rows);
        var audit = await WalletEndToEnd.AuditAsync(simulator);
        Assert.Single(audit, a => a.Key == held.DecisionId);
        Assert.Equal(audit.Count, audit.Select(a => a.Key).Distinct().Count());
        Assert.Equal(backtest.Select(o => o.Id).Order(StringComparer.Ordinal), audit.Select(a => a.Key!).Order(StringComparer.Ordinal));
        Assert.All(journal, j => Assert.True(j.Executed && j.Phase == "done", $"{j.DecisionId}: {j.Phase} {j.Status}"));
        Assert.Equal(WalletEndToEnd.Expected(backtest.Select(o => (o.Side, o.Amount))), await simulator.BalanceAsync(WalletEndToEnd.User));
        Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Simulator_OrderLeftOpenByAnOutage_SettledBeforeTheNextOrder_DeskShowsItsOutcome()
    {
        const int rows = 5000;
        var state = Path.Combine(ServiceProcess.NewWorkingDirectory(), "state");
        // Every buy and sell answered 500, nothing executed: each send is reconciled as not executed, and after three
        // sends the order is left open (unknown). The feed lasts about 50 s, so orders keep coming once the wallet is back.
        await using var simulator = await WalletEndToEnd.StartSimulatorAsync(errorRate: 1, 0, 0, TimeSpan.Zero);
        var args = WalletEndToEnd.ServiceArgs(state, simulator.Address, rows, speed: 1_000, ("ReconcileDelay", "00:00:00.200"), ("BreakerFailureRatio", "1"));
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), WalletEndToEnd.Environment(), args);
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(90)), Timeout = TimeSpan.FromSeconds(60) };

        // The first order, sent three times and reconciled as not executed each time, is shown unknown (open).
        string open;
        for (var deadline = DateTime.UtcNow + Deadline; ; await Task.Delay(100))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no order left open:\n{service.Stderr}");
            var orders = JsonDocument.Parse(await http.GetStringAsync("/api/trading/t")).RootElement.GetProperty("orders");
            var unknown = orders.GetProperty("open").EnumerateArray().Where(o => o.GetProperty("state").GetString() == "unknown").Select(o => o.GetProperty("id").GetString()).ToList();
            if (unknown.Count > 0)
            {
                var first = WalletEndToEnd.ReadJournal(state)[0];
                Assert.True(first.Phase != "done" && first.Sends >= 3, $"{first}");
                open = first.DecisionId;
                Assert.True(unknown.Contains(open), $"the desk shows {string.Join(", ", unknown)} unknown, not {open}: {orders}");
                break;
            }
        }

        await simulator.SetFaultsAsync();

        // The wallet is back: the open order is settled before the next one, and the desk says how it ended.
        await WalletEndToEnd.WaitUntilSettledAsync(service, http, [], Deadline);
        var journal = WalletEndToEnd.ReadJournal(state);
        var settled = Assert.Single(journal, j => j.DecisionId == open);
        Assert.Equal(("done", "Executed"), (settled.Phase, settled.Status));
        Assert.True(settled.Sends > 3, $"sent {settled.Sends} times");
        Assert.Contains($"order {open} buy 0.01: Executed after {settled.Sends} attempts", service.Stderr, StringComparison.Ordinal);

        // Each decision executed once, the open one too.
        var backtest = WalletEndToEnd.BacktestOrders(rows);
        var audit = await WalletEndToEnd.AuditAsync(simulator);
        Assert.Equal(backtest.Select(o => o.Id).Order(StringComparer.Ordinal), audit.Select(a => a.Key!).Order(StringComparer.Ordinal));
        Assert.Equal(WalletEndToEnd.Expected(backtest.Select(o => (o.Side, o.Amount))), await simulator.BalanceAsync(WalletEndToEnd.User));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Simulator_WithoutStateDirectory_ExitsTwoWithOneLineNamingTheModeKey()
    {
        var args = WalletEndToEnd.ServiceArgs("unused", new Uri("http://127.0.0.1:9/"), 100, 1000).ToList();
        args.RemoveRange(args.IndexOf("--Reactive:StateDirectory"), 2);
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), WalletEndToEnd.Environment(), [.. args]);

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(service.Stderr.Split('\n'), l => l.Contains("Pipelines:t:Options:Mode", StringComparison.Ordinal));
        Assert.Contains("Reactive:StateDirectory", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(WalletEndToEnd.AccessKeyCore, service.Stderr + service.Stdout, StringComparison.Ordinal);
    }
}

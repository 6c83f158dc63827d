using System.Net;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>Many orders of one user at once, over separate connections: none overdraws, and the audit log adds up to the balances.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Buy_FiftyParallelOrdersWorthMoreThanTheBalance_NeverOverdraw()
    {
        await using var server = await StartAsync();
        // 50 × 0.3 bitcoin at 100 euro = 50 × 30 euro = 1500 euro, against alice's 1000: 33 fit, 10 euro are left.

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => server.BuyAsync(Alice, AliceKey, "0.3"))));

        Assert.Equal(33, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.StartsWith("insufficient euro", a.Text, StringComparison.Ordinal));
        var (bitcoin, euro) = await server.BalanceAsync(Alice);
        Assert.Equal((2m + (33 * 0.3m), 10m), (bitcoin, euro));
        var audit = await server.AuditAsync(Alice);
        Assert.Equal(33, audit.Count);
        Assert.Equal(euro - 1000m, audit.Sum(e => e.GetProperty("euro_delta").GetDecimal()));
        Assert.Equal(bitcoin - 2m, audit.Sum(e => e.GetProperty("amount").GetDecimal()));
        Assert.Equal(audit.Select(e => e.GetProperty("id").GetInt64()).Order(), audit.Select(e => e.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task BuyAndSell_ParallelMixOfTwoUsers_EachBalanceMatchesItsAuditLog()
    {
        await using var server = await StartAsync();

        // alice sells 0.1 forty times (she has 2 bitcoin: 20 fit); bob buys 0.25 (25 euro) forty times (he has 500 euro: 20 fit).
        var orders = Enumerable.Range(0, 40).SelectMany(_ => new[]
        {
            Task.Run(() => server.SellAsync(Alice, AliceKey, "0.1")),
            Task.Run(() => server.BuyAsync(Bob, BobKey, "0.25")),
        });
        var answers = await Task.WhenAll(orders);

        Assert.Equal(40, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal((0m, 1200m), await server.BalanceAsync(Alice));
        Assert.Equal((5m, 0m), await server.BalanceAsync(Bob));
        foreach (var (user, euro) in new[] { (Alice, 200m), (Bob, -500m) })
        {
            var audit = await server.AuditAsync(user);
            Assert.Equal(20, audit.Count);
            Assert.Equal(euro, audit.Sum(e => e.GetProperty("euro_delta").GetDecimal()));
        }
    }
}

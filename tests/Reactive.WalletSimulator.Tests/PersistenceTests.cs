using System.Net;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>Balances, the audit log and spent idempotency keys live in the SQLite file and survive a restart.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task Restart_SameStateFile_KeepsBalancesAuditAndIdempotencyKeys()
    {
        var directory = NewDirectory();
        try
        {
            string firstAnswer;
            List<string> auditBefore;
            await using (var first = await StartAsync(stateDirectory: directory))
            {
                firstAnswer = (await first.BuyAsync(Alice, AliceKey, "0.5", idempotencyKey: "order-1")).Text;
                Assert.Equal(HttpStatusCode.OK, (await first.SellAsync(Alice, AliceKey, "1")).Status);
                Assert.Equal(HttpStatusCode.OK, (await first.BuyAsync(Bob, BobKey, "2")).Status);
                auditBefore = [.. (await first.AuditAsync()).Select(e => e.ToString())];
            }

            // Another price after the restart: the file's balances count, not the configuration's starting ones.
            await using var second = await StartAsync(new Dictionary<string, string?> { ["Simulator:Price:Euro"] = "200" }, stateDirectory: directory);

            Assert.Equal((1.5m, 1050m), await second.BalanceAsync(Alice));
            Assert.Equal((2m, 300m), await second.BalanceAsync(Bob));
            Assert.Equal(auditBefore, (await second.AuditAsync()).Select(e => e.ToString()));
            Assert.Equal((HttpStatusCode.OK, firstAnswer), await second.BuyAsync(Alice, AliceKey, "0.5", idempotencyKey: "order-1"));
            Assert.Equal((HttpStatusCode.OK, "order 4 executed: bought 0.5 bitcoin at 200 euro for 100.00 euro"), await second.BuyAsync(Alice, AliceKey, "0.5"));
            Assert.Equal((2m, 950m), await second.BalanceAsync(Alice));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_NewUserInConfiguration_StartsWithItsConfiguredBalance()
    {
        var directory = NewDirectory();
        try
        {
            await using (var first = await StartAsync(stateDirectory: directory))
            {
                Assert.Equal(HttpStatusCode.OK, (await first.BuyAsync(Alice, AliceKey, "1")).Status);
            }

            await using var second = await StartAsync(
                new Dictionary<string, string?>
                {
                    ["Simulator:Users:alice:Euro"] = "123456",
                    ["Simulator:Users:carol:AccessKey"] = "carol-test-key",
                    ["Simulator:Users:carol:Bitcoin"] = "0.125",
                },
                stateDirectory: directory);

            Assert.Equal((3m, 900m), await second.BalanceAsync(Alice));
            Assert.Equal((0.125m, 0m), await second.BalanceAsync("carol"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

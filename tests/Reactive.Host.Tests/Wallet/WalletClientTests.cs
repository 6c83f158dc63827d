using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reactive.Host.Trading;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;
using Reactive.WalletSimulator.Tests;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.Host.Tests.Wallet;

/// <summary>The client against the real simulator over HTTP: the contract, refusals, what is retried and what never is.</summary>
public sealed class WalletClientTests
{
    [Fact]
    public async Task InfoBuySell_ThroughTheClient_FollowTheContract()
    {
        await using var server = await StartAsync();
        using var rig = WalletRig.Start(server.Address);
        var client = rig.Client;

        Assert.Equal(new WalletBalances(2, 1000), await client.InfoAsync(CancellationToken.None));

        var bought = await client.OrderAsync(OrderSide.Buy, 0.5m, "contract-1", CancellationToken.None);
        // 0.5 bitcoin at the fixed price of 100 euro: 50 euro.
        Assert.Equal(new WalletAnswer(WalletAnswerKind.Executed, 200, "order 1 executed: bought 0.5 bitcoin at 100 euro for 50.00 euro", false), bought);
        Assert.Equal(new WalletBalances(2.5, 950), await client.InfoAsync(CancellationToken.None));

        var sold = await client.OrderAsync(OrderSide.Sell, 1.25m, "contract-2", CancellationToken.None);
        Assert.Equal(WalletAnswerKind.Executed, sold.Kind);
        Assert.Equal(new WalletBalances(1.25, 1075), await client.InfoAsync(CancellationToken.None));

        var again = await client.OrderAsync(OrderSide.Sell, 1.25m, "contract-2", CancellationToken.None);
        Assert.Equal(sold with { Replayed = true }, again);
        Assert.Equal(2, (await server.AuditAsync(Alice)).Count);
        Assert.Equal((1.25m, 1075m), await server.BalanceAsync(Alice));
    }

    [Fact]
    public async Task Refusals_AreRejected_AndTheExecutorJournalsThemOnce()
    {
        await using var server = await StartAsync();
        using var rig = WalletRig.Start(server.Address);

        var tooMuch = await rig.Client.OrderAsync(OrderSide.Sell, 3m, "refused-1", CancellationToken.None);
        Assert.Equal(WalletAnswerKind.Rejected, tooMuch.Kind);
        Assert.Equal(409, tooMuch.Status);
        Assert.StartsWith("insufficient bitcoin", tooMuch.Text, StringComparison.Ordinal);

        using (var wrongKey = WalletRig.Start(server.Address, accessKey: "not-alices-key"))
        {
            var refused = await wrongKey.Client.OrderAsync(OrderSide.Buy, 0.1m, "refused-2", CancellationToken.None);
            Assert.Equal((WalletAnswerKind.Rejected, 403), (refused.Kind, refused.Status));
        }

        var state = WalletRig.NewStateDirectory();
        try
        {
            using var executor = rig.Factory.Create(state, WalletOrderExecutorFactory.SimulatorMode);
            var decision = WalletRig.Decision(1, OrderSide.Sell, 2.5);
            var first = await executor.ExecuteAsync(decision, CancellationToken.None);

            // alice has 2 bitcoin.
            Assert.Equal(OrderStatus.Rejected, first.Status);
            Assert.Equal(1, first.Attempts);
            Assert.StartsWith("HTTP 409: insufficient bitcoin", first.Detail, StringComparison.Ordinal);
            Assert.Equal(new WalletBalances(2, 1000), first.Balances);
            var sells = WalletRig.Requests(server, "/sell/");

            Assert.Equal(first, await executor.ExecuteAsync(decision, CancellationToken.None));
            Assert.Equal(sells, WalletRig.Requests(server, "/sell/"));
            Assert.Empty(await server.AuditAsync());
            Assert.Equal((2m, 1000m), await server.BalanceAsync(Alice));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task NothingListening_InfoIsRetried_BuyIsSentOnce()
    {
        var port = FreePort();
        using var rig = WalletRig.Start(new Uri($"http://127.0.0.1:{port}/"), new Dictionary<string, string?>
        {
            ["InfoRetries"] = "2",
            ["RetryDelay"] = "00:00:00.010",
            // The breaker stays out of this test: it counts attempts, not refusals.
            ["BreakerMinimumThroughput"] = "100",
        });
        using var retries = rig.Collect<long>("reactive.wallet.retries");
        using var requests = rig.Collect<long>("reactive.wallet.requests");

        var failure = await Assert.ThrowsAsync<WalletUnavailableException>(() => rig.Client.InfoAsync(CancellationToken.None));
        Assert.StartsWith("wallet info: ", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, WalletRig.Sum(retries, ("operation", "info")));
        Assert.Equal(1, WalletRig.Sum(requests, ("operation", "info"), ("outcome", "unreachable")));

        var answer = await rig.Client.OrderAsync(OrderSide.Buy, 0.1m, "unreachable-1", CancellationToken.None);
        Assert.Equal(WalletAnswerKind.Unknown, answer.Kind);
        Assert.Equal(2, WalletRig.Sum(retries));
        Assert.Equal(1, WalletRig.Sum(requests, ("operation", "buy"), ("outcome", "unreachable")));
        Assert.Equal(2, rig.Logs.GetSnapshot().Count(r => r.Id.Id == 1302));
    }

    [Theory]
    [InlineData("BaseUrl", "not a url", "Trading:Wallet:BaseUrl: must be an absolute http:// or https:// address")]
    [InlineData("BaseUrl", "ftp://127.0.0.1/", "Trading:Wallet:BaseUrl: must be an absolute http:// or https:// address")]
    [InlineData("UserId", "", "Trading:Wallet:UserId: is required")]
    [InlineData("AccessKey", "", "Trading:Wallet:AccessKey: is required")]
    [InlineData("AttemptTimeout", "00:00:00", "Trading:Wallet:AttemptTimeout: must be a positive duration")]
    [InlineData("TotalTimeout", "00:00:01", "Trading:Wallet:TotalTimeout: must be at least AttemptTimeout")]
    [InlineData("BreakerFailureRatio", "1.5", "Trading:Wallet:BreakerFailureRatio: must be above 0 and at most 1")]
    [InlineData("MaxSendsPerCall", "0", "Trading:Wallet:MaxSendsPerCall: must be between 1 and 10")]
    [InlineData("ReconcileInterval", "00:00:00", "Trading:Wallet:ReconcileInterval: must be a positive duration")]
    public void BadSetting_FailsNamingTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Trading:Wallet:BaseUrl"] = "http://127.0.0.1:5090",
            ["Trading:Wallet:UserId"] = "1",
            ["Trading:Wallet:AccessKey"] = "a-secret-value",
            [$"Trading:Wallet:{key}"] = value,
        };
        using var services = new ServiceCollection()
            .AddLogging()
            .AddWalletClient(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WalletOptions>>().Value);

        var only = Assert.Single(failure.Failures);
        Assert.StartsWith(message, only, StringComparison.Ordinal);
        Assert.DoesNotContain("a-secret-value", only, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessKey_FromTheEnvironment_OverTheFile()
    {
        var variable = "Trading__Wallet__AccessKey";
        var prefix = $"WALLETTEST{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + variable, "from-the-environment");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Trading:Wallet:BaseUrl"] = "http://127.0.0.1:5090",
                    ["Trading:Wallet:UserId"] = "1",
                    ["Trading:Wallet:AccessKey"] = "from-the-file",
                })
                .AddEnvironmentVariables(prefix)
                .Build();
            using var services = new ServiceCollection().AddLogging().AddWalletClient(configuration).BuildServiceProvider();

            Assert.Equal("from-the-environment", services.GetRequiredService<IOptionsMonitor<WalletOptions>>().CurrentValue.AccessKey);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + variable, null);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The default run trades against the in-process wallet simulator (<c>Trading:Simulator:InProcess</c>): the built service
/// on its embedded defaults places sample-trading's orders over real HTTP, through the wallet client and its journal, into
/// a simulator inside its own process, whose <c>info</c> this test reads itself; the simulator starts only when a
/// pipeline trades in simulator mode, and its access key stays inside the process.
/// </summary>
public sealed partial class InProcessSimulatorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task DefaultRun_OrdersExecutedByTheInProcessSimulatorOverHttp_BalancesAsItsInfoSays_StopsCleanly()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", "http://127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        await service.WaitForStderrAsync("In-process wallet simulator at ", TimeSpan.FromSeconds(30));
        var started = SimulatorLine().Match(service.Stderr);
        Assert.True(started.Success, service.Stderr);
        var simulator = new Uri(started.Groups["address"].Value);
        var user = started.Groups["user"].Value;
        Assert.Equal("127.0.0.1", simulator.Host);
        Assert.NotEqual(http.BaseAddress!.Port, simulator.Port);
        var walletFile = WalletFileLine().Match(service.Stderr);
        Assert.True(walletFile.Success, service.Stderr);
        var walletDirectory = Path.GetDirectoryName(walletFile.Groups["path"].Value)!;
        Assert.True(Directory.Exists(walletDirectory), walletDirectory);

        // Wait for an order executed (a buy first: the account starts without bitcoin), then for a quiet moment in which
        // the desk's balances, the simulator's info read before and after them, all agree.
        using var wallet = new HttpClient { BaseAddress = simulator };
        JsonElement trading = default;
        (double Bitcoin, double Euro)? info = null;
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline && info is null; await Task.Delay(250))
        {
            var before = await InfoAsync(wallet, user);
            trading = (await http.GetFromJsonAsync<JsonElement>("/api/trading")).EnumerateArray().Single(t => t.GetProperty("pipeline").GetString() == "sample-trading");
            var after = await InfoAsync(wallet, user);
            var answered = trading.GetProperty("orders");
            if (answered.GetProperty("executed").GetInt64() > 0 && answered.GetProperty("queued").GetInt64() == 0 && before == after
                && trading.GetProperty("balances") is { ValueKind: JsonValueKind.Object } shown
                && shown.GetProperty("bitcoin").GetDouble() == after.Bitcoin && shown.GetProperty("euro").GetDouble() == after.Euro)
            {
                info = after;
            }
        }

        Assert.True(info is not null, $"no executed order with balances equal to the simulator's info: {trading}\n{service.Stderr}");
        Assert.Equal("simulator", trading.GetProperty("mode").GetString());

        // Every executed order is in the desk's recent outcomes (a fresh run makes few); the wallet holds their bitcoin,
        // and its euro moved from the paper account's starting value (it started without bitcoin: all euro) by what the
        // simulator's answers say each order cost or brought.
        var orders = trading.GetProperty("orders");
        var executed = orders.GetProperty("recent").EnumerateArray().Where(o => o.GetProperty("status").GetString() == "executed").ToList();
        Assert.Equal(orders.GetProperty("executed").GetInt64(), executed.Count);
        Assert.Equal(0, orders.GetProperty("rejected").GetInt64());
        var bitcoin = executed.Sum(o => (o.GetProperty("side").GetString() == "buy" ? 1m : -1m) * o.GetProperty("amount").GetDecimal());
        var euro = trading.GetProperty("paper").GetProperty("startingValue").GetDecimal();
        foreach (var order in executed)
        {
            var answer = OrderAnswer().Match(order.GetProperty("detail").GetString()!);
            Assert.True(answer.Success, order.ToString());
            var total = decimal.Parse(answer.Groups["total"].Value, CultureInfo.InvariantCulture);
            euro += answer.Groups["side"].Value == "bought" ? -total : total;
        }

        Assert.NotEqual(0m, bitcoin);
        Assert.Equal((double)bitcoin, info.Value.Bitcoin, 1e-9);
        Assert.Equal((double)euro, info.Value.Euro, 1e-6);

        // The trading README's "Run it" shows the first order as the simulator logs it and the balances after it.
        var readme = Regex.Replace(File.ReadAllText(Path.Combine(Readme.RepositoryRoot(), "src", "Reactive.Host", "Trading", "README.md")), @"\s+", " ");
        var shownOrder = Regex.Match(readme, "`(Order 1 executed for user [^`]+)`");
        Assert.True(shownOrder.Success, "the trading README shows the simulator's first order");
        Assert.Contains(shownOrder.Groups[1].Value, service.Stderr, StringComparison.Ordinal);
        var shownBalances = Regex.Match(readme, @"`\{""bitcoin"": (?<bitcoin>[0-9.]+), ""euro"": (?<euro>[0-9.]+)\}` after that order");
        Assert.True(shownBalances.Success, "the trading README shows the balances after the first order");
        var first = executed[0].GetProperty("balances");
        Assert.Equal(decimal.Parse(shownBalances.Groups["bitcoin"].Value, CultureInfo.InvariantCulture), first.GetProperty("bitcoin").GetDecimal());
        Assert.Equal(decimal.Parse(shownBalances.Groups["euro"].Value, CultureInfo.InvariantCulture), first.GetProperty("euro").GetDecimal());

        // The orders went over HTTP, once each, under their decision ids, through the journal.
        Assert.Contains("journaled: buy", service.Stderr, StringComparison.Ordinal);
        foreach (var order in executed)
        {
            Assert.Equal(1, order.GetProperty("attempts").GetInt32());
        }

        // The generated key is in no request line the service logs (each is redacted).
        Assert.Contains("access_key=***", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"access_key=(?!\*\*\*)", service.Stderr + service.Stdout);

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.False(Directory.Exists(walletDirectory), $"the temporary wallet and journal {walletDirectory} are deleted at stop");
    }

    [Fact]
    public async Task PaperOnly_NoPipelineInSimulatorMode_NoSimulatorStarted()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null,
            "--urls", "http://127.0.0.1:0", "--pipelines", "sample-trading", "--Pipelines:sample-trading:Options:Mode", "paper");
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };

        // The positive signal first: the pipeline traded (in paper mode).
        JsonElement trading = default;
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            trading = (await http.GetFromJsonAsync<JsonElement>("/api/trading")).EnumerateArray().Single();
            if (trading.GetProperty("orders").GetProperty("executed").GetInt64() > 0)
            {
                break;
            }
        }

        Assert.True(trading.GetProperty("orders").GetProperty("executed").GetInt64() > 0, $"{trading}\n{service.Stderr}");
        Assert.Equal("paper", trading.GetProperty("mode").GetString());
        Assert.DoesNotContain("In-process wallet simulator", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Wallet simulator:", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Reactive.WalletSimulator", service.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task InProcess_ConfiguredKey_InNoOutputApiAnswerOrMetric()
    {
        // A key of the configuration's (the environment's), so that this test knows what to look for; it needs escaping.
        const string key = "in-process key+/=&%-0123456789abcdef";
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), new Dictionary<string, string> { ["Trading__Simulator__AccessKey"] = key },
            "--urls", "http://127.0.0.1:0", "--pipelines", "sample-trading", "--Progress:LogInterval", "1 second");
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };

        var seen = new List<string>();
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var trading = await http.GetStringAsync("/api/trading");
            seen.Add(trading);
            if (JsonDocument.Parse(trading).RootElement[0].GetProperty("orders").GetProperty("executed").GetInt64() > 0)
            {
                break;
            }
        }

        seen.Add(await http.GetStringAsync("/metrics"));
        seen.Add(await http.GetStringAsync("/api/pipelines"));
        Assert.Contains(seen, s => s.Contains("\"executed\":", StringComparison.Ordinal) && !s.Contains("\"executed\":0", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Contains("reactive_wallet_requests_total{", StringComparison.Ordinal));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));

        foreach (var (what, text) in new[] { ("stdout", service.Stdout), ("stderr", service.Stderr) }.Concat(seen.Select(s => ("an API answer", s))))
        {
            foreach (var form in new[] { key, Uri.EscapeDataString(key), "0123456789abcdef" })
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{what} holds the access key ({form})");
            }
        }
    }

    private static async Task<(double Bitcoin, double Euro)> InfoAsync(HttpClient wallet, string user)
    {
        var only = (await wallet.GetFromJsonAsync<JsonElement>($"info/?user_id={Uri.EscapeDataString(user)}")).EnumerateArray().Single();
        return (only.GetProperty("bitcoin").GetDouble(), only.GetProperty("euro").GetDouble());
    }

    [GeneratedRegex(@"In-process wallet simulator at (?<address>http://[^,\s]+), user (?<user>[^,\s]+),")]
    private static partial Regex SimulatorLine();

    [GeneratedRegex(@"Wallet simulator: 1 users, state in (?<path>[^,]+wallet-simulator\.db),")]
    private static partial Regex WalletFileLine();

    [GeneratedRegex(@"(?<side>bought|sold) [0-9.]+ bitcoin at [0-9.]+ euro for (?<total>[0-9.]+) euro")]
    private static partial Regex OrderAnswer();
}

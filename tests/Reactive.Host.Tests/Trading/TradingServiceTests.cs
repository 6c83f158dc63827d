using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Host.Tests.Cli;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Trading;

/// <summary>The trading pipeline in the built service: <c>/api/trading</c> over real HTTP, the metrics and the progress log.</summary>
public sealed class TradingServiceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>A trading pipeline <c>t</c> on a finite generated feed (3,000 rates), its decisions into table <c>trades</c>.</summary>
    private static string[] Pipeline(params string[] more) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--pipelines", "t",
        "--Progress:LogInterval", "1 second",
        "--Pipelines:t:Kind", "trading",
        "--Pipelines:t:Source:Kind", "generator",
        "--Pipelines:t:Source:Generator", "bitcoin",
        "--Pipelines:t:Source:Seed", "7",
        "--Pipelines:t:Source:Rows", "3000",
        "--Pipelines:t:Source:Speed", "20000",
        "--Pipelines:t:Options:FeeRate", "0.001",
        "--Pipelines:t:Sinks:0:Kind", "table",
        "--Pipelines:t:Sinks:0:Table", "trades",
        .. more,
    ];

    [Fact]
    public async Task Service_PaperTrading_ApiShowsTheAccountTheDecisionsRecompute_MetricsAndProgressAgree()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, Pipeline());
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url };

        // The feed ends and every order is answered by the paper executor.
        JsonElement view = default;
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            var state = (await http.GetFromJsonAsync<JsonElement>("/api/pipelines/t")).GetProperty("state").GetString();
            view = Assert.Single((await http.GetFromJsonAsync<JsonElement>("/api/trading")).EnumerateArray());
            var answered = view.GetProperty("orders");
            if (state == "Stopped" && answered.GetProperty("decided").GetInt64() > 0 && answered.GetProperty("queued").GetInt64() == 0)
            {
                break;
            }
        }

        Assert.True(view.ValueKind == JsonValueKind.Object, service.Stderr);
        Assert.Equal("t", view.GetProperty("pipeline").GetString());
        Assert.Equal("paper", view.GetProperty("mode").GetString());
        Assert.Equal(0, view.GetProperty("orders").GetProperty("queued").GetInt64());

        // The decisions as the table holds them, replayed here: the account the API shows is theirs.
        using var response = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT id, outcome, side, amount, price, fee, reason FROM trades ORDER BY timestamp" });
        var rows = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        double euro = 10_000, bitcoin = 0, fees = 0;
        var orders = 0;
        foreach (var row in rows.Where(r => r[1].GetString() == "order"))
        {
            orders++;
            var (amount, price, fee) = (row[3].GetDouble(), row[4].GetDouble(), row[5].GetDouble());
            Assert.Equal(amount * price * 0.001, fee, 1e-9);
            fees += fee;
            (euro, bitcoin) = row[2].GetString() == "buy"
                ? (euro - (amount * price) - fee, Math.Round(bitcoin + amount, 8))
                : (euro + (amount * price) - fee, Math.Round(bitcoin - amount, 8));
        }

        Assert.True(orders > 0, "the feed gave orders");
        var balances = view.GetProperty("balances");
        Assert.Equal(euro, balances.GetProperty("euro").GetDouble(), 1e-6);
        Assert.Equal(bitcoin, balances.GetProperty("bitcoin").GetDouble(), 1e-9);
        Assert.Equal(bitcoin, view.GetProperty("position").GetDouble(), 1e-9);
        var paper = view.GetProperty("paper");
        Assert.Equal(euro, paper.GetProperty("euro").GetDouble(), 1e-6);
        Assert.Equal(fees, paper.GetProperty("feesPaid").GetDouble(), 1e-6);
        Assert.Equal(euro + (bitcoin * paper.GetProperty("rate").GetDouble()) - 10_000, paper.GetProperty("profitAndLoss").GetDouble(), 1e-6);
        Assert.Equal(orders, view.GetProperty("orders").GetProperty("executed").GetInt64());
        Assert.Equal(rows.Count, view.GetProperty("counts").GetProperty("decisions").GetInt64());

        // The last decisions, newest first, with their reasons: the table's last ones.
        var shown = view.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(Math.Min(20, rows.Count), shown.Count);
        Assert.Equal(rows[^1][0].GetString(), shown[0].GetProperty("id").GetString());
        Assert.Equal(rows[^1][6].GetString(), shown[0].GetProperty("reason").GetString());

        // The same figures in /metrics and in the progress log.
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(orders, Sum(metrics, "reactive_trading_orders_total", "status=\"executed\""));
        Assert.Equal(rows.Count, Sum(metrics, "reactive_trading_decisions_total", "pipeline=\"t\""));
        Assert.Equal(rows.Count(r => r[1].GetString() == "skipped"), Sum(metrics, "reactive_trading_decisions_total", "outcome=\"skipped\""));
        Assert.Contains("reactive_trading_paper_pnl{pipeline=\"t\"}", metrics, StringComparison.Ordinal);
        await service.WaitForStderrAsync(string.Create(CultureInfo.InvariantCulture, $"Trading t: mode=paper position={bitcoin} "), TimeSpan.FromSeconds(30));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"executed={orders} "), service.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Service_KilledWhileTrading_RestartsWithoutLosingOrRepeatingADecision_PaperAccountWhole()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        string[] args = ["--urls", "http://127.0.0.1:0", "--pipelines", "t", "--Reactive:StateDirectory", Path.Combine(work, "state"), "--FileSinks:Directory", Path.Combine(work, "out"), .. CrashRestartTests.Trading()];

        // Slower than the crash test's feed (about 20 s), so that the kill lands mid-run on a loaded machine too.
        args[Array.IndexOf(args, "--Pipelines:t:Source:Speed") + 1] = "10000";

        // Killed (SIGKILL) once it has committed batches and the paper executor has booked orders.
        await using (var first = ServiceProcess.Start(work, null, args))
        {
            using var http = new HttpClient { BaseAddress = await first.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
            for (var deadline = DateTime.UtcNow + Deadline; ; await Task.Delay(20))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no orders before the deadline:\n{first.Stderr}");
                var progress = await http.GetFromJsonAsync<JsonElement>("/api/pipelines/t");
                Assert.NotEqual("Stopped", progress.GetProperty("state").GetString());
                var executed = (await http.GetFromJsonAsync<JsonElement>("/api/trading"))[0].GetProperty("orders").GetProperty("executed").GetInt64();
                if (executed >= 1 && progress.TryGetProperty("lastProgress", out var last) && last.ValueKind == JsonValueKind.Object && last.GetProperty("batchId").GetInt32() >= 3)
                {
                    first.Signal("KILL");
                    await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
                    break;
                }
            }
        }

        await using var service = ServiceProcess.Start(work, null, args);
        using var api = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        JsonElement view = default;
        long read = 0;
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            var progress = await api.GetFromJsonAsync<JsonElement>("/api/pipelines/t");
            var state = progress.GetProperty("state").GetString();
            read = progress.GetProperty("inputRows").GetInt64();
            view = (await api.GetFromJsonAsync<JsonElement>("/api/trading"))[0];
            if (state == "Stopped" && view.GetProperty("orders").GetProperty("queued").GetInt64() == 0)
            {
                break;
            }
        }

        Assert.Contains("restored batch", service.Stderr, StringComparison.Ordinal);

        // The decisions of the two runs are the backtest's over the same rates, each once, in order.
        var rates = CliRunner.TempFile("rates.jsonl");
        Assert.Equal(0, CliRunner.Run("generate", "bitcoin", "--seed", "7", "--rows", "20000", "-o", rates).Exit);
        var backtest = CliRunner.Run("run", "trading", "--input", rates, "--fee-rate", "0.001");
        Assert.True(backtest.Exit == 0, backtest.Stderr);
        var expected = backtest.Stdout.Split('\n').Where(l => l.Contains("\"reason\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        var decided = Directory.GetFiles(Path.Combine(work, "out", "t"), "part-*").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(expected, decided.Select(d => d.GetProperty("id").GetString()).ToList());

        // The paper executor of the second run started from the restored account less the orders it had not booked,
        // then booked those again and the new ones: its balances are the account of all the decisions.
        double euro = 10_000, bitcoin = 0;
        foreach (var d in decided.Where(d => d.GetProperty("outcome").GetString() == "order"))
        {
            var (amount, price, fee) = (d.GetProperty("amount").GetDouble(), d.GetProperty("price").GetDouble(), d.GetProperty("fee").GetDouble());
            (euro, bitcoin) = d.GetProperty("side").GetString() == "buy"
                ? (euro - (amount * price) - fee, Math.Round(bitcoin + amount, 8))
                : (euro + (amount * price) - fee, Math.Round(bitcoin - amount, 8));
        }

        Assert.Equal(euro, view.GetProperty("paper").GetProperty("euro").GetDouble(), 1e-6);

        // The second run read the last `read` rates: when an order falls among them, its executor booked it (and any
        // order the checkpoint held pending), so its balances are known.
        var times = BacktestCheck.JsonRates(rates);
        var resumedAt = times[^(int)Math.Clamp(read, 1, times.Count)].Ticks;
        if (decided.Any(d => d.GetProperty("outcome").GetString() == "order" && d.GetProperty("timestamp").GetDateTimeOffset().UtcTicks >= resumedAt))
        {
            Assert.True(view.GetProperty("orders").GetProperty("executed").GetInt64() > 0, $"the second run booked orders: {view}");
            Assert.Equal(euro, view.GetProperty("balances").GetProperty("euro").GetDouble(), 1e-6);
            Assert.Equal(bitcoin, view.GetProperty("balances").GetProperty("bitcoin").GetDouble(), 1e-9);
        }
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Service_AnomalyGate_AnomaliesOfTheNamedPipelineBlockBuys()
    {
        // Hourly prices from mid-December 2020 at 1,000 hours a second: their anomalies soon lie ahead of the rates
        // (January 2021 at 600x), and the rule blocks a buy older than a known anomaly or within AnomalyHold after it.
        string[] prices =
        [
            "--Pipelines:prices:Kind", "anomaly",
            "--Pipelines:prices:Source:Kind", "generator",
            "--Pipelines:prices:Source:Generator", "hourly",
            "--Pipelines:prices:Source:StartDate", "2020-12-15",
            "--Pipelines:prices:Source:Speed", "3600000",
            "--Pipelines:prices:Options:TimeZone", "UTC",
        ];
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, Gated("prices", ["--Pipelines:t:Options:AnomalyPipeline", "prices", .. prices]));
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };

        var blocked = await WaitForRowsAsync(http, service, 1, "SELECT side, reason FROM trades WHERE reason LIKE '%blocked by%anomaly: anomaly at % (prices: price %'");
        Assert.All(blocked, b => Assert.Equal("buy", b[0].GetString()));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Service_SpreadGate_ASpreadAboveMaxSpreadBlocksOrders()
    {
        // Generated quotes' per-second spreads (cents) against a MaxSpread below any of them.
        string[] quotes =
        [
            "--Pipelines:t:Options:SpreadPipeline", "quotes",
            "--Pipelines:t:Options:MaxSpread", "0.000001",
            "--Pipelines:quotes:Kind", "spread",
            "--Pipelines:quotes:Source:Kind", "generator",
            "--Pipelines:quotes:Source:Generator", "bbo",
            "--Pipelines:quotes:Source:Speed", "10",
            "--Pipelines:quotes:Options:WatermarkDelay", "0 seconds",
            "--Pipelines:quotes:Options:IncludeLockedAndCrossed", "true",
        ];
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, Gated("quotes", quotes));
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };

        var blocked = await WaitForRowsAsync(http, service, 2, "SELECT side, timestamp FROM trades WHERE outcome = 'skipped' AND reason LIKE '%blocked by%spread: the spread at % above MaxSpread 1E-06%' ORDER BY timestamp");
        Assert.Contains(blocked, b => b[0].GetString() == "buy");

        // Once a spread came, no order passes: none after the first blocked one.
        using var after = await http.PostAsJsonAsync("/api/sql", new { sql = $"SELECT count(*) FROM trades WHERE outcome = 'order' AND timestamp > '{blocked[0][1].GetString()}'" });
        Assert.Equal(0, (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0][0].GetInt64());
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Service_GateNamingAPipelineOfAnotherKind_StopsAtStartNamingTheKey()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, Pipeline("--Pipelines:t:Options:SpreadPipeline", "t"));

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Pipelines:t:Options:SpreadPipeline: 't' is not an enabled spread pipeline of this service", service.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("simulator")]
    [InlineData("live")]
    public async Task Service_WalletModeWithoutAStateDirectory_StopsAtStartNamingTheKey(string mode)
    {
        // The wallet's orders are journaled before they are sent; without a state directory there is nowhere durable.
        // (The in-process simulator, with its temporary journal, off: the wallet is another process's.)
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, Pipeline("--Pipelines:t:Options:Mode", mode, "--Trading:Simulator:InProcess", "false"));

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"Pipelines:t:Options:Mode: {mode} journals every order before it is sent, in Reactive:StateDirectory, which is not set", service.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_BadTradingSetting_StopsAtStartNamingTheKey()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, Pipeline("--Pipelines:t:Options:MaxOrdersPerHour", "0"));

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Pipelines:t:Options:MaxOrdersPerHour", service.Stderr, StringComparison.Ordinal);
    }

    // The trading pipeline beside the gate pipeline named, on a longer, slower feed (50,000 rates at 600x: the gate's
    // pipeline has time to publish while the rates still come).
    private static string[] Gated(string gate, string[] more)
    {
        var args = Pipeline(more);
        args[Array.IndexOf(args, "--pipelines") + 1] = "t," + gate;
        args[Array.IndexOf(args, "--Pipelines:t:Source:Rows") + 1] = "50000";
        args[Array.IndexOf(args, "--Pipelines:t:Source:Speed") + 1] = "600";
        return args;
    }

    // Polls a query of the decisions' table until it answers at least `count` rows (the gate has blocked something).
    private static async Task<List<JsonElement>> WaitForRowsAsync(HttpClient http, ServiceProcess service, int count, string sql)
    {
        List<JsonElement> rows = [];
        for (var deadline = DateTime.UtcNow + Deadline; rows.Count < count && DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            using var response = await http.PostAsJsonAsync("/api/sql", new { sql });
            rows = [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray()];
        }

        Assert.True(rows.Count >= count, $"{rows.Count} rows of {sql}:\n{service.Stderr}");
        return rows;
    }

    // The sum of a Prometheus family's samples whose labels contain every one of the given label texts.
    private static long Sum(string metrics, string family, params string[] labels) =>
        (long)metrics.Split('\n')
            .Where(l => l.StartsWith(family + "{", StringComparison.Ordinal) && labels.All(x => l.Contains(x, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}

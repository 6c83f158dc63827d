using System.Text.Json;
using Reactive.Host.Tests.Cli;
using Reactive.Host.Tests.EndToEnd;
using Reactive.Testing;

namespace Reactive.Host.Tests.Trading;

/// <summary><c>reactive run trading</c>: a backtest of a recorded feed, checked against an independent computation.</summary>
public sealed class RunTradingTests
{
    private const string KrakenFile = "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv";

    private static string GeneratedRates(int rows)
    {
        var path = CliRunner.TempFile("rates.jsonl");
        var (exit, _, stderr) = CliRunner.Run("generate", "bitcoin", "--rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", path);
        Assert.True(exit == 0, stderr);
        return path;
    }

    private static List<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n').Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    [Fact]
    public void RunTrading_GeneratedRates_DecisionsBalancesAndReportMatchAnIndependentComputation()
    {
        var input = GeneratedRates(3000);

        // No --output: the decisions and the report go to standard output.
        var (exit, stdout, stderr) = CliRunner.Run("run", "trading", "--input", input);

        Assert.True(exit == 0, stderr);
        var decisions = BacktestCheck.Verify(BacktestCheck.JsonRates(input), Lines(stdout), new CheckSettings());
        Assert.Contains(decisions, d => d.GetProperty("outcome").GetString() == "order" && d.GetProperty("side").GetString() == "buy");
        Assert.Contains(decisions, d => d.GetProperty("outcome").GetString() == "skipped" && d.GetProperty("reason").GetString()!.Contains("cooldown", StringComparison.Ordinal));
        var report = Lines(stdout)[^1];
        Assert.Contains($"rates 3000, orders {report.GetProperty("orders").GetInt32()}", stderr, StringComparison.Ordinal);
        Assert.Contains("buy-and-hold P&L", stderr, StringComparison.Ordinal);
        Assert.Contains("maximum drawdown", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunTrading_SettingsAsArguments_ChangeTheRuleAndTheAccount()
    {
        var input = GeneratedRates(3000);
        var settings = new CheckSettings { Threshold = 0.005, FeeRate = 0.002, StartingEuro = 50_000, StartingBitcoin = 0.5, Cooldown = TimeSpan.FromMinutes(1), MaxOrdersPerHour = 20, MaxPosition = 2, MinEuroKept = 1000, Window = TimeSpan.FromMinutes(20), Slide = TimeSpan.FromMinutes(10) };

        var (exit, stdout, stderr) = CliRunner.Run(
            "run", "trading", "--input", input, "--output", "-",
            "--threshold", "0.005", "--fee-rate", "0.002", "--euro", "50000", "--bitcoin", "0.5", "--cooldown", "1 minute",
            "--max-orders-per-hour", "20", "--max-position", "2", "--min-euro-kept", "1000", "--window", "20 minutes", "--slide", "10 minutes",
            "--buy-amount", "0.05", "--sell-amount", "0.02");

        Assert.True(exit == 0, stderr);
        var decisions = BacktestCheck.Verify(BacktestCheck.JsonRates(input), Lines(stdout), settings);
        var orders = decisions.Where(d => d.GetProperty("outcome").GetString() == "order").ToList();
        Assert.Contains(orders, d => d.GetProperty("side").GetString() == "buy" && d.GetProperty("amount").GetDouble() == 0.05);
        Assert.Contains(orders, d => d.GetProperty("side").GetString() == "sell" && d.GetProperty("amount").GetDouble() == 0.02);
        Assert.Contains(orders, d => d.GetProperty("fee").GetDouble() > 0);
    }

    [SharedDataFact(KrakenFile)]
    public void RunTrading_KrakenTrades_GbpWithFees_MatchAnIndependentComputation()
    {
        var input = SharedData.PathOf(KrakenFile);

        // A .csv is read as bitcoincharts trades (unix seconds, price, amount); its prices are GBP rates.
        var (exit, stdout, stderr) = CliRunner.Run("run", "trading", "--input", input, "--currency", "GBP", "--fee-rate", "0.0026");

        Assert.True(exit == 0, stderr);
        var rates = BacktestCheck.CsvRates(input);
        var decisions = BacktestCheck.Verify(rates, Lines(stdout), new CheckSettings { FeeRate = 0.0026 });
        Assert.Contains(decisions, d => d.GetProperty("reason").GetString()!.Contains("average_age", StringComparison.Ordinal));
        Assert.Contains($"read {rates.Count} lines", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTrading_TwoProcesses_ByteIdenticalOutput()
    {
        var input = GeneratedRates(2000);
        var outputs = new List<(byte[] Results, string Stderr)>();
        for (var i = 0; i < 2; i++)
        {
            var output = CliRunner.TempFile("decisions.jsonl");
            await using var run = ServiceProcess.Start(Path.GetDirectoryName(output)!, null, "run", "trading", "--input", input, "--output", output, "--fee-rate", "0.001");
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, run.Stderr);
            outputs.Add((File.ReadAllBytes(output), run.Stderr));
        }

        Assert.True(outputs[0].Results.Length > 1000, "the run wrote decisions");
        Assert.Equal(outputs[0].Results, outputs[1].Results);
        Assert.Equal(outputs[0].Stderr, outputs[1].Stderr);
        Assert.Contains("P&L", outputs[0].Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunTrading_BadRows_AreDeadLettersWithTheirReasons_TheRestIsTraded()
    {
        var input = GeneratedRates(600);
        var lines = File.ReadAllLines(input).ToList();
        lines.Insert(100, "{\"timestamp\":\"2021-01-04T00:16:35\",\"usd_rate\":1.0}");
        lines.Insert(200, "not json");
        lines.Insert(300, lines[50]);
        var bad = CliRunner.TempFile("bad.jsonl");
        File.WriteAllLines(bad, lines);
        var deadLetters = CliRunner.TempFile("dead.jsonl");

        var (exit, stdout, stderr) = CliRunner.Run("run", "trading", "--input", bad, "--dead-letters", deadLetters);

        Assert.True(exit == 0, stderr);
        var dead = CliRunner.ReadJsonLines(deadLetters);
        Assert.Equal(["missing_rate", "bad_json", "out_of_order"], dead.Select(d => d.GetProperty("code").GetString()!).ToArray());
        Assert.Equal([101L, 201L, 301L], dead.Select(d => d.GetProperty("line").GetInt64()).ToArray());
        Assert.Contains("3 dead letters", stderr, StringComparison.Ordinal);
        BacktestCheck.Verify(BacktestCheck.JsonRates(input), Lines(stdout), new CheckSettings());
    }

    [Theory]
    [InlineData("--threshold", "0", "--threshold: ")]
    [InlineData("--mode", "live", "--mode: reactive run trading is a backtest in paper mode")]
    [InlineData("--currency", "JPY", "--currency: the bitcoin JSON feed has rates of EUR, USD and GBP, not 'JPY'")]
    [InlineData("--cooldown", "0 seconds", "--cooldown: ")]
    [InlineData("--slide", "20 minutes", "--slide: the slide")]
    public void RunTrading_BadArgument_Exit2NamingIt(string argument, string value, string expected)
    {
        var input = GeneratedRates(10);

        var (exit, _, stderr) = CliRunner.Run("run", "trading", "--input", input, argument, value);

        Assert.Equal(2, exit);
        Assert.Contains("reactive run: " + expected, stderr, StringComparison.Ordinal);
    }
}

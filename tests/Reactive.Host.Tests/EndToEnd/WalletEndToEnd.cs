using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Reactive.Host.Tests.Cli;
using Reactive.WalletSimulator.Tests;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The pieces of the trading-through-the-wallet runs of the built service (<see cref="TradingWalletTests"/>): a wallet
/// simulator user of its own with a key that needs escaping, the service's arguments for a <c>trading</c> pipeline in
/// <c>simulator</c> mode on generated rates, the paper backtest of the same rates, and readers of the wallet journal.
/// </summary>
internal static class WalletEndToEnd
{
    /// <summary>The simulator's user the service trades for.</summary>
    public const string User = "e2e-trader";

    /// <summary>The simulator's fixed price, euro per bitcoin.</summary>
    public const decimal Price = 100m;

    /// <summary>The user's euro at the start (no bitcoin): a buy of the rule's sizes at <see cref="Price"/> is always affordable.</summary>
    public const decimal StartingEuro = 10_000m;

    /// <summary>The seed of the generated rates (service's generator and the backtest's file alike).</summary>
    public const int Seed = 7;

    /// <summary>A distinctive access key, new per test run, with characters a query string must escape.</summary>
    public static readonly string AccessKey = "Wk7+sEcReT/e2e=" + Guid.NewGuid().ToString("N");

    /// <summary>The distinctive part of <see cref="AccessKey"/>, found even in a form escaped some other way.</summary>
    public static string AccessKeyCore => AccessKey[(AccessKey.IndexOf('=', StringComparison.Ordinal) + 1)..];

    /// <summary>A simulator with <see cref="User"/> (its key <see cref="AccessKey"/>), the fixed price and the given faults.</summary>
    public static Task<SimulatorServer> StartSimulatorAsync(double errorRate, double lostAnswerRate, double delayRate, TimeSpan delay, int seed = 1) =>
        SimulatorServer.StartAsync(new Dictionary<string, string?>
        {
            ["Simulator:Price:Euro"] = Price.ToString(CultureInfo.InvariantCulture),
            [$"Simulator:Users:{User}:AccessKey"] = AccessKey,
            [$"Simulator:Users:{User}:Euro"] = StartingEuro.ToString(CultureInfo.InvariantCulture),
            [$"Simulator:Users:{User}:Bitcoin"] = "0",
            ["Simulator:Faults:ErrorRate"] = errorRate.ToString(CultureInfo.InvariantCulture),
            ["Simulator:Faults:LostAnswerRate"] = lostAnswerRate.ToString(CultureInfo.InvariantCulture),
            ["Simulator:Faults:DelayRate"] = delayRate.ToString(CultureInfo.InvariantCulture),
            ["Simulator:Faults:Delay"] = delay.ToString("c", CultureInfo.InvariantCulture),
            ["Simulator:Faults:Seed"] = seed.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>The access key reaches the service only through its environment.</summary>
    public static Dictionary<string, string> Environment() => new() { ["Trading__Wallet__AccessKey"] = AccessKey };

    /// <summary>
    /// A trading pipeline <c>t</c> in simulator mode on <paramref name="rows"/> generated rates, its decisions into table
    /// <c>trades</c>, journaling in <paramref name="stateDirectory"/>; <paramref name="wallet"/> are <c>Trading:Wallet</c> keys.
    /// </summary>
    public static string[] ServiceArgs(string stateDirectory, Uri simulator, int rows, int speed, params (string Key, string Value)[] wallet) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--pipelines", "t",
        "--Reactive:StateDirectory", stateDirectory,
        "--Progress:LogInterval", "1 second",
        "--Pipelines:t:Kind", "trading",
        "--Pipelines:t:Source:Kind", "generator",
        "--Pipelines:t:Source:Generator", "bitcoin",
        "--Pipelines:t:Source:Seed", Seed.ToString(CultureInfo.InvariantCulture),
        "--Pipelines:t:Source:Rows", rows.ToString(CultureInfo.InvariantCulture),
        "--Pipelines:t:Source:Speed", speed.ToString(CultureInfo.InvariantCulture),
        "--Pipelines:t:CheckpointInterval", "100 milliseconds",
        "--Pipelines:t:Options:Mode", "simulator",
        "--Pipelines:t:Sinks:0:Kind", "table",
        "--Pipelines:t:Sinks:0:Table", "trades",
        "--Trading:Wallet:BaseUrl", simulator.ToString(),
        "--Trading:Wallet:UserId", User,
        .. wallet.SelectMany(w => new[] { $"--Trading:Wallet:{w.Key}", w.Value }),
    ];

    /// <summary>The order decisions of the paper backtest (<c>reactive run trading</c>) of the same <paramref name="rows"/> rates, in order.</summary>
    public static List<(string Id, string Side, decimal Amount)> BacktestOrders(int rows)
    {
        var rates = CliRunner.TempFile("rates.jsonl");
        var generated = CliRunner.Run("generate", "bitcoin", "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--rows", rows.ToString(CultureInfo.InvariantCulture), "-o", rates);
        Assert.True(generated.Exit == 0, generated.Stderr);
        var backtest = CliRunner.Run("run", "trading", "--input", rates);
        Assert.True(backtest.Exit == 0, backtest.Stderr);
        return [.. backtest.Stdout.Split('\n')
            .Where(l => l.Contains("\"reason\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(d => d.GetProperty("outcome").GetString() == "order")
            .Select(d => (d.GetProperty("id").GetString()!, d.GetProperty("side").GetString()!, d.GetProperty("amount").GetDecimal()))];
    }

    /// <summary>The wallet journal of simulator mode in <paramref name="stateDirectory"/>.</summary>
    public static string JournalPath(string stateDirectory) => Path.Combine(stateDirectory, "wallet-simulator", "wallet-orders.db");

    /// <summary>The journal's orders, oldest first, read with a connection of this process (the service may be writing).</summary>
    public static List<JournalRow> ReadJournal(string stateDirectory)
    {
        var path = JournalPath(stateDirectory);
        if (!File.Exists(path))
        {
            return [];
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'orders'";
        if (command.ExecuteScalar() is null)
        {
            return [];
        }

        command.CommandText = "SELECT decision_id, side, amount, phase, status, sends, after_bitcoin, after_euro FROM orders ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<JournalRow>();
        while (reader.Read())
        {
            rows.Add(new JournalRow(
                reader.GetString(0),
                reader.GetString(1),
                decimal.Parse(reader.GetString(2), NumberStyles.Float, CultureInfo.InvariantCulture),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetDouble(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7)));
        }

        return rows;
    }

    /// <summary>
    /// Polls <c>/api/pipelines/t</c> and <c>/api/trading</c> until the pipeline stopped and the desk has nothing queued or
    /// unknown, having answered some order; every answer (and <c>/metrics</c>) is added to <paramref name="seen"/>. Returns the last view.
    /// </summary>
    public static async Task<JsonElement> WaitUntilSettledAsync(ServiceProcess service, HttpClient http, List<string> seen, TimeSpan timeout)
    {
        JsonElement view = default;
        for (var deadline = DateTime.UtcNow + timeout; ; await Task.Delay(250))
        {
            Assert.False(service.HasExited, $"the service exited:\n{service.Stderr}");
            var progress = await http.GetStringAsync("/api/pipelines");
            var trading = await http.GetStringAsync("/api/trading");
            seen.Add(progress);
            seen.Add(trading);
            seen.Add(await http.GetStringAsync("/metrics"));
            var state = JsonDocument.Parse(await http.GetStringAsync("/api/pipelines/t")).RootElement.GetProperty("state").GetString();
            view = Assert.Single(JsonDocument.Parse(trading).RootElement.EnumerateArray());
            var orders = view.GetProperty("orders");
            // Some order answered: a restarted run may decide nothing new (its orders were decided before the kill).
            var answered = orders.GetProperty("executed").GetInt64() + orders.GetProperty("rejected").GetInt64() + orders.GetProperty("reconciled").GetInt64();
            if (state == "Stopped" && orders.GetProperty("queued").GetInt64() == 0 && orders.GetProperty("open").GetArrayLength() == 0 && answered > 0)
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not settled within {timeout}: pipeline {state}, orders {orders}\n--- stderr ---\n{service.Stderr}");
        }
    }

    /// <summary>The ids of the order decisions the service's table <c>trades</c> holds, in decision order.</summary>
    public static async Task<List<string>> DecidedOrdersAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT id FROM trades WHERE outcome = 'order' ORDER BY timestamp" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return [.. body.GetProperty("rows").EnumerateArray().Select(r => r[0].GetString()!)];
    }

    /// <summary>The simulator's audit entries of <see cref="User"/>: (idempotency key, side, amount).</summary>
    public static async Task<List<(string? Key, string Side, decimal Amount)>> AuditAsync(SimulatorServer simulator) =>
        [.. (await simulator.AuditAsync(User)).Select(e => (
            e.GetProperty("idempotency_key").ValueKind == JsonValueKind.String ? e.GetProperty("idempotency_key").GetString() : null,
            e.GetProperty("side").GetString()!,
            e.GetProperty("amount").GetDecimal()))];

    /// <summary>
    /// The balances of <paramref name="orders"/> executed at <see cref="Price"/> from the starting ones, worked out here
    /// with the wallet contract's cents: a buy costs its value rounded up to the cent, a sell brings it rounded down.
    /// </summary>
    public static (decimal Bitcoin, decimal Euro) Expected(IEnumerable<(string Side, decimal Amount)> orders) =>
        orders.Aggregate((Bitcoin: 0m, Euro: StartingEuro), (b, o) => o.Side == "buy"
            ? (b.Bitcoin + o.Amount, b.Euro - (Math.Ceiling(o.Amount * Price * 100) / 100))
            : (b.Bitcoin - o.Amount, b.Euro + (Math.Floor(o.Amount * Price * 100) / 100)));
}

/// <summary>One order of the wallet journal.</summary>
internal sealed record JournalRow(string DecisionId, string Side, decimal Amount, string Phase, string Status, int Sends, double? AfterBitcoin, double? AfterEuro)
{
    /// <summary>Whether the journal says the wallet executed it.</summary>
    public bool Executed => Status is "Executed" or "ReconciledExecuted";
}

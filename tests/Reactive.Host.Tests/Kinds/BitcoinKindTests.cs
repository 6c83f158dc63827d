using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;
using Reactive.Host.Kinds;
using Reactive.Host.Sinks;
using Reactive.Host.Tests.Cli;

namespace Reactive.Host.Tests.Kinds;

/// <summary>
/// <c>Kind: bitcoin</c> / <c>reactive run bitcoin</c>: the generic aggregate with the course notebook's defaults, its
/// windows and last hour's average checked against a brute-force computation over the rows the test wrote.
/// </summary>
public sealed partial class BitcoinKindTests
{
    private const string KrakenTrades = "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv";

    [Fact]
    public void RunBitcoin_FeedWithBadLines_WindowsAndLastHourEqualABruteForceComputation()
    {
        var feed = BitcoinFeed.Generate(3000, seed: 12, junk: true);
        var input = CliRunner.TempFile("rates.jsonl");
        feed.WriteTo(input);
        var output = CliRunner.TempFile("windows.jsonl");
        var dead = CliRunner.TempFile("dead.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "bitcoin", "--input", input, "--output", output, "--dead-letters", dead);

        Assert.True(exit == 0, stderr);
        var windows = CliRunner.ReadJsonLines(output);
        var expected = feed.Windows();
        Assert.Equal(expected.Select(w => w.Start), windows.Select(w => w.GetProperty("time_window").GetProperty("start").GetDateTime().ToUniversalTime()));
        foreach (var (want, got) in expected.Zip(windows))
        {
            Assert.Equal(want.Start + BitcoinFeed.Window, got.GetProperty("time_window").GetProperty("end").GetDateTime().ToUniversalTime());
            Assert.Equal(
                (want.Count, want.EuroCount, want.UsdCount, want.GbpCount),
                (got.GetProperty("count").GetInt64(), got.GetProperty("count(euro_rate)").GetInt64(), got.GetProperty("count(usd_rate)").GetInt64(), got.GetProperty("count(gbp_rate)").GetInt64()));
            Close(want.Euro, got.GetProperty("avg(euro_rate)"));
            Close(want.Euro, got.GetProperty("window_avg_euro_rate"));
            Close(want.Usd, got.GetProperty("avg(usd_rate)"));
            Close(want.Gbp, got.GetProperty("avg(gbp_rate)"));
        }

        var codes = CliRunner.ReadJsonLines(dead).GroupBy(d => d.GetProperty("code").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(feed.DeadLetters.OrderBy(kv => kv.Key, StringComparer.Ordinal), codes.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        var nulled = string.Join(", ", feed.Nulled.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
        Assert.Contains($", {feed.Nulled.Values.Sum()} nulled fields ({nulled})", stderr, StringComparison.Ordinal);

        var hour = feed.LastHour();
        var line = LastHourLine().Match(stderr);
        Assert.True(line.Success, stderr);
        Assert.Equal((hour.From, hour.To, hour.Rows), (Time(line.Groups["from"].Value), Time(line.Groups["to"].Value), long.Parse(line.Groups["rows"].Value, CultureInfo.InvariantCulture)));
        Close(hour.Euro, double.Parse(line.Groups["euro"].Value, CultureInfo.InvariantCulture));
        Close(hour.Usd, double.Parse(line.Groups["usd"].Value, CultureInfo.InvariantCulture));
        Close(hour.Gbp, double.Parse(line.Groups["gbp"].Value, CultureInfo.InvariantCulture));
    }

    [SharedDataFact(KrakenTrades)]
    public void RunBitcoin_RealKrakenGbpTrades_WindowsAndLastHourEqualABruteForceComputation()
    {
        // The real trades (unix seconds, GBP price, amount; no header) as the course's feed: GBP only, EUR and USD absent.
        var feed = BitcoinFeed.Of(File.ReadLines(Reactive.Testing.SharedData.PathOf(KrakenTrades))
            .Select(l => l.Split(','))
            .Select(f => new Rate(DateTime.UnixEpoch.AddSeconds(long.Parse(f[0], CultureInfo.InvariantCulture)), null, null, double.Parse(f[1], CultureInfo.InvariantCulture))));
        var input = CliRunner.TempFile("kraken.jsonl");
        feed.WriteTo(input);
        var output = CliRunner.TempFile("windows.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "bitcoin", "--input", input, "--output", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("read 24715 lines, ", stderr, StringComparison.Ordinal);
        var windows = CliRunner.ReadJsonLines(output);
        var expected = feed.Windows();
        Assert.Equal(expected.Select(w => (w.Start, w.Count, w.GbpCount)), windows.Select(w => (w.GetProperty("time_window").GetProperty("start").GetDateTime().ToUniversalTime(), w.GetProperty("count").GetInt64(), w.GetProperty("count(gbp_rate)").GetInt64())));
        foreach (var (want, got) in expected.Zip(windows))
        {
            Close(want.Gbp, got.GetProperty("avg(gbp_rate)"));
            Close(null, got.GetProperty("avg(euro_rate)"));
            Close(null, got.GetProperty("window_avg_euro_rate"));
        }

        var hour = feed.LastHour();
        var line = LastHourLine().Match(stderr);
        Assert.True(line.Success, stderr);
        Assert.Equal((hour.From, hour.Rows, "null"), (Time(line.Groups["from"].Value), long.Parse(line.Groups["rows"].Value, CultureInfo.InvariantCulture), line.Groups["euro"].Value));
        Close(hour.Gbp, double.Parse(line.Groups["gbp"].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void RunBitcoin_NullRatesAndEmptyWindows_LastHourIsTheMeanOfItsRowsNotOfItsWindows()
    {
        // Hand-worked: the newest row is at 01:32:00, so T = 01:35 and the hour is [00:35, 01:35). In it: 00:36 (euro 10),
        // 00:37 (euro 20), 01:31 (euro null, usd 5), 01:32 (euro 40, usd 7). The row at 00:34:59 is just before it. Mean
        // euro (10 + 20 + 40) / 3 = 23.33…; the mean of its windows' means would weigh 00:3x twice (two sliding windows).
        var t0 = new DateTime(2021, 1, 4, 0, 0, 0, DateTimeKind.Utc);
        var feed = BitcoinFeed.Of(
        [
            new(t0.AddMinutes(34).AddSeconds(59), 1000, 1000, 1000),
            new(t0.AddMinutes(36), 10, null, null),
            new(t0.AddMinutes(37), 20, null, null),
            new(t0.AddMinutes(91), null, 5, null),
            new(t0.AddMinutes(92), 40, 7, null),
        ]);
        var input = CliRunner.TempFile("rates.jsonl");
        feed.WriteTo(input);

        var (exit, _, stderr) = CliRunner.Run("run", "bitcoin", "--input", input, "--output", CliRunner.TempFile("out.jsonl"));

        Assert.True(exit == 0, stderr);
        Assert.Contains("reactive run bitcoin: last hour [2021-01-04T00:35:00Z, 2021-01-04T01:35:00Z): 4 rows, euro_rate 23.333333333333332, usd_rate 6, gbp_rate null", stderr, StringComparison.Ordinal);
        Assert.Equal(new BruteHour(t0.AddMinutes(35), t0.AddMinutes(95), 4, 70 / 3.0, 6, null), feed.LastHour());
    }

    [Theory]
    [InlineData("--output-mode", "update")] // not the whole table each batch
    [InlineData("--window", "7 minutes")] // windows that cannot tile an hour
    public void RunBitcoin_NoWholeTableOrNoTiling_NoLastHour(string argument, string value)
    {
        var input = CliRunner.TempFile("rates.jsonl");
        BitcoinFeed.Generate(200, seed: 3, junk: false).WriteTo(input);

        var (exit, _, stderr) = CliRunner.Run("run", "bitcoin", "--input", input, "--output", CliRunner.TempFile("out.jsonl"), argument, value, "--slide", value == "update" ? "5 minutes" : value);

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("last hour", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunBitcoin_MistypedFieldsReject_TheirRowsAreDeadLetters()
    {
        var feed = BitcoinFeed.Generate(600, seed: 5, junk: true);
        var input = CliRunner.TempFile("rates.jsonl");
        feed.WriteTo(input);

        var (exit, _, stderr) = CliRunner.Run("run", "bitcoin", "--input", input, "--output", CliRunner.TempFile("out.jsonl"), "--mistyped-fields", "reject");

        Assert.True(exit == 0, stderr);
        Assert.Contains($"{feed.DeadLetters.Values.Sum() + feed.Nulled.Values.Sum()} dead letters", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("nulled", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_OnlyASource_TheNotebooksDefaultsAndTheTableBitcoinWindow()
    {
        var catalog = Load(out var errors, ("Pipelines:btc:Kind", "bitcoin"), ("Pipelines:btc:Source:Kind", "generator"), ("Pipelines:btc:Source:Generator", "bitcoin"));

        Assert.Empty(errors);
        var pipeline = Assert.Single(catalog.Pipelines);
        Assert.Equal(new TableSinkDefinition("bitcoin_window", null), Assert.Single(pipeline.Sinks));
        var options = Assert.IsType<BitcoinPipelineOptions>(pipeline.Options);
        Assert.Equal(["timestamp Timestamp", "euro_rate Double", "usd_rate Double", "gbp_rate Double"], options.Schema!.Select(f => $"{f.Name} {f.Type}"));
        Assert.Equal(("timestamp", "yyyy-MM-dd'T'HH:mm:ss", Reactive.Operators.Parsing.MistypedFieldHandling.Null), (options.TimeField, options.TimeFormat, options.MistypedFields));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5), Reactive.Operators.Windows.WindowOutputMode.Complete), (options.Window.WindowDuration, options.Window.SlideDuration, options.Window.OutputMode));
        Assert.Equal(["count", "avg(euro_rate)", "avg(usd_rate)", "avg(gbp_rate)", "count(euro_rate)", "count(usd_rate)", "count(gbp_rate)", "avg(euro_rate) as window_avg_euro_rate"], options.Aggregates.Select(a => a.ToString()));
        Assert.Equal("time_window", options.WindowAlias);

        // It reads what the aggregate reads.
        Assert.Equal(PipelineKinds.Find("aggregate")!.Sources, pipeline.Kind.Sources);
    }

    [Fact]
    public void Configuration_SettingsOfTheAggregate_OverrideTheDefaultsAndAreCheckedByKey()
    {
        (string, string)[] btc = [("Pipelines:btc:Kind", "bitcoin"), ("Pipelines:btc:Source:Kind", "generator"), ("Pipelines:btc:Source:Generator", "bitcoin")];

        var catalog = Load(out var errors, [.. btc, ("Pipelines:btc:Options:Window", "1 hour"), ("Pipelines:btc:Options:Slide", "30 minutes"), ("Pipelines:btc:Options:MistypedFields", "reject"), ("Pipelines:btc:Sinks:0:Kind", "console")]);
        Assert.Empty(errors);
        var options = Assert.IsType<BitcoinPipelineOptions>(Assert.Single(catalog.Pipelines).Options);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), Reactive.Operators.Parsing.MistypedFieldHandling.Reject), (options.Window.WindowDuration, options.Window.SlideDuration, options.MistypedFields));

        Load(out errors, [.. btc, ("Pipelines:btc:Options:Slide", "20 minutes"), ("Pipelines:btc:Options:MistypedFields", "drop"), ("Pipelines:btc:Options:Curency", "eur")]);
        Assert.Contains(errors, e => e.StartsWith("Pipelines:btc:Options:Slide: ", StringComparison.Ordinal));
        Assert.Contains("Pipelines:btc:Options:MistypedFields: 'drop' is not reject or null", errors);
        Assert.Contains(errors, e => e.StartsWith("Pipelines:btc:Options:Curency: unknown key", StringComparison.Ordinal));
    }

    private static Catalog Load(out List<string> errors, params (string Key, string Value)[] values) =>
        PipelineCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), out errors);

    private static DateTime Time(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    internal static void Close(double? expected, JsonElement actual)
    {
        if (expected is null)
        {
            Assert.Equal(JsonValueKind.Null, actual.ValueKind);
        }
        else
        {
            Close(expected, actual.GetDouble());
        }
    }

    internal static void Close(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.True(Math.Abs(e - actual!.Value) <= 1e-9 * Math.Abs(e), $"expected {e}, got {actual}");
        }
    }

    [GeneratedRegex(@"last hour \[(?<from>[^,]+), (?<to>[^)]+)\): (?<rows>\d+) rows, euro_rate (?<euro>\S+), usd_rate (?<usd>\S+), gbp_rate (?<gbp>\S+)\r?\n")]
    private static partial Regex LastHourLine();
}

using Reactive.Testing;
using System.Globalization;
using System.Text.Json;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// The one-shot runs over the course's real files and over generated data, checked against plain
/// LINQ computations written here, independently of the pipeline code.
/// </summary>
public sealed class RunCourseDataTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [SharedDataFact("14081.csv")]
    public void RunSpread_CourseQuotes_MatchesAnIndependentGroupBy()
    {
        var input = SharedData.PathOf("14081.csv");
        var output = CliRunner.TempFile("spread.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", input, "--output", output);

        Assert.True(exit == 0, stderr);
        AssertMatchesReference(input, CliRunner.ReadJsonLines(output), expectedSeconds: 12_434, expectedMinutes: 1_136);
        Assert.Contains("0 dead letters", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunSpread_GeneratedQuotes_ParseCleanlyAndMatchAnIndependentGroupBy()
    {
        var quotes = CliRunner.TempFile("quotes.csv");
        Assert.Equal(0, CliRunner.Run("generate", "bbo", "--rows", "20000", "--seed", "42", "-o", quotes).Exit);
        var output = CliRunner.TempFile("spread.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", quotes, "--output", output, "--time-zone", "America/New_York");

        Assert.True(exit == 0, stderr);
        Assert.Contains("read 20001 lines", stderr, StringComparison.Ordinal);
        Assert.Contains("0 dead letters", stderr, StringComparison.Ordinal);
        AssertMatchesReference(quotes, CliRunner.ReadJsonLines(output), expectedSeconds: null, expectedMinutes: null);
    }

    [SharedDataFact("utility.csv")]
    public void RunAnomaly_CourseHourlyPrices_Finds458AsTheCourseRuleGives()
    {
        var input = SharedData.PathOf("utility.csv");
        var output = CliRunner.TempFile("anomalies.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", output);

        Assert.True(exit == 0, stderr);
        var rows = CliRunner.ReadJsonLines(output);

        // Reference: same hour on each of the 14 previous days, sample sd, flag price > mean and >= mean + 2 sd.
        var prices = File.ReadLines(input).Skip(1).Select(l => l.Split(','))
            .Select(f => (Date: DateOnly.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture), Hour: int.Parse(f[1], CultureInfo.InvariantCulture), Price: double.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToList();
        var byKey = prices.ToDictionary(p => (p.Date, p.Hour), p => p.Price);
        var expected = new List<string>();
        foreach (var p in prices)
        {
            var history = Enumerable.Range(1, 14).Select(d => byKey.TryGetValue((p.Date.AddDays(-d), p.Hour), out var v) ? v : (double?)null).OfType<double>().ToList();
            if (history.Count < 14)
            {
                continue;
            }

            var mean = history.Average();
            var sd = Math.Sqrt(history.Sum(v => (v - mean) * (v - mean)) / (history.Count - 1));
            if (p.Price > mean && p.Price >= mean + (2 * sd))
            {
                expected.Add($"{p.Date:yyyy-MM-dd} {p.Hour} {p.Price.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        var actual = rows.Select(r => $"{r.GetProperty("date").GetString()} {r.GetProperty("hour").GetInt32()} {r.GetProperty("price").GetDouble().ToString(CultureInfo.InvariantCulture)}").ToList();
        Assert.Equal(458, expected.Count);
        Assert.Equal(expected, actual);
        Assert.Equal("2017-01-15 3 22.3", actual[0]);
        Assert.All(rows, r => Assert.Equal(14, r.GetProperty("baseline_count").GetInt64()));
    }

    [SharedDataFact("btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv")]
    public void RunAggregate_RealBitcoinTrades_SlidingHoursMatchAnIndependentComputation()
    {
        // Real Kraken BTC/GBP trades (unix seconds, price, amount; no header) in 1-hour windows sliding by 30 minutes.
        var input = SharedData.PathOf("btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv");
        var output = CliRunner.TempFile("btc.jsonl");

        var (exit, _, stderr) = CliRunner.Run(
            "run", "aggregate", "--input", input, "--no-header", "--schema", "t timestamp, price double, amount double",
            "--time-field", "t", "--time-format", "unix_s", "--window", "1 hour", "--slide", "30 minutes",
            "--agg", "count", "--agg", "sum(amount)", "--agg", "avg(price)", "--agg", "max(price)", "--output", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("read 24715 lines, wrote", stderr, StringComparison.Ordinal);
        Assert.Contains("0 dead letters", stderr, StringComparison.Ordinal);
        var trades = File.ReadLines(input).Select(l => l.Split(',')).Select(f => (
            T: long.Parse(f[0], CultureInfo.InvariantCulture),
            Price: decimal.Parse(f[1], CultureInfo.InvariantCulture),
            Amount: decimal.Parse(f[2], CultureInfo.InvariantCulture))).ToList();
        // Each trade is in the two windows starting at the half hours in (t − 3600, t]; all times are after 1970.
        var expected = trades
            .SelectMany(x => new[] { x.T - (x.T % 1800), x.T - (x.T % 1800) - 1800 }.Select(start => (Start: start, x)))
            .GroupBy(p => p.Start)
            .OrderBy(g => g.Key)
            .Select(g => (Start: DateTimeOffset.FromUnixTimeSeconds(g.Key).UtcDateTime, Count: g.Count(), Sum: g.Sum(p => p.x.Amount), Avg: g.Average(p => p.x.Price), Max: g.Max(p => p.x.Price)))
            .ToList();
        var rows = CliRunner.ReadJsonLines(output);

        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            Assert.Equal(expected[i].Start, DateTime.Parse(r.GetProperty("window").GetProperty("start").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
            Assert.Equal(expected[i].Count, r.GetProperty("count").GetInt64());
            Assert.Equal((double)expected[i].Sum, r.GetProperty("sum(amount)").GetDouble(), 9);
            Assert.Equal((double)expected[i].Avg, r.GetProperty("avg(price)").GetDouble(), 9);
            Assert.Equal((double)expected[i].Max, r.GetProperty("max(price)").GetDouble());
        }
    }

    /// <summary>Per second: count, avg, min, max, last; per minute: count and avg — by GroupBy over the raw CSV.</summary>
    /// <param name="symbol">Only this symbol's quotes and rows (a multi-symbol feed); null: every row.</param>
    internal static void AssertMatchesReference(string csv, List<JsonElement> results, int? expectedSeconds, int? expectedMinutes, string? symbol = null)
    {
        results = [.. results.Where(r => symbol is null || r.GetProperty("symbol").GetString() == symbol)];
        var quotes = File.ReadLines(csv).Skip(1).Where(l => l.Length > 0).Select(l => l.TrimEnd('\r').Split(',')).Where(f => symbol is null || f[0] == symbol).Select(f =>
        {
            var local = DateTime.ParseExact($"{f[1]} {f[2]}", "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var utc = TimeZoneInfo.ConvertTimeToUtc(local, NewYork);
            return (Utc: utc, Spread: decimal.Parse(f[6], CultureInfo.InvariantCulture) - decimal.Parse(f[3], CultureInfo.InvariantCulture));
        }).ToList();

        var seconds = results.Where(r => r.GetProperty("kind").GetString() == "second").ToDictionary(r => DateTime.Parse(r.GetProperty("window").GetProperty("start").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        var minutes = results.Where(r => r.GetProperty("kind").GetString() == "minute").ToDictionary(r => DateTime.Parse(r.GetProperty("window").GetProperty("start").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        var bySecond = quotes.GroupBy(q => new DateTime(q.Utc.Ticks - (q.Utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc)).ToList();
        var byMinute = quotes.GroupBy(q => new DateTime(q.Utc.Ticks - (q.Utc.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc)).ToList();

        Assert.Equal(bySecond.Count, seconds.Count);
        Assert.Equal(byMinute.Count, minutes.Count);
        if (expectedSeconds is { } s)
        {
            Assert.Equal(s, seconds.Count);
        }

        if (expectedMinutes is { } m)
        {
            Assert.Equal(m, minutes.Count);
        }

        foreach (var g in bySecond)
        {
            var row = seconds[g.Key];
            Assert.Equal(g.Count(), row.GetProperty("count").GetInt64());
            Assert.Equal((double)g.Average(q => q.Spread), row.GetProperty("avg(spread)").GetDouble(), 9);
            Assert.Equal((double)g.Min(q => q.Spread), row.GetProperty("min(spread)").GetDouble(), 9);
            Assert.Equal((double)g.Max(q => q.Spread), row.GetProperty("max(spread)").GetDouble(), 9);
            Assert.Equal((double)g.Last().Spread, row.GetProperty("last(spread)").GetDouble(), 9);
        }

        foreach (var g in byMinute)
        {
            var row = minutes[g.Key];
            Assert.Equal(g.Count(), row.GetProperty("count").GetInt64());
            Assert.Equal((double)g.Average(q => q.Spread), row.GetProperty("avg(spread)").GetDouble(), 9);
        }

        AssertTimeWeighted(bySecond, seconds, TimeSpan.TicksPerSecond);
        AssertTimeWeighted(byMinute, minutes, TimeSpan.TicksPerMinute);
    }

    /// <summary>
    /// Time-weighted average from its definition, in decimals: in a window [a, b), the spread in force at a (the last
    /// quote before the window, if any) holds until the window's first quote, each quote holds until the next quote
    /// of the window (equal times: the later one holds) and the last until b; the weight is the time covered.
    /// </summary>
    private static void AssertTimeWeighted(List<IGrouping<DateTime, (DateTime Utc, decimal Spread)>> windows, Dictionary<DateTime, JsonElement> rows, long size)
    {
        decimal? carried = null;
        foreach (var g in windows)
        {
            var start = g.Key.Ticks;
            var end = start + size;
            decimal weighted = 0;
            long covered = 0;
            var quotes = g.ToList();
            if (carried is { } inForce)
            {
                weighted += inForce * (quotes[0].Utc.Ticks - start);
                covered += quotes[0].Utc.Ticks - start;
            }

            for (var i = 0; i < quotes.Count; i++)
            {
                var until = i + 1 < quotes.Count ? quotes[i + 1].Utc.Ticks : end;
                weighted += quotes[i].Spread * (until - quotes[i].Utc.Ticks);
                covered += until - quotes[i].Utc.Ticks;
            }

            Assert.Equal((double)(weighted / covered), rows[g.Key].GetProperty("twa(spread)").GetDouble(), 9);
            carried = quotes[^1].Spread;
        }
    }

    [Fact]
    public void RunSpread_MultiSymbolFeed_EachSymbolMatchesAnIndependentGroupBy()
    {
        var quotes = CliRunner.TempFile("multi.csv");
        Assert.Equal(0, CliRunner.Run("generate", "bbo", "--symbols", "AAA,BBB,CCC", "--rows", "30000", "--seed", "7", "-o", quotes).Exit);
        var output = CliRunner.TempFile("spread.jsonl");

        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", quotes, "--output", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("0 dead letters", stderr, StringComparison.Ordinal);
        var rows = CliRunner.ReadJsonLines(output);
        var symbols = File.ReadLines(quotes).Skip(1).Select(l => l.Split(',')[0]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["AAA", "BBB", "CCC"], symbols);
        Assert.Equal(symbols, rows.Select(r => r.GetProperty("symbol").GetString()!).Distinct().Order(StringComparer.Ordinal));
        foreach (var symbol in symbols)
        {
            // Each symbol's seconds and minutes, from that symbol's quotes only.
            AssertMatchesReference(quotes, rows, expectedSeconds: null, expectedMinutes: null, symbol);
        }
    }

    [Fact]
    public void RunSpread_MoreSymbolsThanTheBound_KeepsTheFirstAndDeadLettersTheRest()
    {
        var quotes = CliRunner.TempFile("multi.csv");
        Assert.Equal(0, CliRunner.Run("generate", "bbo", "--symbols", "AAA,BBB,CCC", "--rows", "3000", "--seed", "7", "-o", quotes).Exit);
        var lines = File.ReadLines(quotes).Skip(1).ToList();
        var firstTwo = lines.Select(l => l.Split(',')[0]).Distinct().Take(2).ToHashSet();
        var output = CliRunner.TempFile("spread.jsonl");
        var dead = CliRunner.TempFile("dead.jsonl");

        // A third of the lines are turned away: more than a run allows by default (it would stop, exit 4), so allowed here.
        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", quotes, "--output", output, "--max-symbols", "2", "--dead-letters", dead, "--max-dead-letters", "3000");

        Assert.True(exit == 0, stderr);
        var third = lines.Count(l => !firstTwo.Contains(l.Split(',')[0]));
        Assert.Contains($"({SpreadTooMany} {third})", stderr, StringComparison.Ordinal);
        Assert.All(CliRunner.ReadJsonLines(output), r => Assert.Contains(r.GetProperty("symbol").GetString()!, firstTwo));
        var letters = CliRunner.ReadJsonLines(dead);
        Assert.Equal(third, letters.Count);
        Assert.All(letters, l => Assert.Contains("MaxSymbols = 2", l.GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.Equal(lines[(int)letters[0].GetProperty("line").GetInt64() - 2], letters[0].GetProperty("raw").GetString());
    }

    private const string SpreadTooMany = "too_many_symbols";
}

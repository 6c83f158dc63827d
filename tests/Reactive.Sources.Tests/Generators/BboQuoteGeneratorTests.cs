using System.Globalization;
using System.Reactive.Concurrency;
using System.Text;
using System.Text.RegularExpressions;
using Reactive.Sources.Generators;

namespace Reactive.Sources.Tests.Generators;

public partial class BboQuoteGeneratorTests
{
    // Prices as in 14081.csv: always a decimal point, no trailing zero after the first decimal (43.0, 43.3, 43.16; never 43 or 43.30).
    [GeneratedRegex(@"^SYN,\d\d/\d\d/\d{4},\d\d:\d\d:\d\d\.\d{3},[1-9]\d*\.(0|\d?[1-9]),[NTPKZJYBXACDM],[1-9]\d*,[1-9]\d*\.(0|\d?[1-9]),[NTPKZJYBXACDM],[1-9]\d*$")]
    private static partial Regex RowPattern();

    private static string Text(BboQuoteGeneratorOptions options)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        BboQuoteGenerator.Write(writer, options);
        return writer.ToString();
    }

    private static byte[] Bytes(BboQuoteGeneratorOptions options)
    {
        using var stream = new MemoryStream();
        BboQuoteGenerator.Write(stream, options);
        return stream.ToArray();
    }

    private sealed record Quote(DateTime LocalTime, long BidCents, long AskCents);

    private static List<Quote> Quotes(string text) =>
        [.. text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line =>
        {
            var f = line.Split(',');
            var time = DateTime.ParseExact(f[1] + " " + f[2], "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
            return new Quote(time, (long)Math.Round(decimal.Parse(f[3], CultureInfo.InvariantCulture) * 100), (long)Math.Round(decimal.Parse(f[6], CultureInfo.InvariantCulture) * 100));
        })];

    [Fact]
    public void Write_SameSeed_SameBytes_DifferentSeed_DifferentBytes()
    {
        var a = Bytes(new BboQuoteGeneratorOptions { Seed = 7, Rows = 2000 });
        var b = Bytes(new BboQuoteGeneratorOptions { Seed = 7, Rows = 2000 });
        var c = Bytes(new BboQuoteGeneratorOptions { Seed = 8, Rows = 2000 });

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Write_Format_IsTheCourseFormatWithCrlf()
    {
        byte[] bytes = Bytes(new BboQuoteGeneratorOptions { Rows = 5000 });
        string text = Encoding.UTF8.GetString(bytes);

        Assert.False(bytes.AsSpan().StartsWith("\uFEFF"u8));
        Assert.StartsWith("Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.Equal(text.Count(c => c == '\n'), text.Count(c => c == '\r'));
        var rows = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(5000, rows.Length);
        Assert.All(rows, row => Assert.Matches(RowPattern(), row));
    }

    [Fact]
    public void Write_Times_AreSortedWeekdayTradingHoursWithBursts()
    {
        // Start on a Saturday: the first quote must be on the following Monday.
        var quotes = Quotes(Text(new BboQuoteGeneratorOptions { Rows = 60_000, StartDate = new DateOnly(2014, 3, 1) }));

        Assert.Equal(new DateTime(2014, 3, 3), quotes[0].LocalTime.Date);
        Assert.All(quotes.Zip(quotes.Skip(1)), p => Assert.True(p.First.LocalTime <= p.Second.LocalTime, $"{p.First} then {p.Second}"));
        Assert.All(quotes, q =>
        {
            Assert.InRange(q.LocalTime.TimeOfDay, new TimeSpan(9, 30, 0), new TimeSpan(15, 59, 59, 999));
            Assert.NotEqual(DayOfWeek.Saturday, q.LocalTime.DayOfWeek);
            Assert.NotEqual(DayOfWeek.Sunday, q.LocalTime.DayOfWeek);
        });
        var days = quotes.Select(q => q.LocalTime.Date).Distinct().ToList();
        Assert.True(days.Count >= 2, "several days");
        Assert.All(days.Zip(days.Skip(1)), d => Assert.Equal(d.First.DayOfWeek == DayOfWeek.Friday ? 3 : 1, (d.Second - d.First).Days));
        int sameMillisecond = quotes.Zip(quotes.Skip(1)).Count(p => p.First.LocalTime == p.Second.LocalTime);
        int sameSecond = quotes.Zip(quotes.Skip(1)).Count(p => p.First.LocalTime.Ticks / TimeSpan.TicksPerSecond == p.Second.LocalTime.Ticks / TimeSpan.TicksPerSecond);
        Assert.InRange(sameMillisecond / (double)quotes.Count, 0.1, 0.4);
        Assert.InRange(sameSecond / (double)quotes.Count, 0.4, 0.8);
    }

    [Fact]
    public void Write_Spreads_HaveLockedAndCrossedInTheIntendedShares()
    {
        var quotes = Quotes(Text(new BboQuoteGeneratorOptions { Rows = 100_000, Seed = 3 }));
        double locked = quotes.Count(q => q.AskCents == q.BidCents) / (double)quotes.Count;
        double crossed = quotes.Count(q => q.AskCents < q.BidCents) / (double)quotes.Count;
        var spreads = quotes.Select(q => q.AskCents - q.BidCents).ToList();

        Assert.InRange(locked, 0.02, 0.03);
        Assert.InRange(crossed, 0.0005, 0.0016);
        Assert.True(spreads.Min() >= -2);
        Assert.InRange(spreads.Count(s => s is >= 1 and <= 3) / (double)spreads.Count, 0.8, 0.95);
    }

    [Fact]
    public void Write_FirstRow_StartsAtTheConfiguredPriceAndOpen()
    {
        var first = Text(new BboQuoteGeneratorOptions { Rows = 1, Symbol = "ITT", StartPrice = 43.16m }).Split("\r\n")[1];
        var f = first.Split(',');

        Assert.Equal("ITT", f[0]);
        Assert.Equal("03/03/2014", f[1]);
        Assert.StartsWith("09:30:00.", f[2], StringComparison.Ordinal);
        Assert.InRange(decimal.Parse(f[3], CultureInfo.InvariantCulture), 43.14m, 43.18m);
    }

    [Theory]
    [InlineData("Rows")]
    [InlineData("Symbol")]
    [InlineData("LockedShare")]
    [InlineData("StartPrice")]
    [InlineData("SessionClose")]
    public void Validate_BadOption_ThrowsNamingIt(string option)
    {
        var o = new BboQuoteGeneratorOptions();
        switch (option)
        {
            case "Rows": o.Rows = 0; break;
            case "Symbol": o.Symbol = "itt"; break;
            case "LockedShare": o.LockedShare = 0.9; break;
            case "StartPrice": o.StartPrice = 43.155m; break;
            default: o.SessionClose = new TimeOnly(9, 0); break;
        }

        var e = Assert.Throws<ArgumentException>(() => BboQuoteGenerator.Generate(o));
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void Observe_VirtualTime_EmitsEachQuoteAtItsEventTimeOverSpeed()
    {
        var options = new BboQuoteGeneratorOptions { Rows = 300 };
        var expected = Quotes(Text(options));
        var scheduler = new HistoricalScheduler(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var start = scheduler.Now;
        var seen = new List<(TimeSpan At, string Line)>();

        using var _ = BboQuoteGenerator.Observe(options, scheduler, new GeneratorPacing { Speed = 4 }).Subscribe(line => seen.Add((scheduler.Now - start, line)));
        scheduler.Start();

        Assert.Equal(301, seen.Count);
        Assert.Equal((TimeSpan.Zero, BboQuoteGenerator.Header), seen[0]);
        for (int i = 0; i < expected.Count; i++)
        {
            var offset = (expected[i].LocalTime - expected[0].LocalTime) / 4;
            Assert.Equal(offset.Ticks, seen[i + 1].At.Ticks, tolerance: 1);
        }
    }

    // SHA-256 of the single-symbol output of the generator as it was before it learned several symbols (computed then):
    // expected values elsewhere and the benchmark's checksums rest on these bytes.
    [Theory]
    [InlineData(14081, 10_000, "SYN", "3C26EFE5E888F00EF161B72B314F36D2D2458D01E7937BE9F78837090CD4A482")]
    [InlineData(7, 100_000, "ITT", "9EA9CB7402AFE881421E95FF1E51DBD73195CF439BB7E87F0F3A757BE3C16D82")]
    public void Write_SingleSymbol_IsByteIdenticalToTheSingleSymbolGenerator(int seed, long rows, string symbol, string sha256)
    {
        var bytes = Bytes(new BboQuoteGeneratorOptions { Seed = seed, Rows = rows, Symbol = symbol });

        Assert.Equal(sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    private static readonly string[] FourSymbols = ["ITT", "SPY", "BRK.B", "Q"];

    private static List<(string Symbol, Quote Quote)> SymbolQuotes(string text) =>
        [.. text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[0]).Zip(Quotes(text))];

    [Fact]
    public void Write_SeveralSymbols_AllPresentInterleavedAndTimeOrderedOverTheWholeFile()
    {
        var quotes = SymbolQuotes(Text(new BboQuoteGeneratorOptions { Rows = 20_000, Symbols = FourSymbols }));

        Assert.Equal(FourSymbols.Order(StringComparer.Ordinal), quotes.Select(q => q.Symbol).Distinct().Order(StringComparer.Ordinal));
        Assert.All(quotes.GroupBy(q => q.Symbol), g => Assert.InRange(g.Count(), 4000, 6000));
        Assert.True(quotes.Zip(quotes.Skip(1)).Count(p => p.First.Symbol != p.Second.Symbol) > 10_000, "interleaved, not in runs");
        Assert.All(quotes.Zip(quotes.Skip(1)), p => Assert.True(p.First.Quote.LocalTime <= p.Second.Quote.LocalTime, $"{p.First} then {p.Second}"));
    }

    [Fact]
    public void Write_SeveralSymbols_EachSymbolHasItsOwnOrderedPriceWalk()
    {
        var quotes = SymbolQuotes(Text(new BboQuoteGeneratorOptions { Rows = 20_000, Symbols = FourSymbols, Seed = 5 }));

        foreach (var symbol in quotes.GroupBy(q => q.Symbol))
        {
            var own = symbol.Select(q => q.Quote).ToList();
            Assert.All(own.Zip(own.Skip(1)), p => Assert.True(p.First.LocalTime <= p.Second.LocalTime, $"{symbol.Key}: {p.First} then {p.Second}"));

            // A walk of its own moves at most 2 ticks from one quote of the symbol to its next.
            Assert.All(own.Zip(own.Skip(1)), p => Assert.InRange(p.Second.BidCents - p.First.BidCents, -2, 2));
        }

        // The first symbol starts at StartPrice; the others start elsewhere, from the seed.
        var firstBids = quotes.GroupBy(q => q.Symbol).ToDictionary(g => g.Key, g => g.First().Quote.BidCents);
        Assert.InRange(firstBids["ITT"], 4314, 4318);
        Assert.True(firstBids.Values.Distinct().Count() >= 3, string.Join(",", firstBids));
    }

    [Fact]
    public void Write_SeveralSymbols_SameSeedSameBytes_DifferentSeedDifferentBytes()
    {
        var a = Bytes(new BboQuoteGeneratorOptions { Seed = 7, Rows = 5000, Symbols = FourSymbols });
        var b = Bytes(new BboQuoteGeneratorOptions { Seed = 7, Rows = 5000, Symbols = [.. FourSymbols] });
        var c = Bytes(new BboQuoteGeneratorOptions { Seed = 8, Rows = 5000, Symbols = FourSymbols });

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Write_OneSymbolInSymbols_IsTheSingleSymbolFeed()
    {
        var viaSymbols = Bytes(new BboQuoteGeneratorOptions { Seed = 9, Rows = 5000, Symbols = ["ITT"] });
        var viaSymbol = Bytes(new BboQuoteGeneratorOptions { Seed = 9, Rows = 5000, Symbol = "ITT" });

        Assert.Equal(viaSymbol, viaSymbols);
    }

    [Theory]
    [InlineData("itt")]
    [InlineData("")]
    [InlineData("TOOLONGXX")]
    [InlineData("DUP")]
    public void Validate_BadSymbols_ThrowsNamingSymbols(string bad)
    {
        var o = new BboQuoteGeneratorOptions { Symbols = bad == "DUP" ? ["DUP", "X", "DUP"] : ["OK", bad] };

        var e = Assert.Throws<ArgumentException>(() => BboQuoteGenerator.Generate(o));
        Assert.Equal("Symbols", e.ParamName);
    }
}

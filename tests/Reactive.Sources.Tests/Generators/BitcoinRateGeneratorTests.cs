using System.Globalization;
using System.Reactive.Concurrency;
using System.Text;
using System.Text.Json;
using Reactive.Sources.Generators;

namespace Reactive.Sources.Tests.Generators;

public class BitcoinRateGeneratorTests
{
    private static string Text(BitcoinRateGeneratorOptions options)
    {
        using var stream = new MemoryStream();
        BitcoinRateGenerator.Write(stream, options);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Write_SameSeed_SameText_DifferentSeed_DifferentText()
    {
        Assert.Equal(Text(new() { Seed = 5 }), Text(new() { Seed = 5 }));
        Assert.NotEqual(Text(new() { Seed = 5 }), Text(new() { Seed = 6 }));
    }

    [Fact]
    public void Write_Lines_AreTheCourseJsonWithLinkedRates()
    {
        string text = Text(new() { Rows = 1000 });
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(1000, lines.Length);
        Assert.DoesNotContain('\r', text);
        Assert.Matches("^\\{\"timestamp\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\",\"euro_rate\":[\\d.]+,\"usd_rate\":[\\d.]+,\"gbp_rate\":[\\d.]+\\}$", lines[0]);
        var start = new DateTime(2021, 1, 4);
        for (int i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var root = doc.RootElement;
            Assert.Equal(start.AddSeconds(10 * i), DateTime.ParseExact(root.GetProperty("timestamp").GetString()!, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            double usd = root.GetProperty("usd_rate").GetDouble();
            Assert.InRange(root.GetProperty("euro_rate").GetDouble() / usd, 0.915, 0.925);
            Assert.InRange(root.GetProperty("gbp_rate").GetDouble() / usd, 0.785, 0.795);
        }
    }

    [Fact]
    public void Write_UsdRate_IsARandomWalkWithTheConfiguredVolatility()
    {
        var usd = Text(new() { Rows = 20_000, Volatility = 0.002 }).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("usd_rate").GetDouble()).ToList();
        var returns = usd.Zip(usd.Skip(1), (a, b) => Math.Log(b / a)).ToList();
        double mean = returns.Average();
        double sd = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Count - 1));

        Assert.Equal(32_000, usd[0]);
        Assert.InRange(sd, 0.0019, 0.0021);
    }

    [Fact]
    public void Observe_VirtualTime_OneLinePerIntervalOverSpeed()
    {
        var scheduler = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        var seen = new List<DateTimeOffset>();

        using var _ = BitcoinRateGenerator.Observe(new() { Rows = 5 }, scheduler, new GeneratorPacing { Speed = 2 }).Subscribe(_ => seen.Add(scheduler.Now));
        scheduler.Start();

        Assert.Equal([0, 5, 10, 15, 20], seen.Select(t => (t - DateTimeOffset.UnixEpoch).TotalSeconds));
    }

    [Fact]
    public void Validate_FractionalInterval_Throws() =>
        Assert.Equal("Interval", Assert.Throws<ArgumentException>(() => BitcoinRateGenerator.Generate(new() { Interval = TimeSpan.FromMilliseconds(1500) })).ParamName);

    [Fact]
    public void Validate_RowsPastYear9999_ThrowsNamingRows()
    {
        // 9999-12-31T23:59:50 every 10 s: one line fits; the second would be in year 10000 (before, the tick count overflowed).
        var start = new DateTime(9999, 12, 31, 23, 59, 50);
        Assert.Single(BitcoinRateGenerator.Generate(new() { Start = start, Rows = 1 }));
        Assert.Equal("Rows", Assert.Throws<ArgumentException>(() => BitcoinRateGenerator.Generate(new() { Start = start, Rows = 2 })).ParamName);
        Assert.Equal("Rows", Assert.Throws<ArgumentException>(() => BitcoinRateGenerator.Generate(new() { Rows = long.MaxValue })).ParamName);
    }
}

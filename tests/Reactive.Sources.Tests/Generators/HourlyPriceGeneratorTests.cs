using System.Globalization;
using System.Reactive.Concurrency;
using System.Text;
using Reactive.Sources.Generators;

namespace Reactive.Sources.Tests.Generators;

public class HourlyPriceGeneratorTests
{
    private static byte[] Bytes(HourlyPriceGeneratorOptions options)
    {
        using var stream = new MemoryStream();
        HourlyPriceGenerator.Write(stream, options);
        return stream.ToArray();
    }

    private static List<(DateTime Date, int Hour, double Price)> Rows(byte[] bytes) =>
        [.. Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line =>
        {
            var f = line.Split(',');
            return (DateTime.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture));
        })];

    [Fact]
    public void Write_SameSeed_SameBytes_DifferentSeed_DifferentBytes()
    {
        Assert.Equal(Bytes(new() { Seed = 1 }), Bytes(new() { Seed = 1 }));
        Assert.NotEqual(Bytes(new() { Seed = 1 }), Bytes(new() { Seed = 2 }));
    }

    [Fact]
    public void Write_Format_IsDateHourHoepWithLfAndConsecutiveHourEnding()
    {
        byte[] bytes = Bytes(new() { Rows = 24 * 30 });
        string text = Encoding.UTF8.GetString(bytes);

        Assert.StartsWith("date,hour,hoep\n2017-01-01,1,", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
        Assert.Matches(@"^date,hour,hoep\n(\d{4}-\d\d-\d\d,([1-9]|1\d|2[0-4]),-?\d+\.\d\d?\n)+$", text);
        var rows = Rows(bytes);
        Assert.Equal(24 * 30, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(new DateTime(2017, 1, 1).AddDays(i / 24), rows[i].Date);
            Assert.Equal((i % 24) + 1, rows[i].Hour);
        }
    }

    [Fact]
    public void Write_Prices_HaveDailyAndWeeklyShapeNegativesAndSpikes()
    {
        var rows = Rows(Bytes(new() { Rows = 24 * 7 * 26 }));
        double Mean(IEnumerable<double> xs) => xs.Average();

        double night = Mean(rows.Where(r => r.Hour == 4).Select(r => r.Price));
        double evening = Mean(rows.Where(r => r.Hour == 19).Select(r => r.Price));
        double weekday = Mean(rows.Where(r => r.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).Select(r => r.Price));
        double weekend = Mean(rows.Where(r => r.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday).Select(r => r.Price));
        Assert.True(evening > 2 * night, $"evening {evening} vs night {night}");
        Assert.True(weekend < 0.9 * weekday, $"weekend {weekend} vs weekday {weekday}");

        double negativeShare = rows.Count(r => r.Price < 0) / (double)rows.Count;
        Assert.InRange(negativeShare, 0.01, 0.08);

        // A spike: at least 3 sample standard deviations above the same hour's mean over the previous 14 days.
        int spikes = 0;
        for (int i = 24 * 14; i < rows.Count; i++)
        {
            var same = Enumerable.Range(1, 14).Select(d => rows[i - (24 * d)].Price).ToList();
            double mean = same.Average();
            double sd = Math.Sqrt(same.Sum(p => (p - mean) * (p - mean)) / (same.Count - 1));
            if (rows[i].Price > mean + (3 * sd))
            {
                spikes++;
            }
        }

        Assert.InRange(spikes, 5, 200);
    }

    [Fact]
    public void Observe_VirtualTime_OneRowPerHourOverSpeed()
    {
        var scheduler = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        var seen = new List<(DateTimeOffset At, string Line)>();

        using var _ = HourlyPriceGenerator.Observe(new() { Rows = 48 }, scheduler, new GeneratorPacing { Speed = 3600 })
            .Subscribe(line => seen.Add((scheduler.Now, line)));
        scheduler.Start();

        Assert.Equal(49, seen.Count);
        Assert.Equal("date,hour,hoep", seen[0].Line);
        // One event-time hour at speed 3600 is one virtual second.
        Assert.Equal(Enumerable.Range(0, 48).Select(i => DateTimeOffset.UnixEpoch.AddSeconds(i)), seen.Skip(1).Select(s => s.At));
    }

    [Fact]
    public void Validate_BadOption_Throws()
    {
        Assert.Equal("Rows", Assert.Throws<ArgumentException>(() => HourlyPriceGenerator.Generate(new() { Rows = -1 })).ParamName);
        Assert.Equal("SpikeShare", Assert.Throws<ArgumentException>(() => HourlyPriceGenerator.Generate(new() { SpikeShare = double.NaN })).ParamName);
        Assert.Equal("Speed", Assert.Throws<ArgumentException>(() => HourlyPriceGenerator.Observe(new(), new HistoricalScheduler(), new GeneratorPacing { Speed = 0 })).ParamName);
    }

    [Fact]
    public void Validate_RowsPastYear9999_ThrowsNamingRows_AndTheLastPossibleHourIsWritten()
    {
        // From 9999-12-30: 48 hours are left, the last one 9999-12-31 hour 24. Before, a 49th row threw mid-write.
        var last = HourlyPriceGenerator.Generate(new() { StartDate = new DateOnly(9999, 12, 30), Rows = 48 }).Last();
        Assert.StartsWith("9999-12-31,24,", last.Text, StringComparison.Ordinal);
        Assert.Equal("Rows", Assert.Throws<ArgumentException>(() => HourlyPriceGenerator.Generate(new() { StartDate = new DateOnly(9999, 12, 30), Rows = 49 })).ParamName);
    }
}

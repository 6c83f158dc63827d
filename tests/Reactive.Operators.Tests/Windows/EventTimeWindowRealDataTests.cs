using Reactive.Testing;
using System.Globalization;
using System.Reactive.Subjects;
using Reactive.Operators.Windows;
using static Reactive.Operators.Tests.Windows.WindowTestData;

namespace Reactive.Operators.Tests.Windows;


public sealed class EventTimeWindowRealDataTests
{
    /// <summary>
    /// Real Kraken BTC/GBP trades (sparse, sorted, many in the same second): the bitcoin pipeline's 10 min windows
    /// sliding by 5 min, every aggregate, append mode, against the brute-force computation.
    /// </summary>
    [SharedDataFact("btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv")]
    public void WindowByEventTime_KrakenTrades_TenMinutesByFiveMatchBruteForce()
    {
        var path = Path.Combine(SharedData.Folder!, "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv");
        var rows = File.ReadLines(path)
            .Select(line => line.Split(','))
            .Select(f => new Row(
                ((long.Parse(f[0], CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond) + Epoch - Base) / (double)TimeSpan.TicksPerSecond,
                "GBP",
                double.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(24_715, rows.Count);

        var options = Options(600, 300, WindowOutputMode.Append, 0, EventTimeWindowOracleTests.AllAggregates);
        var actual = new List<WindowResult<string>>();
        using var subject = new Subject<Row>();
        using var subscription = subject.WindowByEventTime(options).Subscribe(u => actual.AddRange(u.Rows));
        foreach (var row in rows)
        {
            subject.OnNext(row);
        }

        subject.OnCompleted();

        var (expected, late) = EventTimeWindowOracleTests.BruteForce(rows, 600, 300, 0, 0);
        Assert.Equal(0, late); // sorted input, no delay needed
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Start, actual[i].WindowStartTicks);
            for (var j = 0; j < expected[i].Values.Length; j++)
            {
                EventTimeWindowOracleTests.AssertClose(expected[i].Values[j], actual[i].Values[j], $"{EventTimeWindowOracleTests.AllAggregates[j]} of {Describe(actual[i], Base)}");
            }
        }

        // The first trade, 2017-06-11T08:06:21Z at 2050.81, is in [08:00,08:10) and [08:05,08:15).
        Assert.Equal(new DateTimeOffset(2017, 6, 11, 8, 0, 0, TimeSpan.Zero), actual[0].WindowStart);
        Assert.Equal(new DateTimeOffset(2017, 6, 11, 8, 5, 0, TimeSpan.Zero), actual[1].WindowStart);
    }
}

using System.Reactive.Subjects;
using Reactive.Operators.Windows;
using static Reactive.Operators.Tests.Windows.WindowTestData;

namespace Reactive.Operators.Tests.Windows;

/// <summary>Append-mode output on random rows against a brute-force LINQ computation of Spark's rules.</summary>
public sealed class EventTimeWindowOracleTests
{
    internal static readonly string[] AllAggregates =
    [
        "count", "count(value)", "sum(value)", "avg(value)", "min(value)", "max(value)",
        "first(value)", "last(value)", "stddev(value)", "variance(value)", "twa(value)",
    ];

    [Theory]
    [InlineData(1, 10, 3, 5, 0)]
    [InlineData(2, 10, 10, 0, 0)]
    [InlineData(3, 60, 15, 4, 7)]
    [InlineData(4, 7, 2, 3, -1.5)]
    public void WindowByEventTime_RandomRows_AppendOutputMatchesBruteForce(int seed, double duration, double slide, double delay, double offset)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var i = 0; i < 4000; i++)
        {
            // Mostly increasing times with jitter (out of order inside and beyond the delay), some before the base.
            double? at = random.NextDouble() < 0.02 ? null : Math.Round((i * 0.3) - 100 + ((random.NextDouble() - 0.5) * 16), 3);
            double? value = random.NextDouble() < 0.1 ? null : Math.Round((random.NextDouble() * 100) - 20, 2);
            rows.Add(new Row(at, ((char)('a' + random.Next(3))).ToString(), value));
        }

        var options = Options(duration, slide, WindowOutputMode.Append, delay, AllAggregates);
        options.StartOffset = TimeSpan.FromSeconds(offset);
        options.KeyOrder = StringComparer.Ordinal;
        var stats = new WindowStats();
        options.Stats = stats;

        var actual = new List<WindowResult<string>>();
        var completed = false;
        using var subject = new Subject<Row>();
        using var subscription = subject.WindowByEventTime(options).Subscribe(u => actual.AddRange(u.Rows), _ => Assert.Fail("error"), () => completed = true);
        foreach (var row in rows)
        {
            subject.OnNext(row);
        }

        subject.OnCompleted();
        Assert.True(completed);

        var (expected, lateCount) = BruteForce(rows, duration, slide, delay, offset);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (start, key, values) = expected[i];
            Assert.Equal(start, actual[i].WindowStartTicks);
            Assert.Equal(start + TimeSpan.FromSeconds(duration).Ticks, actual[i].WindowEndTicks);
            Assert.Equal(key, actual[i].Key);
            for (var j = 0; j < values.Length; j++)
            {
                AssertClose(values[j], actual[i].Values[j], $"{AllAggregates[j]} of {Describe(actual[i], Base)}");
            }
        }

        Assert.Equal(lateCount, stats.LateRows);
        Assert.Equal(rows.Count(r => r.At is null), stats.DroppedRows);
        Assert.Equal(rows.Count, stats.InputRows);
        Assert.True(lateCount > 0, "the data should exercise late rows");
    }

    internal static void AssertClose(double? expected, double? actual, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{what}: expected {Fmt(expected)}, got {Fmt(actual)}");
            return;
        }

        Assert.True(Math.Abs(expected.Value - actual.Value) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)), $"{what}: expected {expected}, got {actual}");
    }

    internal static (List<(long Start, string Key, double?[] Values)> Rows, long Late) BruteForce(
        List<Row> rows, double duration, double slide, double delay, double offset)
    {
        var d = TimeSpan.FromSeconds(duration).Ticks;
        var s = TimeSpan.FromSeconds(slide).Ticks;
        var delayTicks = TimeSpan.FromSeconds(delay).Ticks;
        var origin = Epoch + TimeSpan.FromSeconds(offset).Ticks;
        var timed = rows.Select((r, i) => (Row: r, Index: i)).Where(x => x.Row.At is not null).Select(x => (x.Row, x.Index, T: S(x.Row.At!.Value))).ToList();

        // Every window start that any row can fall in.
        var kMin = (long)Math.Floor((timed.Min(x => x.T) - d - origin) / (double)s) - 1;
        var kMax = (long)Math.Floor((timed.Max(x => x.T) - origin) / (double)s) + 1;
        var starts = new List<long>();
        for (var k = kMin; k <= kMax; k++)
        {
            starts.Add(origin + (k * s));
        }

        var included = new List<(long Start, Row Row, int Index, long T)>();
        long late = 0;
        var watermark = long.MinValue;
        foreach (var (row, index, t) in timed)
        {
            // The explicit list of starts is sorted: scan from the first start > t − d while start <= t.
            var from = starts.BinarySearch(t - d + 1);
            from = from < 0 ? ~from : from;
            for (var n = from; n < starts.Count && starts[n] <= t; n++)
            {
                var start = starts[n];
                Assert.True(start <= t && t < start + d);
                if (start + d > watermark)
                {
                    included.Add((start, row, index, t));
                }
                else
                {
                    late++;
                }
            }

            watermark = Math.Max(watermark, t - delayTicks);
        }

        var result = included
            .GroupBy(x => (x.Start, x.Row.Key))
            .OrderBy(g => g.Key.Start).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var inArrival = g.OrderBy(x => x.Index).Select(x => (x.Row, x.Index, x.T)).ToList();
                return (g.Key.Start, g.Key.Key, Aggregate(inArrival, g.Key.Start + d));
            })
            .ToList();
        return (result, late);
    }

    /// <summary>The values of <see cref="AllAggregates"/> over the rows of the window ending at <paramref name="end"/>, given in arrival order.</summary>
    internal static double?[] Aggregate(IReadOnlyList<(Row Row, int Index, long T)> inArrival, long end)
    {
        var values = inArrival.Where(x => x.Row.Value is not null).Select(x => x.Row.Value!.Value).ToList();
        double? mean = values.Count == 0 ? null : values.Sum() / values.Count;
        double? variance = values.Count < 2 ? null : values.Sum(v => (v - mean!.Value) * (v - mean!.Value)) / (values.Count - 1);
        var samples = inArrival.Where(x => x.Row.Value is not null).OrderBy(x => x.T).ThenBy(x => x.Index).ToList();
        double? twa = null;
        if (samples.Count > 0)
        {
            double weighted = 0;
            for (var i = 0; i < samples.Count; i++)
            {
                var until = i + 1 < samples.Count ? samples[i + 1].T : end;
                weighted += samples[i].Row.Value!.Value * (until - samples[i].T);
            }

            twa = weighted / (end - samples[0].T);
        }

        return
        [
            inArrival.Count,
            values.Count,
            values.Count == 0 ? null : values.Sum(),
            mean,
            values.Count == 0 ? null : values.Min(),
            values.Count == 0 ? null : values.Max(),
            inArrival[0].Row.Value,
            inArrival[^1].Row.Value,
            variance is { } v1 ? Math.Sqrt(v1) : null,
            variance,
            twa,
        ];
    }
}

using Reactive.Operators.Spread;

namespace Reactive.Operators.Tests.Spread;

/// <summary>
/// Random quotes, out of order inside and beyond the watermark delay, with locked, crossed and bad quotes,
/// against a brute-force computation: lateness from the watermark before each quote, then per second and
/// per minute a plain group-by of the accepted quotes and the integral of the step function of their spreads.
/// </summary>
public sealed class SpreadOracleTests
{
    private const long Second = TimeSpan.TicksPerSecond;
    private const long Minute = TimeSpan.TicksPerMinute;

    // 2014-03-03 09:30:00, minute-aligned.
    private static readonly long T0 = new DateTime(2014, 3, 3, 9, 30, 0).Ticks;

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(2, 1.5, true)]
    [InlineData(3, 1.5, false)]
    [InlineData(4, 4, false)]
    public void SpreadAggregator_RandomQuotesOutOfOrder_MatchesBruteForce(int seed, double delaySeconds, bool includeAll)
    {
        var random = new Random(seed);
        var quotes = new List<(long Time, decimal Bid, decimal Ask)>();
        decimal mid = 43.00m;
        for (var i = 0; i < 3000; i++)
        {
            // ~7 quotes a second over ~7 minutes, with gaps of empty seconds, jitter up to ±2.5 s, repeated times.
            var time = i > 0 && random.NextDouble() < 0.05 ? quotes[^1].Time
                : T0 + (long)((i * 0.14 * Second) + (i / 400 * 3 * Second) + ((random.NextDouble() - 0.5) * 5 * Second));
            mid += (random.Next(3) - 1) * 0.01m;
            var spread = random.Next(8) switch { 0 => -0.02m, 1 => 0m, 2 => 0.01m, 3 => 0.02m, 4 => 0.03m, 5 => 0.05m, 6 => 0.02m, _ => 0.10m };
            var bid = random.NextDouble() < 0.01 ? 0m : mid;
            quotes.Add((time, bid, mid + spread));
        }

        var sink = new ListSink();
        var aggregator = new SpreadAggregator(new SpreadOptions { WatermarkDelay = TimeSpan.FromSeconds(delaySeconds), IncludeLockedAndCrossed = includeAll }, sink);
        var lateSeen = new List<long>();
        var rejectedSeen = new List<long>();
        foreach (var (time, bid, ask) in quotes)
        {
            var verdict = aggregator.OnQuote(time, (double)bid, (double)ask);
            (verdict == SpreadAggregator.QuoteVerdict.Late ? lateSeen : verdict == SpreadAggregator.QuoteVerdict.BadPrice ? rejectedSeen : null)?.Add(time);
        }

        aggregator.Flush();

        // Lateness: a quote is late when its second ends at or before the watermark (newest good quote − delay) before it.
        var delay = (long)(delaySeconds * Second);
        var newest = long.MinValue;
        var accepted = new List<(long Time, int Index, decimal Spread, bool Included)>();
        var late = new List<long>();
        var rejected = new List<long>();
        for (var i = 0; i < quotes.Count; i++)
        {
            var (time, bid, ask) = quotes[i];
            if (bid <= 0 || ask <= 0)
            {
                rejected.Add(time);
                continue;
            }

            var second = time - (time % Second);
            if (newest != long.MinValue && second + Second <= newest - delay)
            {
                late.Add(time);
                continue;
            }

            accepted.Add((time, i, ask - bid, includeAll || ask > bid));
            newest = Math.Max(newest, time);
        }

        accepted = [.. accepted.OrderBy(q => q.Time).ThenBy(q => q.Index)];
        var expected = new List<SpreadResult>();
        foreach (var minute in accepted.GroupBy(q => q.Time - (q.Time % Minute)))
        {
            foreach (var second in minute.GroupBy(q => q.Time - (q.Time % Second)))
            {
                expected.Add(Window(SpreadResultKind.Second, second.Key, Second, [.. second], accepted));
            }

            expected.Add(Window(SpreadResultKind.Minute, minute.Key, Minute, [.. minute], accepted));
        }

        Assert.True(late.Count > 5 && rejected.Count > 5, $"the data should exercise late ({late.Count}) and rejected ({rejected.Count}) quotes");
        Assert.Equal(late, lateSeen);
        Assert.Equal(rejected, rejectedSeen);
        Assert.Equal(late.Count, aggregator.LateCount);
        var actual = sink.Results.Where(r => r.Kind is SpreadResultKind.Second or SpreadResultKind.Minute).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (var w = 0; w < expected.Count; w++)
        {
            var e = expected[w];
            var a = actual[w];
            var what = $"{e.Kind} {(e.WindowStartTicks - T0) / (double)Second} s";
            Assert.Equal((e.Kind, e.WindowStartTicks, e.WindowEndTicks), (a.Kind, a.WindowStartTicks, a.WindowEndTicks));
            Assert.Equal((e.Count, e.IncludedCount, e.LockedCount, e.CrossedCount, e.WeightedTicks), (a.Count, a.IncludedCount, a.LockedCount, a.CrossedCount, a.WeightedTicks));
            AssertClose(e.Average, a.Average, what + " avg");
            AssertClose(e.Min, a.Min, what + " min");
            AssertClose(e.Max, a.Max, what + " max");
            AssertClose(e.Last, a.Last, what + " last");
            AssertClose(e.TimeWeightedAverage, a.TimeWeightedAverage, what + " twa");
        }
    }

    // One window from its quotes (in time order); the time weighting integrates the step function of all
    // accepted quotes' spreads over [start, start + size), where an excluded quote in force weighs nothing.
    private static SpreadResult Window(SpreadResultKind kind, long start, long size, List<(long Time, int Index, decimal Spread, bool Included)> quotes, List<(long Time, int Index, decimal Spread, bool Included)> all)
    {
        var end = start + size;
        var included = quotes.Where(q => q.Included).Select(q => q.Spread).ToList();
        decimal weighted = 0;
        long ticks = 0;
        for (var i = 0; i < all.Count; i++)
        {
            var from = Math.Max(all[i].Time, start);
            var to = Math.Min(i + 1 < all.Count ? all[i + 1].Time : long.MaxValue, end);
            if (to > from && all[i].Included)
            {
                weighted += all[i].Spread * (to - from);
                ticks += to - from;
            }
        }

        return new SpreadResult
        {
            Kind = kind,
            WindowStartTicks = start,
            WindowEndTicks = end,
            Count = quotes.Count,
            IncludedCount = included.Count,
            LockedCount = quotes.Count(q => q.Spread == 0),
            CrossedCount = quotes.Count(q => q.Spread < 0),
            Average = included.Count == 0 ? null : (double)(included.Sum() / included.Count),
            Min = included.Count == 0 ? null : (double)included.Min(),
            Max = included.Count == 0 ? null : (double)included.Max(),
            Last = included.Count == 0 ? null : (double)included[^1],
            TimeWeightedAverage = ticks == 0 ? null : (double)(weighted / ticks),
            WeightedTicks = ticks,
        };
    }

    private static void AssertClose(double? expected, double? actual, string what)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{what}: expected {expected}, got {actual}");
        if (expected is { } x)
        {
            Assert.True(Math.Abs(x - actual!.Value) <= 1e-9, $"{what}: expected {x}, got {actual}");
        }
    }
}

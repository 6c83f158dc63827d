using Reactive.Testing;
using System.Globalization;
using Reactive.Operators.Spread;

namespace Reactive.Operators.Tests.Spread;

public sealed class SpreadRealDataTests
{
    private const string File14081 = "14081.csv";

    [SharedDataFact(File14081)]
    public void SpreadAggregator_CourseQuotes_MatchesIndependentGroupBy()
    {
        var quotes = ReadQuotes(SharedData.PathOf(File14081));
        Assert.Equal(55_770, quotes.Count);

        var sink = new ListSink();
        var aggregator = new SpreadAggregator(new SpreadOptions(), sink);
        foreach (var q in quotes)
        {
            aggregator.OnQuote(q.Ticks, (double)q.Bid, (double)q.Ask);
        }

        aggregator.Flush();
        Assert.Equal(0, aggregator.LateCount);
        Assert.Equal(0, aggregator.RejectedCount);

        var seconds = sink.Results.Where(r => r.Kind == SpreadResultKind.Second).ToList();
        var minutes = sink.Results.Where(r => r.Kind == SpreadResultKind.Minute).ToList();

        // Facts from SOURCES.md.
        Assert.Equal(12_434, seconds.Count);
        Assert.Equal(1_136, minutes.Count);
        Assert.Equal(44, seconds.Sum(s => s.CrossedCount));
        Assert.Equal(1_463, seconds.Sum(s => s.LockedCount));
        Assert.Equal(44, minutes.Sum(s => s.CrossedCount));
        Assert.Equal(1_463, minutes.Sum(s => s.LockedCount));

        // Independent per-second computation in decimal, which is exact for these prices.
        var expectedSeconds = quotes
            .GroupBy(q => q.Ticks / TimeSpan.TicksPerSecond)
            .OrderBy(g => g.Key)
            .Select(g => new
            {
                Start = g.Key * TimeSpan.TicksPerSecond,
                Count = g.Count(),
                Avg = g.Average(q => q.Ask - q.Bid),
                Min = g.Min(q => q.Ask - q.Bid),
                Max = g.Max(q => q.Ask - q.Bid),
                Last = g.Last().Ask - g.Last().Bid,
                Locked = g.Count(q => q.Ask == q.Bid),
                Crossed = g.Count(q => q.Ask < q.Bid),
            })
            .ToList();
        Assert.Equal(expectedSeconds.Count, seconds.Count);
        for (var i = 0; i < seconds.Count; i++)
        {
            var e = expectedSeconds[i];
            var a = seconds[i];
            Assert.Equal(e.Start, a.WindowStartTicks);
            Assert.Equal(e.Start + TimeSpan.TicksPerSecond, a.WindowEndTicks);
            Assert.Equal(e.Count, a.Count);
            Assert.Equal(e.Count, a.IncludedCount);
            Assert.Equal(e.Locked, a.LockedCount);
            Assert.Equal(e.Crossed, a.CrossedCount);
            Assert.Equal((double)e.Avg, a.Average!.Value, 1e-12);
            Assert.Equal((double)e.Min, a.Min!.Value);
            Assert.Equal((double)e.Max, a.Max!.Value);
            Assert.Equal((double)e.Last, a.Last!.Value);
        }

        var expectedMinutes = quotes
            .GroupBy(q => q.Ticks / TimeSpan.TicksPerMinute)
            .OrderBy(g => g.Key)
            .Select(g => new { Start = g.Key * TimeSpan.TicksPerMinute, Count = g.Count(), Avg = g.Average(q => q.Ask - q.Bid) })
            .ToList();
        Assert.Equal(expectedMinutes.Count, minutes.Count);
        for (var i = 0; i < minutes.Count; i++)
        {
            Assert.Equal(expectedMinutes[i].Start, minutes[i].WindowStartTicks);
            Assert.Equal(expectedMinutes[i].Count, minutes[i].Count);
            Assert.Equal((double)expectedMinutes[i].Avg, minutes[i].Average!.Value, 1e-12);
        }

        // Each minute comes right after its last second.
        var order = sink.Results.Select(r => (r.Kind, r.WindowStartTicks)).ToList();
        var lastSecondOfMinute = order.FindLastIndex(o => o.Kind == SpreadResultKind.Second && o.WindowStartTicks / TimeSpan.TicksPerMinute == minutes[0].WindowStartTicks / TimeSpan.TicksPerMinute);
        Assert.Equal(SpreadResultKind.Minute, order[lastSecondOfMinute + 1].Kind);
        Assert.Equal(minutes[0].WindowStartTicks, order[lastSecondOfMinute + 1].WindowStartTicks);
    }

    [SharedDataFact(File14081)]
    public void SpreadAggregator_CourseQuotes_TimeWeightedMatchesStepIntegral()
    {
        var quotes = ReadQuotes(SharedData.PathOf(File14081));
        var sink = new ListSink();
        var aggregator = new SpreadAggregator(new SpreadOptions(), sink);
        foreach (var q in quotes)
        {
            aggregator.OnQuote(q.Ticks, (double)q.Bid, (double)q.Ask);
        }

        aggregator.Flush();

        AssertStepIntegral(quotes, TimeSpan.TicksPerSecond, sink.Results.Where(r => r.Kind == SpreadResultKind.Second).ToList());
        AssertStepIntegral(quotes, TimeSpan.TicksPerMinute, sink.Results.Where(r => r.Kind == SpreadResultKind.Minute).ToList());
    }

    // Per window, on its own: the spread of the last quote before the window holds from the window start
    // to the first quote inside, each quote holds to the next, the last one to the window end.
    private static void AssertStepIntegral(List<Quote> quotes, long size, List<SpreadResult> actual)
    {
        var starts = new List<int>();
        for (var i = 0; i < quotes.Count; i++)
        {
            if (i == 0 || quotes[i].Ticks / size != quotes[i - 1].Ticks / size)
            {
                starts.Add(i);
            }
        }

        Assert.Equal(starts.Count, actual.Count);
        for (var w = 0; w < starts.Count; w++)
        {
            var first = starts[w];
            var endIndex = w + 1 < starts.Count ? starts[w + 1] : quotes.Count;
            var windowStart = quotes[first].Ticks / size * size;
            var windowEnd = windowStart + size;
            decimal integral = 0;
            long from;
            if (first > 0)
            {
                integral += (quotes[first - 1].Ask - quotes[first - 1].Bid) * (quotes[first].Ticks - windowStart);
                from = windowStart;
            }
            else
            {
                from = quotes[first].Ticks;
            }

            for (var i = first; i < endIndex; i++)
            {
                var until = i + 1 < endIndex ? quotes[i + 1].Ticks : windowEnd;
                integral += (quotes[i].Ask - quotes[i].Bid) * (until - quotes[i].Ticks);
            }

            var expected = (double)(integral / (windowEnd - from));
            Assert.Equal(windowStart, actual[w].WindowStartTicks);
            Assert.Equal(windowEnd - from, actual[w].WeightedTicks);
            Assert.Equal(expected, actual[w].TimeWeightedAverage!.Value, 1e-10);
        }
    }

    // A tiny parser for the course file: header line, CRLF, MM/dd/yyyy and HH:mm:ss.fff local wall-clock time.
    internal static List<Quote> ReadQuotes(string path)
    {
        var list = new List<Quote>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.TrimEnd('\r').Split(',');
            var time = DateTime.ParseExact(f[1] + " " + f[2], "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
            list.Add(new Quote(time.Ticks, decimal.Parse(f[3], CultureInfo.InvariantCulture), decimal.Parse(f[6], CultureInfo.InvariantCulture)));
        }

        return list;
    }

    internal sealed record Quote(long Ticks, decimal Bid, decimal Ask);
}

internal sealed class ListSink : ISpreadSink
{
    public List<SpreadResult> Results { get; } = [];

    public void OnResult(in SpreadResult result) => Results.Add(result);
}

using Reactive.Testing;
using System.Diagnostics;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Xunit.Abstractions;

namespace Reactive.Operators.Tests.Parsing;

public class RealDataTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void ParseFile_CourseQuotes_AllRowsNoDeadLetters()
    {
        var quotes = new List<BboQuote>();
        var letters = new List<DeadLetter>();

        var counts = LineParsing.ParseFile(SharedData.PathOf("14081.csv"), new BboParser(), quotes.Add, letters.Add);

        Assert.Empty(letters);
        Assert.Equal(55_770, quotes.Count);
        Assert.Equal(55_771, counts.Lines);
        Assert.Equal(new DateTimeOffset(2014, 3, 3, 14, 30, 0, 33, TimeSpan.Zero), quotes[0].Timestamp);
        Assert.Equal(new DateTimeOffset(2014, 3, 5, 20, 59, 59, 913, TimeSpan.Zero), quotes[^1].Timestamp);
        Assert.All(quotes, q => Assert.Same(quotes[0].Symbol, q.Symbol));
        // SOURCES.md: 44 crossed and 1,463 locked quotes (prices have 2 decimals, so compare in cents).
        Assert.Equal(44, quotes.Count(q => Math.Round(q.AskPrice * 100) < Math.Round(q.BidPrice * 100)));
        Assert.Equal(1_463, quotes.Count(q => Math.Round(q.AskPrice * 100) == Math.Round(q.BidPrice * 100)));
    }

    [SharedDataFact]
    public void ParseFile_CourseHourlyPrices_AllRowsNoDeadLetters()
    {
        var prices = new List<HourlyPrice>();
        var letters = new List<DeadLetter>();

        LineParsing.ParseFile(SharedData.PathOf("utility.csv"), new HourlyPriceParser(), prices.Add, letters.Add);

        Assert.Empty(letters);
        Assert.Equal(6_504, prices.Count);
        Assert.Equal(new DateTimeOffset(2017, 1, 1, 5, 0, 0, TimeSpan.Zero), prices[0].Timestamp);
        // Every row exactly one hour after the previous: hour-ending in a zone without DST.
        Assert.All(prices.Zip(prices.Skip(1)), p => Assert.Equal(TimeSpan.TicksPerHour, p.Second.TimestampTicks - p.First.TimestampTicks));
        Assert.Equal(1_822.95, prices.Max(p => p.Price));
    }

    [SharedDataFact]
    public void Throughput_CourseQuotes_IsReported()
    {
        byte[] bytes = File.ReadAllBytes(SharedData.PathOf("14081.csv"));
        var parser = new BboParser();
        long count = 0;
        double sum = 0;
        void Run()
        {
            count = 0;
            Utf8LineReader.ForEachLine(new MemoryStream(bytes), (line, number) =>
            {
                if (parser.Parse(line, out var q, out _) == ParseStatus.Parsed)
                {
                    count++;
                    sum += q.BidPrice;
                }
            });
        }

        Run();
        const int Rounds = 20;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < Rounds; i++)
        {
            Run();
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        double quotes = (double)count * Rounds;
        output.WriteLine($"BBO parse (line reader + parser, in memory): {quotes / watch.Elapsed.TotalSeconds:N0} quotes/s, {allocated / quotes:F3} bytes allocated per quote ({allocated:N0} bytes over {Rounds} runs of {count:N0} quotes; checksum {sum:F2})");
        Assert.Equal(55_770, count);
    }
}

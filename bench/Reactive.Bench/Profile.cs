using Reactive.Operators.Anomaly;
using Reactive.Operators.Parsing;
using Reactive.Operators.Spread;

namespace Reactive.Bench;

/// <summary>
/// <c>--profile</c>: where the product pipeline's time goes, stage by stage (each stage adds one piece to the
/// previous), so that a gap to the hand loop can be attributed.
/// </summary>
internal static class Profile
{
    public static void Run(Settings s)
    {
        var bbo = SpreadCases.Generate(s.Quotes);
        var parsed = SpreadCases.Parse(bbo);
        var n = s.Quotes;
        Console.WriteLine($"Spread stages, {n:N0} quotes (median of {s.Repetitions}):");
        Stage("1 Utf8LineReader.ForEachLine, empty handler", n, s, () =>
        {
            using var stream = new MemoryStream(bbo, writable: false);
            long sum = 0;
            Utf8LineReader.ForEachLine(stream, (line, _) => sum += line.Length);
            return sum;
        });
        Stage("2 + BboParser.Parse (result discarded)", n, s, () =>
        {
            using var stream = new MemoryStream(bbo, writable: false);
            var parser = new BboParser();
            long sum = 0;
            Utf8LineReader.ForEachLine(stream, (line, _) =>
            {
                parser.Parse(line, out BboQuote q, out DeadLetterReason _);
                sum += q.TimestampTicks;
            });
            return sum;
        });
        Stage("3 LineParsing.ParseStream + empty onRow", n, s, () =>
        {
            using var stream = new MemoryStream(bbo, writable: false);
            long sum = 0;
            LineParsing.ParseStream(stream, new BboParser(), "bbo", q => sum += q.TimestampTicks, _ => { });
            return sum;
        });
        Stage("4 full product (3 + SpreadAggregator + sink)", n, s, () => SpreadCases.Product(bbo).Seconds);
        Stage("4d the same, rows through ParseStream's delegate", n, s, () => SpreadCases.ProductThroughDelegate(bbo).Seconds);
        Stage("4x ForEachLine + parser + aggregator, no ParseStream", n, s, () =>
        {
            var sink = new SpreadChecksum();
            var aggregator = new SpreadAggregator(new SpreadOptions(), sink);
            var parser = new BboParser();
            using var stream = new MemoryStream(bbo, writable: false);
            Utf8LineReader.ForEachLine(stream, (line, _) =>
            {
                if (parser.Parse(line, out BboQuote q, out DeadLetterReason _) == ParseStatus.Parsed)
                {
                    aggregator.OnQuote(q.TimestampTicks, q.BidPrice, q.AskPrice);
                }
            });
            aggregator.Flush();
            return sink.Seconds;
        });
        Stage("5 SpreadAggregator alone, pre-parsed quotes", n, s, () =>
        {
            var sink = new SpreadChecksum();
            var aggregator = new SpreadAggregator(new SpreadOptions(), sink);
            foreach (var q in parsed)
            {
                aggregator.OnQuote(q.Time, q.Bid, q.Ask);
            }

            aggregator.Flush();
            return sink.Seconds;
        });
        Stage("6 hand loop (b)", n, s, () => SpreadCases.HandLoop(bbo).Seconds);

        var files = AnomalyCases.Generate(s.Series, s.RowsPerSeries);
        var rows = (long)s.Series * s.RowsPerSeries;
        var prices = new List<(string Series, HourlyPrice Price)>();
        foreach (var (series, data) in files)
        {
            using var stream = new MemoryStream(data, writable: false);
            LineParsing.ParseStream(stream, new HourlyPriceParser(), series, p => prices.Add((series, p)), _ => { });
        }

        Console.WriteLine($"Anomaly stages, {rows:N0} rows:");
        Stage("1 ParseStream(HourlyPriceParser) + empty onRow", rows, s, () =>
        {
            long sum = 0;
            foreach (var (series, data) in files)
            {
                using var stream = new MemoryStream(data, writable: false);
                LineParsing.ParseStream(stream, new HourlyPriceParser(), series, p => sum += p.TimestampTicks, _ => { });
            }

            return sum;
        });
        Stage("2 full product", rows, s, () => AnomalyCases.Product(files).SumBaseline);
        Stage("3 AnomalyDetector.Evaluate alone, pre-parsed", rows, s, () =>
        {
            var detector = new AnomalyDetector(new AnomalyOptions());
            long sum = 0;
            foreach (var (series, p) in prices)
            {
                sum += detector.Evaluate(series, p.TimestampTicks, p.Hour, p.Price).BaselineCount;
            }

            return sum;
        });
        Stage("4 hand loop (b)", rows, s, () => AnomalyCases.HandLoop(files).SumBaseline);
    }

    private static void Stage(string name, long items, Settings s, Func<long> run)
    {
        long keep = 0;
        var m = Harness.Measure(name, items, s.Warmups, s.Repetitions, () => keep += run(), s.WarmupSeconds);
        Console.WriteLine($"  {name,-50} {m.MedianSeconds * 1e9 / items,7:F1} ns/item  {m.ItemsPerSecond / 1e6,6:F2} M/s  ({keep % 10})");
    }
}

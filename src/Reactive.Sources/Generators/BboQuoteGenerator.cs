using System.Globalization;
using System.Reactive.Concurrency;
using System.Text;

namespace Reactive.Sources.Generators;

/// <summary>
/// Writes synthetic BBO quotes in the course's exact format (<c>14081.csv</c>): the header
/// <c>Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size</c>, CRLF line ends,
/// <c>MM/dd/yyyy</c>, <c>HH:mm:ss.fff</c> local exchange time during trading hours on consecutive weekdays,
/// a random-walk bid on a 0.01 grid, mostly 1–3 tick spreads with a few locked and crossed quotes, bursts of
/// quotes in the same second or millisecond, real one-letter venue codes and sizes in round lots.
/// With several <see cref="BboQuoteGeneratorOptions.Symbols"/>, a consolidated feed: one time line (timestamps
/// non-decreasing over the whole file) whose quotes go to the symbols at random, each symbol with its own bid walk.
/// Deterministic for a seed.
/// </summary>
public static class BboQuoteGenerator
{
    /// <summary>The header line of the format.</summary>
    public const string Header = "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size";

    /// <summary>The line ending of the format.</summary>
    public const string NewLine = "\r\n";

    // Real venue codes, weighted roughly as in the course file (NYSE and NASDAQ first).
    private static readonly (char Code, double Weight)[] Exchanges =
    [
        ('N', 30), ('T', 30), ('P', 11), ('K', 5), ('Z', 5), ('B', 3), ('Y', 2.5), ('C', 1.4),
        ('D', 1.3), ('J', 1), ('X', 0.3), ('M', 0.3), ('A', 0.2),
    ];

    private static readonly double ExchangeWeightTotal = Exchanges.Sum(e => e.Weight);

    /// <summary>The lines (header first) with their local event times.</summary>
    public static IEnumerable<GeneratedLine> Generate(BboQuoteGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Iterate(options);
    }

    /// <summary>Writes the header and <see cref="BboQuoteGeneratorOptions.Rows"/> quotes, CRLF-terminated.</summary>
    public static void Write(TextWriter writer, BboQuoteGeneratorOptions options) =>
        GeneratorOutput.Write(writer, Generate(options), NewLine);

    /// <summary>Writes the header and the quotes as UTF-8 (no byte-order mark), CRLF-terminated.</summary>
    public static void Write(Stream stream, BboQuoteGeneratorOptions options) =>
        GeneratorOutput.Write(stream, Generate(options), NewLine);

    /// <summary>
    /// A live line source: the header, then each quote at its event-time spacing / <see cref="GeneratorPacing.Speed"/>
    /// on <paramref name="scheduler"/> (quotes of one burst together), then completion. Lines carry no line ending.
    /// </summary>
    /// <remarks>From <see cref="BboQuoteGeneratorOptions.StartRow"/> on: the first row sent goes out at once (see there).</remarks>
    public static IObservable<string> Observe(BboQuoteGeneratorOptions options, IScheduler scheduler, GeneratorPacing? pacing = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return GeneratorOutput.Observe(() => Iterate(options), scheduler, pacing);
    }

    private static IEnumerable<GeneratedLine> Iterate(BboQuoteGeneratorOptions o)
    {
        var random = new Random(o.Seed);
        if (o.StartRow == 0)
        {
            yield return new GeneratedLine(Header, null);
        }

        var day = NextWeekday(o.StartDate);
        long open = o.SessionOpen.Ticks;
        long close = o.SessionClose.Ticks;
        long time = open + (random.Next(1, 100) * TimeSpan.TicksPerMillisecond);
        var symbols = o.EffectiveSymbols.ToArray();
        var bids = new long[symbols.Length];
        bids[0] = (long)(o.StartPrice * 100m);
        for (int i = 1; i < bids.Length; i++)
        {
            // From a generator of its own, so the shared one draws exactly what the single-symbol feed draws.
            bids[i] = StartCents(o, i);
        }

        var text = new StringBuilder(64);

        for (long row = 0; row < o.Rows; row++)
        {
            if (row > 0)
            {
                time += NextGap(random, o);
                if (time >= close)
                {
                    day = NextWeekday(day.AddDays(1));
                    time = open + (random.Next(0, 100) * TimeSpan.TicksPerMillisecond);
                }
            }

            // One draw more per quote only with several symbols: the single-symbol feed stays byte for byte as it was.
            int s = symbols.Length == 1 ? 0 : random.Next(symbols.Length);
            long bid = bids[s];

            // Random walk of the bid: most quotes only change a size or a venue.
            double move = random.NextDouble();
            if (move < 0.15)
            {
                bid -= move < 0.02 ? 2 : 1;
            }
            else if (move < 0.30)
            {
                bid += move > 0.28 ? 2 : 1;
            }

            bid = Math.Max(bid, 100);
            bids[s] = bid;
            long ask = bid + SpreadTicks(random, o);

            // Drawn in the order the row is written, before a skipped row (StartRow) is left unformatted.
            char bidExchange = Exchange(random);
            int bidLots = Lots(random);
            char askExchange = Exchange(random);
            int askLots = Lots(random);
            if (row < o.StartRow)
            {
                continue;
            }

            text.Clear();
            text.Append(symbols[s]).Append(',');
            text.Append(day.Month.ToString("00", CultureInfo.InvariantCulture)).Append('/')
                .Append(day.Day.ToString("00", CultureInfo.InvariantCulture)).Append('/')
                .Append(day.Year.ToString("0000", CultureInfo.InvariantCulture)).Append(',');
            var t = new TimeSpan(time);
            text.Append(t.Hours.ToString("00", CultureInfo.InvariantCulture)).Append(':')
                .Append(t.Minutes.ToString("00", CultureInfo.InvariantCulture)).Append(':')
                .Append(t.Seconds.ToString("00", CultureInfo.InvariantCulture)).Append('.')
                .Append(t.Milliseconds.ToString("000", CultureInfo.InvariantCulture)).Append(',');
            AppendPrice(text, bid).Append(',').Append(bidExchange).Append(',').Append(bidLots).Append(',');
            AppendPrice(text, ask).Append(',').Append(askExchange).Append(',').Append(askLots);

            var eventTime = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue).Ticks + time, TimeSpan.Zero);
            yield return new GeneratedLine(text.ToString(), eventTime);
        }
    }

    // The first bid of the symbol at index i > 0: between half and twice StartPrice, on the cent grid, at least 1.00.
    private static long StartCents(BboQuoteGeneratorOptions o, int index)
    {
        var own = new Random(unchecked(o.Seed + (index * 1_000_003)));
        double factor = Math.Pow(2, (own.NextDouble() * 2) - 1);
        return Math.Max(100, (long)Math.Round((double)o.StartPrice * 100 * factor));
    }

    private static long NextGap(Random random, BboQuoteGeneratorOptions o)
    {
        if (random.NextDouble() < o.BurstContinuation)
        {
            // Within a burst: often the same millisecond, otherwise a few milliseconds later.
            return random.NextDouble() < 0.4 ? 0 : random.Next(1, 40) * TimeSpan.TicksPerMillisecond;
        }

        double gap = -Math.Log(1.0 - random.NextDouble()) * o.MeanBurstGap.Ticks;
        return Math.Max(TimeSpan.TicksPerMillisecond, (long)Math.Round(gap / TimeSpan.TicksPerMillisecond) * TimeSpan.TicksPerMillisecond);
    }

    private static long SpreadTicks(Random random, BboQuoteGeneratorOptions o)
    {
        double u = random.NextDouble();
        if (u < o.CrossedShare)
        {
            return random.NextDouble() < 0.7 ? -1 : -2;
        }

        if (u < o.CrossedShare + o.LockedShare)
        {
            return 0;
        }

        double v = random.NextDouble();
        return v switch
        {
            < 0.55 => 1,
            < 0.80 => 2,
            < 0.92 => 3,
            _ => random.Next(4, 11),
        };
    }

    private static char Exchange(Random random)
    {
        double pick = random.NextDouble() * ExchangeWeightTotal;
        foreach (var (code, weight) in Exchanges)
        {
            pick -= weight;
            if (pick < 0)
            {
                return code;
            }
        }

        return Exchanges[^1].Code;
    }

    private static int Lots(Random random) =>
        (int)Math.Min(200, 1 + Math.Floor(-Math.Log(1.0 - random.NextDouble()) * 6));

    // As the course file writes prices: no trailing zeros (43.3, not 43.30), but always a decimal point (43.0, not 43).
    private static StringBuilder AppendPrice(StringBuilder text, long cents)
    {
        text.Append((cents / 100).ToString(CultureInfo.InvariantCulture)).Append('.');
        long fraction = cents % 100;
        return text.Append(fraction % 10 == 0 ? (fraction / 10).ToString(CultureInfo.InvariantCulture) : fraction.ToString("00", CultureInfo.InvariantCulture));
    }

    private static DateOnly NextWeekday(DateOnly day)
    {
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        return day;
    }
}

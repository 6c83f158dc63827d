using System.Globalization;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.CompilerServices;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Operators.Spread;
using Reactive.Operators.Windows;
using Reactive.Sources.Generators;

namespace Reactive.Bench;

/// <summary>The three ways of computing the per-second and per-minute spread windows of the same BBO bytes.</summary>
internal static class SpreadCases
{
    public const int Seed = 14081;

    private const long SecondTicks = TimeSpan.TicksPerSecond;
    private const long MinuteTicks = TimeSpan.TicksPerMinute;

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById(BboParserOptions.DefaultTimeZoneId);

    /// <summary>Generates <paramref name="quotes"/> quotes (plus the header) in the course's format, in memory.</summary>
    public static byte[] Generate(long quotes)
    {
        using var stream = new MemoryStream();
        BboQuoteGenerator.Write(stream, new BboQuoteGeneratorOptions { Rows = quotes, Seed = Seed });
        return stream.ToArray();
    }

    /// <summary>(a) As the product runs it: Utf8LineReader (via LineParsing.ParseStream) → BboParser → SpreadAggregator → sink.</summary>
    public static SpreadChecksum Product(byte[] data)
    {
        var sink = new SpreadChecksum();
        var rows = new QuotesInto(new SpreadAggregator(new SpreadOptions(), sink));
        using var stream = new MemoryStream(data, writable: false);
        LineParsing.ParseStream(stream, new BboParser(), "bbo", ref rows);
        rows.Aggregator.Flush();
        sink.Dropped = rows.Aggregator.LateCount + rows.Aggregator.RejectedCount;
        return sink;
    }

    /// <summary>(a) without the struct row handler: rows through ParseStream's delegate overload (for the profile).</summary>
    public static SpreadChecksum ProductThroughDelegate(byte[] data)
    {
        var sink = new SpreadChecksum();
        var aggregator = new SpreadAggregator(new SpreadOptions(), sink);
        using var stream = new MemoryStream(data, writable: false);
        LineParsing.ParseStream(
            stream,
            new BboParser(),
            "bbo",
            q => aggregator.OnQuote(q.TimestampTicks, q.BidPrice, q.AskPrice),
            dead => throw new InvalidDataException(dead.ToString()));
        aggregator.Flush();
        sink.Dropped = aggregator.LateCount + aggregator.RejectedCount;
        return sink;
    }

    private readonly struct QuotesInto(SpreadAggregator aggregator) : IRowHandler<BboQuote>
    {
        public SpreadAggregator Aggregator => aggregator;

        public void OnRow(in BboQuote q, in LinePosition position) => aggregator.OnQuote(q.TimestampTicks, q.BidPrice, q.AskPrice);

        public void OnDeadLetter(DeadLetter deadLetter) => throw new InvalidDataException(deadLetter.ToString());
    }

    /// <summary>(a, Rx) The product operators composed as Rx: quotes from the byte reader → <c>Spread</c> extension.</summary>
    public static SpreadChecksum ProductRx(byte[] data)
    {
        var sink = new SpreadChecksum();
        var quotes = Observable.Create<BboQuote>(observer =>
        {
            using var stream = new MemoryStream(data, writable: false);
            LineParsing.ParseStream(stream, new BboParser(), "bbo", observer.OnNext, dead => observer.OnError(new InvalidDataException(dead.ToString())));
            observer.OnCompleted();
            return Disposable.Empty;
        });
        using var subscription = quotes
            .Spread(new SpreadOptions(), q => q.TimestampTicks, q => q.BidPrice, q => q.AskPrice, DefaultScheduler.Instance, Observer.Create<Rejected<BboQuote>>(_ => sink.Dropped++))
            .Subscribe(r => sink.OnResult(in r));
        return sink;
    }

    /// <summary>
    /// (a, Rx per symbol) As the service composes it: rows with their position (<see cref="Located{T}"/>), Rx
    /// <c>GroupBy</c> on the symbol, one <c>Spread</c> per symbol. The generated feed has one symbol, so the results equal (a).
    /// </summary>
    public static SpreadChecksum ProductRxPerSymbol(byte[] data)
    {
        var sink = new SpreadChecksum();
        var quotes = Observable.Create<Located<BboQuote>>(observer =>
        {
            using var stream = new MemoryStream(data, writable: false);
            var rows = new LocatedInto(observer);
            LineParsing.ParseStream(stream, new BboParser(), "bbo", ref rows);
            observer.OnCompleted();
            return Disposable.Empty;
        });
        var rejected = Observer.Create<Rejected<Located<BboQuote>>>(_ => sink.Dropped++);
        using var subscription = quotes
            .GroupBy(q => q.Value.Symbol, StringComparer.Ordinal)
            .SelectMany(symbol => symbol.Spread(new SpreadOptions(), q => q.Value.TimestampTicks, q => q.Value.BidPrice, q => q.Value.AskPrice, DefaultScheduler.Instance, rejected))
            .Subscribe(r => sink.OnResult(in r));
        return sink;
    }

    private readonly struct LocatedInto(IObserver<Located<BboQuote>> observer) : IRowHandler<BboQuote>
    {
        public void OnRow(in BboQuote row, in LinePosition position) => observer.OnNext(new Located<BboQuote>(row, position));

        public void OnDeadLetter(DeadLetter deadLetter) => observer.OnError(new InvalidDataException(deadLetter.ToString()));
    }

    /// <summary>
    /// (b) The ceiling: one hand-written pass over the bytes, fields found by position, numbers parsed inline,
    /// the date and its zone offset cached per day, window state in locals. Same arithmetic, in the same order,
    /// as <see cref="SpreadAggregator"/>, so the results are bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SpreadChecksum HandLoop(byte[] data)
    {
        var sink = new SpreadChecksum();
        ReadOnlySpan<byte> s = data;
        var pos = s.IndexOf((byte)'\n') + 1; // header

        // Per-day cache of the date text and its UTC offset.
        ulong dateKey = 0;
        ushort dateKey2 = 0;
        long dayUtcBase = 0;

        // Second window.
        long second = long.MinValue;
        int sCount = 0, sLocked = 0, sCrossed = 0;
        double sSum = 0, sMin = 0, sMax = 0, sLast = 0, sWeighted = 0;
        long sWeightTicks = 0;

        // Minute window.
        var minuteOpen = false;
        long minuteStart = 0;
        int mCount = 0, mLocked = 0, mCrossed = 0;
        double mSum = 0, mMin = 0, mMax = 0, mLast = 0, mWeighted = 0;
        long mWeightTicks = 0;

        // The spread in force and how far the time line is integrated.
        var inForce = false;
        double inForceSpread = 0;
        long cursor = 0;

        while (pos < s.Length)
        {
            var line = s[pos..];
            var eol = line.IndexOf((byte)'\n');
            if (eol < 0)
            {
                eol = line.Length;
            }

            pos += eol + 1;
            line = line[..eol];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            // Symbol,MM/dd/yyyy,HH:mm:ss.fff,bid,bx,bs,ask,ax,as
            var i = line.IndexOf((byte)',') + 1;
            var key = Unsafe.ReadUnaligned<ulong>(ref Unsafe.AsRef(in line[i]));
            var key2 = Unsafe.ReadUnaligned<ushort>(ref Unsafe.AsRef(in line[i + 8]));
            if (key != dateKey || key2 != dateKey2)
            {
                var month = Two(line, i);
                var day = Two(line, i + 3);
                var year = (Two(line, i + 6) * 100) + Two(line, i + 8);
                var local = new DateTime(year, month, day, 12, 0, 0, DateTimeKind.Unspecified);
                dayUtcBase = local.Date.Ticks - NewYork.GetUtcOffset(local).Ticks;
                dateKey = key;
                dateKey2 = key2;
            }

            i += 11;
            long tod = 0;
            int part = 0, fraction = -1;
            for (; line[i] != (byte)','; i++)
            {
                var c = line[i];
                if (c == (byte)':')
                {
                    tod = (tod + part) * 60;
                    part = 0;
                }
                else if (c == (byte)'.')
                {
                    fraction = 0;
                    tod += part;
                    part = 0;
                }
                else
                {
                    part = (part * 10) + (c - '0');
                    if (fraction >= 0)
                    {
                        fraction++;
                    }
                }
            }

            long time;
            if (fraction < 0)
            {
                time = dayUtcBase + ((tod + part) * SecondTicks);
            }
            else
            {
                time = dayUtcBase + (tod * SecondTicks) + (part * FractionScale(fraction));
            }

            i++;
            var bid = Price(line, ref i);
            i = Skip(line, i, 2);
            var ask = Price(line, ref i);

            var sec = time - (time % SecondTicks);
            if (sec != second)
            {
                if (second != long.MinValue)
                {
                    // Close the second: the last spread holds to its end.
                    var end = second + SecondTicks;
                    var dt = end - cursor;
                    sWeighted += inForceSpread * dt;
                    sWeightTicks += dt;
                    cursor = end;
                    sink.Add(false, second, sCount, sLocked, sCrossed, sSum / sCount, sMin, sMax, sLast, sWeightTicks > 0 ? sWeighted / sWeightTicks : double.NaN, sWeightTicks);
                    if (mCount == 0)
                    {
                        mMin = sMin;
                        mMax = sMax;
                    }
                    else
                    {
                        mMin = Math.Min(mMin, sMin);
                        mMax = Math.Max(mMax, sMax);
                    }

                    mCount += sCount;
                    mSum += sSum;
                    mLast = sLast;
                    mLocked += sLocked;
                    mCrossed += sCrossed;
                    mWeighted += sWeighted;
                    mWeightTicks += sWeightTicks;
                }

                // Open the second (and its minute), weighing the spread in force over the empty seconds before it.
                if (minuteOpen && sec - minuteStart >= MinuteTicks)
                {
                    var mEnd = minuteStart + MinuteTicks;
                    var dt = mEnd - cursor;
                    if (dt > 0)
                    {
                        mWeighted += inForceSpread * dt;
                        mWeightTicks += dt;
                        cursor = mEnd;
                    }

                    sink.Add(true, minuteStart, mCount, mLocked, mCrossed, mSum / mCount, mMin, mMax, mLast, mWeightTicks > 0 ? mWeighted / mWeightTicks : double.NaN, mWeightTicks);
                    minuteOpen = false;
                }

                if (!minuteOpen)
                {
                    minuteOpen = true;
                    minuteStart = sec - (sec % MinuteTicks);
                    mCount = mLocked = mCrossed = 0;
                    mSum = mMin = mMax = mLast = mWeighted = 0;
                    mWeightTicks = 0;
                    if (cursor < minuteStart)
                    {
                        cursor = minuteStart;
                    }
                }

                if (inForce)
                {
                    var dt = sec - cursor;
                    if (dt > 0)
                    {
                        mWeighted += inForceSpread * dt;
                        mWeightTicks += dt;
                        cursor = sec;
                    }
                }

                second = sec;
                sCount = sLocked = sCrossed = 0;
                sSum = sMin = sMax = sLast = sWeighted = 0;
                sWeightTicks = 0;
            }

            if (inForce)
            {
                var dt = time - cursor;
                sWeighted += inForceSpread * dt;
                sWeightTicks += dt;
            }

            cursor = time;
            var spread = Math.Round((ask - bid) * 1e9) / 1e9;
            if (ask <= bid)
            {
                if (ask == bid)
                {
                    sLocked++;
                }
                else
                {
                    sCrossed++;
                }
            }

            if (sCount == 0)
            {
                sMin = spread;
                sMax = spread;
            }
            else
            {
                sMin = spread < sMin ? spread : sMin;
                sMax = spread > sMax ? spread : sMax;
            }

            sCount++;
            sSum += spread;
            sLast = spread;
            inForce = true;
            inForceSpread = spread;
        }

        if (second != long.MinValue)
        {
            var end = second + SecondTicks;
            var dt = end - cursor;
            sWeighted += inForceSpread * dt;
            sWeightTicks += dt;
            cursor = end;
            sink.Add(false, second, sCount, sLocked, sCrossed, sSum / sCount, sMin, sMax, sLast, sWeighted / sWeightTicks, sWeightTicks);
            if (mCount == 0)
            {
                mMin = sMin;
                mMax = sMax;
            }
            else
            {
                mMin = Math.Min(mMin, sMin);
                mMax = Math.Max(mMax, sMax);
            }

            mCount += sCount;
            mSum += sSum;
            mLast = sLast;
            mLocked += sLocked;
            mCrossed += sCrossed;
            mWeighted += sWeighted;
            mWeightTicks += sWeightTicks;
            var mEnd = minuteStart + MinuteTicks;
            var mdt = mEnd - cursor;
            if (mdt > 0)
            {
                mWeighted += inForceSpread * mdt;
                mWeightTicks += mdt;
            }

            sink.Add(true, minuteStart, mCount, mLocked, mCrossed, mSum / mCount, mMin, mMax, mLast, mWeighted / mWeightTicks, mWeightTicks);
        }

        return sink;
    }

    /// <summary>
    /// (c) As a typical user writes it with Rx: string lines from a StreamReader, <c>Split(',')</c>,
    /// <c>DateTime.ParseExact</c>, <c>double.Parse</c>, <c>TimeZoneInfo.ConvertTimeToUtc</c>, a <c>Scan</c> to carry the
    /// previous quote's spread, then <c>GroupBy</c> second / minute + <c>SelectMany(g =&gt; g.Aggregate(...))</c>.
    /// </summary>
    public static SpreadChecksum NaiveRx(byte[] data)
    {
        var sink = new SpreadChecksum();
        var lines = Observable.Create<string>(observer =>
        {
            using var reader = new StreamReader(new MemoryStream(data, writable: false));
            reader.ReadLine(); // header
            while (reader.ReadLine() is { } line)
            {
                observer.OnNext(line);
            }

            observer.OnCompleted();
            return Disposable.Empty;
        });

        var quotes = lines
            .Select(line =>
            {
                var f = line.Split(',');
                var local = DateTime.ParseExact(f[1] + " " + f[2], "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
                var utc = TimeZoneInfo.ConvertTimeToUtc(local, NewYork);
                return new NaiveQuote(utc, double.Parse(f[3], CultureInfo.InvariantCulture), double.Parse(f[6], CultureInfo.InvariantCulture));
            })
            .Scan(
                new NaiveTimed(default, 0, false, 0),
                (previous, q) => new NaiveTimed(q, q.Ask - q.Bid, previous.Quote.Time != default, previous.Spread))
            .Publish();

        var seconds = quotes
            .GroupBy(q => q.Quote.Time.Ticks / SecondTicks)
            .SelectMany(g => g.Aggregate(new NaiveWindow(g.Key * SecondTicks, SecondTicks), (w, q) => w.Add(q)))
            .Select(w => w.Result(minute: false));
        var minutes = quotes
            .GroupBy(q => q.Quote.Time.Ticks / MinuteTicks)
            .SelectMany(g => g.Aggregate(new NaiveWindow(g.Key * MinuteTicks, MinuteTicks), (w, q) => w.Add(q)))
            .Select(w => w.Result(minute: true));

        using (seconds.Merge(minutes).Subscribe(r => sink.Add(r.Minute, r.Start, r.Count, r.Locked, r.Crossed, r.Average, r.Min, r.Max, r.Last, r.TimeWeighted, r.WeightedTicks)))
        using (quotes.Connect())
        {
        }

        return sink;
    }

    /// <summary>Pre-parsed quotes (time, bid, ask) for the operator-only measurements.</summary>
    public static (long Time, double Bid, double Ask)[] Parse(byte[] data)
    {
        var list = new List<(long, double, double)>();
        using var stream = new MemoryStream(data, writable: false);
        LineParsing.ParseStream(stream, new BboParser(), "bbo", q => list.Add((q.TimestampTicks, q.BidPrice, q.AskPrice)), dead => throw new InvalidDataException(dead.ToString()));
        return [.. list];
    }

    /// <summary>
    /// Bytes allocated per quote by <see cref="SpreadAggregator"/> alone, fed pre-parsed quotes: the first
    /// <paramref name="warmup"/> quotes warm it up (state arrays reach their size), the rest are measured.
    /// </summary>
    public static double AggregatorSteadyStateBytesPerQuote((long Time, double Bid, double Ask)[] quotes, int warmup, out SpreadChecksum sink)
    {
        sink = new SpreadChecksum();
        var aggregator = new SpreadAggregator(new SpreadOptions(), sink);
        for (var i = 0; i < warmup; i++)
        {
            aggregator.OnQuote(quotes[i].Time, quotes[i].Bid, quotes[i].Ask);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = warmup; i < quotes.Length; i++)
        {
            aggregator.OnQuote(quotes[i].Time, quotes[i].Bid, quotes[i].Ask);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        aggregator.Flush();
        return (double)allocated / (quotes.Length - warmup);
    }

    /// <summary>
    /// Bytes allocated per quote by the generic <c>WindowByEventTime</c> (tumbling windows of
    /// <paramref name="window"/>, append mode; count, avg, min, max, last, twa of the spread), in steady state;
    /// also how many of those bytes are the result objects (per emitted window row).
    /// </summary>
    public static (double BytesPerQuote, long ResultRows) GenericWindowSteadyStateBytesPerQuote((long Time, double Bid, double Ask)[] quotes, int warmup, TimeSpan window)
    {
        var options = new EventTimeWindowOptions<(long Time, double Bid, double Ask), Unit>
        {
            EventTime = q => q.Time,
            WindowDuration = window,
            OutputMode = WindowOutputMode.Append,
        };
        options.Aggregates.Add(WindowAggregate<(long Time, double Bid, double Ask)>.Count());
        foreach (var kind in new[] { AggregateKind.Avg, AggregateKind.Min, AggregateKind.Max, AggregateKind.Last, AggregateKind.TimeWeightedAverage })
        {
            options.Aggregates.Add(WindowAggregate<(long Time, double Bid, double Ask)>.Of(kind, "spread", q => q.Ask - q.Bid));
        }

        using var subject = new Subject<(long Time, double Bid, double Ask)>();
        long rows = 0;
        using var subscription = subject.WindowByEventTime(options).Subscribe(u => rows += u.Rows.Count);
        for (var i = 0; i < warmup; i++)
        {
            subject.OnNext(quotes[i]);
        }

        rows = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = warmup; i < quotes.Length; i++)
        {
            subject.OnNext(quotes[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        subject.OnCompleted();
        return ((double)allocated / (quotes.Length - warmup), rows);
    }

    private static int Two(ReadOnlySpan<byte> s, int i) => ((s[i] - '0') * 10) + (s[i + 1] - '0');

    private static long FractionScale(int digits) => digits switch
    {
        1 => 1_000_000,
        2 => 100_000,
        3 => 10_000,
        4 => 1_000,
        5 => 100,
        6 => 10,
        _ => 1,
    };

    // Skips n fields; i is at the start of a field.
    private static int Skip(ReadOnlySpan<byte> s, int i, int n)
    {
        for (; n > 0; n--)
        {
            i += s[i..].IndexOf((byte)',') + 1;
        }

        return i;
    }

    // A plain decimal (digits, one optional point) ending at a comma; i moves past the comma.
    private static double Price(ReadOnlySpan<byte> s, ref int i)
    {
        long mantissa = 0;
        var fraction = -1;
        for (; s[i] != (byte)','; i++)
        {
            var c = s[i];
            if (c == (byte)'.')
            {
                fraction = 0;
            }
            else
            {
                mantissa = (mantissa * 10) + (c - '0');
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
        }

        i++;
        return fraction > 0 ? mantissa / Pow10(fraction) : mantissa;
    }

    private static double Pow10(int n) => n switch
    {
        1 => 10,
        2 => 100,
        3 => 1000,
        4 => 1e4,
        5 => 1e5,
        6 => 1e6,
        _ => Math.Pow(10, n),
    };

    private readonly record struct NaiveQuote(DateTime Time, double Bid, double Ask);

    private readonly record struct NaiveTimed(NaiveQuote Quote, double Spread, bool HasPrevious, double PreviousSpread);

    private readonly record struct NaiveResult(bool Minute, long Start, int Count, int Locked, int Crossed, double Average, double Min, double Max, double Last, double TimeWeighted, long WeightedTicks);

    // The accumulator a user would write for Aggregate: the simple statistics plus the time weighting,
    // with the spread in force before the window's first quote carried in from the window start.
    private sealed class NaiveWindow(long start, long length)
    {
        private int _count;
        private int _locked;
        private int _crossed;
        private double _sum;
        private double _min = double.MaxValue;
        private double _max = double.MinValue;
        private double _last;
        private double _weighted;
        private long _weightFrom = -1;
        private long _lastTime;

        public NaiveWindow Add(NaiveTimed q)
        {
            var t = q.Quote.Time.Ticks;
            if (_count == 0)
            {
                if (q.HasPrevious)
                {
                    _weighted = q.PreviousSpread * (t - start);
                    _weightFrom = start;
                }
                else
                {
                    _weightFrom = t;
                }
            }
            else
            {
                _weighted += _last * (t - _lastTime);
            }

            _count++;
            _sum += q.Spread;
            _min = Math.Min(_min, q.Spread);
            _max = Math.Max(_max, q.Spread);
            _last = q.Spread;
            _lastTime = t;
            if (q.Quote.Ask == q.Quote.Bid)
            {
                _locked++;
            }
            else if (q.Quote.Ask < q.Quote.Bid)
            {
                _crossed++;
            }

            return this;
        }

        public NaiveResult Result(bool minute)
        {
            var end = start + length;
            var weighted = _weighted + (_last * (end - _lastTime));
            var ticks = end - _weightFrom;
            return new NaiveResult(minute, start, _count, _locked, _crossed, _sum / _count, _min, _max, _last, weighted / ticks, ticks);
        }
    }
}

using System.Globalization;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using Reactive.Operators.Anomaly;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Sources.Generators;

namespace Reactive.Bench;

/// <summary>Counts and sums of anomaly verdicts (see <see cref="SpreadChecksum"/> for the idea).</summary>
internal sealed class AnomalyChecksum
{
    private const ulong Prime = 0x100000001B3UL;

    public long[] Statuses { get; } = new long[8];

    public double SumMean { get; private set; }

    public double SumStdDev { get; private set; }

    public double SumThreshold { get; private set; }

    public long SumBaseline { get; private set; }

    public ulong OrderedHash { get; private set; } = 0xCBF29CE484222325UL;

    public void Add(in AnomalyCheck check)
    {
        Statuses[(int)check.Status]++;
        SumBaseline += check.BaselineCount;
        if (check.BaselineCount > 0)
        {
            SumMean += check.BaselineMean;
        }

        if (check.BaselineCount > 1)
        {
            SumStdDev += check.BaselineStdDev;
            SumThreshold += check.Threshold;
        }

        var h = OrderedHash;
        h = (h ^ (ulong)check.Status) * Prime;
        h = (h ^ (ulong)check.BaselineCount) * Prime;
        h = (h ^ (ulong)BitConverter.DoubleToInt64Bits(check.BaselineMean)) * Prime;
        h = (h ^ (ulong)BitConverter.DoubleToInt64Bits(check.BaselineStdDev)) * Prime;
        OrderedHash = h;
    }

    public bool SameExactly(AnomalyChecksum o) => OrderedHash == o.OrderedHash && SameWithin(o, 0);

    public bool SameWithin(AnomalyChecksum o, double tolerance) =>
        Statuses.AsSpan().SequenceEqual(o.Statuses) && SumBaseline == o.SumBaseline
        && SpreadChecksum.Close(SumMean, o.SumMean, tolerance)
        && SpreadChecksum.Close(SumStdDev, o.SumStdDev, tolerance)
        && SpreadChecksum.Close(SumThreshold, o.SumThreshold, tolerance);

    public override string ToString() =>
        $"normal={Statuses[(int)AnomalyStatus.Normal]} anomaly={Statuses[(int)AnomalyStatus.Anomaly]} insufficient={Statuses[(int)AnomalyStatus.InsufficientHistory]} " +
        $"rejected={Statuses.AsSpan((int)AnomalyStatus.OutOfOrder).ToArray().Sum()} Σn={SumBaseline} Σmean={SumMean:R} Σsd={SumStdDev:R} Σthr={SumThreshold:R} hash={OrderedHash:X16}";
}

/// <summary>The three ways of judging the same hourly prices (several series, one file each) for anomalies.</summary>
internal static class AnomalyCases
{
    public const int Seed = 2017;

    private static readonly TimeZoneInfo Ieso = HourlyPriceParserOptions.IesoStandardTime;
    private static readonly AnomalyOptions Options = new();

    /// <summary>One generated file per series (different seeds), in the course's format.</summary>
    public static (string Series, byte[] Data)[] Generate(int series, long rowsPerSeries) =>
        [.. Enumerable.Range(0, series).Select(i =>
        {
            using var stream = new MemoryStream();
            HourlyPriceGenerator.Write(stream, new HourlyPriceGeneratorOptions { Rows = rowsPerSeries, Seed = Seed + i });
            return ($"zone{i:000}", stream.ToArray());
        })];

    /// <summary>(a) As the product runs it: LineParsing.ParseStream (Utf8LineReader) → HourlyPriceParser → AnomalyDetector.</summary>
    public static AnomalyChecksum Product((string Series, byte[] Data)[] files)
    {
        var sink = new AnomalyChecksum();
        var detector = new AnomalyDetector(Options);
        foreach (var (series, data) in files)
        {
            using var stream = new MemoryStream(data, writable: false);
            var rows = new PricesInto(detector, series, sink);
            LineParsing.ParseStream(stream, new HourlyPriceParser(), series, ref rows);
        }

        return sink;
    }

    /// <summary>
    /// (b) The ceiling: one hand-written pass per file, fields by position, the date cached, the baselines in flat
    /// preallocated rings; same arithmetic in the same order as <see cref="AnomalyDetector"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AnomalyChecksum HandLoop((string Series, byte[] Data)[] files)
    {
        const int Ring = 16;
        const int Hours = 25;
        var sink = new AnomalyChecksum();
        var k = Options.StandardDeviations;
        var lookback = Options.Lookback.Ticks;
        var minHistory = Options.MinHistory;
        var slots = files.Length * Hours;
        var times = new long[slots * Ring];
        var values = new double[slots * Ring];
        var heads = new int[slots];
        var counts = new int[slots];
        var offset = -Ieso.BaseUtcOffset.Ticks; // fixed-offset zone

        for (var f = 0; f < files.Length; f++)
        {
            ReadOnlySpan<byte> s = files[f].Data;
            var pos = s.IndexOf((byte)'\n') + 1;
            ulong dateKey = 0;
            ushort dateKey2 = 0;
            long dayTicks = 0;
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
                if (line.Length < 14)
                {
                    continue;
                }

                // yyyy-MM-dd,h,price
                var key = Unsafe.ReadUnaligned<ulong>(ref Unsafe.AsRef(in line[0]));
                var key2 = Unsafe.ReadUnaligned<ushort>(ref Unsafe.AsRef(in line[8]));
                if (key != dateKey || key2 != dateKey2)
                {
                    var year = (Digit(line[0]) * 1000) + (Digit(line[1]) * 100) + (Digit(line[2]) * 10) + Digit(line[3]);
                    var month = (Digit(line[5]) * 10) + Digit(line[6]);
                    var day = (Digit(line[8]) * 10) + Digit(line[9]);
                    dayTicks = new DateOnly(year, month, day).DayNumber * TimeSpan.TicksPerDay;
                    dateKey = key;
                    dateKey2 = key2;
                }

                var i = 11;
                var hour = 0;
                for (; line[i] != (byte)','; i++)
                {
                    hour = (hour * 10) + Digit(line[i]);
                }

                i++;
                var negative = line[i] == (byte)'-';
                if (negative)
                {
                    i++;
                }

                long mantissa = 0;
                var fraction = -1;
                for (; i < line.Length; i++)
                {
                    var c = line[i];
                    if (c == (byte)'.')
                    {
                        fraction = 0;
                    }
                    else
                    {
                        mantissa = (mantissa * 10) + Digit(c);
                        if (fraction >= 0)
                        {
                            fraction++;
                        }
                    }
                }

                double price = fraction > 0 ? mantissa / (fraction == 1 ? 10.0 : fraction == 2 ? 100.0 : Math.Pow(10, fraction)) : mantissa;
                if (negative)
                {
                    price = -price;
                }

                var time = dayTicks + ((hour - 1) * TimeSpan.TicksPerHour) + offset;

                // The baseline of (series, hour): drop what is older than the lookback, judge, add.
                var slot = (f * Hours) + hour;
                var b = slot * Ring;
                var head = heads[slot];
                var n = counts[slot];
                var cutoff = time - lookback;
                while (n > 0 && times[b + head] < cutoff)
                {
                    head = (head + 1) % Ring;
                    n--;
                }

                AnomalyCheck check;
                if (n == 0)
                {
                    check = new AnomalyCheck(AnomalyStatus.InsufficientHistory, 0, double.NaN, double.NaN, double.NaN, double.NaN);
                }
                else
                {
                    var oldest = values[b + head];
                    double sum = 0;
                    var allEqual = true;
                    for (var j = 0; j < n; j++)
                    {
                        var x = values[b + ((head + j) % Ring)];
                        sum += x;
                        allEqual &= x == oldest;
                    }

                    double mean, sd;
                    if (allEqual)
                    {
                        mean = oldest;
                        sd = n >= 2 ? 0 : double.NaN;
                    }
                    else
                    {
                        mean = sum / n;
                        var squares = 0.0;
                        for (var j = 0; j < n; j++)
                        {
                            var d = values[b + ((head + j) % Ring)] - mean;
                            squares += d * d;
                        }

                        sd = Math.Sqrt(squares / (n - 1));
                    }

                    var threshold = mean + (k * sd);
                    var z = sd > 0 ? (price - mean) / sd : double.NaN;
                    var status = n < minHistory
                        ? AnomalyStatus.InsufficientHistory
                        : price > mean && price >= threshold ? AnomalyStatus.Anomaly : AnomalyStatus.Normal;
                    check = new AnomalyCheck(status, n, mean, sd, threshold, z);
                }

                sink.Add(in check);
                if (n == Ring)
                {
                    throw new InvalidOperationException("hand loop ring too small");
                }

                var at = b + ((head + n) % Ring);
                times[at] = time;
                values[at] = price;
                heads[slot] = head;
                counts[slot] = n + 1;
            }
        }

        return sink;
    }

    /// <summary>
    /// (c) As a typical user writes it with Rx: string lines, <c>Split(',')</c>, <c>DateTime.ParseExact</c>,
    /// <c>int.Parse</c>/<c>double.Parse</c>, <c>TimeZoneInfo.ConvertTimeToUtc</c>, <c>GroupBy</c> (series, hour), and a
    /// <c>Scan</c> keeping a <c>List</c> of past prices, judged with LINQ <c>Average</c> and a LINQ standard deviation.
    /// </summary>
    public static AnomalyChecksum NaiveRx((string Series, byte[] Data)[] files)
    {
        var sink = new AnomalyChecksum();
        var lookback = Options.Lookback;
        var k = Options.StandardDeviations;
        var minHistory = Options.MinHistory;
        var rows = Observable.Create<(string Series, string Line)>(observer =>
        {
            foreach (var (series, data) in files)
            {
                using var reader = new StreamReader(new MemoryStream(data, writable: false));
                reader.ReadLine(); // header
                while (reader.ReadLine() is { } line)
                {
                    observer.OnNext((series, line));
                }
            }

            observer.OnCompleted();
            return Disposable.Empty;
        });

        var checks = rows
            .Select(x =>
            {
                var f = x.Line.Split(',');
                var date = DateTime.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var hour = int.Parse(f[1], CultureInfo.InvariantCulture);
                var utc = TimeZoneInfo.ConvertTimeToUtc(date.AddHours(hour - 1), Ieso);
                return new NaivePrice(x.Series, utc, hour, double.Parse(f[2], CultureInfo.InvariantCulture));
            })
            .GroupBy(p => (p.Series, p.Hour))
            .SelectMany(g => g.Scan(
                (History: new List<NaivePrice>(), Check: default(AnomalyCheck)),
                (state, p) =>
                {
                    state.History.RemoveAll(h => h.Time < p.Time - lookback);
                    var n = state.History.Count;
                    AnomalyCheck check;
                    if (n == 0)
                    {
                        check = new AnomalyCheck(AnomalyStatus.InsufficientHistory, 0, double.NaN, double.NaN, double.NaN, double.NaN);
                    }
                    else
                    {
                        var mean = state.History.Average(h => h.Price);
                        var sd = n < 2 ? double.NaN : Math.Sqrt(state.History.Sum(h => (h.Price - mean) * (h.Price - mean)) / (n - 1));
                        var threshold = mean + (k * sd);
                        var status = n < minHistory ? AnomalyStatus.InsufficientHistory
                            : p.Price > mean && p.Price >= threshold ? AnomalyStatus.Anomaly : AnomalyStatus.Normal;
                        check = new AnomalyCheck(status, n, mean, sd, threshold, sd > 0 ? (p.Price - mean) / sd : double.NaN);
                    }

                    state.History.Add(p);
                    return (state.History, check);
                }))
            .Select(s => s.Check);

        using var subscription = checks.Subscribe(c => sink.Add(in c));
        return sink;
    }

    private static int Digit(byte b) => b - '0';

    private readonly record struct NaivePrice(string Series, DateTime Time, int Hour, double Price);

    private readonly struct PricesInto(AnomalyDetector detector, string series, AnomalyChecksum sink) : IRowHandler<HourlyPrice>
    {
        public void OnRow(in HourlyPrice p, in LinePosition position)
        {
            var check = detector.Evaluate(series, p.TimestampTicks, p.Hour, p.Price);
            sink.Add(in check);
        }

        public void OnDeadLetter(DeadLetter deadLetter) => throw new InvalidDataException(deadLetter.ToString());
    }
}

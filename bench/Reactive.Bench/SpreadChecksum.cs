using Reactive.Operators.Spread;

namespace Reactive.Bench;

/// <summary>
/// Folds spread window results into counts, sums and two hashes so that nothing is optimized away and runs
/// can be compared: <see cref="OrderedHash"/> covers every field bit for bit, in emission order (product vs hand
/// loop must agree exactly); <see cref="KeyHash"/> covers the integer fields only, order-free (naive Rx emits in
/// another order and sums floats in another order, so its doubles are compared with a tolerance).
/// </summary>
internal sealed class SpreadChecksum : ISpreadSink
{
    private const ulong Prime = 0x100000001B3UL;

    public long Seconds { get; private set; }

    public long Minutes { get; private set; }

    public long Dropped { get; set; }

    public long SecondQuotes { get; private set; }

    public long MinuteQuotes { get; private set; }

    public long Locked { get; private set; }

    public long Crossed { get; private set; }

    public long WeightedTicks { get; private set; }

    public double SumAverage { get; private set; }

    public double SumMin { get; private set; }

    public double SumMax { get; private set; }

    public double SumLast { get; private set; }

    public double SumTimeWeighted { get; private set; }

    public ulong OrderedHash { get; private set; } = 0xCBF29CE484222325UL;

    public ulong KeyHash { get; private set; }

    public void OnResult(in SpreadResult result)
    {
        Add(
            result.Kind == SpreadResultKind.Minute,
            result.WindowStartTicks,
            result.Count,
            result.LockedCount,
            result.CrossedCount,
            result.Average ?? double.NaN,
            result.Min ?? double.NaN,
            result.Max ?? double.NaN,
            result.Last ?? double.NaN,
            result.TimeWeightedAverage ?? double.NaN,
            result.WeightedTicks);
    }

    public void Add(bool minute, long start, int count, int locked, int crossed, double average, double min, double max, double last, double timeWeighted, long weightedTicks)
    {
        if (minute)
        {
            Minutes++;
            MinuteQuotes += count;
        }
        else
        {
            Seconds++;
            SecondQuotes += count;
            Locked += locked;
            Crossed += crossed;
        }

        WeightedTicks += weightedTicks;
        SumAverage += Finite(average);
        SumMin += Finite(min);
        SumMax += Finite(max);
        SumLast += Finite(last);
        SumTimeWeighted += Finite(timeWeighted);

        var h = OrderedHash;
        h = Mix(h, minute ? 1UL : 0UL);
        h = Mix(h, (ulong)start);
        h = Mix(h, (ulong)count);
        h = Mix(h, (ulong)locked);
        h = Mix(h, (ulong)crossed);
        h = Mix(h, Bits(average));
        h = Mix(h, Bits(min));
        h = Mix(h, Bits(max));
        h = Mix(h, Bits(last));
        h = Mix(h, Bits(timeWeighted));
        h = Mix(h, (ulong)weightedTicks);
        OrderedHash = h;

        var k = 0xCBF29CE484222325UL;
        k = Mix(k, minute ? 1UL : 0UL);
        k = Mix(k, (ulong)start);
        k = Mix(k, (ulong)count);
        k = Mix(k, (ulong)locked);
        k = Mix(k, (ulong)crossed);
        k = Mix(k, (ulong)weightedTicks);
        KeyHash += k;
    }

    /// <summary>Exact equality (every field, every bit, same order).</summary>
    public bool SameExactly(SpreadChecksum other) => OrderedHash == other.OrderedHash && SameKeys(other)
        && SumAverage.Equals(other.SumAverage) && SumTimeWeighted.Equals(other.SumTimeWeighted);

    /// <summary>Same windows and counts; the float statistics within a relative tolerance.</summary>
    public bool SameWithin(SpreadChecksum other, double tolerance) => SameKeys(other)
        && Close(SumAverage, other.SumAverage, tolerance)
        && Close(SumMin, other.SumMin, tolerance)
        && Close(SumMax, other.SumMax, tolerance)
        && Close(SumLast, other.SumLast, tolerance)
        && Close(SumTimeWeighted, other.SumTimeWeighted, tolerance);

    public override string ToString() =>
        $"seconds={Seconds} minutes={Minutes} quotes={SecondQuotes}/{MinuteQuotes} locked={Locked} crossed={Crossed} dropped={Dropped} " +
        $"Σavg={SumAverage:R} Σmin={SumMin:R} Σmax={SumMax:R} Σlast={SumLast:R} Σtwa={SumTimeWeighted:R} Σw={WeightedTicks} " +
        $"hash={OrderedHash:X16} keys={KeyHash:X16}";

    internal static bool Close(double a, double b, double tolerance) =>
        Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    private bool SameKeys(SpreadChecksum o) =>
        Seconds == o.Seconds && Minutes == o.Minutes && Dropped == o.Dropped && SecondQuotes == o.SecondQuotes
        && MinuteQuotes == o.MinuteQuotes && Locked == o.Locked && Crossed == o.Crossed
        && WeightedTicks == o.WeightedTicks && KeyHash == o.KeyHash;

    private static double Finite(double x) => double.IsFinite(x) ? x : 0;

    private static ulong Bits(double x) => (ulong)BitConverter.DoubleToInt64Bits(x);

    private static ulong Mix(ulong h, ulong v) => (h ^ v) * Prime;
}

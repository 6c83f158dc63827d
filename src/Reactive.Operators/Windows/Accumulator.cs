using System.Buffers;

namespace Reactive.Operators.Windows;

/// <summary>
/// The running state of one aggregate of one window and key: a mutable struct kept in a flat array
/// (slot × aggregate), updated in place. Only the fields of its kind are used.
/// </summary>
internal struct Accumulator
{
    public long Count;
    public double Sum;
    public double Mean;
    public double M2;
    public double Min;
    public double Max;
    public bool HasFirst;
    public double? First;
    public double? Last;

    // Time-weighted average: samples sorted by event time (pooled arrays) and Σ vᵢ·(tᵢ₊₁ − tᵢ) over the closed intervals.
    public long[]? Times;
    public double[]? Values;
    public int Samples;
    public double Weighted;

    /// <summary>Adds one row's value; returns the number of time-weighted samples added (0 or 1).</summary>
    public int Add(AggregateKind kind, double? value, long time)
    {
        switch (kind)
        {
            case AggregateKind.Count:
                Count++;
                return 0;
            case AggregateKind.First:
                if (!HasFirst)
                {
                    HasFirst = true;
                    First = value;
                }

                return 0;
            case AggregateKind.Last:
                HasFirst = true;
                Last = value;
                return 0;
        }

        if (value is not { } x)
        {
            return 0;
        }

        switch (kind)
        {
            case AggregateKind.CountValue:
                Count++;
                break;
            case AggregateKind.Sum:
            case AggregateKind.Avg:
                Count++;
                Sum += x;
                break;
            case AggregateKind.Min:
                // As Spark: NaN is larger than any number, so min skips it unless all are NaN.
                if (Count == 0 || x < Min || double.IsNaN(Min))
                {
                    Min = x;
                }

                Count++;
                break;
            case AggregateKind.Max:
                if (Count == 0 || x > Max || double.IsNaN(x))
                {
                    Max = x;
                }

                Count++;
                break;
            case AggregateKind.StdDev:
            case AggregateKind.Variance:
                // Welford, as Spark's CentralMomentAgg: delta·(delta − delta/n) = delta·(x − newMean).
                Count++;
                var delta = x - Mean;
                Mean += delta / Count;
                M2 += delta * (x - Mean);
                break;
            case AggregateKind.TimeWeightedAverage:
                AddSample(time, x);
                return 1;
        }

        return 0;
    }

    public readonly double? Result(AggregateKind kind, long windowEnd) => kind switch
    {
        AggregateKind.Count or AggregateKind.CountValue => Count,
        AggregateKind.Sum => Count == 0 ? null : Sum,
        AggregateKind.Avg => Count == 0 ? null : Sum / Count,
        AggregateKind.Min => Count == 0 ? null : Min,
        AggregateKind.Max => Count == 0 ? null : Max,
        AggregateKind.First => First,
        AggregateKind.Last => Last,
        AggregateKind.StdDev => Count < 2 ? null : Math.Sqrt(M2 / (Count - 1)),
        AggregateKind.Variance => Count < 2 ? null : M2 / (Count - 1),
        AggregateKind.TimeWeightedAverage => Samples == 0
            ? null
            : (Weighted + (Values![Samples - 1] * (windowEnd - Times![Samples - 1]))) / (windowEnd - Times![0]),
        _ => null,
    };

    /// <summary>A copy that shares nothing with this accumulator.</summary>
    public readonly AggregateState Save() => new(
        Count, Sum, Mean, M2, Min, Max, HasFirst, First, Last,
        Times is null ? [] : Times.AsSpan(0, Samples).ToArray(),
        Values is null ? [] : Values.AsSpan(0, Samples).ToArray(),
        Weighted);

    /// <summary>The accumulator of a saved state (pooled arrays for its samples).</summary>
    public static Accumulator Load(AggregateState s)
    {
        var acc = new Accumulator
        {
            Count = s.Count, Sum = s.Sum, Mean = s.Mean, M2 = s.M2, Min = s.Min, Max = s.Max,
            HasFirst = s.HasFirst, First = s.First, Last = s.Last, Weighted = s.Weighted,
        };
        if (s.Times.Count > 0)
        {
            acc.Times = ArrayPool<long>.Shared.Rent(Math.Max(8, s.Times.Count));
            acc.Values = ArrayPool<double>.Shared.Rent(acc.Times.Length);
            for (var i = 0; i < s.Times.Count; i++)
            {
                acc.Times[i] = s.Times[i];
                acc.Values[i] = s.Values[i];
            }

            acc.Samples = s.Times.Count;
        }

        return acc;
    }

    /// <summary>Returns pooled arrays and resets to empty.</summary>
    public void Release()
    {
        if (Times is not null)
        {
            ArrayPool<long>.Shared.Return(Times);
            ArrayPool<double>.Shared.Return(Values!);
        }

        this = default;
    }

    private void AddSample(long t, double x)
    {
        if (Times is null)
        {
            Times = ArrayPool<long>.Shared.Rent(8);
            Values = ArrayPool<double>.Shared.Rent(8);
        }
        else if (Samples == Times.Length)
        {
            var times = ArrayPool<long>.Shared.Rent(Samples * 2);
            var values = ArrayPool<double>.Shared.Rent(Samples * 2);
            Array.Copy(Times, times, Samples);
            Array.Copy(Values!, values, Samples);
            ArrayPool<long>.Shared.Return(Times);
            ArrayPool<double>.Shared.Return(Values!);
            Times = times;
            Values = values;
        }

        var ts = Times;
        var vs = Values!;

        // In event-time order the sample is appended; an out-of-order one goes after the samples with time <= t
        // (so of equal times the later arrival holds).
        int i;
        if (Samples == 0 || t >= ts[Samples - 1])
        {
            i = Samples;
        }
        else
        {
            int lo = 0, hi = Samples;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (ts[mid] <= t)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            i = lo;
            Array.Copy(ts, i, ts, i + 1, Samples - i);
            Array.Copy(vs, i, vs, i + 1, Samples - i);
        }

        var hasPrev = i > 0;
        var hasNext = i < Samples;
        if (hasPrev && hasNext)
        {
            // [tPrev, tNext) held vPrev; now [tPrev, t) holds vPrev and [t, tNext) holds x.
            Weighted += (x - vs[i - 1]) * (ts[i + 1] - t);
        }
        else if (hasPrev)
        {
            // The previous last sample's interval closes at t.
            Weighted += vs[i - 1] * (t - ts[i - 1]);
        }
        else if (hasNext)
        {
            // A new first sample holds until the old first one.
            Weighted += x * (ts[i + 1] - t);
        }

        ts[i] = t;
        vs[i] = x;
        Samples++;
    }
}

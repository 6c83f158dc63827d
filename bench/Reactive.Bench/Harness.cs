using System.Diagnostics;

namespace Reactive.Bench;

/// <summary>One measured case: median time of the timed repetitions and bytes allocated per item.</summary>
/// <remarks><see cref="Times"/> are the timed runs in the order they ran (round by round when interleaved).</remarks>
internal sealed record Measurement(string Name, long Items, double MedianSeconds, double MinSeconds, double MaxSeconds, double BytesPerItem, int Repetitions, double[] Times)
{
    public double ItemsPerSecond => Items / MedianSeconds;

    /// <summary>
    /// How many times faster this case is than <paramref name="baseline"/>, paired by round: the median over the
    /// rounds both ran of (baseline's time ÷ this case's time), on the same number of items. A slow spell of the
    /// machine that falls on one round counts once, for both cases, instead of moving one case's median.
    /// </summary>
    public double PairedSpeedup(Measurement baseline)
    {
        var rounds = Math.Min(Times.Length, baseline.Times.Length);
        var ratios = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            ratios[r] = (baseline.Times[r] / baseline.Items) / (Times[r] / Items);
        }

        Array.Sort(ratios);
        return rounds % 2 == 1 ? ratios[rounds / 2] : (ratios[(rounds / 2) - 1] + ratios[rounds / 2]) / 2;
    }
}

/// <summary>A case to measure: its name, how many items one run processes, how many timed runs, and the run.</summary>
internal sealed record BenchCase(string Name, long Items, int Repetitions, Action Run)
{
    /// <summary>Called before each run, untimed and its allocations not counted (a fresh checkpoint directory).</summary>
    public Action? Setup { get; init; }
}

/// <summary>
/// A deliberately simple harness: warm-up runs (JIT tiers, pools), then timed repetitions on this thread,
/// median reported. Allocation is measured on the current thread (every case runs synchronously on it).
/// </summary>
/// <remarks>
/// <para>
/// Warm-up is counted in runs and in time: at least <c>warmups</c> runs, and more until <c>warmupSeconds</c> have
/// passed. One run of a 0.15 s case is not enough for .NET's tiered JIT (tier 0, then instrumented code for
/// dynamic PGO, then tier 1, each promotion after a delay of about 100 ms without new tier-0 code), so the first
/// timed runs used to mix tiers. The hand loop (b) is marked <c>AggressiveOptimization</c> and is fully optimised
/// from its first call (without PGO); the product is what a long-running service executes after its first
/// seconds, hence the time-based warm-up.
/// </para>
/// <para>
/// Cases compared by a ratio are measured <em>interleaved</em> (<see cref="MeasureInterleaved"/>: a, b, c, a, b,
/// c, …), so that a slow spell of a shared machine (other tenants, CPU frequency) falls on all of them rather than
/// on whichever case happened to run then: measured back to back, (a)'s runs alone ranged 0.16–0.24 s.
/// </para>
/// </remarks>
internal static class Harness
{
    public static Measurement Measure(string name, long items, int warmups, int repetitions, Action run, double warmupSeconds = 0) =>
        MeasureInterleaved(warmups, warmupSeconds, new BenchCase(name, items, repetitions, run))[0];

    /// <summary>Warms each case up, then runs their timed repetitions round robin; one measurement per case.</summary>
    public static Measurement[] MeasureInterleaved(int warmups, double warmupSeconds, params BenchCase[] cases)
    {
        foreach (var c in cases)
        {
            var warming = Stopwatch.StartNew();
            for (var i = 0; i < warmups || warming.Elapsed.TotalSeconds < warmupSeconds; i++)
            {
                c.Setup?.Invoke();
                c.Run();
            }
        }

        var times = cases.Select(c => new double[c.Repetitions]).ToArray();
        var allocated = new long[cases.Length];
        var rounds = cases.Max(c => c.Repetitions);
        for (var r = 0; r < rounds; r++)
        {
            for (var k = 0; k < cases.Length; k++)
            {
                if (r >= cases[k].Repetitions)
                {
                    continue;
                }

                cases[k].Setup?.Invoke();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var before = GC.GetAllocatedBytesForCurrentThread();
                var start = Stopwatch.GetTimestamp();
                cases[k].Run();
                times[k][r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                allocated[k] += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        var result = new Measurement[cases.Length];
        for (var k = 0; k < cases.Length; k++)
        {
            var inOrder = times[k];
            var t = (double[])inOrder.Clone();
            Array.Sort(t);
            var c = cases[k];
            result[k] = new Measurement(c.Name, c.Items, t[t.Length / 2], t[0], t[^1], (double)allocated[k] / c.Repetitions / c.Items, c.Repetitions, inOrder);
        }

        return result;
    }
}

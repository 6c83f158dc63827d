using System.Diagnostics;

namespace Reactive.Bench;

/// <summary>One measured case: median time of the timed repetitions and bytes allocated per item.</summary>
internal sealed record Measurement(string Name, long Items, double MedianSeconds, double MinSeconds, double MaxSeconds, double BytesPerItem, int Repetitions)
{
    public double ItemsPerSecond => Items / MedianSeconds;
}

/// <summary>
/// A deliberately simple harness: warm-up runs (JIT tiers, pools), then timed repetitions on this thread,
/// median reported. Allocation is measured on the current thread (every case runs synchronously on it).
/// </summary>
internal static class Harness
{
    public static Measurement Measure(string name, long items, int warmups, int repetitions, Action run)
    {
        for (var i = 0; i < warmups; i++)
        {
            run();
        }

        var times = new double[repetitions];
        long allocated = 0;
        for (var i = 0; i < repetitions; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Array.Sort(times);
        return new Measurement(name, items, times[repetitions / 2], times[0], times[^1], (double)allocated / repetitions / items, repetitions);
    }
}

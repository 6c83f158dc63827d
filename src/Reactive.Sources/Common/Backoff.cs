namespace Reactive.Sources;

/// <summary>Exponential backoff with jitter, as the sources that retry (socket, Kinesis) compute it.</summary>
internal static class Backoff
{
    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based), before jitter: <c>initial × multiplier^(attempt − 1)</c>, at most <paramref name="max"/>.</summary>
    public static TimeSpan Delay(TimeSpan initial, TimeSpan max, double multiplier, int attempt)
    {
        if (initial == TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var ticks = initial.Ticks * Math.Pow(multiplier, Math.Max(0, attempt - 1));
        return double.IsNaN(ticks) || ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary><paramref name="delay"/> shortened by a random part of at most <paramref name="jitterFraction"/>: uniform in <c>[delay × (1 − jitterFraction), delay]</c>.</summary>
    /// <param name="delay">The wait before jitter.</param>
    /// <param name="jitterFraction">0 to 1.</param>
    /// <param name="random">A number drawn uniformly from [0, 1).</param>
    public static TimeSpan Jitter(TimeSpan delay, double jitterFraction, double random) =>
        TimeSpan.FromTicks((long)(delay.Ticks * (1.0 - (jitterFraction * random))));
}

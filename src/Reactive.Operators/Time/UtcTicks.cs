using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reactive.Operators.Time;

/// <summary>UTC ticks: as people read them in dead letters and messages, and the arithmetic of idle timeouts.</summary>
internal static class UtcTicks
{
    /// <summary>a + b, clamped to long's range: a huge idle timeout or delay (TimeSpan.MaxValue) must not wrap around.</summary>
    public static long AddSaturating(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b > 0 ? long.MaxValue : long.MinValue) : sum;
    }

    /// <summary>Runs <paramref name="action"/> at <paramref name="dueTicks"/> on <paramref name="scheduler"/> (clamped to the last instant a date can hold).</summary>
    public static IDisposable ScheduleAt<TState>(IScheduler scheduler, TState state, long dueTicks, Action<TState> action)
    {
        var max = DateTimeOffset.MaxValue.UtcTicks;
        return scheduler.Schedule((state, action), new DateTimeOffset(dueTicks > max ? max : dueTicks, TimeSpan.Zero), static (_, s) =>
        {
            s.action(s.state);
            return Disposable.Empty;
        });
    }

    /// <summary>ISO-8601 UTC (<c>2014-03-03T14:30:01.5Z</c>, the fraction only when there is one); the number itself outside the range of a date.</summary>
    public static string Format(long ticks) =>
        ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture)
            : ticks.ToString(CultureInfo.InvariantCulture);
}

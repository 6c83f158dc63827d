namespace Reactive.Testing;

/// <summary>
/// Converts durations to virtual ticks of <see cref="TestScheduler"/> (1 tick = 1 <see cref="TimeSpan"/> tick),
/// so tests can write <c>Ticks.FromSeconds(10)</c> instead of <c>TimeSpan.FromSeconds(10).Ticks</c>.
/// </summary>
public static class Ticks
{
    /// <summary>The ticks in one millisecond.</summary>
    public const long PerMillisecond = TimeSpan.TicksPerMillisecond;

    /// <summary>The ticks in one second.</summary>
    public const long PerSecond = TimeSpan.TicksPerSecond;

    /// <summary>The ticks in one minute.</summary>
    public const long PerMinute = TimeSpan.TicksPerMinute;

    /// <summary>Converts a duration to ticks.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns><paramref name="duration"/>.<see cref="TimeSpan.Ticks"/>.</returns>
    public static long From(TimeSpan duration) => duration.Ticks;

    /// <summary>Converts milliseconds to ticks.</summary>
    /// <param name="milliseconds">The number of milliseconds.</param>
    /// <returns>The ticks.</returns>
    public static long FromMilliseconds(long milliseconds) => checked(milliseconds * PerMillisecond);

    /// <summary>Converts seconds to ticks.</summary>
    /// <param name="seconds">The number of seconds.</param>
    /// <returns>The ticks.</returns>
    public static long FromSeconds(long seconds) => checked(seconds * PerSecond);

    /// <summary>Converts minutes to ticks.</summary>
    /// <param name="minutes">The number of minutes.</param>
    /// <returns>The ticks.</returns>
    public static long FromMinutes(long minutes) => checked(minutes * PerMinute);
}

using System.Globalization;

namespace Reactive.Operators.Time;

/// <summary>UTC ticks as people read them in dead letters and messages.</summary>
internal static class UtcTicks
{
    /// <summary>ISO-8601 UTC (<c>2014-03-03T14:30:01.5Z</c>, the fraction only when there is one); the number itself outside the range of a date.</summary>
    public static string Format(long ticks) =>
        ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture)
            : ticks.ToString(CultureInfo.InvariantCulture);
}

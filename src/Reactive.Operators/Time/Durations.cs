using System.Globalization;

namespace Reactive.Operators.Time;

/// <summary>
/// Parses durations written as Spark writes intervals (<c>10 seconds</c>, <c>5 minutes</c>,
/// <c>1 hour 30 minutes</c>, <c>500 milliseconds</c>) or as .NET <see cref="TimeSpan"/> text
/// (<c>00:00:10</c>, <c>1.00:00:00</c>), or a bare <c>0</c>.
/// </summary>
public static class Durations
{
    /// <summary>Parses <paramref name="text"/>; returns false (with a reason) when it is not a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a duration is required, e.g. \"10 seconds\" or \"00:00:10\"";
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal) &&
            TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var parts = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 0 && string.Equals(parts[0], "interval", StringComparison.OrdinalIgnoreCase))
        {
            parts = parts[1..];
        }

        // A bare 0 needs no unit (how a user turns an interval off); any other number without one is refused.
        if (parts.Length == 1 && TryAmount(parts[0], out var bare) && bare == 0)
        {
            value = TimeSpan.Zero;
            return true;
        }

        if (parts.Length == 0 || parts.Length % 2 != 0)
        {
            error = $"'{text}' is not a duration: expected '<number> <unit>' pairs such as \"10 seconds\", or TimeSpan text such as \"00:00:10\"";
            return false;
        }

        long ticks = 0;
        for (var i = 0; i < parts.Length; i += 2)
        {
            if (!TryAmount(parts[i], out var amount))
            {
                error = $"'{text}' is not a duration: '{parts[i]}' is not a number";
                return false;
            }

            var unit = UnitTicks(parts[i + 1]);
            if (unit == 0)
            {
                error = $"'{text}' is not a duration: unknown unit '{parts[i + 1]}' (use milliseconds, seconds, minutes, hours, days or weeks)";
                return false;
            }

            try
            {
                ticks = checked(ticks + (long)(amount * unit));
            }
            catch (OverflowException)
            {
                error = $"'{text}' is too long a duration";
                return false;
            }
        }

        value = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>The number of a duration's part: a sign and a decimal point allowed, invariant culture.</summary>
    private static bool TryAmount(string text, out decimal amount) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> with the reason.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Formats a duration the way Spark prints intervals, e.g. <c>10 seconds</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0 seconds";
        }

        var (amount, unit) = value.Ticks switch
        {
            var t when t % TimeSpan.TicksPerDay == 0 => (t / TimeSpan.TicksPerDay, "day"),
            var t when t % TimeSpan.TicksPerHour == 0 => (t / TimeSpan.TicksPerHour, "hour"),
            var t when t % TimeSpan.TicksPerMinute == 0 => (t / TimeSpan.TicksPerMinute, "minute"),
            var t when t % TimeSpan.TicksPerSecond == 0 => (t / TimeSpan.TicksPerSecond, "second"),
            var t when t % TimeSpan.TicksPerMillisecond == 0 => (t / TimeSpan.TicksPerMillisecond, "millisecond"),
            var t => (t / TimeSpan.TicksPerMicrosecond, "microsecond"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{amount} {unit}{(Math.Abs(amount) == 1 ? "" : "s")}");
    }

    private static long UnitTicks(string unit) => unit.ToLowerInvariant() switch
    {
        "us" or "microsecond" or "microseconds" => TimeSpan.TicksPerMicrosecond,
        "ms" or "millisecond" or "milliseconds" => TimeSpan.TicksPerMillisecond,
        "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.TicksPerSecond,
        "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.TicksPerMinute,
        "h" or "hour" or "hours" => TimeSpan.TicksPerHour,
        "d" or "day" or "days" => TimeSpan.TicksPerDay,
        "w" or "week" or "weeks" => TimeSpan.TicksPerDay * 7,
        _ => 0,
    };
}

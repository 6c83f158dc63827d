using System.Globalization;

namespace Reactive.Sources.Replay;

/// <summary>
/// Event-time readers for <see cref="FileReplayOptions.TimeOf"/> in the course formats. They only pace a
/// replay, so they read wall-clock times as if they were UTC (only differences matter; a DST switch inside
/// a replay shifts the pause across it by an hour). Lines they cannot read (headers, bad lines) give null.
/// </summary>
public static class LineTimes
{
    /// <summary>BBO quotes: <c>Symbol,MM/dd/yyyy,HH:mm:ss.fff,…</c>.</summary>
    public static Func<string, DateTimeOffset?> Bbo { get; } = line =>
    {
        var span = line.AsSpan();
        int a = span.IndexOf(',');
        if (a < 0)
        {
            return null;
        }

        var rest = span[(a + 1)..];
        int b = rest.IndexOf(',');
        if (b < 0)
        {
            return null;
        }

        var timePart = rest[(b + 1)..];
        int c = timePart.IndexOf(',');
        if (c >= 0)
        {
            timePart = timePart[..c];
        }

        return DateTime.TryParseExact(rest[..b], "M/d/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && TimeSpan.TryParseExact(timePart, ["h\\:mm\\:ss\\.FFFFFFF", "h\\:mm\\:ss"], CultureInfo.InvariantCulture, out var time)
            ? new DateTimeOffset(date + time, TimeSpan.Zero)
            : null;
    };

    /// <summary>Hourly prices: <c>yyyy-MM-dd,hour,price</c> with hour-ending 1..24; the time is the start of the hour.</summary>
    public static Func<string, DateTimeOffset?> HourlyPrice { get; } = line =>
    {
        var span = line.AsSpan();
        int a = span.IndexOf(',');
        if (a < 0)
        {
            return null;
        }

        var rest = span[(a + 1)..];
        int b = rest.IndexOf(',');
        return b >= 0
            && DateTime.TryParseExact(span[..a], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && int.TryParse(rest[..b], NumberStyles.None, CultureInfo.InvariantCulture, out int hour) && hour is >= 1 and <= 24
            ? new DateTimeOffset(date.AddHours(hour - 1), TimeSpan.Zero)
            : null;
    };

    /// <summary>JSON lines with a string timestamp property (<c>"timestamp":"yyyy-MM-ddTHH:mm:ss"</c> in the bitcoin feed).</summary>
    public static Func<string, DateTimeOffset?> JsonProperty(string name = "timestamp")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string key = "\"" + name + "\"";
        return line =>
        {
            int at = line.IndexOf(key, StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            var rest = line.AsSpan(at + key.Length).TrimStart();
            if (rest.IsEmpty || rest[0] != ':')
            {
                return null;
            }

            rest = rest[1..].TrimStart();
            if (rest.IsEmpty || rest[0] != '"')
            {
                return null;
            }

            rest = rest[1..];
            int end = rest.IndexOf('"');
            // A time without a date is no time here: the framework would date it today, from the machine's clock.
            // (DateTimeOffset refuses NoCurrentDateDefault: read a UTC DateTime.)
            return end >= 0
                && DateTime.TryParse(rest[..end], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.NoCurrentDateDefault, out var time)
                && time.Year > 1
                ? new DateTimeOffset(time.Ticks, TimeSpan.Zero)
                : null;
        };
    }

    /// <summary>Delimited lines whose column <paramref name="column"/> (0-based) holds Unix seconds (the Kraken trades file).</summary>
    public static Func<string, DateTimeOffset?> UnixSecondsColumn(int column, char separator = ',')
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        return line =>
        {
            var span = line.AsSpan();
            for (int i = 0; i < column; i++)
            {
                int next = span.IndexOf(separator);
                if (next < 0)
                {
                    return null;
                }

                span = span[(next + 1)..];
            }

            int end = span.IndexOf(separator);
            if (end >= 0)
            {
                span = span[..end];
            }

            return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
                && double.IsFinite(seconds) && Math.Abs(seconds) < 1e11
                ? DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond))
                : null;
        };
    }
}

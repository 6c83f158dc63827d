using System.Globalization;
using Reactive.Operators.Windows;

namespace Reactive.Operators.Tests.Windows;

/// <summary>A test row: event time in seconds from <see cref="WindowTestData.Base"/> (null = none), a key and a value.</summary>
internal sealed record Row(double? At, string Key, double? Value)
{
    public static Row Of(double at, double? value = 1, string key = "a") => new(at, key, value);
}

internal static class WindowTestData
{
    /// <summary>2024-01-01T12:00:00Z: a multiple of 1, 2, 3, 5, 10 s and 1, 5, 10 min from the Unix epoch.</summary>
    public static readonly long Base = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks;

    public static readonly long Epoch = DateTimeOffset.UnixEpoch.UtcTicks;

    public static long S(double seconds) => Base + (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    public static EventTimeWindowOptions<Row, string> Options(
        double durationSeconds,
        double? slideSeconds = null,
        WindowOutputMode mode = WindowOutputMode.Append,
        double delaySeconds = 0,
        params string[] aggregates)
    {
        var o = new EventTimeWindowOptions<Row, string>
        {
            EventTime = r => r.At is { } a ? S(a) : null,
            KeySelector = r => r.Key,
            WindowDuration = TimeSpan.FromSeconds(durationSeconds),
            SlideDuration = slideSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            WatermarkDelay = TimeSpan.FromSeconds(delaySeconds),
            OutputMode = mode,
        };
        foreach (var a in aggregates.Length == 0 ? ["count"] : aggregates)
        {
            o.Aggregates.Add(WindowAggregate<Row>.Parse(a, f => f == "value" ? r => r.Value : null));
        }

        return o;
    }

    /// <summary>Rows as <c>[start,end) key v1,v2</c> with times in seconds from <paramref name="origin"/>, joined by " | ".</summary>
    /// <remarks>A provisional batch (the idle flush's) starts with <c>provisional </c>.</remarks>
    public static string Describe<TKey>(WindowUpdate<TKey> update, long? origin = null) =>
        (update.IsProvisional ? "provisional " : "") + string.Join(" | ", update.Rows.Select(r => Describe(r, origin ?? Base)));

    public static string Describe<TKey>(WindowResult<TKey> r, long origin) =>
        $"[{Sec(r.WindowStartTicks, origin)},{Sec(r.WindowEndTicks, origin)}) {r.Key} {string.Join(",", r.Values.Select(Fmt))}";

    public static string Sec(long ticks, long origin) =>
        ((ticks - origin) / (double)TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture);

    public static string Fmt(double? v) => v is { } x ? x.ToString("0.######", CultureInfo.InvariantCulture) : "null";
}

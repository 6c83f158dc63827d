namespace Reactive.Operators.Windows;

/// <summary>
/// Spark's window assignment (<c>TimeWindowing</c>): windows <c>[start, start + duration)</c> with
/// <c>start = UnixEpoch + k·slide + offset</c>; a time belongs to every window with <c>start &lt;= t &lt; start + duration</c>.
/// Floor division, so times before 1970 align like the others.
/// </summary>
internal readonly struct WindowAssigner
{
    public WindowAssigner(long duration, long slide, long offset)
    {
        Duration = duration;
        Slide = slide;
        Offset = offset;
    }

    public long Duration { get; }

    public long Slide { get; }

    public long Offset { get; }

    /// <summary>The latest window start at or before <paramref name="t"/>.</summary>
    public long LastStart(long t)
    {
        var origin = DateTimeOffset.UnixEpoch.UtcTicks + Offset;
        return origin + (FloorDiv(t - origin, Slide) * Slide);
    }

    /// <summary>
    /// The windows of <paramref name="t"/>: <paramref name="count"/> starts, ascending, the first being
    /// <paramref name="firstStart"/> and each next one <see cref="Slide"/> later.
    /// </summary>
    public void Assign(long t, out long firstStart, out int count)
    {
        var last = LastStart(t);

        // Starts last − j·slide with last − j·slide + duration > t, i.e. j·slide < last − t + duration (> 0).
        var span = last - t + Duration;
        count = (int)((span + Slide - 1) / Slide);
        firstStart = last - ((count - 1) * Slide);
    }

    internal static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }
}

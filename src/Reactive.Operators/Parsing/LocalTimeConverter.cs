using System.Runtime.CompilerServices;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Converts wall-clock times of one time zone into UTC ticks, caching the offset per local hour so
/// a sorted feed pays for one zone lookup per hour.
/// </summary>
/// <remarks>
/// DST is resolved deterministically:
/// <list type="bullet">
/// <item>a local time in a spring-forward gap (it never happened) is read with the offset in force
/// just before the gap, so 02:30 on a New York switch day is 02:30 EST = 07:30Z (the same instant as 03:30 EDT);</item>
/// <item>an ambiguous local time (fall-back overlap, it happened twice) is read as its first occurrence,
/// the one with the larger offset (daylight time), so 01:30 on a New York fall-back day is 01:30 EDT = 05:30Z.</item>
/// </list>
/// An hour is cached only when its first and last tick have the same offset and neither falls in a
/// gap or overlap, so the cache is exact for any zone, including ones that shift by half an hour.
/// Not thread-safe: one per parser.
/// </remarks>
internal sealed class LocalTimeConverter
{
    private readonly TimeZoneInfo _zone;
    private readonly bool _fixedOffset;
    private readonly long _baseOffsetTicks;
    private long _cachedHour = long.MinValue;
    private long _cachedOffsetTicks;

    /// <summary>The dead-letter detail of a time that <see cref="TryToUtcTicks"/> refuses.</summary>
    internal const string OutOfRangeDetail = "is outside the years 1 to 9999 once converted to UTC";

    /// <summary>Creates a converter for <paramref name="zone"/>.</summary>
    public LocalTimeConverter(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        _zone = zone;
        _fixedOffset = zone.GetAdjustmentRules().Length == 0;
        _baseOffsetTicks = zone.BaseUtcOffset.Ticks;
    }

    /// <summary>The zone the local times are in.</summary>
    public TimeZoneInfo Zone => _zone;

    /// <summary>Converts local ticks (a wall-clock time in <see cref="Zone"/>) to UTC ticks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ToUtcTicks(long localTicks) =>
        _fixedOffset ? localTicks - _baseOffsetTicks : ZonedToUtcTicks(localTicks);

    /// <summary>
    /// Converts local ticks to UTC ticks; false when the instant falls outside <see cref="DateTime"/>'s range (the first
    /// hours of year 1 east of UTC, the last ones of year 9999 west of it), where a <see cref="DateTimeOffset"/> of it
    /// would throw.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryToUtcTicks(long localTicks, out long utcTicks)
    {
        utcTicks = ToUtcTicks(localTicks);
        return (ulong)utcTicks <= (ulong)DateTime.MaxValue.Ticks;
    }

    // Zones with rules (DST): the offset cached per local hour. Out of line so that the fixed-offset case inlines.
    private long ZonedToUtcTicks(long localTicks)
    {
        long hour = localTicks / TimeSpan.TicksPerHour;
        if (hour == _cachedHour)
        {
            return localTicks - _cachedOffsetTicks;
        }

        long start = hour * TimeSpan.TicksPerHour;
        long end = start + TimeSpan.TicksPerHour - 1;
        var startTime = new DateTime(start, DateTimeKind.Unspecified);
        var endTime = new DateTime(Math.Min(end, DateTime.MaxValue.Ticks), DateTimeKind.Unspecified);
        if (IsClean(startTime) && IsClean(endTime))
        {
            long startOffset = _zone.GetUtcOffset(startTime).Ticks;
            if (startOffset == _zone.GetUtcOffset(endTime).Ticks)
            {
                _cachedHour = hour;
                _cachedOffsetTicks = startOffset;
                return localTicks - startOffset;
            }
        }

        return localTicks - OffsetOf(_zone, new DateTime(localTicks, DateTimeKind.Unspecified)).Ticks;
    }

    /// <summary>The UTC offset this converter uses for a local time of <paramref name="zone"/> (see the remarks on DST).</summary>
    public static TimeSpan OffsetOf(TimeZoneInfo zone, DateTime local)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return offsets.Max();
        }

        if (zone.IsInvalidTime(local))
        {
            // Step back to the last valid wall-clock time before the gap; gaps are shorter than a day.
            var before = local;
            for (int i = 0; i < 96 && zone.IsInvalidTime(before); i++)
            {
                before = before.AddMinutes(-15);
            }

            return zone.GetUtcOffset(before);
        }

        return zone.GetUtcOffset(local);
    }

    private bool IsClean(DateTime local) => !_zone.IsInvalidTime(local) && !_zone.IsAmbiguousTime(local);
}

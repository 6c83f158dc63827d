using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class LocalTimeConverterTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData(2014, 3, 8)] // spring-forward weekend
    [InlineData(2014, 11, 1)] // fall-back weekend
    public void ToUtcTicks_EveryMinuteOverTwoDaysInOrder_MatchesTheRuleWithoutCache(int y, int m, int d)
    {
        var converter = new LocalTimeConverter(NewYork);
        var start = new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Unspecified);
        for (int minute = 0; minute < 3 * 24 * 60; minute++)
        {
            var local = start.AddMinutes(minute).AddSeconds(17);
            // Independent rule: EDT (−4) from 2014-03-09 02:00 local to 2014-11-02 02:00 local (first 01:xx is EDT); EST (−5) otherwise.
            bool daylight = local >= new DateTime(2014, 3, 9, 2, 0, 0) && local < new DateTime(2014, 11, 2, 2, 0, 0);
            bool inGap = local >= new DateTime(2014, 3, 9, 2, 0, 0) && local < new DateTime(2014, 3, 9, 3, 0, 0);
            int offsetHours = daylight && !inGap ? -4 : -5;

            Assert.Equal(local.Ticks - (offsetHours * TimeSpan.TicksPerHour), converter.ToUtcTicks(local.Ticks));
        }
    }

    [Fact]
    public void ToUtcTicks_FixedZone_IsAConstantShift()
    {
        var converter = new LocalTimeConverter(HourlyPriceParserOptions.IesoStandardTime);
        var summer = new DateTime(2017, 7, 1, 12, 0, 0);
        Assert.Equal(summer.Ticks + (5 * TimeSpan.TicksPerHour), converter.ToUtcTicks(summer.Ticks));
    }

    [Theory]
    // Lord Howe, half-hour DST: on 2014-04-06 02:00 +11:00 the clocks go back to 01:30 +10:30 (01:30-02:00 twice);
    // on 2014-10-05 02:00 +10:30 they jump to 02:30 +11:00 (02:00-02:30 never happens).
    [InlineData("Australia/Lord_Howe", 2014, 4, 6, 660, 630, 90, 120, false)]
    [InlineData("Australia/Lord_Howe", 2014, 10, 5, 630, 660, 120, 150, true)]
    // Havana, transitions at midnight: on 2014-03-09 00:00 -05:00 to 01:00 -04:00 (the gap opens the day); on
    // 2014-11-02 01:00 -04:00 back to 00:00 -05:00 (the day's first hour happens twice).
    [InlineData("America/Havana", 2014, 3, 9, -300, -240, 0, 60, true)]
    [InlineData("America/Havana", 2014, 11, 2, -240, -300, 0, 60, false)]
    public void ToUtcTicks_OddZonesEveryMinuteAroundTheSwitch_MatchTheDocumentedRule(
        string zoneId, int y, int m, int d, int beforeMinutes, int afterMinutes, int fromMinute, int toMinute, bool gap)
    {
        // Worked out from the zones' published rules: before the switch day's local minute `fromMinute` the old offset
        // holds; from `toMinute` on the new one. In between, a gap time takes the old offset, an ambiguous time
        // (a fall-back) its first occurrence, which is also the old offset.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var converter = new LocalTimeConverter(zone);
        var day = new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Unspecified);
        for (int minute = -24 * 60; minute < 2 * 24 * 60; minute++)
        {
            var local = day.AddMinutes(minute).AddSeconds(29);
            bool between = minute >= fromMinute && minute < toMinute;
            Assert.Equal((gap && between, !gap && between), (zone.IsInvalidTime(local), zone.IsAmbiguousTime(local)));
            int offset = minute < toMinute ? beforeMinutes : afterMinutes;
            Assert.True(
                local.Ticks - (offset * TimeSpan.TicksPerMinute) == converter.ToUtcTicks(local.Ticks),
                $"{zoneId} {local:yyyy-MM-dd HH:mm:ss}: expected offset {offset} min, got {(local.Ticks - converter.ToUtcTicks(local.Ticks)) / TimeSpan.TicksPerMinute}");
        }
    }
}

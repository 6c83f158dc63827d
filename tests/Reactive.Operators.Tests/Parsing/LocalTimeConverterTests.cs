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
}

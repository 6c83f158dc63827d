using System.Globalization;
using Reactive.Host.Analytics;

namespace Reactive.Host.Tests.Analytics;

/// <summary>
/// The hand-written ISO-8601 text against .NET's own custom format strings (the formats the service used before), over
/// the edges of the calendar and a million random instants.
/// </summary>
public sealed class IsoTimeTests
{
    private const string Whole = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private const string Trimmed = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";
    private const string Millis = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static TheoryData<long> Edges()
    {
        var data = new TheoryData<long>
        {
            DateTimeOffset.MinValue.UtcTicks,
            DateTimeOffset.MaxValue.UtcTicks,
            new DateTimeOffset(2014, 3, 3, 14, 30, 0, TimeSpan.Zero).UtcTicks,
            new DateTimeOffset(2014, 3, 3, 14, 30, 0, 33, TimeSpan.Zero).UtcTicks,
            new DateTimeOffset(2014, 3, 3, 14, 30, 0, 33, TimeSpan.Zero).UtcTicks + 1,
            new DateTimeOffset(2024, 2, 29, 23, 59, 59, 999, TimeSpan.Zero).UtcTicks + 9_999,
            new DateTimeOffset(2000, 12, 31, 0, 0, 0, TimeSpan.Zero).UtcTicks + 10,
            new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks + 1_000_000,
            new DateTimeOffset(999, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks + 5,
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Edges))]
    public void Format_IsTheCustomFormatsText(long ticks) => AssertSame(ticks);

    [Fact]
    public void Format_RandomInstants_IsTheCustomFormatsText()
    {
        var random = new Random(20261204);
        for (var i = 0; i < 1_000_000; i++)
        {
            var ticks = random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks + 1);
            // A quarter of them on a whole millisecond or second, as quote and window times are.
            ticks -= (i % 4) switch { 1 => ticks % TimeSpan.TicksPerMillisecond, 2 => ticks % TimeSpan.TicksPerSecond, _ => 0 };
            AssertSame(ticks);
        }
    }

    [Fact]
    public void Format_ADestinationTooShort_Throws()
    {
        var time = new DateTimeOffset(2014, 3, 3, 14, 30, 0, TimeSpan.Zero);
        Assert.Throws<ArgumentException>(() => IsoTime.Format(time, new char[IsoTime.MaxLength - 1]));
    }

    private static void AssertSame(long ticks)
    {
        var utc = new DateTime(ticks, DateTimeKind.Utc);
        var time = new DateTimeOffset(utc);
        var text = new char[IsoTime.MaxLength];
        var expected = utc.ToString(ticks % TimeSpan.TicksPerSecond == 0 ? Whole : Trimmed, CultureInfo.InvariantCulture);
        Assert.Equal(expected, new string(text, 0, IsoTime.Format(time, text)));
        Assert.Equal(utc.ToString(Millis, CultureInfo.InvariantCulture), new string(text, 0, IsoTime.FormatMilliseconds(time, text)));

        // A time with an offset is written in UTC.
        if (ticks - TimeSpan.TicksPerHour * 5 >= DateTimeOffset.MinValue.UtcTicks)
        {
            var eastern = time.ToOffset(TimeSpan.FromHours(-5));
            Assert.Equal(expected, new string(text, 0, IsoTime.Format(eastern, text)));
        }
    }
}

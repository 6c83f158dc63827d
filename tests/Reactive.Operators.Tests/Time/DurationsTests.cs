using Reactive.Operators.Time;

namespace Reactive.Operators.Tests.Time;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("10 seconds", 10_000)]
    [InlineData("1 second", 1_000)]
    [InlineData("5 minutes", 300_000)]
    [InlineData("1 hour", 3_600_000)]
    [InlineData("1 hour 30 minutes", 5_400_000)]
    [InlineData("interval 10 minutes", 600_000)]
    [InlineData("500 milliseconds", 500)]
    [InlineData("2 days", 172_800_000)]
    [InlineData("1.5 seconds", 1_500)]
    [InlineData("-5 seconds", -5_000)]
    [InlineData("00:00:10", 10_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("0", 0)]
    [InlineData(" 0.0 ", 0)]
    [InlineData("0 seconds", 0)]
    public void TryParse_SparkWordsAndTimeSpanText(string text, long expectedMs)
    {
        Assert.True(Durations.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), value);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("ten seconds", "'ten' is not a number")]
    [InlineData("10 fortnights", "unknown unit 'fortnights'")]
    [InlineData("10", "expected '<number> <unit>' pairs")]
    [InlineData("0.5", "expected '<number> <unit>' pairs")]
    public void TryParse_Invalid_SaysWhy(string text, string expected)
    {
        Assert.False(Durations.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10_000, "10 seconds")]
    [InlineData(60_000, "1 minute")]
    [InlineData(1_500, "1500 milliseconds")]
    [InlineData(7_200_000, "2 hours")]
    public void Format_RoundTrips(long ms, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(ms)));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), Durations.Parse(expected));
    }
}

using Reactive.Operators.Windows;
using static Reactive.Operators.Tests.Windows.WindowTestData;

namespace Reactive.Operators.Tests.Windows;

public sealed class WindowAssignerTests
{
    private static readonly long Second = TimeSpan.TicksPerSecond;

    private static long[] Starts(long t, double duration, double slide, double offset = 0)
    {
        var a = new WindowAssigner((long)(duration * Second), (long)(slide * Second), (long)(offset * Second));
        a.Assign(t, out var first, out var count);
        return [.. Enumerable.Range(0, count).Select(i => first + (i * a.Slide))];
    }

    [Fact]
    public void Assign_TenMinutesSlidingByFive_TwelveOhSevenIsInTwoWindows()
    {
        var t = Base + TimeSpan.FromMinutes(7).Ticks;
        Assert.Equal([Base, Base + TimeSpan.FromMinutes(5).Ticks], Starts(t, 600, 300));
    }

    [Fact]
    public void Assign_RowOnBoundary_StartGoesInEndGoesToNext()
    {
        Assert.Equal([Base], Starts(Base, 10, 10));
        Assert.Equal([Base + (10 * Second)], Starts(Base + (10 * Second), 10, 10));
        Assert.Equal([Base], Starts(Base + (10 * Second) - 1, 10, 10));
    }

    [Fact]
    public void Assign_SlideNotDividingDuration_AllWindowsContainingTheTime()
    {
        // 10 s / 3 s: starts are multiples of 3 s; t = 7 is in [0,10), [3,13), [6,16) but not [-3,7).
        Assert.Equal([S(0), S(3), S(6)], Starts(S(7), 10, 3));
        Assert.Equal([S(0), S(3), S(6), S(9)], Starts(S(9), 10, 3));
        Assert.Equal([S(3), S(6), S(9)], Starts(S(10), 10, 3));
    }

    [Fact]
    public void Assign_BeforeUnixEpoch_FloorsNotTruncates()
    {
        Assert.Equal([Epoch - (10 * Second)], Starts(Epoch - (5 * Second), 10, 10));
        Assert.Equal([Epoch - (10 * Second)], Starts(Epoch - (10 * Second), 10, 10));
        Assert.Equal([Epoch - (20 * Second)], Starts(Epoch - (10 * Second) - 1, 10, 10));
        Assert.Equal([Epoch - (15 * Second), Epoch - (10 * Second)], Starts(Epoch - (7 * Second), 10, 5));
    }

    [Fact]
    public void Assign_StartOffset_ShiftsStartsFromEpoch()
    {
        Assert.Equal([Epoch - (8 * Second)], Starts(Epoch + (1 * Second), 10, 10, 2));
        Assert.Equal([Epoch + (2 * Second)], Starts(Epoch + (2 * Second), 10, 10, 2));
        Assert.Equal([Epoch + (8 * Second)], Starts(Epoch + (9 * Second), 10, 10, -2));
        Assert.Equal([Epoch - (2 * Second)], Starts(Epoch + (7 * Second), 10, 10, -2));
    }

    [Fact]
    public void Assign_RandomTimes_MatchBruteForceOverAllStarts()
    {
        var random = new Random(7);
        foreach (var (d, s, o) in new[] { (10.0, 3.0, 0.0), (10, 10, 0), (10, 4, -3), (7, 2, 1.5), (60, 60, 59) })
        {
            for (var i = 0; i < 500; i++)
            {
                var t = Epoch + (long)((random.NextDouble() - 0.5) * 1000 * Second);
                var dT = (long)(d * Second);
                var sT = (long)(s * Second);
                var oT = (long)(o * Second);

                // Every start origin + k·slide for k in a generous range, kept when start <= t < start + duration.
                var k0 = (long)Math.Floor((t - Epoch - oT) / (double)sT) - 10;
                var expected = Enumerable.Range(0, 30).Select(k => Epoch + oT + ((k0 + k) * sT)).Where(st => st <= t && t < st + dT).ToArray();
                Assert.Equal(expected, Starts(t, d, s, o));
            }
        }
    }
}

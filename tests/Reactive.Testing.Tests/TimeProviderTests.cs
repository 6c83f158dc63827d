namespace Reactive.Testing.Tests;

public sealed class TimeProviderTests
{
    [Fact]
    public void GetUtcNow_FollowsVirtualClock()
    {
        var scheduler = new TestScheduler();
        var time = scheduler.ToTimeProvider();
        var start = time.GetTimestamp();

        scheduler.AdvanceBy(Ticks.FromSeconds(90));

        Assert.Equal(new DateTimeOffset(Ticks.FromSeconds(90), TimeSpan.Zero), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), time.GetElapsedTime(start));
        Assert.Equal(TimeZoneInfo.Utc, time.LocalTimeZone);
    }

    [Fact]
    public void CreateTimer_FiresAtDueTimeThenEveryPeriod()
    {
        var scheduler = new TestScheduler();
        var fired = new List<long>();
        using var timer = scheduler.ToTimeProvider().CreateTimer(
            s => fired.Add(((TestScheduler)s!).Clock), scheduler, TimeSpan.FromTicks(50), TimeSpan.FromTicks(20));

        scheduler.AdvanceTo(100);

        Assert.Equal([50, 70, 90], fired);
    }

    [Fact]
    public void CreateTimer_InfinitePeriod_FiresOnce()
    {
        var scheduler = new TestScheduler();
        var count = 0;
        using var timer = scheduler.ToTimeProvider().CreateTimer(_ => count++, null, TimeSpan.FromTicks(5), Timeout.InfiniteTimeSpan);

        scheduler.AdvanceTo(1000);

        Assert.Equal(1, count);
    }

    [Fact]
    public void Timer_ChangeAndDispose_Reschedule()
    {
        var scheduler = new TestScheduler();
        var fired = new List<long>();
        var timer = scheduler.ToTimeProvider().CreateTimer(_ => fired.Add(scheduler.Clock), null, TimeSpan.FromTicks(10), TimeSpan.FromTicks(10));

        scheduler.AdvanceTo(25);
        Assert.True(timer.Change(TimeSpan.FromTicks(100), Timeout.InfiniteTimeSpan));
        scheduler.AdvanceTo(200);
        timer.Dispose();
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        scheduler.AdvanceTo(300);

        // 10 and 20 from the first period; then once at 25 + 100.
        Assert.Equal([10, 20, 125], fired);
    }

    [Fact]
    public void Timer_NegativeDueTime_Throws()
    {
        var scheduler = new TestScheduler();

        Assert.Throws<ArgumentOutOfRangeException>(
            () => scheduler.ToTimeProvider().CreateTimer(_ => { }, null, TimeSpan.FromTicks(-5), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void TaskDelay_CompletesOnlyWhenVirtualTimeReachesIt()
    {
        var scheduler = new TestScheduler();
        var delay = Task.Delay(TimeSpan.FromSeconds(30), scheduler.ToTimeProvider());

        scheduler.AdvanceBy(Ticks.FromSeconds(29));
        Assert.False(delay.IsCompleted);
        scheduler.AdvanceBy(Ticks.FromSeconds(1));
        Assert.True(delay.IsCompletedSuccessfully);
    }
}

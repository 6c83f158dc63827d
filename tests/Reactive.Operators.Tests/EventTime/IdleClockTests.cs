using Reactive.Operators.EventTime;
using Reactive.Testing;

namespace Reactive.Operators.Tests.EventTime;

/// <summary>The shared idle clock in virtual time, with an owner that records what it is told.</summary>
public sealed class IdleClockTests
{
    private const long S = TimeSpan.TicksPerSecond;

    [Fact]
    public void Tick_AfterTheTimeout_WatermarkFollowsProcessingTimeAndWakesAtTheNextWindowEnd()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner { Watermark = 100 * S, NextEnd = 105 * S };
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        scheduler.AdvanceTo(10 * S);
        clock.MarkInput(clock.Now);

        scheduler.AdvanceTo((12 * S) - 1);
        Assert.Empty(owner.Advances);

        // At the timeout: 2 s idle, the watermark moves to 100 + 2 s; the next wake is when it reaches 105 s (at 15 s).
        scheduler.AdvanceTo(12 * S);
        Assert.Equal([102 * S], owner.Advances);
        scheduler.AdvanceTo(15 * S);
        Assert.Equal([102 * S, 105 * S], owner.Advances);
    }

    [Fact]
    public void Tick_InputSinceTheTimerWasSet_WaitsAFullTimeoutFromTheLastInput()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner { Watermark = 100 * S, NextEnd = long.MaxValue };
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        scheduler.AdvanceTo(10 * S);
        clock.MarkInput(clock.Now);
        scheduler.AdvanceTo(11 * S);
        clock.MarkInput(clock.Now);

        scheduler.AdvanceTo(12 * S);
        Assert.Empty(owner.Advances);
        scheduler.AdvanceTo(13 * S);
        Assert.Equal([102 * S], owner.Advances);

        // Nothing open: no further wake.
        scheduler.AdvanceTo(60 * S);
        Assert.Single(owner.Advances);
    }

    [Fact]
    public void CatchUp_RowAfterAPause_AdvancesBeforeTheRowIsJudged()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner { Watermark = 100 * S, NextEnd = long.MaxValue };
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        clock.MarkInput(0);
        clock.CatchUp(1 * S);
        Assert.Empty(owner.Advances);
        clock.CatchUp(5 * S);
        Assert.Equal([105 * S], owner.Advances);
    }

    [Fact]
    public void Create_NoTimeout_NoClock() => Assert.Null(IdleClock.Create(null, new TestScheduler(), new Owner()));

    [Fact]
    public void Dispose_PendingTimer_NeverFires()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner { Watermark = 100 * S, NextEnd = 105 * S };
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        clock.MarkInput(0);
        clock.Dispose();
        scheduler.AdvanceTo(60 * S);
        Assert.Empty(owner.Advances);
    }

    private sealed class Owner : IIdleClockOwner
    {
        public IdleClock? Clock { get; set; }

        public long Watermark { get; set; }

        public long NextEnd { get; set; }

        public List<long> Advances { get; } = [];

        long IIdleClockOwner.WatermarkTicks => Watermark;

        long IIdleClockOwner.NextWindowEndTicks => NextEnd;

        public void AdvanceWatermarkTo(long watermarkTicks)
        {
            if (watermarkTicks > Watermark)
            {
                Advances.Add(watermarkTicks);
                Watermark = watermarkTicks;
            }

            if (NextEnd <= Watermark)
            {
                NextEnd = long.MaxValue; // the window closed
            }
        }

        public void OnIdleTimer() => Clock!.Tick();
    }
}

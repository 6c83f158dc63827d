using Reactive.Operators.EventTime;
using Reactive.Testing;

namespace Reactive.Operators.Tests.EventTime;

/// <summary>
/// The shared idle clock in virtual time, with an owner that records when it is told to flush. The rule (issue 16):
/// the idle flush comes once per quiet spell, at exactly the last row's arrival + the timeout, and processing time
/// never becomes a watermark (the clock tells no time to its owner, only "now idle").
/// </summary>
public sealed class IdleClockTests
{
    private const long S = TimeSpan.TicksPerSecond;

    [Fact]
    public void Tick_AfterTheTimeout_FlushesOnceAtExactlyLastRowPlusTimeout()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner(scheduler);
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        scheduler.AdvanceTo(10 * S);
        clock.MarkInput(clock.Now);

        scheduler.AdvanceTo((12 * S) - 1);
        Assert.Empty(owner.Flushes);

        scheduler.AdvanceTo(12 * S);
        Assert.Equal([12 * S], owner.Flushes);

        // Once: a long quiet spell does not flush again (nothing wakes it up).
        scheduler.AdvanceTo(600 * S);
        Assert.Equal([12 * S], owner.Flushes);
    }

    [Fact]
    public void Tick_InputSinceTheTimerWasSet_FlushesAtTheLastInputPlusTimeoutNotLater()
    {
        // The timer armed by the first row (due 12 s) finds a later row (11.5 s): it re-arms for 13.5 s exactly.
        var scheduler = new TestScheduler();
        var owner = new Owner(scheduler);
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        scheduler.AdvanceTo(10 * S);
        clock.MarkInput(clock.Now);
        scheduler.AdvanceTo(11 * S);
        clock.MarkInput(clock.Now);
        scheduler.AdvanceTo((11 * S) + (S / 2));
        clock.MarkInput(clock.Now);

        scheduler.AdvanceTo(60 * S);
        Assert.Equal([(13 * S) + (S / 2)], owner.Flushes);
    }

    [Fact]
    public void MarkInput_AfterAFlush_StartsANewQuietSpell()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner(scheduler);
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        clock.MarkInput(0);
        scheduler.AdvanceTo(30 * S);
        clock.MarkInput(clock.Now);
        scheduler.AdvanceTo(31 * S);
        clock.MarkInput(clock.Now);
        scheduler.AdvanceTo(100 * S);

        Assert.Equal([2 * S, 33 * S], owner.Flushes);
    }

    [Fact]
    public void Tick_NoRowYet_NoFlush()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner(scheduler);
        owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        scheduler.AdvanceTo(60 * S);
        Assert.Empty(owner.Flushes);
    }

    [Fact]
    public void Create_NoTimeout_NoClock() => Assert.Null(IdleClock.Create(null, new TestScheduler(), new Owner(new TestScheduler())));

    [Fact]
    public void Dispose_PendingTimer_NeverFires()
    {
        var scheduler = new TestScheduler();
        var owner = new Owner(scheduler);
        var clock = owner.Clock = IdleClock.Create(TimeSpan.FromSeconds(2), scheduler, owner)!;
        clock.MarkInput(0);
        clock.Dispose();
        scheduler.AdvanceTo(60 * S);
        Assert.Empty(owner.Flushes);
    }

    private sealed class Owner(TestScheduler scheduler) : IIdleClockOwner
    {
        public IdleClock? Clock { get; set; }

        public List<long> Flushes { get; } = [];

        public void OnIdle() => Flushes.Add(scheduler.Now.UtcTicks);

        public void OnIdleTimer() => Clock!.Tick();
    }
}

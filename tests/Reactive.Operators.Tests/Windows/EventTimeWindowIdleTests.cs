using Reactive.Operators.DeadLetters;
using Reactive.Operators.Windows;
using Reactive.Testing;
using static Reactive.Operators.Tests.Windows.WindowTestData;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Windows;

/// <summary>
/// The idle timeout of <see cref="EventTimeWindowExtensions.WindowByEventTime{T, TKey}(IObservable{T}, EventTimeWindowOptions{T, TKey})"/> (issue 16), in virtual
/// time, worked out by hand: after IdleTimeout without a row (at exactly the last row + IdleTimeout, once per quiet
/// spell) the watermark moves to the newest event time (never further, never from processing time); in append mode
/// the windows still open are emitted in a provisional batch and stay open; one a later row lands in is emitted again
/// when final, one no row lands in is not; a row not older than every row seen is never late.
/// </summary>
public sealed class EventTimeWindowIdleTests
{
    private const long Second = TimeSpan.TicksPerSecond;

    private static ITestableObserver<string> Run(TestScheduler scheduler, IObservable<Row> source, EventTimeWindowOptions<Row, string> options)
    {
        options.Scheduler = scheduler;
        return scheduler.Start(() => System.Reactive.Linq.Observable.Select(source.WindowByEventTime(options), u => Describe(u)), Created, Subscribed, 1000 * Second);
    }

    private static EventTimeWindowOptions<Row, string> Idle(double durationSeconds, double idleSeconds, double delaySeconds = 0, double? slideSeconds = null)
    {
        var options = Options(durationSeconds, slideSeconds, delaySeconds: delaySeconds);
        options.IdleTimeout = TimeSpan.FromSeconds(idleSeconds);
        return options;
    }

    [Fact]
    public void PauseShorterThanTheTimeout_NoFlushSameAsWithout()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(300, Row.Of(3)), OnNext(300 + Second, Row.Of(4)), OnNext(300 + (2 * Second), Row.Of(12)), OnCompleted<Row>(300 + (3 * Second)));

        var res = Run(scheduler, xs, Idle(10, idleSeconds: 1.5));

        res.Messages.AssertEqual(
            OnNext(300 + (2 * Second), "[0,10) a 2"),
            OnNext(300 + (3 * Second), "[10,20) a 1"),
            OnCompleted<string>(300 + (3 * Second)));
    }

    [Fact]
    public void PauseEqualToTheTimeout_TheRowDueThenComesFirstNoFlush()
    {
        // The row at exactly last + timeout was scheduled before the timer, so it is input, not idleness.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(300, Row.Of(3)), OnNext(300 + Second, Row.Of(4)), OnCompleted<Row>(300 + (3 * Second / 2)));

        var res = Run(scheduler, xs, Idle(10, idleSeconds: 1));

        res.Messages.AssertEqual(OnNext(300 + (3 * Second / 2), "[0,10) a 2"), OnCompleted<string>(300 + (3 * Second / 2)));
    }

    [Fact]
    public void PauseLongerThanTheTimeout_ProvisionalAtExactlyLastRowPlusTimeoutThenFinalWithTheNewerRow()
    {
        // Rows at 3 s and 7 s (the second closes nothing). Idle 2 s after the row at 7 s (300 + 1 s): at 300 + 3 s the
        // watermark moves to 7 s, not to processing time; [0,10) is emitted provisionally. 60 s later a row at 8 s is
        // newer than all: counted, not late. A row at 25 s closes [0,10) (changed: again, final, 3 rows) and [10,20) is
        // empty. The end: [20,30) 1.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(300, Row.Of(3)),
            OnNext(300 + Second, Row.Of(7)),
            OnNext(300 + (60 * Second), Row.Of(8)),
            OnNext(300 + (60 * Second) + 1, Row.Of(25)),
            OnCompleted<Row>(300 + (61 * Second)));
        var options = Idle(10, idleSeconds: 2);
        var stats = options.Stats = new WindowStats();
        var watermark = 0L;
        scheduler.ScheduleAbsolute(300 + (30 * Second), () => watermark = stats.WatermarkTicks);

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(300 + (3 * Second), "provisional [0,10) a 2"),
            OnNext(300 + (60 * Second) + 1, "[0,10) a 3"),
            OnNext(300 + (61 * Second), "[20,30) a 1"),
            OnCompleted<string>(300 + (61 * Second)));
        Assert.Equal(S(7), watermark);
        Assert.Equal(0, stats.LateRows);
    }

    [Fact]
    public void RowAfterThePauseInAWindowEndedByTheNewestEvent_LateAsBefore()
    {
        // 5 s windows, delay 10 s: rows at 3 s and 12 s keep both windows open. Idle 2 s: the watermark moves to 12 s
        // (the delay counts as zero while idle), so [0,5) is final and emitted as such; [10,15) provisionally. After the
        // pause a row at 4 s is late (its window ended by the newest event), its reason naming the watermark 12 s; a row
        // at 11 s is older than the newest but its window is open: counted, [10,15) emitted again at the end.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(300, Row.Of(3)),
            OnNext(310, Row.Of(12)),
            OnNext(300 + (30 * Second), Row.Of(4)),
            OnNext(300 + (30 * Second) + 1, Row.Of(11)),
            OnCompleted<Row>(300 + (31 * Second)));
        var options = Idle(5, idleSeconds: 2, delaySeconds: 10);
        var rejected = scheduler.CreateObserver<Rejected<Row>>();
        options.Rejected = rejected;
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(310 + (2 * Second), "[0,5) a 1"),
            OnNext(310 + (2 * Second), "provisional [10,15) a 1"),
            OnNext(300 + (31 * Second), "[10,15) a 2"),
            OnCompleted<string>(300 + (31 * Second)));
        Assert.Equal(1, stats.LateRows);
        var late = Assert.Single(rejected.Messages).Value.Value;
        Assert.Equal("late", late.Code);
        Assert.Contains($"final since the watermark {Reactive.Operators.Time.UtcTicks.Format(S(12))} reached its end", late.Reason);
    }

    [Fact]
    public void SeveralPauses_OneProvisionalBatchEachAndUnchangedWindowsNeverAgain()
    {
        // Idle 1 s. Row at 2 s; pause: [0,10) provisionally (1). Row at 5 s; pause: again (2). Row at 15 s closes
        // [0,10), unchanged since: not again; pause: [10,20) provisionally (1). End: nothing changed, nothing more.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(300, Row.Of(2)),
            OnNext(300 + (5 * Second), Row.Of(5)),
            OnNext(300 + (10 * Second), Row.Of(15)),
            OnCompleted<Row>(300 + (20 * Second)));

        var res = Run(scheduler, xs, Idle(10, idleSeconds: 1));

        res.Messages.AssertEqual(
            OnNext(300 + Second, "provisional [0,10) a 1"),
            OnNext(300 + (6 * Second), "provisional [0,10) a 2"),
            OnNext(300 + (11 * Second), "provisional [10,20) a 1"),
            OnCompleted<string>(300 + (20 * Second)));
    }

    [Fact]
    public void SlidingWindows_NewerRowAfterThePause_CountsInEveryOpenWindowNoneLate()
    {
        // 10 s windows sliding by 5: the row at 7 s is in [0,10) and [5,15). Idle 1 s: watermark 7 s, both provisional.
        // The row at 9 s after the pause is in the same two windows: both emitted again, final, at the end.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(300, Row.Of(7)), OnNext(300 + (10 * Second), Row.Of(9)), OnCompleted<Row>(300 + (11 * Second)));
        var options = Idle(10, idleSeconds: 1, slideSeconds: 5);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(300 + Second, "provisional [0,10) a 1 | [5,15) a 1"),
            OnNext(300 + (11 * Second), "[0,10) a 2 | [5,15) a 2"),
            OnCompleted<string>(300 + (11 * Second)));
        Assert.Equal(0, stats.LateRows);
    }
}

using System.Reactive.Concurrency;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Windows;
using Reactive.Testing;
using static Reactive.Operators.Tests.Windows.WindowTestData;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Windows;

/// <summary>Edge cases of <see cref="EventTimeWindowExtensions.WindowByEventTime{T, TKey}(IObservable{T}, EventTimeWindowOptions{T, TKey})"/>, worked out by hand.</summary>
public sealed class EventTimeWindowEdgeTests
{
    private static ITestableObserver<string> Run(TestScheduler scheduler, IObservable<Row> source, EventTimeWindowOptions<Row, string> options)
    {
        options.Scheduler = scheduler;
        return scheduler.Start(() => System.Reactive.Linq.Observable.Select(source.WindowByEventTime(options), u => Describe(u)));
    }

    [Fact]
    public void WindowByEventTime_IdleTimeoutMaxValue_NeverIdleAndNoOverflow()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1)), OnNext(220, Row.Of(12)), OnCompleted<Row>(300));
        var options = Options(10);
        options.IdleTimeout = TimeSpan.MaxValue; // "practically never": the due time saturates, it must not wrap around

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnNext(220, "[0,10) a 1"), OnNext(300, "[10,20) a 1"), OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_IdleTimeoutWithHugeDelay_DoesNotWakeEveryTick()
    {
        var scheduler = new CountingScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1)), OnCompleted<Row>(900));
        var options = Options(10);
        options.WatermarkDelay = TimeSpan.MaxValue;
        options.IdleTimeout = TimeSpan.FromTicks(10);
        var before = 0;
        scheduler.ScheduleAbsolute(205, () => before = scheduler.Scheduled);

        var res = Run(scheduler, xs, options);

        // Idle from 220 on (issue 16's rule: the delay counts as zero while idle, the watermark moves to the newest
        // event, 1 s, and the open [0,10) is emitted provisionally, once); no row changes it, so the end of the input
        // does not emit it again. One idle check, not one per tick.
        res.Messages.AssertEqual(OnNext(220, "provisional [0,10) a 1"), OnCompleted<string>(900));
        Assert.InRange(scheduler.Scheduled - before, 1, 3);
    }

    [Fact]
    public void WindowByEventTime_WindowOutsideDateTimeOffsetRange_RowDroppedAsWithoutEventTime()
    {
        // 10 min sliding by 5: a row at DateTimeOffset.MinValue (0 ticks, a default timestamp) is in [−5 min, 5 min),
        // which starts before year 1, and a row 1 min before MaxValue is in windows ending after it. Neither window
        // can be shown (WindowStart/WindowEnd), so such rows are dropped and counted as rows without event time.
        var scheduler = new TestScheduler();
        var minimum = new Row(null, "a", 1);
        var maximum = new Row(null, "a", 2);
        var xs = scheduler.CreateHotObservable(OnNext(210, minimum), OnNext(220, Row.Of(1)), OnNext(230, maximum), OnCompleted<Row>(300));
        var options = Options(600, 300, delaySeconds: 1_000_000);
        options.EventTime = r => ReferenceEquals(r, minimum) ? DateTimeOffset.MinValue.UtcTicks
            : ReferenceEquals(r, maximum) ? DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerMinute
            : S(r.At!.Value);
        var stats = options.Stats = new WindowStats();
        var dropped = scheduler.CreateObserver<Rejected<Row>>();
        options.Rejected = dropped;
        options.Scheduler = scheduler;

        var res = scheduler.Start(() => System.Reactive.Linq.Observable.Select(
            xs.WindowByEventTime(options),
            u => string.Join(" | ", u.Rows.Select(r => $"{r.WindowStart:O} {r.WindowEnd:O} {r.Values[0]}"))));

        res.Messages.AssertEqual(
            OnNext(300, "2024-01-01T11:55:00.0000000+00:00 2024-01-01T12:05:00.0000000+00:00 1 | 2024-01-01T12:00:00.0000000+00:00 2024-01-01T12:10:00.0000000+00:00 1"),
            OnCompleted<string>(300));
        dropped.Messages.AssertEqual(
            OnNext(210, new Rejected<Row>(minimum, "missing_field", "time: no event time")),
            OnNext(230, new Rejected<Row>(maximum, "missing_field", "time: no event time")));
        Assert.Equal(2, stats.DroppedRows);
    }

    /// <summary>A test scheduler that counts the work scheduled on it.</summary>
    private sealed class CountingScheduler : TestScheduler
    {
        public int Scheduled { get; private set; }

        public override IDisposable ScheduleAbsolute<TState>(TState state, long dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return base.ScheduleAbsolute(state, dueTime, action);
        }
    }
}

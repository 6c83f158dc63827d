using System.Reactive;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Windows;
using Reactive.Testing;
using static Reactive.Operators.Tests.Windows.WindowTestData;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Windows;

/// <summary>
/// Marble tests of every rule of <see cref="EventTimeWindowExtensions.WindowByEventTime{T, TKey}(IObservable{T}, EventTimeWindowOptions{T, TKey})"/>. Event times
/// are seconds from <see cref="WindowTestData.Base"/>; expected results are worked out by hand in the comments.
/// </summary>
public sealed class EventTimeWindowTests
{
    private static readonly string[] TenAggregates =
    [
        "count", "count(value)", "sum(value)", "avg(value)", "min(value)", "max(value)",
        "first(value)", "last(value)", "stddev(value)", "variance(value)",
    ];

    private static ITestableObserver<string> Run(TestScheduler scheduler, IObservable<Row> source, EventTimeWindowOptions<Row, string> options, long? origin = null, long disposed = Disposed)
    {
        options.Scheduler = scheduler;
        return scheduler.Start(() => source.WindowByEventTime(options).Select(u => Describe(u, origin)), Created, Subscribed, disposed);
    }

    // ---- alignment ----

    [Fact]
    public void WindowByEventTime_RowsOnBoundaries_StartGoesInEndGoesToNextWindow()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(0)),
            OnNext(220, Row.Of(9.9999999)), // 1 tick before 10 s: still [0,10)
            OnNext(230, Row.Of(10)),        // t == end of [0,10): goes to [10,20); watermark 10 >= end 10: [0,10) is final
            OnNext(235, Row.Of(9.9999999)), // [0,10) final at watermark == end: late
            OnNext(240, Row.Of(25)),        // watermark 25: [10,20) final
            OnCompleted<Row>(300));
        var options = Options(10);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(230, "[0,10) a 2"),
            OnNext(240, "[10,20) a 1"),
            OnNext(300, "[20,30) a 1"),
            OnCompleted<string>(300));
        xs.Subscriptions.AssertEqual(Subscribe(200, 300));
        Assert.Equal(1, stats.LateRows);
    }

    [Fact]
    public void WindowByEventTime_TenMinutesSlidingByFive_TwelveOhSevenInBothWindows()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(420)), OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(600, 300));

        // 12:07 is in [12:00,12:10) and [12:05,12:15).
        res.Messages.AssertEqual(OnNext(300, "[0,600) a 1 | [300,900) a 1"), OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_SlideNotDividingDuration_EveryOverlappingWindow()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(7)),  // [0,10) [3,13) [6,16)
            OnNext(220, Row.Of(9)),  // [0,10) [3,13) [6,16) [9,19)
            OnNext(230, Row.Of(10)), // [3,13) [6,16) [9,19)
            OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(10, 3, delaySeconds: 100));

        res.Messages.AssertEqual(OnNext(300, "[0,10) a 2 | [3,13) a 3 | [6,16) a 3 | [9,19) a 2"), OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_TimesBeforeUnixEpoch_AlignByFloor()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(-5)),         // [-10,0)
            OnNext(220, Row.Of(-10)),        // [-10,0): on its start
            OnNext(230, Row.Of(-10.0000001)), // one tick earlier: [-20,-10)
            OnCompleted<Row>(300));
        var options = Options(10, delaySeconds: 100);
        options.EventTime = r => Epoch + (long)Math.Round(r.At!.Value * TimeSpan.TicksPerSecond);

        var res = Run(scheduler, xs, options, Epoch);

        res.Messages.AssertEqual(OnNext(300, "[-20,-10) a 1 | [-10,0) a 2"), OnCompleted<string>(300));
    }

    [Theory]
    [InlineData(2, 1, 2, "[-8,2) a 1 | [2,12) a 1")]
    [InlineData(-2, 7, 9, "[-2,8) a 1 | [8,18) a 1")]
    public void WindowByEventTime_StartOffset_ShiftsWindowsFromEpoch(double offset, double t1, double t2, string expected)
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(t1)), OnNext(220, Row.Of(t2)), OnCompleted<Row>(300));
        var options = Options(10, delaySeconds: 100);
        options.StartOffset = TimeSpan.FromSeconds(offset);
        options.EventTime = r => Epoch + (long)Math.Round(r.At!.Value * TimeSpan.TicksPerSecond);

        var res = Run(scheduler, xs, options, Epoch);

        res.Messages.AssertEqual(OnNext(300, expected), OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_GapBetweenRows_EmptyWindowsNeverEmitted()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(5)), OnNext(220, Row.Of(35)), OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(10));

        res.Messages.AssertEqual(OnNext(220, "[0,10) a 1"), OnNext(300, "[30,40) a 1"), OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_Keys_AppendOrderIsWindowStartThenKey()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(15, key: "b")),
            OnNext(220, Row.Of(2, key: "b")),
            OnNext(230, Row.Of(1, key: "a")),
            OnNext(240, Row.Of(12, key: "a")),
            OnCompleted<Row>(400));

        var res = Run(scheduler, xs, Options(10, delaySeconds: 100));

        res.Messages.AssertEqual(OnNext(400, "[0,10) a 1 | [0,10) b 1 | [10,20) a 1 | [10,20) b 1"), OnCompleted<string>(400));
    }

    [Fact]
    public void WindowByEventTime_StringKeys_OrdinalOrderByDefault()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1, key: "a")), OnNext(220, Row.Of(2, key: "B")), OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(10));

        // Ordinal: 'B' (66) before 'a' (97), whatever the machine's culture.
        res.Messages.AssertEqual(OnNext(300, "[0,10) B 1 | [0,10) a 1"), OnCompleted<string>(300));
    }

    private sealed record Unordered(string Name)
    {
        public override string ToString() => Name;
    }

    [Fact]
    public void WindowByEventTime_KeysNotComparable_FirstSeenOrderInTheWindow()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, key: "z")),
            OnNext(220, Row.Of(2, key: "m")),
            OnNext(230, Row.Of(11, key: "m")),
            OnNext(240, Row.Of(12, key: "z")),
            OnCompleted<Row>(300));
        var options = new EventTimeWindowOptions<Row, Unordered>
        {
            EventTime = r => S(r.At!.Value),
            KeySelector = r => new Unordered(r.Key),
            WindowDuration = TimeSpan.FromSeconds(10),
            WatermarkDelay = TimeSpan.FromSeconds(100),
            Scheduler = scheduler,
        };
        options.Aggregates.Add(WindowAggregate<Row>.Count());

        var res = scheduler.Start(() => xs.WindowByEventTime(options).Select(u => Describe(u)));

        res.Messages.AssertEqual(OnNext(300, "[0,10) z 1 | [0,10) m 1 | [10,20) m 1 | [10,20) z 1"), OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_NoKeySelector_OneGroup()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1, key: "a")), OnNext(220, Row.Of(2, key: "b")), OnCompleted<Row>(300));
        var options = new EventTimeWindowOptions<Row, Unit> { EventTime = r => S(r.At!.Value), WindowDuration = TimeSpan.FromSeconds(10), Scheduler = scheduler };
        options.Aggregates.Add(WindowAggregate<Row>.Count());

        var res = scheduler.Start(() => xs.WindowByEventTime(options).Select(u => Describe(u)));

        res.Messages.AssertEqual(OnNext(300, "[0,10) () 2"), OnCompleted<string>(300));
    }

    // ---- aggregates ----

    [Fact]
    public void WindowByEventTime_AllAggregates_WorkedOutByHand()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, 2)),
            OnNext(220, Row.Of(2, null)),
            OnNext(230, Row.Of(3, 4)),
            OnNext(240, Row.Of(4, 9)),
            OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(10, aggregates: TenAggregates));

        // Values 2, 4, 9 (null skipped): n 3, sum 15, mean 5, min 2, max 9; first 2, last 9 (arrival);
        // squared deviations 9 + 1 + 16 = 26, sample variance 26 / 2 = 13, stddev √13 = 3.605551.
        res.Messages.AssertEqual(OnNext(300, "[0,10) a 4,3,15,5,2,9,2,9,3.605551,13"), OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_FirstLastNullAndOneValue_SparkNullSemantics()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, null)),
            OnNext(220, Row.Of(2, 3)),
            OnNext(230, Row.Of(3, null)),
            OnNext(240, Row.Of(11, null)),
            OnNext(250, Row.Of(12, null)),
            OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(10, delaySeconds: 100, aggregates: TenAggregates));

        // [0,10): first and last rows are null (Spark's first/last keep nulls); one value: stddev and variance null.
        // [10,20): only nulls: count 2, count(value) 0, every value aggregate null.
        res.Messages.AssertEqual(
            OnNext(300, "[0,10) a 3,1,3,3,3,3,null,null,null,null | [10,20) a 2,0,null,null,null,null,null,null,null,null"),
            OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_TimeWeightedAverage_WorkedOutByHand()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(2, 10)),
            OnNext(220, Row.Of(5, 20)),
            OnNext(230, Row.Of(9, null)), // skipped: 20 keeps holding
            OnNext(240, Row.Of(4, 40)),   // out of order: splits [2,5)
            OnNext(250, Row.Of(6, 2, "b")),
            OnNext(260, Row.Of(1, 4, "b")), // a new first sample
            OnNext(270, Row.Of(5, 7, "c")),
            OnNext(275, Row.Of(3, 1, "c")),
            OnNext(280, Row.Of(3, 5, "c")), // out of order and same time as the previous: the later arrival holds
            OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(10, delaySeconds: 100, aggregates: ["twa(value)", "count"]));

        // a: 10·(4−2) + 40·(5−4) + 20·(10−5) = 160 over 10 − 2 = 8 → 20.
        // b: 4·(6−1) + 2·(10−6) = 28 over 9 → 3.111111.  c: 1·0 + 5·(5−3) + 7·(10−5) = 45 over 7 → 6.428571.
        res.Messages.AssertEqual(OnNext(300, "[0,10) a 20,4 | [0,10) b 3.111111,2 | [0,10) c 6.428571,3"), OnCompleted<string>(300));
    }

    // ---- watermark and lateness ----

    [Fact]
    public void WindowByEventTime_OutOfOrderRows_WatermarkNeverGoesBackAndLatenessPerWindow()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(5)),
            OnNext(220, Row.Of(18)), // watermark 8
            OnNext(230, Row.Of(3)),  // 15 s behind the newest, beyond the 10 s delay, but [0,10) is not final (10 > 8)
            OnNext(240, Row.Of(31)), // watermark 21: [0,10) and [10,20) final
            OnNext(250, Row.Of(9)),  // [0,10) is final: late
            OnNext(260, Row.Of(22)), // watermark stays 21 (22 − 10 = 12); [20,30) open
            OnCompleted<Row>(300));
        var options = Options(10, delaySeconds: 10);
        var stats = options.Stats = new WindowStats();
        var watermarks = new List<(long, long)>();
        foreach (var at in new long[] { 215, 225, 235, 245, 255, 265 })
        {
            scheduler.ScheduleAbsolute(at, () => watermarks.Add((at, stats.WatermarkTicks)));
        }

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(240, "[0,10) a 2 | [10,20) a 1"),
            OnNext(300, "[20,30) a 1 | [30,40) a 1"),
            OnCompleted<string>(300));
        Assert.Equal(new List<(long, long)> { (215, S(-5)), (225, S(8)), (235, S(8)), (245, S(21)), (255, S(21)), (265, S(21)) }, watermarks);
        Assert.Equal(1, stats.LateRows);
        Assert.Equal(S(31), stats.MaxEventTicks);
        Assert.Equal(6, stats.InputRows);
    }

    [Fact]
    public void WindowByEventTime_RowLateForOneWindowOnTimeForOverlapping_CountsInTheOpenOneAndReportsTheOther()
    {
        var scheduler = new TestScheduler();
        var row7 = Row.Of(7);
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(12)), // [5,15) [10,20); watermark 12
            OnNext(220, row7),       // [0,10): final (10 <= 12) → late; [5,15): open → counts
            OnCompleted<Row>(300));
        var options = Options(10, 5);
        var late = scheduler.CreateObserver<Rejected<Row>>();
        options.Rejected = late;

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnNext(300, "[5,15) a 2 | [10,20) a 1"), OnCompleted<string>(300));
        var lateRow = Assert.Single(late.Messages).Value.Value;
        Assert.Equal(220, Assert.Single(late.Messages).Time);
        Assert.Same(row7, lateRow.Row);
        Assert.Equal("late", lateRow.Code);

        // The reason carries what LateRow<T> carried as fields: the event time, the final window and the watermark.
        Assert.Equal(
            "event time 2024-01-01T12:00:07Z is in window [2024-01-01T12:00:00Z, 2024-01-01T12:00:10Z), final since the watermark 2024-01-01T12:00:12Z reached its end",
            lateRow.Reason);
    }

    [Fact]
    public void WindowByEventTime_RowsWithoutEventTime_DroppedCountedAndForwarded()
    {
        var scheduler = new TestScheduler();
        var noTime = new Row(null, "a", 5);
        var outOfRange = new Row(3e11, "a", 5); // ~9 500 years after 2024: beyond DateTimeOffset.MaxValue, no long overflow
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1)), OnNext(220, noTime), OnNext(230, outOfRange), OnCompleted<Row>(300));
        var options = Options(10);
        var stats = options.Stats = new WindowStats();
        var dropped = scheduler.CreateObserver<Rejected<Row>>();
        options.Rejected = dropped;
        options.EventTimeName = "at";

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnNext(300, "[0,10) a 1"), OnCompleted<string>(300));
        dropped.Messages.AssertEqual(
            OnNext(220, new Rejected<Row>(noTime, "missing_field", "at: no event time")),
            OnNext(230, new Rejected<Row>(outOfRange, "missing_field", "at: no event time")));
        Assert.Equal(2, stats.DroppedRows);
        Assert.Equal(0, stats.LateRows);
    }

    [Fact]
    public void WindowByEventTime_IdleTimeout_OpenWindowEmittedProvisionallyAtTheTimeoutWatermarkAtTheNewestEvent()
    {
        // Issue 16: the watermark used to follow processing time while idle (3 s + 5 s = 8 s at the second row). Now:
        // idle 1 s after the row at 3 s, the watermark moves to the newest event (3 s), never further; [0,10) is still
        // open and is emitted provisionally at exactly 300 + 1 s. The row at 4 s, 5 s later, is newer than all: counted.
        // At its timeout the watermark moves to 4 s and [0,10), changed, is emitted provisionally again.
        var scheduler = new TestScheduler();
        var second = TimeSpan.TicksPerSecond;
        var xs = scheduler.CreateHotObservable(
            OnNext(300, Row.Of(3)),
            OnNext(300 + (5 * second), Row.Of(4)));
        var options = Options(10);
        options.IdleTimeout = TimeSpan.FromSeconds(1);
        var stats = options.Stats = new WindowStats();
        var watermarks = new List<(long, long)>();
        foreach (var at in new[] { 300 + second + 1, 300 + (6 * second) + 1 })
        {
            scheduler.ScheduleAbsolute(at, () => watermarks.Add((at, stats.WatermarkTicks)));
        }

        var res = Run(scheduler, xs, options, disposed: 100 * second);

        res.Messages.AssertEqual(
            OnNext(300 + second, "provisional [0,10) a 1"),
            OnNext(300 + (6 * second), "provisional [0,10) a 2"));
        Assert.Equal(new List<(long, long)> { (300 + second + 1, S(3)), (300 + (6 * second) + 1, S(4)) }, watermarks);
        Assert.Equal(0, stats.LateRows);
        xs.Subscriptions.AssertEqual(Subscribe(200, 100 * second));
    }

    [Fact]
    public void WindowByEventTime_InputBeforeIdleTimeout_WatermarkOnlyFromEvents()
    {
        var scheduler = new TestScheduler();
        var second = TimeSpan.TicksPerSecond;
        var xs = scheduler.CreateHotObservable(
            OnNext(300, Row.Of(3)),
            OnNext(300 + (second / 2), Row.Of(4)),
            OnNext(300 + second, Row.Of(5)),
            OnCompleted<Row>(300 + (3 * second / 2)));
        var options = Options(10);
        options.IdleTimeout = TimeSpan.FromSeconds(1);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options, disposed: 100 * second);

        res.Messages.AssertEqual(OnNext(300 + (3 * second / 2), "[0,10) a 3"), OnCompleted<string>(300 + (3 * second / 2)));
        Assert.Equal(S(5), stats.WatermarkTicks);
    }

    // ---- completion, errors, disposal ----

    [Fact]
    public void WindowByEventTime_Completion_FlushesOpenWindowsInOrderThenCompletes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(25)),
            OnNext(220, Row.Of(5)),
            OnNext(230, Row.Of(15)),
            OnCompleted<Row>(400));
        var options = Options(10, delaySeconds: 60);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnNext(400, "[0,10) a 1 | [10,20) a 1 | [20,30) a 1"), OnCompleted<string>(400));
        Assert.Equal(0, stats.OpenWindows);
        Assert.Equal(0, stats.StateRows);
    }

    [Fact]
    public void WindowByEventTime_SourceError_PassesThroughWithoutFlush()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("boom");
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1)), OnError<Row>(300, error));

        var res = Run(scheduler, xs, Options(10));

        res.Messages.AssertEqual(OnError<string>(300, error));
        xs.Subscriptions.AssertEqual(Subscribe(200, 300));
    }

    public static TheoryData<string> ThrowingSelectors => ["eventTime", "key", "value", "lateObserver", "noTimeObserver"];

    [Theory]
    [MemberData(nameof(ThrowingSelectors))]
    public void WindowByEventTime_UserCodeThrows_OnErrorAndUnsubscribes(string which)
    {
        var scheduler = new TestScheduler();
        var bad = new Row(which == "noTimeObserver" ? null : 1, "bad", 1);
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(20)),
            OnNext(220, bad),
            OnNext(230, Row.Of(21)),
            OnCompleted<Row>(300));
        var error = new InvalidOperationException("user code");
        var options = Options(10, aggregates: ["count", "sum(value)"]);
        switch (which)
        {
            case "eventTime":
                options.EventTime = r => r.Key == "bad" ? throw error : S(r.At!.Value);
                break;
            case "key":
                options.KeySelector = r => r.Key == "bad" ? throw error : r.Key;
                break;
            case "value":
                options.Aggregates[1] = WindowAggregate<Row>.Of(AggregateKind.Sum, "value", r => r.Key == "bad" ? throw error : r.Value);
                break;
            case "lateObserver":
                options.Rejected = Observer.Create<Rejected<Row>>(r => throw (r.Code == "late" ? error : new InvalidOperationException("not late")));
                break;
            case "noTimeObserver":
                options.Rejected = Observer.Create<Rejected<Row>>(r => throw (r.Code == "missing_field" ? error : new InvalidOperationException("not missing_field")));
                break;
        }

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnError<string>(220, error));
        xs.Subscriptions.AssertEqual(Subscribe(200, 220));
    }

    [Fact]
    public void WindowByEventTime_Disposed_UnsubscribesAndEmitsNothingAfter()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1)),
            OnNext(1100, Row.Of(50)),
            OnCompleted<Row>(1200));
        var options = Options(10, mode: WindowOutputMode.Update);
        options.TriggerInterval = TimeSpan.FromTicks(300);
        options.IdleTimeout = TimeSpan.FromTicks(50);

        // The periodic trigger and the idle timer must stop with the subscription, or the scheduler would never run dry.
        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnNext(500, "[0,10) a 1"));
        xs.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    // ---- output modes ----

    [Fact]
    public void WindowByEventTime_UpdateModeEveryRow_EmitsOnlyTouchedRows()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, key: "a")),
            OnNext(220, Row.Of(2, key: "b")),
            OnNext(230, Row.Of(3, key: "a")),
            OnCompleted<Row>(300));

        var res = Run(scheduler, xs, Options(10, mode: WindowOutputMode.Update, delaySeconds: 100));

        res.Messages.AssertEqual(
            OnNext(210, "[0,10) a 1"),
            OnNext(220, "[0,10) b 1"),
            OnNext(230, "[0,10) a 2"),
            OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_UpdateModeInterval_TouchedRowsPerTriggerIncludingClosedWindows()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(250, Row.Of(1, key: "a")),
            OnNext(260, Row.Of(2, key: "b")),
            OnNext(270, Row.Of(3, key: "a")),
            OnNext(450, Row.Of(4, key: "b")),
            OnNext(510, Row.Of(5, key: "a")),
            OnNext(520, Row.Of(15, key: "a")), // watermark 15: [0,10) final before the trigger at 600, its update still due
            OnNext(630, Row.Of(16, key: "b")),
            OnCompleted<Row>(650));
        var options = Options(10, mode: WindowOutputMode.Update);
        options.TriggerInterval = TimeSpan.FromTicks(100);

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(300, "[0,10) a 2 | [0,10) b 1"),
            OnNext(500, "[0,10) b 2"),
            OnNext(600, "[0,10) a 3 | [10,20) a 1"),
            OnNext(650, "[10,20) b 1"),
            OnCompleted<string>(650));
    }

    [Fact]
    public void WindowByEventTime_CompleteMode_WholeTableEachTriggerKeepingEveryWindowAndTakingLateRows()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, key: "a")),
            OnNext(220, Row.Of(12, key: "a")), // watermark 12: [0,10) final, kept in the table
            OnNext(230, Row.Of(13, key: "b")),
            OnNext(240, Row.Of(5, key: "a")),  // behind the watermark, but complete mode keeps every window and takes it (Spark)
            OnCompleted<Row>(300));
        var options = Options(10, mode: WindowOutputMode.Complete);
        options.Scheduler = scheduler;

        var res = scheduler.Start(() => xs.WindowByEventTime(options).Select(u => $"{u.BatchId}: {Describe(u)}"));

        res.Messages.AssertEqual(
            OnNext(210, "0: [0,10) a 1"),
            OnNext(220, "1: [0,10) a 1 | [10,20) a 1"),
            OnNext(230, "2: [0,10) a 1 | [10,20) a 1 | [10,20) b 1"),
            OnNext(240, "3: [0,10) a 2 | [10,20) a 1 | [10,20) b 1"),
            OnCompleted<string>(300));
    }

    [Fact]
    public void WindowByEventTime_CompleteModeInterval_TableAtTriggersWhenChanged()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, 4)),
            OnNext(220, Row.Of(2, 6)),
            OnNext(350, Row.Of(11, 1)),
            OnCompleted<Row>(550));
        var options = Options(10, mode: WindowOutputMode.Complete, delaySeconds: 100, aggregates: ["avg(value)"]);
        options.TriggerInterval = TimeSpan.FromTicks(100);

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(300, "[0,10) a 5"),
            OnNext(400, "[0,10) a 5 | [10,20) a 1"),
            OnCompleted<string>(550));
    }

    [Fact]
    public void WindowByEventTime_Batch_CarriesHeaderModeAndWatermark()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1, 3)), OnNext(220, Row.Of(12, 5)), OnCompleted<Row>(300));
        var options = Options(10, aggregates: ["count", "avg(value)"]);
        options.Scheduler = scheduler;

        var res = scheduler.Start(() => xs.WindowByEventTime(options));

        Assert.Equal(3, res.Messages.Count);
        var first = res.Messages[0].Value.Value;
        Assert.Equal(220, res.Messages[0].Time);
        Assert.Equal(0, first.BatchId);
        Assert.Equal(WindowOutputMode.Append, first.Mode);
        Assert.Equal(S(12), first.WatermarkTicks);
        Assert.Equal(["count", "avg(value)"], first.Aggregates.Select(a => a.Name));
        var row = Assert.Single(first.Rows);
        Assert.Equal(new WindowResult<string>(S(0), S(10), "a", [1, 3]), row);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 12, 0, 10, TimeSpan.Zero), row.WindowEnd);
        Assert.Equal(1, res.Messages[1].Value.Value.BatchId);
    }

    // ---- bounds and progress ----

    [Theory]
    [InlineData("MaxOpenWindows")]
    [InlineData("MaxGroups")]
    [InlineData("MaxStateRows")]
    [InlineData("MaxTimeWeightedSamples")]
    public void WindowByEventTime_BoundExceeded_OnErrorNamingTheOption(string option)
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, key: "a")),
            OnNext(220, Row.Of(11, key: "b")),
            OnNext(230, Row.Of(21, key: "c")),
            OnCompleted<Row>(300));
        var options = Options(10, delaySeconds: 1000, aggregates: ["twa(value)"]);
        switch (option)
        {
            case "MaxOpenWindows": options.MaxOpenWindows = 2; break;
            case "MaxGroups": options.MaxGroups = 2; break;
            case "MaxStateRows": options.MaxStateRows = 2; break;
            case "MaxTimeWeightedSamples": options.MaxTimeWeightedSamples = 2; break;
        }

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnError<string>(230, e => e is InvalidOperationException && e.Message.Contains(option, StringComparison.Ordinal)));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void WindowByEventTime_CompleteModeResultBound_OnErrorNamingTheOption()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1)),
            OnNext(220, Row.Of(12)), // 2 rows in the result table
            OnNext(230, Row.Of(25)), // a 3rd row > MaxCompleteModeRows 2 (complete mode drops no window, so the table only grows)
            OnCompleted<Row>(300));
        var options = Options(10, mode: WindowOutputMode.Complete);
        options.MaxCompleteModeRows = 2;

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(210, "[0,10) a 1"),
            OnNext(220, "[0,10) a 1 | [10,20) a 1"),
            OnError<string>(230, e => e.Message.Contains("MaxCompleteModeRows", StringComparison.Ordinal)));
    }

    [Fact]
    public void WindowByEventTime_Stats_StateFollowsTheWatermark()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Row.Of(1, key: "a")),
            OnNext(220, Row.Of(2, key: "b")),
            OnNext(230, Row.Of(12, key: "a")),
            OnNext(240, Row.Of(25, key: "a")), // watermark 15: [0,10) freed
            OnCompleted<Row>(300));
        var options = Options(10, 5, delaySeconds: 10);
        var stats = options.Stats = new WindowStats();
        var seen = new List<string>();
        foreach (var at in new long[] { 235, 245 })
        {
            scheduler.ScheduleAbsolute(at, () => seen.Add($"{stats.OpenWindows} {stats.StateRows} {stats.Groups}"));
        }

        Run(scheduler, xs, options);

        // At 235: windows [-5,5) a b, [0,10) a b, [5,15) a, [10,20) a → 4 windows, 6 rows, 2 keys.
        // At 245 (watermark 15): [-5,5), [0,10), [5,15) final (5 rows out); open [10,20) a, [20,30) a, [25,35) a → 3, 3, 1.
        Assert.Equal(["4 6 2", "3 3 1"], seen);
        Assert.Equal(0, stats.OpenWindows);
        Assert.Equal(8, stats.OutputRows);
        Assert.Equal(2, stats.Batches);
    }

    [Fact]
    public void WindowByEventTime_MarbleInput_AppendOnWatermark()
    {
        var scheduler = new TestScheduler();
        var values = new Dictionary<char, Row> { ['a'] = Row.Of(1), ['b'] = Row.Of(4), ['c'] = Row.Of(12), ['d'] = Row.Of(30) };
        var xs = scheduler.Hot("^-a-b-c-d-|", values);

        var res = Run(scheduler, xs, Options(10));

        // c (12 s) closes [0,10) with a and b; d (30 s) closes [10,20); completion flushes [30,40).
        res.Messages.AssertEqual(
            OnNext(Subscribed + 60, "[0,10) a 2"),
            OnNext(Subscribed + 80, "[10,20) a 1"),
            OnNext(Subscribed + 100, "[30,40) a 1"),
            OnCompleted<string>(Subscribed + 100));
    }
}

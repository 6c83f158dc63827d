using System.Reactive;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Windows;
using Reactive.Testing;
using static Reactive.Operators.Tests.Windows.WindowTestData;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Windows;

/// <summary>
/// Marble tests of <see cref="EventTimeWindowExtensions.WindowByEventTime{T, TKey}(IObservable{IObservable{T}}, EventTimeWindowOptions{T, TKey})"/>,
/// Spark's micro-batch execution: the outer observable is hot, each batch a cold observable whose row i comes i + 1
/// ticks after it arrives and which completes one tick after its last row. Event times are seconds from
/// <see cref="WindowTestData.Base"/>. An update reads <c>#id [nodata] [final] W=watermark: rows</c>; the expected
/// values are worked out by hand in the comments from Spark's rules: batch N runs with W_N (none before the first
/// batch), a row is late for a window with end &lt;= W_N, W_{N+1} = max(W_N, max event time − delay).
/// </summary>
public sealed class MicroBatchWindowTests
{
    private static IObservable<Row> Batch(TestScheduler scheduler, params Row[] rows) =>
        scheduler.CreateColdObservable([.. rows.Select((r, i) => OnNext(i + 1, r)), OnCompleted<Row>(rows.Length + 1)]);

    private static string Show(WindowUpdate<string> u, long origin) =>
        $"#{u.BatchId}{(u.IsNoDataBatch ? " nodata" : "")}{(u.IsFinalBatch ? " final" : "")} W={(u.WatermarkTicks == long.MinValue ? "none" : Sec(u.WatermarkTicks, origin))}: {Describe(u, origin)}";

    private static ITestableObserver<string> Run(
        TestScheduler scheduler, IObservable<IObservable<Row>> batches, EventTimeWindowOptions<Row, string> options, long? origin = null, long disposed = Disposed)
    {
        options.Scheduler = scheduler;
        return scheduler.Start(() => batches.WindowByEventTime(options).Select(u => Show(u, origin ?? Base)), Created, Subscribed, disposed);
    }

    private static EventTimeWindowOptions<Row, string> NoWatermark(WindowOutputMode mode = WindowOutputMode.Append)
    {
        var options = Options(10, mode: mode);
        options.WatermarkDelay = null;
        return options;
    }

    // ---- no watermark ----

    [Theory]
    [InlineData(WindowOutputMode.Append, "#0 W=none: ", "#1 final W=none: [20,30) a 1 | [30,40) a 1 | [50,60) a 1")]
    [InlineData(WindowOutputMode.Update, "#0 W=none: [20,30) a 1 | [30,40) a 1 | [50,60) a 1", "#1 final W=none: ")]
    [InlineData(WindowOutputMode.Complete, "#0 W=none: [20,30) a 1 | [30,40) a 1 | [50,60) a 1", "#1 final W=none: ")]
    public void WindowByEventTime_MicroBatchSparkExampleOneBatchNoWatermark_ThreeWindowsOfOne(WindowOutputMode mode, string batch0, string final)
    {
        // Rows 19:39:34, 19:39:56, 19:39:27 in one batch, 10 s windows, no watermark: [19:39:30,19:39:40),
        // [19:39:50,19:40:00), [19:39:20,19:39:30), one row each; nothing is late (there is no watermark).
        // Append: no window is final before the end of the input, so batch 0 has no rows and the final batch 1 has
        // the three. Update and complete: batch 0 has the three; the final batch 1 has none (update: nothing touched;
        // complete: the table did not change since batch 0).
        var origin = new DateTimeOffset(2024, 1, 1, 19, 39, 0, TimeSpan.Zero).UtcTicks;
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(34), Row.Of(56), Row.Of(27))), // rows 211-213, end 214
            OnCompleted<IObservable<Row>>(300));
        var options = NoWatermark(mode);
        options.EventTime = r => origin + (long)(r.At!.Value * TimeSpan.TicksPerSecond);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options, origin);

        res.Messages.AssertEqual(OnNext(214, batch0), OnNext(300, final), OnCompleted<string>(300));
        xs.Subscriptions.AssertEqual(Subscribe(200, 300));
        Assert.Equal(0, stats.LateRows);
    }

    [Fact]
    public void WindowByEventTime_MicroBatchNoWatermarkSeveralBatches_NothingLateAppendOnlyAtEnd()
    {
        // No watermark: W stays none, so no row is ever late (the row at 3 s in batch 2 is 197 s older than the newest
        // and still counts), no batch moves the watermark (no no-data batch), and append emits nothing before the end
        // of the input: batches 0-2 have no rows; the final batch 3 has every window.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(100), Row.Of(105))), // end 213
            OnNext(300, Batch(scheduler, Row.Of(200))),               // end 302
            OnNext(400, Batch(scheduler, Row.Of(3))),                 // end 402
            OnCompleted<IObservable<Row>>(500));
        var options = NoWatermark();
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(213, "#0 W=none: "),
            OnNext(302, "#1 W=none: "),
            OnNext(402, "#2 W=none: "),
            OnNext(500, "#3 final W=none: [0,10) a 1 | [100,110) a 2 | [200,210) a 1"),
            OnCompleted<string>(500));
        Assert.Equal(0, stats.LateRows);
    }

    // ---- the previous batch's watermark ----

    [Fact]
    public void WindowByEventTime_MicroBatchOldRowInFirstBatch_NotLateAgainstNoWatermark()
    {
        // Delay 10 s. Batch 0 = rows 0, 30, 5 runs with W_0 = none: the row at 5 is not late, [0,10) counts 2.
        // Batch 0 emits nothing (append, nothing final by W_0); W_1 = 30 − 10 = 20 > none, so the no-data batch 1 runs
        // at once with W_1 = 20 and emits [0,10) (end 10 <= 20). The final batch 2 emits [30,40).
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30), Row.Of(5))), // end 214
            OnCompleted<IObservable<Row>>(300));
        var options = Options(10, delaySeconds: 10);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(214, "#0 W=none: "),
            OnNext(214, "#1 nodata W=20: [0,10) a 2"),
            OnNext(300, "#2 final W=20: [30,40) a 1"),
            OnCompleted<string>(300));
        Assert.Equal(0, stats.LateRows);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WindowByEventTime_MicroBatchOldRowInNextBatch_LateAgainstPreviousBatchWatermark(bool noDataBatches)
    {
        // Delay 10 s. Batch 0 = rows 0, 30 (W_0 = none): nothing final, no rows; W_1 = max(none, 30 − 10) = 20.
        // NoDataBatches: the no-data batch 1 (W = 20) emits [0,10) a 1; the row at 5 comes in data batch 2, with
        // W_2 = W_1 = 20.
        // Without: no batch runs for W_1 alone, so the row at 5 really is in batch 1, with W_1 = 20; at its end append
        // evicts what W_1 made final: [0,10) a 1.
        // Either way [0,10) ends at 10 <= 20, so the row is late (one drop, one late rejection) and [0,10) keeps
        // count 1; the max event time is still 30, so the next watermark stays 20: no no-data batch. The late
        // batch's progress: 1 input row, event time min = max = avg = 5, W 20 → 20, state [30,40) a: total 1,
        // updated 0, 1 dropped, 0 missing time. The final batch: [30,40) a 1.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, Batch(scheduler, Row.Of(5))),              // end 302
            OnCompleted<IObservable<Row>>(400));
        var options = Options(10, delaySeconds: 10);
        options.NoDataBatches = noDataBatches;
        var stats = options.Stats = new WindowStats();
        var rejected = new List<Rejected<Row>>();
        options.Rejected = Observer.Create<Rejected<Row>>(rejected.Add);
        var progress = new List<BatchProgress?>();
        options.Scheduler = scheduler;

        var res = scheduler.Start(() => xs.WindowByEventTime(options).Do(u => progress.Add(u.Progress)).Select(u => Show(u, Base)), Created, Subscribed, Disposed);

        Recorded<Notification<string>>[] expected = noDataBatches
            ? [
                OnNext(213, "#0 W=none: "),
                OnNext(213, "#1 nodata W=20: [0,10) a 1"),
                OnNext(302, "#2 W=20: "),
                OnNext(400, "#3 final W=20: [30,40) a 1"),
                OnCompleted<string>(400),
            ]
            : [
                OnNext(213, "#0 W=none: "),
                OnNext(302, "#1 W=20: [0,10) a 1"),
                OnNext(400, "#2 final W=20: [30,40) a 1"),
                OnCompleted<string>(400),
            ];
        res.Messages.AssertEqual(expected);
        var lateBatch = noDataBatches ? 2 : 1;
        Assert.Equal(new BatchProgress(lateBatch, 1, S(5), S(5), S(5), S(20), S(20), 1, 0, 1, 0), progress[lateBatch]);
        Assert.Equal(1, stats.LateRows);
        var late = Assert.Single(rejected);
        Assert.Equal((RejectionCodes.Late, 5.0), (late.Code, late.Row.At));
    }

    [Fact]
    public void WindowByEventTime_MicroBatchSlidingWindows_LateOnlyForWindowsEndingByTheWatermark()
    {
        // 10 s windows sliding by 5 s, delay 10 s. Batch 0 = rows 0, 30: W_1 = 20; the no-data batch 1 emits the
        // windows ending by 20 that hold a row: [-5,5) and [0,10). Batch 2 = row 15 with W_2 = 20: [10,20) ends at
        // 20 <= 20, late (one drop); [15,25) ends at 25 > 20, the row counts there. Final batch 3: [15,25) a 1,
        // [25,35) a 1, [30,40) a 1.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, Batch(scheduler, Row.Of(15))),             // end 302
            OnCompleted<IObservable<Row>>(400));
        var options = Options(10, 5, delaySeconds: 10);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(213, "#0 W=none: "),
            OnNext(213, "#1 nodata W=20: [-5,5) a 1 | [0,10) a 1"),
            OnNext(302, "#2 W=20: "),
            OnNext(400, "#3 final W=20: [15,25) a 1 | [25,35) a 1 | [30,40) a 1"),
            OnCompleted<string>(400));
        Assert.Equal(1, stats.LateRows);
    }

    // ---- no-data batches ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WindowByEventTime_MicroBatchWindowFinalAfterBatch_NoDataBatchOrNextDataBatchEmitsIt(bool noDataBatches)
    {
        // Delay 10 s. Batch 0 = rows 0, 30: W_1 = 20 makes [0,10) final.
        // NoDataBatches: the no-data batch 1 (id 0 + 1, W = 20) emits it at once, at the end of batch 0 (213); the
        // data batch 2 (row 31, W_2 = 20, W_3 = 21 > 20) emits nothing, and its no-data batch 3 (W = 21) neither.
        // Without: [0,10) waits for the next data batch (id 1, W_1 = 20, at 302), which evicts what W_1 made final;
        // W_2 = 21 runs no batch of its own.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, Batch(scheduler, Row.Of(31))),             // end 302
            OnCompleted<IObservable<Row>>(400));
        var options = Options(10, delaySeconds: 10);
        options.NoDataBatches = noDataBatches;

        var res = Run(scheduler, xs, options);

        Recorded<Notification<string>>[] expected = noDataBatches
            ? [
                OnNext(213, "#0 W=none: "),
                OnNext(213, "#1 nodata W=20: [0,10) a 1"),
                OnNext(302, "#2 W=20: "),
                OnNext(302, "#3 nodata W=21: "),
                OnNext(400, "#4 final W=21: [30,40) a 2"),
                OnCompleted<string>(400),
            ]
            : [
                OnNext(213, "#0 W=none: "),
                OnNext(302, "#1 W=20: [0,10) a 1"),
                OnNext(400, "#2 final W=21: [30,40) a 2"),
                OnCompleted<string>(400),
            ];
        res.Messages.AssertEqual(expected);
    }

    [Fact]
    public void WindowByEventTime_MicroBatchCompleteMode_NoNoDataBatch()
    {
        // Complete mode never evicts, so a batch that moves the watermark runs no no-data batch (Spark runs one only
        // for append and update): batch 0 (rows 0, 30; W_1 = 20) is followed by batch 1 directly.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, Batch(scheduler, Row.Of(45))),             // end 302
            OnCompleted<IObservable<Row>>(400));

        var res = Run(scheduler, xs, Options(10, mode: WindowOutputMode.Complete, delaySeconds: 10));

        res.Messages.AssertEqual(
            OnNext(213, "#0 W=none: [0,10) a 1 | [30,40) a 1"),
            OnNext(302, "#1 W=20: [0,10) a 1 | [30,40) a 1 | [40,50) a 1"),
            OnNext(400, "#2 final W=35: "),
            OnCompleted<string>(400));
    }

    // ---- end of input ----

    [Theory]
    [InlineData(EndOfInput.Flush)]
    [InlineData(EndOfInput.Keep)]
    public void WindowByEventTime_MicroBatchEndOfInput_FlushEmitsOpenWindowsKeepLeavesThem(EndOfInput atEnd)
    {
        // Delay 10 s. Batch 0 = rows 0, 30, 31: the no-data batch 1 (W = 21) emits [0,10); [30,40) is not final.
        // Flush: the final batch 2 makes every window final and emits [30,40) a 2. Keep (a stopped query): nothing
        // more, [30,40) is never emitted; the completion passes through at 300 either way.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30), Row.Of(31))), // end 214
            OnCompleted<IObservable<Row>>(300));
        var options = Options(10, delaySeconds: 10);
        options.AtEnd = atEnd;

        var res = Run(scheduler, xs, options);

        Recorded<Notification<string>>[] expected = atEnd == EndOfInput.Flush
            ? [OnNext(214, "#0 W=none: "), OnNext(214, "#1 nodata W=21: [0,10) a 1"), OnNext(300, "#2 final W=21: [30,40) a 2"), OnCompleted<string>(300)]
            : [OnNext(214, "#0 W=none: "), OnNext(214, "#1 nodata W=21: [0,10) a 1"), OnCompleted<string>(300)];
        res.Messages.AssertEqual(expected);
        xs.Subscriptions.AssertEqual(Subscribe(200, 300));
    }

    [Fact]
    public void WindowByEventTime_MicroBatchEndOfInputInUpdateMode_FinalBatchEvictsWithoutRows()
    {
        // Update mode emitted every row when it changed; the final batch only evicts: no rows, IsFinalBatch.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Batch(scheduler, Row.Of(1), Row.Of(2))), OnCompleted<IObservable<Row>>(300));

        var res = Run(scheduler, xs, Options(10, mode: WindowOutputMode.Update, delaySeconds: 10));

        // W_1 = 2 − 10 = −8 > none: a no-data batch 1 runs (nothing ends by −8).
        res.Messages.AssertEqual(
            OnNext(213, "#0 W=none: [0,10) a 2"),
            OnNext(213, "#1 nodata W=-8: "),
            OnNext(300, "#2 final W=-8: "),
            OnCompleted<string>(300));
    }

    // ---- output modes across batches ----

    [Fact]
    public void WindowByEventTime_MicroBatchCompleteMode_LateRowsUpdateOldWindowsWholeTableEachBatch()
    {
        // Delay 10 s, complete mode: every batch emits the whole table, and no row is late (Spark keeps all state).
        // Batch 0 = rows 0, 30 (W_0 none): [0,10) 1, [30,40) 1; W_1 = 20.
        // Batch 1 = rows 5, 31 (W_1 = 20): 5 would be late in another mode ([0,10) ends by 20) but counts here:
        // [0,10) 2, [30,40) 2; W_2 = 21.
        // Batch 2 = row 50: [50,60) 1 joins the table, [0,10) still in it; W_3 = 40.
        // Final batch 3: the table did not change since batch 2, so no rows.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, Batch(scheduler, Row.Of(5), Row.Of(31))), // end 303
            OnNext(400, Batch(scheduler, Row.Of(50))),             // end 402
            OnCompleted<IObservable<Row>>(500));
        var options = Options(10, mode: WindowOutputMode.Complete, delaySeconds: 10);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(213, "#0 W=none: [0,10) a 1 | [30,40) a 1"),
            OnNext(303, "#1 W=20: [0,10) a 2 | [30,40) a 2"),
            OnNext(402, "#2 W=21: [0,10) a 2 | [30,40) a 2 | [50,60) a 1"),
            OnNext(500, "#3 final W=40: "),
            OnCompleted<string>(500));
        Assert.Equal(0, stats.LateRows);
    }

    [Fact]
    public void WindowByEventTime_MicroBatchUpdateMode_OnlyWindowsChangedInTheBatch()
    {
        // Delay 10 s, update mode: each data batch emits the window × key rows a row went into in that batch.
        // Batch 0 = 1 a, 2 b, 12 a: [0,10) a 1 | [0,10) b 1 | [10,20) a 1; W_1 = 2; no-data batch 1 (nothing ends by 2).
        // Batch 2 = 3 a, 15 a: [0,10) a 2 | [10,20) a 2 (b untouched); W_3 = 5; no-data batch 3.
        // Batch 4 = 25 b: [20,30) b 1; W_5 = 15; no-data batch 5 evicts the [0,10) rows (end 10 <= 15), no rows.
        // Batch 6 = 4 a (late: [0,10) ended by W_6 = 15), 16 a: [10,20) a 3; W_7 = 15: no no-data batch.
        // Final batch 7: evicts the rest, no rows.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(1, key: "a"), Row.Of(2, key: "b"), Row.Of(12, key: "a"))), // end 214
            OnNext(300, Batch(scheduler, Row.Of(3, key: "a"), Row.Of(15, key: "a"))),                        // end 303
            OnNext(400, Batch(scheduler, Row.Of(25, key: "b"))),                                              // end 402
            OnNext(500, Batch(scheduler, Row.Of(4, key: "a"), Row.Of(16, key: "a"))),                        // end 503
            OnCompleted<IObservable<Row>>(600));
        var options = Options(10, mode: WindowOutputMode.Update, delaySeconds: 10);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(214, "#0 W=none: [0,10) a 1 | [0,10) b 1 | [10,20) a 1"),
            OnNext(214, "#1 nodata W=2: "),
            OnNext(303, "#2 W=2: [0,10) a 2 | [10,20) a 2"),
            OnNext(303, "#3 nodata W=5: "),
            OnNext(402, "#4 W=5: [20,30) b 1"),
            OnNext(402, "#5 nodata W=15: "),
            OnNext(503, "#6 W=15: [10,20) a 3"),
            OnNext(600, "#7 final W=15: "),
            OnCompleted<string>(600));
        Assert.Equal(1, stats.LateRows);
    }

    // ---- empty batches ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WindowByEventTime_MicroBatchEmptyBatches_RunOnlyWithRunEmptyBatches(bool runEmptyBatches)
    {
        // Delay 10 s; inputs [0], [], [30], []. Batch ids count the batches that run, no-data batches included.
        // Without RunEmptyBatches an empty inner runs no batch and emits nothing (a live trigger with no data):
        // #0 (row 0; W_1 = −10 > none) → #1 nodata; [] nothing; #2 (row 30; W = 20) → #3 nodata [0,10); [] nothing;
        // final #4 [30,40).
        // With it, each empty inner is a data batch of its own with no rows (W unchanged, so no no-data batch after):
        // #0, #1 nodata, #2 (empty), #3 (row 30), #4 nodata [0,10), #5 (empty), final #6.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0))),  // end 212
            OnNext(300, Batch(scheduler)),              // end 301
            OnNext(400, Batch(scheduler, Row.Of(30))), // end 402
            OnNext(500, Batch(scheduler)),              // end 501
            OnCompleted<IObservable<Row>>(600));
        var options = Options(10, delaySeconds: 10);
        options.RunEmptyBatches = runEmptyBatches;

        var res = Run(scheduler, xs, options);

        Recorded<Notification<string>>[] expected = runEmptyBatches
            ? [
                OnNext(212, "#0 W=none: "),
                OnNext(212, "#1 nodata W=-10: "),
                OnNext(301, "#2 W=-10: "),
                OnNext(402, "#3 W=-10: "),
                OnNext(402, "#4 nodata W=20: [0,10) a 1"),
                OnNext(501, "#5 W=20: "),
                OnNext(600, "#6 final W=20: [30,40) a 1"),
                OnCompleted<string>(600),
            ]
            : [
                OnNext(212, "#0 W=none: "),
                OnNext(212, "#1 nodata W=-10: "),
                OnNext(402, "#2 W=-10: "),
                OnNext(402, "#3 nodata W=20: [0,10) a 1"),
                OnNext(600, "#4 final W=20: [30,40) a 1"),
                OnCompleted<string>(600),
            ];
        res.Messages.AssertEqual(expected);
    }

    [Fact]
    public void WindowByEventTime_MicroBatchRowsWithoutTimeOnly_StillADataBatch()
    {
        // A batch whose rows all lack an event time has input rows, so it runs (NumInputRows 1, NumRowsMissingTime 1),
        // with RunEmptyBatches false.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, Batch(scheduler, new Row(null, "a", 1))), OnCompleted<IObservable<Row>>(300));
        var options = NoWatermark();
        options.Scheduler = scheduler;

        var res = scheduler.Start(() => xs.WindowByEventTime(options), Created, Subscribed, Disposed);

        Assert.Equal(3, res.Messages.Count);
        Assert.Equal(new BatchProgress(0, 1, null, null, null, long.MinValue, long.MinValue, 0, 0, 0, 1), res.Messages[0].Value.Value.Progress);
        Assert.True(res.Messages[1].Value.Value.IsFinalBatch);
        Assert.Empty(res.Messages[1].Value.Value.Rows);
    }

    // ---- progress ----

    [Fact]
    public void WindowByEventTime_MicroBatchProgress_SparkFieldsWorkedOutByHand()
    {
        // 10 s windows, delay 10 s, append.
        // Batch 0 = 0 a, 30 a: 2 input rows, event time min 0, max 30, avg 15; W none → next 20; state [0,10) a,
        // [30,40) a: total 2, updated 2.
        // No-data batch 1 (W = 20): evicts [0,10) a: total 1.
        // Batch 2 = 5 a (late for [0,10): 1 drop), 21 a, 22 b, a row without time (1 missing), 27 a, 40 b:
        // 6 input rows; the 5 timed ones: min 5, max 40, avg (5 + 21 + 22 + 27 + 40) / 5 = 23; W 20 → next
        // max(20, 40 − 10) = 30; updated: [20,30) a, [20,30) b, [40,50) b = 3; total with [30,40) a = 4 (nothing
        // ends by 20 any more).
        // No-data batch 3 (W = 30): emits and evicts [20,30) a 2, [20,30) b 1: total 2.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))),
            OnNext(300, Batch(scheduler, Row.Of(5), Row.Of(21), Row.Of(22, key: "b"), new Row(null, "a", 1), Row.Of(27), Row.Of(40, key: "b"))),
            OnCompleted<IObservable<Row>>(400));
        var options = Options(10, delaySeconds: 10);
        options.Scheduler = scheduler;

        var res = scheduler.Start(() => xs.WindowByEventTime(options), Created, Subscribed, Disposed);

        var updates = res.Messages.Where(m => m.Value.Kind == NotificationKind.OnNext).Select(m => m.Value.Value).ToList();
        Assert.Equal(5, updates.Count);
        Assert.Equal(new BatchProgress(0, 2, S(0), S(30), S(15), long.MinValue, S(20), 2, 2, 0, 0), updates[0].Progress);
        Assert.Equal(new BatchProgress(1, 0, null, null, null, S(20), S(20), 1, 0, 0, 0), updates[1].Progress);
        Assert.Equal(new BatchProgress(2, 6, S(5), S(40), S(23), S(20), S(30), 4, 3, 1, 1), updates[2].Progress);
        Assert.Equal(new BatchProgress(3, 0, null, null, null, S(30), S(30), 2, 0, 0, 0), updates[3].Progress);
        Assert.Equal("[20,30) a 2 | [20,30) b 1", Describe(updates[3]));

        // The final batch 4 emits [30,40) a 1 and [40,50) b 1: the state is empty after it.
        Assert.Equal(new BatchProgress(4, 0, null, null, null, S(30), S(30), 0, 0, 0, 0), updates[4].Progress);
        Assert.True(updates[4].IsFinalBatch);
        Assert.All(updates, u => Assert.Equal(u.BatchId, u.Progress!.BatchId));
    }

    // ---- idle timeout ----

    [Fact]
    public void WindowByEventTime_MicroBatchIdleTimeout_IdleBatchBetweenBatchesAndAfterTheBatchItFellIn()
    {
        // Delay 10 s, append, idle timeout 50 ticks of processing time (after the last row, once per quiet spell).
        // Batch 0 = rows 0 (211), 30 (212), end 213: #0 no rows; W_1 = 20, no-data #1 emits [0,10) a 1.
        // Quiet since 212: at 262 the idle batch #2 moves W to the newest event time 30 (never beyond), nothing
        // ends by 30, and append emits the open [30,40) a 1 provisionally.
        // Batch 3 = row 31 at 301, ending only at 400: the quiet spell 301-351 falls inside the batch, so the idle
        // batch waits for its end. At 400 #3 runs with W = 30 (31 counts: [30,40) ends at 40 > 30), nothing final,
        // W unchanged (31 − 10 < 30), so no no-data batch; then the idle batch #4: W = 31, [30,40) a 2 provisionally
        // again (a row landed in it since). Final #5: [30,40) is final, but no row landed in it since its last
        // provisional emission, so no rows.
        var scheduler = new TestScheduler();
        var slow = scheduler.CreateColdObservable(OnNext(1, Row.Of(31)), OnCompleted<Row>(100));
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, (IObservable<Row>)slow),                   // row 301, end 400
            OnCompleted<IObservable<Row>>(500));
        var options = Options(10, delaySeconds: 10);
        options.IdleTimeout = TimeSpan.FromTicks(50);

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(213, "#0 W=none: "),
            OnNext(213, "#1 nodata W=20: [0,10) a 1"),
            OnNext(262, "#2 nodata W=30: provisional [30,40) a 1"),
            OnNext(400, "#3 W=30: "),
            OnNext(400, "#4 nodata W=31: provisional [30,40) a 2"),
            OnNext(500, "#5 final W=31: "),
            OnCompleted<string>(500));
    }

    // ---- errors and disposal ----

    [Fact]
    public void WindowByEventTime_MicroBatchErrorInsideBatch_OnErrorNoFinalBatch()
    {
        // Batch 0 runs (#0, #1 nodata); batch 1 fails after one row: the error passes through at once, the
        // half-received batch emits nothing, no final batch, and the outer and inner subscriptions end.
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("batch failed");
        var failing = scheduler.CreateColdObservable(OnNext(1, Row.Of(31)), OnError<Row>(2, error));
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, (IObservable<Row>)failing),                // error at 302
            OnNext(400, Batch(scheduler, Row.Of(50))),
            OnCompleted<IObservable<Row>>(500));

        var res = Run(scheduler, xs, Options(10, delaySeconds: 10));

        res.Messages.AssertEqual(
            OnNext(213, "#0 W=none: "),
            OnNext(213, "#1 nodata W=20: [0,10) a 1"),
            OnError<string>(302, error));
        xs.Subscriptions.AssertEqual(Subscribe(200, 302));
        failing.Subscriptions.AssertEqual(Subscribe(300, 302));
    }

    [Fact]
    public void WindowByEventTime_MicroBatchOuterError_PassesThroughWithoutFinalBatch()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("source failed");
        var xs = scheduler.CreateHotObservable(OnNext(210, Batch(scheduler, Row.Of(1))), OnError<IObservable<Row>>(300, error));

        var res = Run(scheduler, xs, NoWatermark());

        res.Messages.AssertEqual(OnNext(212, "#0 W=none: "), OnError<string>(300, error));
        xs.Subscriptions.AssertEqual(Subscribe(200, 300));
    }

    [Fact]
    public void WindowByEventTime_MicroBatchUserCodeThrows_OnErrorAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("user code");
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(1), new Row(2, "bad", 1), Row.Of(3))), // bad row at 212
            OnCompleted<IObservable<Row>>(300));
        var options = NoWatermark();
        options.KeySelector = r => r.Key == "bad" ? throw error : r.Key;

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(OnError<string>(212, error));
        xs.Subscriptions.AssertEqual(Subscribe(200, 212));
    }

    [Fact]
    public void WindowByEventTime_MicroBatchDisposedMidBatch_UnsubscribesAndEmitsNothingAfter()
    {
        // Disposed at 350 while batch 1 (rows at 301 and 400) is being received: nothing more, both subscriptions end.
        var scheduler = new TestScheduler();
        var slow = scheduler.CreateColdObservable(OnNext(1, Row.Of(31)), OnNext(100, Row.Of(32)), OnCompleted<Row>(101));
        var xs = scheduler.CreateHotObservable(
            OnNext(210, Batch(scheduler, Row.Of(0), Row.Of(30))), // end 213
            OnNext(300, (IObservable<Row>)slow),
            OnNext(500, Batch(scheduler, Row.Of(50))),
            OnCompleted<IObservable<Row>>(600));

        var res = Run(scheduler, xs, Options(10, delaySeconds: 10), disposed: 350);

        res.Messages.AssertEqual(OnNext(213, "#0 W=none: "), OnNext(213, "#1 nodata W=20: [0,10) a 1"));
        xs.Subscriptions.AssertEqual(Subscribe(200, 350));
        slow.Subscriptions.AssertEqual(Subscribe(300, 350));
    }

    [Fact]
    public void WindowByEventTime_MicroBatchBatchesQueued_RunInOrderFinalBatchAfterTheLast()
    {
        // Batch 1 arrives (250) before batch 0 completes (310): it is subscribed only after, so its rows come later
        // and the watermark of batch 1 is the one batch 0 set: the row at 5 in batch 1 is late (W_1 = 20).
        // The input ends at 260, before either batch ended: the final batch runs after the last one, at 312.
        var scheduler = new TestScheduler();
        var first = scheduler.CreateColdObservable(OnNext(1, Row.Of(0)), OnNext(100, Row.Of(30)), OnCompleted<Row>(100));
        var second = scheduler.CreateColdObservable(OnNext(1, Row.Of(5)), OnCompleted<Row>(2));
        var xs = scheduler.CreateHotObservable(
            OnNext(210, (IObservable<Row>)first),  // end 310
            OnNext(250, (IObservable<Row>)second), // subscribed at 310: row 311, end 312
            OnCompleted<IObservable<Row>>(260));   // before the batches ran: the final batch waits for them
        var options = Options(10, delaySeconds: 10);
        var stats = options.Stats = new WindowStats();

        var res = Run(scheduler, xs, options);

        res.Messages.AssertEqual(
            OnNext(310, "#0 W=none: "),
            OnNext(310, "#1 nodata W=20: [0,10) a 1"),
            OnNext(312, "#2 W=20: "),
            OnNext(312, "#3 final W=20: [30,40) a 1"),
            OnCompleted<string>(312));
        Assert.Equal(1, stats.LateRows);
        second.Subscriptions.AssertEqual(Subscribe(310, 312));
    }
}

using System.Reactive;
using System.Reactive.Subjects;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
using Reactive.Operators.Windows;
using static Reactive.Operators.Tests.Windows.WindowTestData;

namespace Reactive.Operators.Tests.Windows;

/// <summary>
/// Save and reload (Reaqtor's <c>SaveAndReload</c> shape): feed part of the rows, save the state, restore it into a
/// fresh operator, feed the rest; the batches, rejected rows and counters equal those of an uninterrupted run.
/// </summary>
public sealed class EventTimeWindowStateTests
{
    [Theory]
    [InlineData(WindowOutputMode.Append, 31, 10, 3, 4, 1, 200)]
    [InlineData(WindowOutputMode.Append, 32, 5, 5, 0, 0, 1)]
    [InlineData(WindowOutputMode.Update, 33, 10, 3, 4, 1, 150)]
    [InlineData(WindowOutputMode.Complete, 34, 10, 4, 3, -2, 250)]
    [InlineData(WindowOutputMode.Append, 35, 6, 2, 2, 0, 399)]
    public void WindowByEventTime_SaveAndReload_SameAsUninterrupted(
        WindowOutputMode mode, int seed, double duration, double slide, double delay, double offset, int cut)
    {
        var rows = EventTimeWindowModeOracleTests.RandomRows(seed);
        Options Make() => new(mode, duration, slide, delay, offset);

        var whole = Run(Make(), rows, null, out _);

        // The first operator goes on after the save: the snapshot must share nothing with it.
        var first = Run(Make(), rows[..cut], null, out var saved, saveAfter: cut, extra: rows[cut..Math.Min(rows.Count, cut + 20)]);
        var restored = Run(Make(), rows[cut..], saved, out _);

        Assert.Equal(whole.Batches, [.. first.Batches.Take(first.BatchesAtSave), .. restored.Batches]);
        Assert.Equal(whole.Rejected, [.. first.Rejected.Take(first.RejectedAtSave), .. restored.Rejected]);
        Assert.Equal(whole.Late, first.LateAtSave + restored.Late);
        Assert.Equal(whole.Dropped, first.DroppedAtSave + restored.Dropped);
        Assert.True(whole.Dropped > 0, "the data should exercise rows without event time");
        Assert.True(mode == WindowOutputMode.Complete ? whole.Late == 0 : whole.Late > 0, "the data should exercise late rows (complete mode takes them all)");
        Assert.NotNull(saved);
        Assert.Equal(WindowState<string>.CurrentVersion, saved.Version);
    }

    [Fact]
    public void WindowByEventTime_SavedState_EnumeratesTheOpenWindows()
    {
        var options = WindowTestData.Options(10, 5, WindowOutputMode.Append, 0, "count", "twa(value)");
        var handle = options.State = new StateHandle<WindowState<string>>();
        using var subject = new Subject<Row>();
        using var subscription = subject.WindowByEventTime(options).Subscribe(_ => { });
        subject.OnNext(Row.Of(12, 3));
        subject.OnNext(Row.Of(13, 5, "b"));

        var state = handle.Save();

        Assert.Equal(S(13), state.MaxEventTicks);
        Assert.Equal(S(13), state.WatermarkTicks);
        Assert.Equal(
            ["5 a 1", "10 a 1", "5 b 1", "10 b 1"],
            state.Entries.Select(e => $"{Sec(e.WindowStartTicks, Base)} {e.Key} {e.Aggregates[0].Count}"));
        Assert.Equal([S(12)], state.Entries[0].Aggregates[1].Times);
        Assert.Equal([3.0], state.Entries[0].Aggregates[1].Values);
    }

    [Fact]
    public void StateHandle_OneSubscriptionAtATime_DetachedAtTheEnd()
    {
        var options = WindowTestData.Options(10);
        var handle = options.State = new StateHandle<WindowState<string>>();
        Assert.Throws<InvalidOperationException>(() => handle.Save());
        using var subject = new Subject<Row>();
        var windows = subject.WindowByEventTime(options);
        var subscription = windows.Subscribe(_ => { });
        Assert.True(handle.IsAttached);
        Assert.Throws<InvalidOperationException>(() => windows.Subscribe(_ => { }));
        subject.OnCompleted();
        Assert.False(handle.IsAttached);
        Assert.Throws<InvalidOperationException>(() => handle.Save());
        subscription.Dispose();
    }

    private static Outcome Run(Options o, List<Row> rows, WindowState<string>? initial, out WindowState<string>? saved, int saveAfter = -1, List<Row>? extra = null)
    {
        var options = WindowTestData.Options(o.Duration, o.Slide, o.Mode, o.Delay, EventTimeWindowOracleTests.AllAggregates);
        options.StartOffset = TimeSpan.FromSeconds(o.Offset);
        options.Stats = new WindowStats();
        var handle = options.State = new StateHandle<WindowState<string>>(initial);
        var outcome = new Outcome();
        options.Rejected = Observer.Create<Rejected<Row>>(r => outcome.Rejected.Add($"{r.Row} {r.Code} {r.Reason}"));
        saved = null;
        using var subject = new Subject<Row>();
        using var subscription = subject.WindowByEventTime(options).Subscribe(u => outcome.Batches.Add($"{u.BatchId} {u.WatermarkTicks} {Describe(u)}"));
        for (var i = 0; i < rows.Count; i++)
        {
            subject.OnNext(rows[i]);
        }

        if (saveAfter >= 0)
        {
            saved = handle.Save();
            outcome.BatchesAtSave = outcome.Batches.Count;
            outcome.RejectedAtSave = outcome.Rejected.Count;
            outcome.LateAtSave = options.Stats.LateRows;
            outcome.DroppedAtSave = options.Stats.DroppedRows;
            foreach (var row in extra ?? [])
            {
                subject.OnNext(row);
            }
        }

        subject.OnCompleted();
        outcome.Late = options.Stats.LateRows;
        outcome.Dropped = options.Stats.DroppedRows;
        return outcome;
    }

    private sealed record Options(WindowOutputMode Mode, double Duration, double Slide, double Delay, double Offset);

    private sealed class Outcome
    {
        public List<string> Batches { get; } = [];

        public List<string> Rejected { get; } = [];

        public int BatchesAtSave { get; set; }

        public int RejectedAtSave { get; set; }

        public long LateAtSave { get; set; }

        public long DroppedAtSave { get; set; }

        public long Late { get; set; }

        public long Dropped { get; set; }
    }
}

using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
using Reactive.Operators.Spread;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Spread;

/// <summary>
/// Save and reload: feed part of the quotes, save the state, restore it into a fresh operator, feed the rest; the
/// windows, rejected quotes and counters equal those of an uninterrupted run.
/// </summary>
public sealed class SpreadStateTests
{
    private static readonly long T0 = new DateTime(2014, 3, 3, 9, 30, 0).Ticks;

    [Theory]
    [InlineData(1, 0, true, 1500)]
    [InlineData(2, 1.5, true, 777)]
    [InlineData(3, 1.5, false, 2999)]
    [InlineData(4, 4, false, 1)]
    public void Spread_SaveAndReload_SameAsUninterrupted(int seed, double delaySeconds, bool includeAll, int cut)
    {
        var quotes = RandomQuotes(seed);
        SpreadOptions Options() => new() { WatermarkDelay = TimeSpan.FromSeconds(delaySeconds), IncludeLockedAndCrossed = includeAll };

        var whole = Run(Options(), quotes, null, -1, out _);
        var first = Run(Options(), quotes[..cut], null, cut, out var saved, extra: quotes[cut..Math.Min(quotes.Count, cut + 50)]);
        var restored = Run(Options(), quotes[cut..], saved, -1, out _);

        Assert.Equal(whole.Results, [.. first.Results.Take(first.ResultsAtSave), .. restored.Results]);
        Assert.Equal(whole.Rejected, [.. first.Rejected.Take(first.RejectedAtSave), .. restored.Rejected]);
        Assert.True(whole.Rejected.Any(r => r.Code == "late") && whole.Rejected.Any(r => r.Code == "bad_price"), "the data should exercise late and bad quotes");
        Assert.Equal(SpreadState.CurrentVersion, saved!.Version);
    }

    [Fact]
    public void SpreadAggregator_SaveAndLoadAfterAnIdleFlush_ProvisionalWindowsNotEmittedAgainUnlessChanged()
    {
        // Quotes at 0.5 s and 1.2 s; the idle flush: second [0,1) final, [1,2) and the minute provisional. Saved and
        // restored: a quote at 1.4 s changes [1,2) (emitted again at the end with 2 quotes), and the minute too; a
        // restore that did not know them would emit both again anyway, one that did emits [1,2) and the minute once more
        // only because they changed. Without the quote, the end emits nothing.
        var options = new SpreadOptions();
        var a = new SpreadAggregator(options, new ListSink());
        a.OnQuote(At(0.5), 10.00, 10.01);
        a.OnQuote(At(1.2), 10.00, 10.02);
        a.IdleFlush();
        var state = a.Save();
        Assert.Equal(new SpreadProvisionalState(At(1), false, At(0), false), state.Provisional);

        var unchanged = new ListSink();
        var b = new SpreadAggregator(options, unchanged);
        b.Load(state);
        b.Flush();
        Assert.Empty(unchanged.Results);

        var changed = new ListSink();
        var c = new SpreadAggregator(options, changed);
        c.Load(state);
        Assert.Equal(SpreadAggregator.QuoteVerdict.Accepted, c.OnQuote(At(1.4), 10.00, 10.03));
        c.Flush();
        Assert.Equal(
            [(SpreadResultKind.Second, At(1), 2, false), (SpreadResultKind.Minute, At(0), 3, false)],
            changed.Results.Select(r => (r.Kind, r.WindowStartTicks, r.Count, r.IsProvisional)));
    }

    [Fact]
    public void SpreadAggregator_SaveAndLoad_PendingQuotesOpenMinuteAndCounters()
    {
        var options = new SpreadOptions { WatermarkDelay = TimeSpan.FromSeconds(2) };
        var a = new SpreadAggregator(options, new ListSink());
        a.OnQuote(At(0.5), 10.00, 10.01);
        a.OnQuote(At(3.5), 10.00, 10.02); // watermark 1.5: second 0 final, the minute open
        a.OnQuote(At(0.7), 10.00, 10.03); // late
        a.OnQuote(At(2.2), 0, 10.03);     // bad price
        a.OnQuote(At(2.9), 10.00, 10.04); // pending, before the pending 3.5

        var state = a.Save();

        Assert.Equal([new SpreadQuoteState(At(2.9), 10.00, 10.04), new SpreadQuoteState(At(3.5), 10.00, 10.02)], state.Pending);
        Assert.Equal(At(1.5), state.WatermarkTicks);
        Assert.Equal(At(3.5), state.MaxEventTicks);
        Assert.Equal(At(1), state.FrontierTicks);
        Assert.Equal(At(0), state.Minute!.StartTicks);
        Assert.Equal(1, state.Minute.Count);
        Assert.Equal((5, 1, 1), (state.QuoteCount, state.LateCount, state.RejectedCount));

        var sinkB = new ListSink();
        var b = new SpreadAggregator(options, sinkB);
        b.Load(state);
        Assert.Equal(state, b.Save() with { Pending = state.Pending }); // the same state back (lists compared apart)
        Assert.Equal(state.Pending, b.Save().Pending);
        Assert.Equal(SpreadAggregator.QuoteVerdict.Late, b.OnQuote(At(0.9), 10.00, 10.01));
        b.Flush();
        Assert.Equal([(SpreadResultKind.Second, At(2), 1), (SpreadResultKind.Second, At(3), 1), (SpreadResultKind.Minute, At(0), 3)], sinkB.Results.Select(r => (r.Kind, r.WindowStartTicks, r.Count)));
    }

    [Fact]
    public void SpreadAggregator_LoadOfAnotherVersionOrDelay_Throws()
    {
        var state = new SpreadAggregator(new SpreadOptions(), new ListSink()).Save();
        Assert.Throws<ArgumentException>(() => new SpreadAggregator(new SpreadOptions(), new ListSink()).Load(state with { Version = 2 }));
        Assert.Throws<ArgumentException>(() => new SpreadAggregator(new SpreadOptions { WatermarkDelay = TimeSpan.FromSeconds(1) }, new ListSink()).Load(state));
    }

    [Fact]
    public void Spread_SaveWithIdleTimeout_TakesTheLockAndRestoresUnderVirtualTime()
    {
        // With an idle timeout the operator locks; Save from the test thread between quotes sees a consistent state.
        var scheduler = new TestScheduler();
        var handle = new StateHandle<SpreadState>();
        var xs = scheduler.CreateHotObservable(
            OnNext(210, new Q(At(0.5), 10.00, 10.02)),
            OnNext(220, new Q(At(1.5), 10.00, 10.02)));
        SpreadState? saved = null;
        scheduler.ScheduleAbsolute(230, () => saved = handle.Save());
        var observer = scheduler.Start(
            () => xs.Spread(new SpreadOptions { IdleTimeout = TimeSpan.FromSeconds(5), State = handle }, q => q.T, q => q.Bid, q => q.Ask, scheduler),
            100,
            200,
            240);

        observer.Messages.AssertEqual(OnNext<SpreadResult>(220, r => r.Kind == SpreadResultKind.Second && r.WindowStartTicks == At(0)));
        Assert.Equal([new SpreadQuoteState(At(1.5), 10.00, 10.02)], saved!.Pending);
        Assert.False(handle.IsAttached);
    }

    private static long At(double seconds) => T0 + (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    private static List<Q> RandomQuotes(int seed)
    {
        var random = new Random(seed);
        var quotes = new List<Q>();
        var mid = 43.00;
        for (var i = 0; i < 3000; i++)
        {
            var time = i > 0 && random.NextDouble() < 0.05 ? quotes[^1].T
                : T0 + (long)((i * 0.14 * TimeSpan.TicksPerSecond) + (i / 400 * 3 * TimeSpan.TicksPerSecond) + ((random.NextDouble() - 0.5) * 5 * TimeSpan.TicksPerSecond));
            mid += (random.Next(3) - 1) * 0.01;
            var spread = random.Next(8) switch { 0 => -0.02, 1 => 0, 2 => 0.01, 3 => 0.02, 4 => 0.03, 5 => 0.05, 6 => 0.02, _ => 0.10 };
            var bid = random.NextDouble() < 0.01 ? 0 : mid;
            quotes.Add(new Q(time, bid, mid + spread));
        }

        return quotes;
    }

    private static Outcome Run(SpreadOptions options, List<Q> quotes, SpreadState? initial, int saveAfter, out SpreadState? saved, List<Q>? extra = null)
    {
        var handle = options.State = new StateHandle<SpreadState>(initial);
        var outcome = new Outcome();
        saved = null;
        using var subject = new Subject<Q>();
        using var subscription = subject
            .Spread(options, q => q.T, q => q.Bid, q => q.Ask, ImmediateScheduler.Instance, Observer.Create<Rejected<Q>>(outcome.Rejected.Add))
            .Subscribe(outcome.Results.Add);
        foreach (var q in quotes)
        {
            subject.OnNext(q);
        }

        if (saveAfter >= 0)
        {
            saved = handle.Save();
            outcome.ResultsAtSave = outcome.Results.Count;
            outcome.RejectedAtSave = outcome.Rejected.Count;
            foreach (var q in extra ?? [])
            {
                subject.OnNext(q);
            }
        }

        subject.OnCompleted();
        return outcome;
    }

    private sealed record Q(long T, double Bid, double Ask);

    private sealed class Outcome
    {
        public List<SpreadResult> Results { get; } = [];

        public List<Rejected<Q>> Rejected { get; } = [];

        public int ResultsAtSave { get; set; }

        public int RejectedAtSave { get; set; }
    }
}

using System.Reactive;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Spread;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Spread;

/// <summary>
/// The spread's idle timeout: with no quote for that long (processing time, on the scheduler), the watermark moves to
/// the newest quote and the still open second and minute are emitted provisionally (issue 16; rule in SpreadOptions.IdleTimeout). Virtual time runs in real
/// ticks here, so that processing seconds and event seconds can be compared by hand.
/// </summary>
public sealed class SpreadIdleTimeoutTests
{
    private const long S = TimeSpan.TicksPerSecond;
    private const long M = TimeSpan.TicksPerMinute;
    private const long T0 = Subscribed;

    private static Recorded<Notification<Q>> At(long processing, double eventSeconds, double bid = 10.00, double ask = 10.02) =>
        OnNext(processing, new Q((long)Math.Round(eventSeconds * S), bid, ask));

    private static IObservable<SpreadResult> SpreadOf(IObservable<Q> source, TestScheduler scheduler, TimeSpan? idle, IObserver<Rejected<Q>>? rejected = null) =>
        source.Spread(new SpreadOptions { IdleTimeout = idle }, q => q.T, q => q.Bid, q => q.Ask, scheduler, rejected);

    private static Func<SpreadResult, bool> Window(SpreadResultKind kind, long start, int count) =>
        r => r.Kind == kind && r.WindowStartTicks == start && r.Count == count;

    private static Func<SpreadResult, bool> Provisional(SpreadResultKind kind, long start, int count) =>
        r => r.Kind == kind && r.WindowStartTicks == start && r.Count == count && r.IsProvisional;

    private static Func<SpreadResult, bool> Final(SpreadResultKind kind, long start, int count) =>
        r => r.Kind == kind && r.WindowStartTicks == start && r.Count == count && !r.IsProvisional;

    // Issue 16's rule, worked by hand below: after IdleTimeout without a quote (at exactly last quote + timeout, once per
    // quiet spell), the watermark moves to the newest quote time (the delay counts as zero while idle; never further,
    // never from processing time); the newest quote's second and minute, still open, are emitted provisionally; a later
    // quote in them gets them emitted again, final, with all their quotes; a quote not older than all seen is never late.

    [Fact]
    public void Spread_FeedGoesQuiet_NewestSecondAndMinuteProvisionalAtExactlyLastQuotePlusTimeout()
    {
        // Quotes at event 0.2 s, 0.7 s, 1.5 s arrive over one processing second, then nothing. Idle 2 s:
        // - at T0+1 s the quote at 1.5 s closes second 0 (watermark 1.5 s);
        // - at T0+3 s (the last quote + 2 s, not later) the idle flush: the watermark stays 1.5 s (the newest quote),
        //   second [1,2) and minute [0,60) are emitted provisionally; nothing more, however long the pause.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(At(T0, 0.2), At(T0 + (S / 2), 0.7), At(T0 + S, 1.5));

        var observer = scheduler.Start(() => SpreadOf(xs, scheduler, TimeSpan.FromSeconds(2)), 100, T0, T0 + (10 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + S, Final(SpreadResultKind.Second, 0, 2)),
            OnNext(T0 + (3 * S), Provisional(SpreadResultKind.Second, S, 1)),
            OnNext(T0 + (3 * S), Provisional(SpreadResultKind.Minute, 0, 3)));
        Assert.All(observer.Messages.Skip(1), m => Assert.Equal((long)(1.5 * S), m.Value.Value.WatermarkTicks));
    }

    [Fact]
    public void Spread_QuoteAfterAPauseNewerThanAll_NeverLateReopensTheProvisionalWindows()
    {
        // Idle 2 s. The quote at 1.5 s (T0), then 20 processing seconds of silence (the old rule made the watermark
        // 21.5 s: the quote at 1.7 s was late). Now: at T0+2 s second [1,2) and minute [0,60) provisionally, watermark
        // 1.5 s; at T0+20 s the quote at 1.7 s is newer than all: counted in [1,2); the quote at 10 s closes [1,2),
        // final with both quotes; the end closes [10,11) and the minute, final with the three quotes.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(At(T0, 1.5), At(T0 + (20 * S), 1.7), At(T0 + (20 * S) + 1, 10), OnCompleted<Q>(T0 + (21 * S)));

        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var observer = scheduler.Start(() => SpreadOf(xs, scheduler, TimeSpan.FromSeconds(2), rejected), 100, T0, T0 + (2 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + (2 * S), Provisional(SpreadResultKind.Second, S, 1)),
            OnNext(T0 + (2 * S), Provisional(SpreadResultKind.Minute, 0, 1)),
            OnNext(T0 + (20 * S) + 1, Final(SpreadResultKind.Second, S, 2)),
            OnNext(T0 + (21 * S), Final(SpreadResultKind.Second, 10 * S, 1)),
            OnNext(T0 + (21 * S), Final(SpreadResultKind.Minute, 0, 3)),
            OnCompleted<SpreadResult>(T0 + (21 * S)));
        Assert.Empty(rejected.Messages);
    }

    [Fact]
    public void Spread_QuoteAfterAPauseOlderThanTheFlushedWindows_LateAgainstTheNewestQuoteNotTheWallClock()
    {
        // Idle 2 s. Quotes at 5.5 s (T0) and 6.2 s (T0+0.1 s: closes second 5). At T0+2.1 s the idle flush: the
        // watermark is 6.2 s; second [6,7) and the minute provisionally. After the pause a quote at 5.9 s is late (its
        // second was final) and its reason names the watermark 6.2 s, not a processing-time one; a quote at 6.1 s is
        // older than the newest but its second is not final: counted (as Spark would), and [6,7) is emitted again.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            At(T0, 5.5),
            At(T0 + (S / 10), 6.2),
            At(T0 + (60 * S), 5.9),
            At(T0 + (60 * S) + 1, 6.1),
            OnCompleted<Q>(T0 + (61 * S)));

        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var observer = scheduler.Start(() => SpreadOf(xs, scheduler, TimeSpan.FromSeconds(2), rejected), 100, T0, T0 + (2 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + (S / 10), Final(SpreadResultKind.Second, 5 * S, 1)),
            OnNext(T0 + (S / 10) + (2 * S), Provisional(SpreadResultKind.Second, 6 * S, 1)),
            OnNext(T0 + (S / 10) + (2 * S), Provisional(SpreadResultKind.Minute, 0, 2)),
            OnNext(T0 + (61 * S), Final(SpreadResultKind.Second, 6 * S, 2)),
            OnNext(T0 + (61 * S), Final(SpreadResultKind.Minute, 0, 3)),
            OnCompleted<SpreadResult>(T0 + (61 * S)));
        rejected.Messages.AssertEqual(OnNext(T0 + (60 * S), new Rejected<Q>(
            new Q((long)Math.Round(5.9 * S), 10.00, 10.02),
            "late",
            "quote at 0001-01-01T00:00:05.9Z is in second [0001-01-01T00:00:05Z, 0001-01-01T00:00:06Z), final since the watermark 0001-01-01T00:00:06.2Z reached its end; raise SpreadOptions.WatermarkDelay to accept it")));
    }

    [Fact]
    public void Spread_SeveralPauses_OneFlushEachChangedWindowsAgainUnchangedOnesNever()
    {
        // Idle 2 s. 1.2 s at T0; 1.4 s at T0+5 s; 2.1 s at T0+10 s; end at T0+30 s.
        // T0+2 s: [1,2) 1 and the minute 1, provisionally. T0+7 s: both changed: [1,2) 2, minute 2, provisionally.
        // T0+10 s: the quote at 2.1 s closes [1,2), unchanged since: not again. T0+12 s: [2,3) 1 and the minute 3,
        // provisionally. The end: nothing changed, nothing again.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(At(T0, 1.2), At(T0 + (5 * S), 1.4), At(T0 + (10 * S), 2.1), OnCompleted<Q>(T0 + (30 * S)));

        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var observer = scheduler.Start(() => SpreadOf(xs, scheduler, TimeSpan.FromSeconds(2), rejected), 100, T0, T0 + (2 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + (2 * S), Provisional(SpreadResultKind.Second, S, 1)),
            OnNext(T0 + (2 * S), Provisional(SpreadResultKind.Minute, 0, 1)),
            OnNext(T0 + (7 * S), Provisional(SpreadResultKind.Second, S, 2)),
            OnNext(T0 + (7 * S), Provisional(SpreadResultKind.Minute, 0, 2)),
            OnNext(T0 + (12 * S), Provisional(SpreadResultKind.Second, 2 * S, 1)),
            OnNext(T0 + (12 * S), Provisional(SpreadResultKind.Minute, 0, 3)),
            OnCompleted<SpreadResult>(T0 + (30 * S)));
        Assert.Empty(rejected.Messages);
    }

    [Theory]
    [InlineData(0.5)] // shorter than the timeout: no flush
    [InlineData(2.0)] // equal: the quote due then is scheduled before the timer, so it comes first: no flush
    [InlineData(2.5)] // longer: a flush
    [InlineData(90.0)] // much longer, past the minute's end in processing time
    public void Spread_PauseOfAnyLength_FinalWindowsAsWithoutThePauseAndNoneLate(double pauseSeconds)
    {
        // 40 quotes 0.3 event-seconds apart (the pause falls inside second 56 and minute 0), one every 0.1
        // processing second, with one pause of exactly pauseSeconds between quotes 19 and 20. The last result of each window equals the result of the same
        // quotes without an idle timeout (counts, averages, time weighting), and nothing is late.
        var pause = (long)(pauseSeconds * S);
        var messages = Enumerable.Range(0, 40)
            .Select(i => At(T0 + (i * S / 10) + (i >= 20 ? pause - (S / 10) : 0), 50.3 + (i * 0.3), 10.00, 10.02 + (0.01 * (i % 7))))
            .Append(OnCompleted<Q>(T0 + (5 * S) + pause))
            .ToArray();
        var withIdle = new TestScheduler();
        var without = new TestScheduler();
        var rejected = withIdle.CreateObserver<Rejected<Q>>();

        var idle = withIdle.Start(() => SpreadOf(withIdle.CreateHotObservable(messages), withIdle, TimeSpan.FromSeconds(2), rejected), 100, T0, T0 + (10 * M));
        var plain = without.Start(() => SpreadOf(without.CreateHotObservable(messages), without, null), 100, T0, T0 + (10 * M));

        Assert.Empty(rejected.Messages);
        Assert.Equal(Values(plain).Order(), LastPerWindow(idle).Order());
        var provisional = idle.Messages.Count(m => m.Value.HasValue && m.Value.Value.IsProvisional);
        Assert.Equal(pauseSeconds > 2 ? 2 : 0, provisional);
        if (pauseSeconds > 2)
        {
            // The flush at exactly the last quote before the pause (T0 + 1.9 s) + 2 s.
            Assert.Equal(T0 + (19 * S / 10) + (2 * S), idle.Messages.First(m => m.Value.HasValue && m.Value.Value.IsProvisional).Time);
        }
    }

    [Fact]
    public void Spread_PauseBetweenMinutes_ExactlyTheWindowsOfTheFeedWithoutThePause()
    {
        // The feed resumes in a later minute: the provisional second and minute were final already and are not emitted
        // again, so counting every result gives the same windows as without the pause (the course feed's E2E case).
        var messages = new[]
        {
            At(T0, 10), At(T0 + (S / 10), 20.5), At(T0 + (2 * S / 10), 59.5),
            At(T0 + (30 * S), 61.2), At(T0 + (30 * S) + 1, 75), OnCompleted<Q>(T0 + (31 * S)),
        };
        var withIdle = new TestScheduler();
        var without = new TestScheduler();

        var idle = withIdle.Start(() => SpreadOf(withIdle.CreateHotObservable(messages), withIdle, TimeSpan.FromSeconds(5)), 100, T0, T0 + (10 * M));
        var plain = without.Start(() => SpreadOf(without.CreateHotObservable(messages), without, null), 100, T0, T0 + (10 * M));

        Assert.Equal(Values(plain), Values(idle));
        Assert.Equal(2, idle.Messages.Count(m => m.Value.HasValue && m.Value.Value.IsProvisional));
    }

    [Fact]
    public void Spread_MinutesOnly_ProvisionalMinuteThenFinalWithTheResumedQuotes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(At(T0, 1.5), At(T0 + (20 * S), 30), OnCompleted<Q>(T0 + (21 * S)));
        var options = new SpreadOptions { IdleTimeout = TimeSpan.FromSeconds(2), EmitSeconds = false };

        var observer = scheduler.Start(() => xs.Spread(options, q => q.T, q => q.Bid, q => q.Ask, scheduler), 100, T0, T0 + (2 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + (2 * S), Provisional(SpreadResultKind.Minute, 0, 1)),
            OnNext(T0 + (21 * S), Final(SpreadResultKind.Minute, 0, 2)),
            OnCompleted<SpreadResult>(T0 + (21 * S)));
    }

    [Fact]
    public void Spread_IssueExample_QuoteTwoAndAHalfMinutesLaterNeverLateAndTheLastSecondFlushedAfterFiveSeconds()
    {
        // The issue: on an open connection, a quote at 09:37:00 then, 2.5 min later, one at 09:39:00 was late "since the
        // watermark 14:39:31"; the last second came 29 s after the last quote. Idle 5 s, delay 30 s: the second and
        // minute of 09:37:00 come provisionally at exactly +5 s; 09:39:00 is counted; nothing is late.
        var t0937 = (9 * 60 * M) + (37 * M);
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(T0, new Q(t0937, 10.00, 10.02)),
            OnNext(T0 + (150 * S), new Q(t0937 + (2 * M), 10.00, 10.03)),
            OnCompleted<Q>(T0 + (151 * S)));
        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var options = new SpreadOptions { IdleTimeout = TimeSpan.FromSeconds(5), WatermarkDelay = TimeSpan.FromSeconds(30) };

        var observer = scheduler.Start(() => xs.Spread(options, q => q.T, q => q.Bid, q => q.Ask, scheduler, rejected), 100, T0, T0 + (10 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + (5 * S), Provisional(SpreadResultKind.Second, t0937, 1)),
            OnNext(T0 + (5 * S), Provisional(SpreadResultKind.Minute, t0937, 1)),
            OnNext(T0 + (151 * S), Final(SpreadResultKind.Second, t0937 + (2 * M), 1)),
            OnNext(T0 + (151 * S), Final(SpreadResultKind.Minute, t0937 + (2 * M), 1)),
            OnCompleted<SpreadResult>(T0 + (151 * S)));
        Assert.Empty(rejected.Messages);
        Assert.Equal(t0937, observer.Messages[0].Value.Value.WatermarkTicks);
    }

    [Fact]
    public void Spread_WithADelay_IdleFlushTreatsTheDelayAsZero()
    {
        // Delay 10 s: quotes at 1.5 s and 4.5 s close nothing. Idle 2 s: the watermark moves to 4.5 s (not 4.5 − 10 s,
        // not further): second [1,2) is final, [4,5) and the minute provisional. After the pause a quote at 3 s is late:
        // it is within the delay of the newest quote, but its second [3,4) ended by the newest quote's time, which the
        // idle flush made the watermark. One at 4.7 s is counted and [4,5) is emitted again.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            At(T0, 1.5), At(T0 + 1, 4.5), At(T0 + (10 * S), 3), At(T0 + (10 * S) + 1, 4.7), OnCompleted<Q>(T0 + (11 * S)));
        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var options = new SpreadOptions { IdleTimeout = TimeSpan.FromSeconds(2), WatermarkDelay = TimeSpan.FromSeconds(10) };

        var observer = scheduler.Start(() => xs.Spread(options, q => q.T, q => q.Bid, q => q.Ask, scheduler, rejected), 100, T0, T0 + (10 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + 1 + (2 * S), Final(SpreadResultKind.Second, S, 1)),
            OnNext(T0 + 1 + (2 * S), Provisional(SpreadResultKind.Second, 4 * S, 1)),
            OnNext(T0 + 1 + (2 * S), Provisional(SpreadResultKind.Minute, 0, 2)),
            OnNext(T0 + (11 * S), Final(SpreadResultKind.Second, 4 * S, 2)),
            OnNext(T0 + (11 * S), Final(SpreadResultKind.Minute, 0, 3)),
            OnCompleted<SpreadResult>(T0 + (11 * S)));
        Assert.Equal(T0 + (10 * S), Assert.Single(rejected.Messages).Time);
    }

    // Each emitted window as (kind, start, count, average, time-weighted average), in emission order.
    private static List<(SpreadResultKind, long, int, double?, double?)> Values(ITestableObserver<SpreadResult> o) =>
        [.. o.Messages.Where(m => m.Value.HasValue).Select(m => m.Value.Value).Select(r => (r.Kind, r.WindowStartTicks, r.Count, r.Average, r.TimeWeightedAverage))];

    // The last emission of each window (a provisional one superseded by a later one).
    private static List<(SpreadResultKind, long, int, double?, double?)> LastPerWindow(ITestableObserver<SpreadResult> o)
    {
        var last = new Dictionary<(SpreadResultKind, long), (SpreadResultKind, long, int, double?, double?)>();
        var order = new List<(SpreadResultKind, long)>();
        foreach (var v in Values(o))
        {
            if (last.TryAdd((v.Item1, v.Item2), v))
            {
                order.Add((v.Item1, v.Item2));
            }
            else
            {
                last[(v.Item1, v.Item2)] = v;
            }
        }

        return [.. order.Select(k => last[k])];
    }

    [Fact]
    public void Spread_QuotesMoreOftenThanTheTimeout_SameResultsAsWithout()
    {
        // A quote every 0.5 processing seconds with an idle timeout of 1 s: the timeout never passes.
        var messages = Enumerable.Range(0, 200).Select(i => At(T0 + (i * S / 2), i * 0.37)).Append(OnCompleted<Q>(T0 + (100 * S))).ToArray();
        var withIdle = new TestScheduler();
        var without = new TestScheduler();

        var idle = withIdle.Start(() => SpreadOf(withIdle.CreateHotObservable(messages), withIdle, TimeSpan.FromSeconds(1)), 100, T0, T0 + (2 * M));
        var plain = without.Start(() => SpreadOf(without.CreateHotObservable(messages), without, null), 100, T0, T0 + (2 * M));

        Assert.Equal(plain.Messages.Count, idle.Messages.Count);
        Assert.Equal(plain.Messages, idle.Messages);
    }

    [Fact]
    public void Spread_DisposedWhileIdle_TimerStopsAndNothingMoreIsEmitted()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(At(T0, 0.5));

        var observer = scheduler.Start(() => SpreadOf(xs, scheduler, TimeSpan.FromSeconds(2)), 100, T0, T0 + S);

        Assert.Empty(observer.Messages);
        xs.Subscriptions.AssertEqual(Subscribe(T0, T0 + S));

        // Without the disposal, the timer would emit second 0 provisionally at T0 + 2 s (the first test's rule).
        scheduler.AdvanceTo(T0 + (2 * M));
        Assert.Empty(observer.Messages);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Spread_IdleTimeoutNotPositive_ThrowsNamingIt(long ticks)
    {
        var ex = Assert.Throws<OptionValidationException>(() =>
            Observable.Never<Q>().Spread(new SpreadOptions { IdleTimeout = TimeSpan.FromTicks(ticks) }, q => q.T, q => q.Bid, q => q.Ask, new TestScheduler()));

        Assert.Equal("IdleTimeout", ex.OptionName);
        Assert.Equal("IdleTimeout", ex.ParamName);
    }

    [Fact]
    public void Spread_NullScheduler_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Observable.Never<Q>().Spread(new SpreadOptions(), q => q.T, q => q.Bid, q => q.Ask, null!));
    }

    private sealed record Q(long T, double Bid, double Ask);
}

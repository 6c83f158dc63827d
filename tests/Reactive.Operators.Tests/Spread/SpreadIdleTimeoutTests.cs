using System.Reactive;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Spread;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Spread;

/// <summary>
/// The spread's idle timeout: with no quote for that long (processing time, on the scheduler), the watermark follows
/// processing time, so the last second and minute of a feed that went quiet are emitted. Virtual time runs in real
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

    [Fact]
    public void Spread_FeedGoesQuiet_LastSecondAtTheTimeoutMinuteWhenProcessingTimeReachesItsEnd()
    {
        // Quotes at event 0.2 s, 0.7 s, 1.5 s arrive over one processing second, then nothing. By hand, idle 2 s:
        // - at T0+1 s the quote at 1.5 s closes second 0 (watermark 1.5 s);
        // - at T0+3 s (2 s without a quote) the watermark follows processing time: 1.5 s + 2 s = 3.5 s closes second 1;
        // - the minute [0, 60 s) closes when 1.5 s + elapsed reaches 60 s: elapsed 58.5 s, at T0+1 s+58.5 s.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(At(T0, 0.2), At(T0 + (S / 2), 0.7), At(T0 + S, 1.5));

        var observer = scheduler.Start(() => SpreadOf(xs, scheduler, TimeSpan.FromSeconds(2)), 100, T0, T0 + (2 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + S, Window(SpreadResultKind.Second, 0, 2)),
            OnNext(T0 + (3 * S), Window(SpreadResultKind.Second, S, 1)),
            OnNext(T0 + S + (585 * S / 10), Window(SpreadResultKind.Minute, 0, 3)));
    }

    [Fact]
    public void Spread_QuoteAfterAPause_JudgedAgainstTheWatermarkThatFollowedProcessingTime()
    {
        // Idle 2 s. After the quote at 1.5 s (T0), 20 processing seconds pass: the watermark is 1.5 + 20 = 21.5 s, so a
        // quote at event 10 s is late (its second closed while idle) and one at 30 s is on time.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(At(T0, 1.5), At(T0 + (20 * S), 10), At(T0 + (20 * S) + 1, 30), OnCompleted<Q>(T0 + (21 * S)));

        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var observer = scheduler.Start(() => SpreadOf(xs, scheduler, TimeSpan.FromSeconds(2), rejected), 100, T0, T0 + (2 * M));

        observer.Messages.AssertEqual(
            OnNext(T0 + (2 * S), Window(SpreadResultKind.Second, S, 1)),
            OnNext(T0 + (21 * S), Window(SpreadResultKind.Second, 30 * S, 1)),
            OnNext(T0 + (21 * S), Window(SpreadResultKind.Minute, 0, 2)),
            OnCompleted<SpreadResult>(T0 + (21 * S)));

        // Late against the watermark that followed processing time while idle: 1.5 s + 20 s = 21.5 s.
        rejected.Messages.AssertEqual(OnNext(T0 + (20 * S), new Rejected<Q>(
            new Q(10 * S, 10.00, 10.02),
            "late",
            "quote at 0001-01-01T00:00:10Z is in second [0001-01-01T00:00:10Z, 0001-01-01T00:00:11Z), final since the watermark 0001-01-01T00:00:21.5Z reached its end; raise SpreadOptions.WatermarkDelay to accept it")));
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

        // Without the disposal, the timer would emit second 0 at T0 + 2 s (the first test's rule).
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

using System.Reactive.Concurrency;
using Reactive.Operators.Windows;
using Reactive.Testing;
using static Reactive.Operators.Tests.Windows.WindowTestData;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Windows;

/// <summary>Edge cases of <see cref="EventTimeWindowExtensions.WindowByEventTime{T, TKey}"/>, worked out by hand.</summary>
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
        var scheduler = new TestScheduler();
        var counting = new CountingScheduler(scheduler);
        var xs = scheduler.CreateHotObservable(OnNext(210, Row.Of(1)), OnCompleted<Row>(900));
        var options = Options(10);
        options.WatermarkDelay = TimeSpan.MaxValue;
        options.IdleTimeout = TimeSpan.FromTicks(10);
        options.Scheduler = counting;

        var res = scheduler.Start(() => System.Reactive.Linq.Observable.Select(xs.WindowByEventTime(options), u => Describe(u)));

        // Idle from 220 on, the watermark (1 s − TimeSpan.MaxValue) would need ~29 000 years of processing time
        // to reach the end of [0,10): one idle tick at 220, then one far in the future (clamped), not one per tick.
        res.Messages.AssertEqual(OnNext(900, "[0,10) a 1"), OnCompleted<string>(900));
        Assert.InRange(counting.Scheduled, 1, 3);
    }

    /// <summary>Counts what the operator schedules (the idle timer), delegating to the virtual clock.</summary>
    private sealed class CountingScheduler(IScheduler inner) : IScheduler
    {
        public int Scheduled { get; private set; }

        public DateTimeOffset Now => inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }
}

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
}

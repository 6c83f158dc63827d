using System.Reactive.Linq;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Testing.Tests;

public sealed class HotColdTests
{
    [Fact]
    public void Hot_FiresAtAbsoluteTimes_WhetherSubscribedOrNot()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(10, 1), OnNext(20, 2), OnNext(30, 3), OnCompleted<int>(40));
        var early = scheduler.CreateObserver<int>();
        var late = scheduler.CreateObserver<int>();
        scheduler.ScheduleAbsolute(5, () => xs.Subscribe(early));
        scheduler.ScheduleAbsolute(25, () => xs.Subscribe(late));

        scheduler.Start();

        early.Messages.AssertEqual(OnNext(10, 1), OnNext(20, 2), OnNext(30, 3), OnCompleted<int>(40));
        late.Messages.AssertEqual(OnNext(30, 3), OnCompleted<int>(40));
        xs.Subscriptions.AssertEqual(Subscribe(5), Subscribe(25));
    }

    [Fact]
    public void Hot_Unsubscribed_StopsDeliveryAndRecordsTime()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(310, 2));

        var observer = scheduler.Start(() => xs, 300);

        observer.Messages.AssertEqual(OnNext(210, 1));
        xs.Subscriptions.AssertEqual(Subscribe(200, 300));
    }

    [Fact]
    public void Cold_TimesRelativeToEachSubscription()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(0, 'a'), OnNext(10, 'b'), OnCompleted<char>(20));
        var first = scheduler.CreateObserver<char>();
        var second = scheduler.CreateObserver<char>();
        scheduler.ScheduleAbsolute(100, () => xs.Subscribe(first));
        scheduler.ScheduleAbsolute(105, () => xs.Subscribe(second));

        scheduler.Start();

        first.Messages.AssertEqual(OnNext(100, 'a'), OnNext(110, 'b'), OnCompleted<char>(120));
        second.Messages.AssertEqual(OnNext(105, 'a'), OnNext(115, 'b'), OnCompleted<char>(125));
        // The cold observable itself never unsubscribes its observers on completion: only disposal does.
        xs.Subscriptions.AssertEqual(Subscribe(100, Subscription.Infinite), Subscribe(105));
    }

    [Fact]
    public void Cold_DisposedEarly_CancelsPendingNotifications()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 1), OnNext(50, 2), OnCompleted<int>(60));

        var observer = scheduler.Start(() => xs, 230);

        observer.Messages.AssertEqual(OnNext(210, 1));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void Subscriptions_OperatorThatUnsubscribesOnCompletion_RecordsThatTime()
    {
        // Take(1) disposes its upstream subscription as soon as it has one value.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(250, 1), OnNext(260, 2));

        var observer = scheduler.Start(() => xs.Take(1));

        observer.Messages.AssertEqual(OnNext(250, 1), OnCompleted<int>(250));
        xs.Subscriptions.AssertEqual(Subscribe(200, 250));
    }

    [Fact]
    public void Resubscription_RecordsEachSubscription()
    {
        // Repeat subscribes again, at the completion tick, after each completion of the cold source.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 7), OnCompleted<int>(30));

        var observer = scheduler.Start(() => xs.Repeat(2));

        observer.Messages.AssertEqual(OnNext(210, 7), OnNext(240, 7), OnCompleted<int>(260));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230), Subscribe(230, 260));
    }

    [Fact]
    public void Messages_AreExposed()
    {
        var scheduler = new TestScheduler();
        var hot = scheduler.CreateHotObservable(OnNext(10, 1));
        var cold = scheduler.Cold<char>("-a|");

        hot.Messages.AssertEqual(OnNext(10, 1));
        cold.Messages.AssertEqual(OnNext(10, 'a'), OnCompleted<char>(20));
    }
}

using System.Reactive.Linq;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Testing.Tests;

public sealed class SchedulerTests
{
    [Fact]
    public void Start_Defaults_CreatesAt100SubscribesAt200DisposesAt1000()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(10, 1), OnNext(900, 2));
        long createdAt = -1;

        var observer = scheduler.Start(() =>
        {
            createdAt = scheduler.Clock;
            return xs;
        });

        Assert.Equal(100, createdAt);
        xs.Subscriptions.AssertEqual(Subscribe(200, 1000));
        // 200 + 10 = 210; 200 + 900 = 1100 is after the disposal at 1000.
        observer.Messages.AssertEqual(OnNext(210, 1));
    }

    [Fact]
    public void Start_CustomTimes_UsesThem()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext(5, 'a'), OnCompleted<char>(50));
        long createdAt = -1;

        var observer = scheduler.Start(
            () =>
            {
                createdAt = scheduler.Clock;
                return xs;
            },
            created: 10,
            subscribed: 20,
            disposed: 30);

        Assert.Equal(10, createdAt);
        xs.Subscriptions.AssertEqual(Subscribe(20, 30));
        observer.Messages.AssertEqual(OnNext(25, 'a'));
    }

    [Fact]
    public void Start_DisposedOnly_UsesDefaultCreateAndSubscribe()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable<int>();

        scheduler.Start(() => xs, 500);

        xs.Subscriptions.AssertEqual(Subscribe(200, 500));
    }

    [Fact]
    public void Start_RunsToTheEnd_AfterDisposal()
    {
        var scheduler = new TestScheduler();
        var ran = 0L;
        scheduler.ScheduleAbsolute(5000, () => ran = scheduler.Clock);

        scheduler.Start(() => Observable.Never<int>());

        Assert.Equal(5000, ran);
        Assert.Equal(5000, scheduler.Clock);
    }

    [Fact]
    public void Now_IsClockAsUtcTicks()
    {
        var scheduler = new TestScheduler(Ticks.FromSeconds(3));

        Assert.Equal(30_000_000, scheduler.Clock);
        Assert.Equal(new DateTimeOffset(30_000_000, TimeSpan.Zero), scheduler.Now);
        scheduler.AdvanceBy(Ticks.FromMilliseconds(1));
        Assert.Equal(new DateTimeOffset(30_010_000, TimeSpan.Zero), scheduler.Now);
    }

    [Fact]
    public void AdvanceToAndBy_RunWorkDueUpToThatTime_Only()
    {
        var scheduler = new TestScheduler();
        var log = new List<long>();
        scheduler.ScheduleAbsolute(10, () => log.Add(scheduler.Clock));
        scheduler.ScheduleAbsolute(20, () => log.Add(scheduler.Clock));
        scheduler.ScheduleRelative(30, () => log.Add(scheduler.Clock));

        scheduler.AdvanceTo(20);
        Assert.Equal([10, 20], log);
        Assert.Equal(20, scheduler.Clock);

        scheduler.AdvanceBy(9);
        Assert.Equal([10, 20], log);
        Assert.Equal(29, scheduler.Clock);

        scheduler.AdvanceBy(1);
        Assert.Equal([10, 20, 30], log);
    }

    [Fact]
    public void ScheduleAbsolute_Cancelled_DoesNotRun()
    {
        var scheduler = new TestScheduler();
        var ran = false;
        var pending = scheduler.ScheduleAbsolute(10, () => ran = true);

        pending.Dispose();
        scheduler.Start();

        Assert.False(ran);
    }

    [Fact]
    public void ScheduleAbsolute_InThePast_RunsAtCurrentTick()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(50);
        long ranAt = -1;

        scheduler.ScheduleAbsolute(10, () => ranAt = scheduler.Clock);
        scheduler.Start();

        Assert.Equal(50, ranAt);
    }

    [Fact]
    public void Schedule_Now_RunsAtCurrentTick_NotOneLater()
    {
        var scheduler = new TestScheduler();

        var observer = scheduler.Start(() => Observable.Return(42, scheduler));

        observer.Messages.AssertEqual(OnNext(200, 42), OnCompleted<int>(200));
    }

    [Fact]
    public void SameTick_ItemsRunInScheduleOrder()
    {
        var scheduler = new TestScheduler();
        var log = new List<string>();
        scheduler.ScheduleAbsolute(10, () => log.Add("first"));
        scheduler.ScheduleAbsolute(10, () => log.Add("second"));
        scheduler.ScheduleAbsolute(5, () => log.Add("earlier"));
        scheduler.ScheduleAbsolute(10, () => log.Add("third"));

        scheduler.Start();

        Assert.Equal(["earlier", "first", "second", "third"], log);
    }

    [Fact]
    public void SameTick_HotValueAtSubscriptionTick_IsSeen()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(199, 0), OnNext(200, 1), OnNext(201, 2));

        var observer = scheduler.Start(() => xs);

        observer.Messages.AssertEqual(OnNext(200, 1), OnNext(201, 2));
    }

    [Fact]
    public void SameTick_HotValueAtDisposalTick_IsSeen()
    {
        // The disposal is ordinary work: the hot value, scheduled first, runs first (as in Rx.NET).
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(1000, 1), OnNext(1001, 2));

        var observer = scheduler.Start(() => xs);

        observer.Messages.AssertEqual(OnNext(1000, 1));
        xs.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Fact]
    public void CreateObserver_RecordsClockOfEachNotification()
    {
        var scheduler = new TestScheduler();
        var observer = scheduler.CreateObserver<string>();
        var boom = new InvalidOperationException("boom");

        scheduler.ScheduleAbsolute(10, () => observer.OnNext("x"));
        scheduler.ScheduleAbsolute(20, () => observer.OnError(boom));
        scheduler.ScheduleAbsolute(30, observer.OnCompleted);
        scheduler.Start();

        observer.Messages.AssertEqual(OnNext(10, "x"), OnError<string>(20, boom), OnCompleted<string>(30));
    }

    [Fact]
    public void Start_NullCreate_Throws()
    {
        var scheduler = new TestScheduler();

        Assert.Throws<ArgumentNullException>(() => scheduler.Start<int>(null!));
    }
}

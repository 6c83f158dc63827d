using System.Reactive.Linq;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Testing.Tests;

/// <summary>End-to-end checks that real Rx operators run on the kit's virtual time as expected.</summary>
public sealed class OperatorTests
{
    private static readonly Dictionary<char, int> Digits = new()
    {
        ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8,
    };

    [Fact]
    public void Select_Hot_MapsEachValueAtItsTime()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-1-^-2-3-|", Digits);

        var observer = scheduler.Start(() => xs.Select(x => x * 10));

        observer.Messages.AssertMarbles("--a-b-|", new Dictionary<char, int> { ['a'] = 20, ['b'] = 30 });
        xs.Subscriptions.AssertEqual(Subscribe(200, 260));
        xs.Subscriptions.AssertSubscriptionMarbles("^-----!");
    }

    [Fact]
    public void Select_SelectorThrows_SendsOnErrorAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Cold("-1-2-3|", Digits);
        var boom = new InvalidOperationException("two");

        var observer = scheduler.Start(() => xs.Select(x => x == 2 ? throw boom : x));

        observer.Messages.AssertMarbles("-1-#", Digits, boom);
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void Where_KeepsEvenValues()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("--1-2-(34)-5-6-|", Digits);

        var observer = scheduler.Start(() => xs.Where(x => x % 2 == 0));

        // 2 at frame 4, (34) at frame 6 (4 frames long), 6 at frame 13, | at frame 15.
        observer.Messages.AssertMarbles("----2-(4)----6-|", Digits);
        observer.Messages.AssertEqual(OnNext(240, 2), OnNext(260, 4), OnNext(330, 6), OnCompleted<int>(350));
    }

    [Fact]
    public void Buffer_TimeSpan_ClosesBuffersOnVirtualTimer()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(
            OnNext(150, 0), OnNext(250, 1), OnNext(290, 2), OnNext(350, 3), OnNext(420, 4), OnCompleted<int>(450));

        var observer = scheduler.Start(() => xs.Buffer(TimeSpan.FromTicks(100), scheduler));

        // Timer from the subscription at 200: buffers close at 300 and 400; completion at 450 flushes the rest.
        observer.Messages.AssertEqual(
            OnNext<IList<int>>(300, b => b.SequenceEqual([1, 2])),
            OnNext<IList<int>>(400, b => b.SequenceEqual([3])),
            OnNext<IList<int>>(450, b => b.SequenceEqual([4])),
            OnCompleted<IList<int>>(450));
    }

    [Fact]
    public void Buffer_TimeSpan_ValueAtBoundary_GoesToClosingBuffer()
    {
        // Same tick: the hot value (scheduled when the test built it) runs before the buffer's timer
        // (scheduled at the subscription), so 300 lands in the buffer that closes at 300.
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(300, 1), OnNext(301, 2), OnCompleted<int>(350));

        var observer = scheduler.Start(() => xs.Buffer(TimeSpan.FromTicks(100), scheduler));

        observer.Messages.AssertEqual(
            OnNext<IList<int>>(300, b => b.SequenceEqual([1])),
            OnNext<IList<int>>(350, b => b.SequenceEqual([2])),
            OnCompleted<IList<int>>(350));
    }

    [Fact]
    public void Throttle_KeepsLastValueOfEachBurst()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot<char>("-ab----c---|");

        var observer = scheduler.Start(() => xs.Throttle(TimeSpan.FromTicks(15), scheduler));

        // a 210 is replaced by b 220, which is quiet until 235; c 270 until 285; completion at 310.
        observer.Messages.AssertEqual(OnNext(235, 'b'), OnNext(285, 'c'), OnCompleted<char>(310));
    }

    [Fact]
    public void Interval_Take_RunsOnVirtualClock()
    {
        var scheduler = new TestScheduler();

        var observer = scheduler.Start(() => Observable.Interval(TimeSpan.FromSeconds(10), scheduler).Take(3), Ticks.FromMinutes(5));

        var tenSeconds = Ticks.FromSeconds(10);
        observer.Messages.AssertEqual(
            OnNext(200 + tenSeconds, 0L),
            OnNext(200 + (2 * tenSeconds), 1L),
            OnNext(200 + (3 * tenSeconds), 2L),
            OnCompleted<long>(200 + (3 * tenSeconds)));
    }

    [Fact]
    public void Delay_Cold_ShiftsEveryNotification()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Cold<char>("a-b|");

        var observer = scheduler.Start(() => xs.Delay(TimeSpan.FromTicks(30), scheduler));

        observer.Messages.AssertMarbles("---a-b|");
    }

    [Fact]
    public void Merge_HotAndCold_InterleavesByTime()
    {
        var scheduler = new TestScheduler();
        var hot = scheduler.Hot<char>("^-a------c|");
        var cold = scheduler.Cold<char>("--b----d|");

        var observer = scheduler.Start(() => hot.Merge(cold));

        // a (hot) and b (cold) both at frame 2; the group spans frames 2..5, so d (frame 7) comes after "-".
        observer.Messages.AssertMarbles("--(ab)-d-c|");
        observer.Messages.AssertEqual(
            OnNext(220, 'a'), OnNext(220, 'b'), OnNext(270, 'd'), OnNext(290, 'c'), OnCompleted<char>(300));
        hot.Subscriptions.AssertEqual(Subscribe(200, 300));
        cold.Subscriptions.AssertEqual(Subscribe(200, 280));
    }
}

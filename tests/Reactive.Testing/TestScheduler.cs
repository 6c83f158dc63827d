using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reactive.Testing;

/// <summary>
/// A virtual-time scheduler for tests, in the shape of Rx.NET's Microsoft.Reactive.Testing <c>TestScheduler</c>:
/// 1 virtual tick is 1 <see cref="TimeSpan"/> tick and <see cref="VirtualTimeSchedulerBase{TAbsolute,TRelative}.Now"/>
/// is <c>new DateTimeOffset(Clock, TimeSpan.Zero)</c>.
/// </summary>
/// <remarks>
/// Ordering at one tick: the create and subscribe steps of <see cref="Start{T}(Func{IObservable{T}}, long, long, long)"/>
/// run before anything else due at the same tick (so a hot value at the subscription tick is seen, as in RxJS's
/// TestScheduler); everything else runs in the order it was scheduled (so hot values, created before the run, come
/// before an operator's timer due at the same tick). Unlike Rx.NET's TestScheduler, work scheduled for "now" runs
/// at the current tick, not one tick later, so a cold marble value in frame 0 arrives at the subscription tick.
/// </remarks>
public class TestScheduler : VirtualTimeScheduler<long, long>
{
    private readonly PriorityQueue<ScheduledItem<long>, (long Time, int Priority, long Sequence)> _queue = new();
    private long _sequence;

    private const int StartPriority = 0;
    private const int NormalPriority = 1;

    /// <summary>Creates a test scheduler.</summary>
    /// <param name="initialClock">The initial virtual clock, in ticks.</param>
    public TestScheduler(long initialClock = 0)
        : base(initialClock, Comparer<long>.Default)
    {
    }

    /// <summary>Schedules an action at an absolute virtual time (a time in the past runs at the current tick).</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="state">The state passed to the action.</param>
    /// <param name="dueTime">The absolute virtual time, in ticks.</param>
    /// <param name="action">The action.</param>
    /// <returns>A disposable that cancels the action if it has not run yet.</returns>
    public override IDisposable ScheduleAbsolute<TState>(TState state, long dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Enqueue(state, dueTime, action, NormalPriority);
    }

    /// <summary>Runs an action at an absolute virtual time (a time in the past runs at the current tick).</summary>
    /// <param name="dueTime">The absolute virtual time, in ticks.</param>
    /// <param name="action">The action.</param>
    /// <returns>A disposable that cancels the action if it has not run yet.</returns>
    public IDisposable ScheduleAbsolute(long dueTime, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduleAbsolute(action, dueTime, static (_, a) =>
        {
            a();
            return Disposable.Empty;
        });
    }

    /// <summary>Runs an action after a relative virtual time.</summary>
    /// <param name="dueTime">The delay from the current clock, in ticks.</param>
    /// <param name="action">The action.</param>
    /// <returns>A disposable that cancels the action if it has not run yet.</returns>
    public IDisposable ScheduleRelative(long dueTime, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduleAbsolute(Clock + dueTime, action);
    }

    /// <summary>
    /// Gets a <see cref="TimeProvider"/> on this scheduler's virtual clock: <c>GetUtcNow()</c> is <c>Now</c>,
    /// timestamps are clock ticks, and timers (so <c>Task.Delay(delay, provider)</c>) fire while the scheduler runs.
    /// </summary>
    /// <returns>The time provider (one per call; all share this clock).</returns>
    public TimeProvider ToTimeProvider() => new SchedulerTimeProvider(this);

    /// <summary>Takes the next item that is due (skipping cancelled ones) off the queue.</summary>
    /// <returns>The next item, or <see langword="null"/> when nothing is scheduled.</returns>
    protected override IScheduledItem<long>? GetNext()
    {
        lock (_queue)
        {
            while (_queue.TryPeek(out var next, out _))
            {
                if (!next.IsCanceled)
                {
                    // The base class only invokes what GetNext returns (AdvanceTo may decline an item that is not
                    // due yet), so the item is dequeued when invoked: see RemoveOnInvoke.
                    return new RemoveOnInvoke(this, next);
                }

                _queue.Dequeue();
            }
        }

        return null;
    }

    /// <summary>Adds a relative time to an absolute time.</summary>
    /// <param name="absolute">The absolute time.</param>
    /// <param name="relative">The relative time.</param>
    /// <returns>The sum.</returns>
    protected override long Add(long absolute, long relative) => absolute + relative;

    /// <summary>Converts a virtual time to a <see cref="DateTimeOffset"/> (ticks, UTC).</summary>
    /// <param name="absolute">The virtual time.</param>
    /// <returns><c>new DateTimeOffset(absolute, TimeSpan.Zero)</c>.</returns>
    protected override DateTimeOffset ToDateTimeOffset(long absolute) => new(absolute, TimeSpan.Zero);

    /// <summary>Converts a <see cref="TimeSpan"/> to virtual ticks.</summary>
    /// <param name="timeSpan">The duration.</param>
    /// <returns><paramref name="timeSpan"/>.<see cref="TimeSpan.Ticks"/>.</returns>
    protected override long ToRelative(TimeSpan timeSpan) => timeSpan.Ticks;

    /// <summary>
    /// Creates the observable at <paramref name="created"/>, subscribes a recording observer at
    /// <paramref name="subscribed"/>, disposes the subscription at <paramref name="disposed"/>, and runs the
    /// scheduler until nothing is left to do.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="create">Builds the observable under test.</param>
    /// <param name="created">The virtual time at which <paramref name="create"/> is called.</param>
    /// <param name="subscribed">The virtual time of the subscription.</param>
    /// <param name="disposed">The virtual time of the disposal.</param>
    /// <returns>The observer that recorded every notification.</returns>
    public ITestableObserver<T> Start<T>(Func<IObservable<T>> create, long created, long subscribed, long disposed)
    {
        ArgumentNullException.ThrowIfNull(create);
        IObservable<T>? source = null;
        IDisposable? subscription = null;
        var observer = CreateObserver<T>();

        Enqueue(0, created, (_, _) =>
        {
            source = create();
            return Disposable.Empty;
        }, StartPriority);
        Enqueue(0, subscribed, (_, _) =>
        {
            subscription = source!.Subscribe(observer);
            return Disposable.Empty;
        }, StartPriority);
        ScheduleAbsolute(0, disposed, (_, _) =>
        {
            subscription?.Dispose();
            return Disposable.Empty;
        });

        Start();
        return observer;
    }

    /// <summary>
    /// Like <see cref="Start{T}(Func{IObservable{T}}, long, long, long)"/> with
    /// <see cref="ReactiveTest.Created"/> and <see cref="ReactiveTest.Subscribed"/>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="create">Builds the observable under test.</param>
    /// <param name="disposed">The virtual time of the disposal.</param>
    /// <returns>The observer that recorded every notification.</returns>
    public ITestableObserver<T> Start<T>(Func<IObservable<T>> create, long disposed) =>
        Start(create, ReactiveTest.Created, ReactiveTest.Subscribed, disposed);

    /// <summary>
    /// Like <see cref="Start{T}(Func{IObservable{T}}, long, long, long)"/> with <see cref="ReactiveTest.Created"/>,
    /// <see cref="ReactiveTest.Subscribed"/> and <see cref="ReactiveTest.Disposed"/>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="create">Builds the observable under test.</param>
    /// <returns>The observer that recorded every notification.</returns>
    public ITestableObserver<T> Start<T>(Func<IObservable<T>> create) =>
        Start(create, ReactiveTest.Created, ReactiveTest.Subscribed, ReactiveTest.Disposed);

    /// <summary>Creates a hot observable: each notification fires at its absolute time, subscribed to or not.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="messages">The notifications with absolute times.</param>
    /// <returns>The observable, which records its subscriptions.</returns>
    public ITestableObservable<T> CreateHotObservable<T>(params Recorded<Notification<T>>[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new HotObservable<T>(this, messages);
    }

    /// <summary>Creates a cold observable: each subscription replays the notifications, times relative to it.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="messages">The notifications with times relative to the subscription.</param>
    /// <returns>The observable, which records its subscriptions.</returns>
    public ITestableObservable<T> CreateColdObservable<T>(params Recorded<Notification<T>>[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new ColdObservable<T>(this, messages);
    }

    /// <summary>Creates an observer that records notifications with the virtual time of their arrival.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <returns>The observer.</returns>
    public ITestableObserver<T> CreateObserver<T>() => new MockObserver<T>(this);

    /// <summary>
    /// Creates a hot observable from a marble string. Frame 0 (or the <c>^</c>, if present) is at
    /// <paramref name="offset"/>; frames before <c>^</c> are earlier.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="marble">The marble string, e.g. <c>"--a-^-b-(cd)-|"</c>.</param>
    /// <param name="values">The value of each letter; when null and T is char or string, the character itself.</param>
    /// <param name="error">The error sent by <c>#</c>; a <see cref="MarbleException"/> when null.</param>
    /// <param name="frameTicks">The ticks of one frame.</param>
    /// <param name="offset">The absolute time of frame 0 or of <c>^</c>.</param>
    /// <returns>The hot observable.</returns>
    /// <exception cref="ArgumentException">The marble string is malformed (the message names the position).</exception>
    public ITestableObservable<T> Hot<T>(
        string marble,
        IReadOnlyDictionary<char, T>? values = null,
        Exception? error = null,
        long frameTicks = 10,
        long offset = ReactiveTest.Subscribed) =>
        CreateHotObservable(Marbles.Parse(marble, values, error, frameTicks, offset, allowSubscriptionPoint: true).ToArray());

    /// <summary>Creates a cold observable from a marble string; frame 0 is the subscription time.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="marble">The marble string, e.g. <c>"-a-(bc)-|"</c>; <c>^</c> is not allowed.</param>
    /// <param name="values">The value of each letter; when null and T is char or string, the character itself.</param>
    /// <param name="error">The error sent by <c>#</c>; a <see cref="MarbleException"/> when null.</param>
    /// <param name="frameTicks">The ticks of one frame.</param>
    /// <returns>The cold observable.</returns>
    /// <exception cref="ArgumentException">The marble string is malformed (the message names the position).</exception>
    public ITestableObservable<T> Cold<T>(
        string marble,
        IReadOnlyDictionary<char, T>? values = null,
        Exception? error = null,
        long frameTicks = 10) =>
        CreateColdObservable(Marbles.Parse(marble, values, error, frameTicks, 0, allowSubscriptionPoint: false).ToArray());

    private ScheduledItem<long, TState> Enqueue<TState>(TState state, long dueTime, Func<IScheduler, TState, IDisposable> action, int priority)
    {
        var item = new ScheduledItem<long, TState>(this, state, action, dueTime, Comparer);
        lock (_queue)
        {
            _queue.Enqueue(item, (dueTime, priority, _sequence++));
        }

        return item;
    }

    private bool Remove(ScheduledItem<long> item)
    {
        lock (_queue)
        {
            if (_queue.TryPeek(out var head, out _) && ReferenceEquals(head, item))
            {
                _queue.Dequeue();
                return true;
            }
        }

        return false;
    }

    private sealed class RemoveOnInvoke(TestScheduler owner, ScheduledItem<long> inner) : IScheduledItem<long>
    {
        public long DueTime => inner.DueTime;

        public void Invoke()
        {
            if (owner.Remove(inner))
            {
                inner.Invoke();
            }
        }
    }
}

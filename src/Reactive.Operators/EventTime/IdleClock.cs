using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Reactive.Operators.Time;

namespace Reactive.Operators.EventTime;

/// <summary>What the <see cref="IdleClock"/> drives: an event-time operator that closes its open windows when its input goes quiet.</summary>
internal interface IIdleClockOwner
{
    /// <summary>
    /// The idle flush, under the owner's lock: the watermark moves to the newest event time seen (the allowed delay
    /// treated as zero while idle: never beyond the newest event, never from the wall clock), closing the windows that
    /// end by it; the windows still open (they end after the newest event) are emitted provisionally.
    /// </summary>
    void OnIdle();

    /// <summary>The timer fired: take the operator's lock, stop if ended, call <see cref="IdleClock.Tick"/>, turn a failure into OnError.</summary>
    void OnIdleTimer();
}

/// <summary>
/// The idle clock of the event-time operators (windows, spread): when no row has arrived for <c>IdleTimeout</c> of
/// processing time (the scheduler's clock), it calls <see cref="IIdleClockOwner.OnIdle"/> once, at exactly the last
/// row's arrival + <c>IdleTimeout</c>; the next row starts a new quiet spell. Processing time is only ever compared
/// with processing time: it never becomes an event time.
/// </summary>
/// <remarks>
/// Not thread-safe: the owner calls it under its own lock (rows and the timer). One timer is pending at a time: a row
/// does not re-arm it, the timer re-arms itself for the last row + timeout when rows came meanwhile, so a busy feed
/// schedules one timer per timeout, not one per row.
/// </remarks>
internal sealed class IdleClock : IDisposable
{
    private readonly IScheduler _scheduler;
    private readonly long _timeout;
    private readonly IIdleClockOwner _owner;
    private readonly SerialDisposable _timer = new();
    private long _lastInput;
    private bool _pending;
    private bool _flushed = true;

    private IdleClock(IScheduler scheduler, long timeoutTicks, IIdleClockOwner owner)
    {
        _scheduler = scheduler;
        _timeout = timeoutTicks;
        _owner = owner;
    }

    /// <summary>An idle clock, or null without a timeout (then the watermark moves with rows only).</summary>
    public static IdleClock? Create(TimeSpan? timeout, IScheduler scheduler, IIdleClockOwner owner) =>
        timeout is { } t ? new IdleClock(scheduler, t.Ticks, owner) : null;

    /// <summary>Processing time now, in UTC ticks.</summary>
    public long Now => _scheduler.Now.UtcTicks;

    /// <summary>After a row: remembers when it came (processing time) and makes sure a timer will look at last row + timeout.</summary>
    public void MarkInput(long now)
    {
        _lastInput = now;
        _flushed = false;
        if (!_pending)
        {
            Schedule(UtcTicks.AddSaturating(now, _timeout));
        }
    }

    /// <summary>The timer's work, under the owner's lock: the idle flush once the timeout has passed since the last row, else wait for it.</summary>
    public void Tick()
    {
        _pending = false;
        if (_flushed)
        {
            return;
        }

        var due = UtcTicks.AddSaturating(_lastInput, _timeout);
        if (Now < due)
        {
            // Rows came since the timer was armed: look again at exactly the last row + timeout.
            Schedule(due);
            return;
        }

        _flushed = true;
        _owner.OnIdle();
    }

    public void Dispose() => _timer.Dispose();

    private void Schedule(long due)
    {
        _pending = true;
        _timer.Disposable = UtcTicks.ScheduleAt(_scheduler, _owner, due, static owner => owner.OnIdleTimer());
    }
}

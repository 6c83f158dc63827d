using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Reactive.Operators.Time;

namespace Reactive.Operators.EventTime;

/// <summary>What the <see cref="IdleClock"/> drives: an event-time operator whose watermark follows processing time when idle.</summary>
internal interface IIdleClockOwner
{
    /// <summary>The watermark now.</summary>
    long WatermarkTicks { get; }

    /// <summary>The end of the next window a later watermark would make final; <see cref="long.MaxValue"/> when none is open.</summary>
    long NextWindowEndTicks { get; }

    /// <summary>Moves the watermark on (never back) and emits what became final.</summary>
    void AdvanceWatermarkTo(long watermarkTicks);

    /// <summary>The timer fired: take the operator's lock, stop if ended, call <see cref="IdleClock.Tick"/>, turn a failure into OnError.</summary>
    void OnIdleTimer();
}

/// <summary>
/// The idle clock of the event-time operators (windows, spread): after <c>IdleTimeout</c> of processing time without
/// input, the watermark follows processing time — it moves on by the time elapsed since the last input — so the last
/// windows of a feed that paused become final. A row arriving while idle is judged against that watermark.
/// </summary>
/// <remarks>Not thread-safe: the owner calls it under its own lock (rows and the timer).</remarks>
internal sealed class IdleClock : IDisposable
{
    private readonly IScheduler _scheduler;
    private readonly long _timeout;
    private readonly IIdleClockOwner _owner;
    private readonly SerialDisposable _timer = new();
    private long _lastInput;
    private long _watermarkAtLastInput = long.MinValue;
    private bool _pending;

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

    /// <summary>Before a row is judged: when the source was idle, the watermark catches up with processing time.</summary>
    public void CatchUp(long now)
    {
        if (_watermarkAtLastInput != long.MinValue && now - _lastInput >= _timeout)
        {
            _owner.AdvanceWatermarkTo(UtcTicks.AddSaturating(_watermarkAtLastInput, now - _lastInput));
        }
    }

    /// <summary>After a row: remembers when it came and the watermark then, and arms the timer.</summary>
    public void MarkInput(long now)
    {
        _lastInput = now;
        _watermarkAtLastInput = _owner.WatermarkTicks;
        if (!_pending)
        {
            Schedule(UtcTicks.AddSaturating(now, _timeout));
        }
    }

    /// <summary>The timer's work, under the owner's lock: move the watermark if idle, and wake again for the next window end.</summary>
    public void Tick()
    {
        _pending = false;
        var now = Now;
        if (now - _lastInput < _timeout)
        {
            Schedule(UtcTicks.AddSaturating(_lastInput, _timeout));
            return;
        }

        CatchUp(now);
        var next = _owner.NextWindowEndTicks;
        if (_watermarkAtLastInput != long.MinValue && next != long.MaxValue)
        {
            // Wake when the watermark, following processing time, reaches the next window's end.
            Schedule(UtcTicks.IdleWake(now, _lastInput, _watermarkAtLastInput, next));
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Schedule(long due)
    {
        _pending = true;
        _timer.Disposable = UtcTicks.ScheduleAt(_scheduler, _owner, due, static owner => owner.OnIdleTimer());
    }
}

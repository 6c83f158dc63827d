namespace Reactive.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that reads and waits on a <see cref="TestScheduler"/>'s virtual clock, so code that
/// takes a <see cref="TimeProvider"/> (timers, <c>Task.Delay(delay, timeProvider)</c>) runs in the same virtual time as
/// the Rx parts of a test. Timers fire while the scheduler runs (<c>Start</c>, <c>AdvanceBy</c>, <c>AdvanceTo</c>).
/// </summary>
internal sealed class SchedulerTimeProvider(TestScheduler scheduler) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => scheduler.Now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => scheduler.Clock;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class VirtualTimer(TestScheduler scheduler, TimerCallback callback, object? state) : ITimer
    {
        private readonly Lock _gate = new();
        private IDisposable? _pending;
        private long _period;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ValidateTimeout(dueTime, nameof(dueTime));
            ValidateTimeout(period, nameof(period));
            lock (_gate)
            {
                if (_disposed)
                {
                    return false;
                }

                _pending?.Dispose();
                _pending = null;
                _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    _pending = scheduler.ScheduleRelative(dueTime.Ticks, Fire);
                }

                return true;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _pending?.Dispose();
                _pending = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Fire()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                // Like System.Threading.Timer: a period of zero (or infinite) means fire once.
                _pending = _period > 0 ? scheduler.ScheduleRelative(_period, Fire) : null;
            }

            callback(state);
        }

        private static void ValidateTimeout(TimeSpan value, string name)
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(name, value, "Must be non-negative or Timeout.InfiniteTimeSpan.");
            }
        }
    }
}

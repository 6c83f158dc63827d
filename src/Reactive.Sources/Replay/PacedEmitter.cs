using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Reactive.Sources.Replay;

/// <summary>
/// Emits a lazily read sequence on an <see cref="IScheduler"/> at its event-time spacing divided by a
/// speed factor, or as fast as possible. Due times are absolute (subscription time + event-time offset
/// / speed), so pacing does not drift; items due no later than the scheduler's clock (bursts with the
/// same event time, items without time, a consumer that fell behind) go out in the same scheduled
/// action, so a burst costs no timer per item.
/// </summary>
internal static class PacedEmitter
{
    /// <summary>How many items an as-fast-as-possible run emits per scheduled action, so disposal is honoured.</summary>
    internal const int Batch = 1024;

    public static IObservable<T> Create<T>(
        Func<IEnumerator<T>> open,
        Func<T, DateTimeOffset?> timeOf,
        IScheduler scheduler,
        double speed,
        bool asFastAsPossible) =>
        Observable.Create<T>(observer =>
        {
            var run = new Run<T>(open, timeOf, scheduler, speed, asFastAsPossible, observer);
            run.Start();
            return run;
        });

    private sealed class Run<T>(
        Func<IEnumerator<T>> open,
        Func<T, DateTimeOffset?> timeOf,
        IScheduler scheduler,
        double speed,
        bool asFastAsPossible,
        IObserver<T> observer) : IDisposable
    {
        // The first step's schedule apart from the later ones': the first step can run (on another thread, or inline on a
        // scheduler that runs due work at once) before Schedule returns, and set the next timer first; one SerialDisposable
        // for both would then dispose that timer when handed the first schedule, and the source would stop after one item.
        private readonly SingleAssignmentDisposable _first = new();
        private readonly SerialDisposable _timer = new();
        private readonly Lock _gate = new();
        private IEnumerator<T>? _items;
        private DateTimeOffset _origin;
        private DateTimeOffset? _firstEventTime;
        private DateTimeOffset _lastDue;
        private bool _hasPending;
        private T _pending = default!;
        private bool _stopped;

        public void Start()
        {
            _origin = scheduler.Now;
            _lastDue = _origin;
            _first.Disposable = scheduler.Schedule(this, static (_, self) =>
            {
                self.Step();
                return Disposable.Empty;
            });
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _stopped = true;
                _first.Dispose();
                _timer.Dispose();
                _items?.Dispose();
                _items = null;
            }
        }

        private void Step()
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                if (_hasPending)
                {
                    _hasPending = false;
                    var pending = _pending;
                    _pending = default!;
                    observer.OnNext(pending);
                }

                int emitted = 0;
                while (!_stopped)
                {
                    T item;
                    bool timed = false;
                    try
                    {
                        // Only the reader, timeOf and the due time are guarded: an exception from the observer is not ours to turn into OnError.
                        _items ??= open();
                        if (!_items.MoveNext())
                        {
                            Finish();
                            observer.OnCompleted();
                            return;
                        }

                        item = _items.Current;
                        if (!asFastAsPossible && timeOf(item) is { } t)
                        {
                            timed = true;
                            _firstEventTime ??= t;
                            if (t > _firstEventTime.Value && DueOf(t - _firstEventTime.Value) is var due && due > _lastDue)
                            {
                                _lastDue = due;
                            }
                        }
                    }
                    catch (Exception e)
                    {
                        Finish();
                        observer.OnError(e);
                        return;
                    }

                    if (asFastAsPossible)
                    {
                        observer.OnNext(item);
                        if (++emitted == Batch)
                        {
                            ScheduleAt(scheduler.Now);
                            return;
                        }

                        continue;
                    }

                    if (timed && _lastDue > scheduler.Now)
                    {
                        _pending = item;
                        _hasPending = true;
                        ScheduleAt(_lastDue);
                        return;
                    }

                    observer.OnNext(item);
                }
            }
        }

        /// <summary>
        /// When an item <paramref name="sinceFirst"/> after the first one in event time is due. A gap that a very small
        /// speed stretches past the scheduler's calendar (after year 9999) ends the sequence with an error, where the
        /// arithmetic would otherwise throw inside the scheduler's action.
        /// </summary>
        private DateTimeOffset DueOf(TimeSpan sinceFirst)
        {
            double ticks = Math.Round(sinceFirst.Ticks / speed);
            if (ticks > (DateTimeOffset.MaxValue - _origin).Ticks)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(speed),
                    speed,
                    $"At speed {speed}, an item {sinceFirst} after the first would be due after {DateTimeOffset.MaxValue:yyyy-MM-dd}; use a larger speed.");
            }

            return _origin + TimeSpan.FromTicks((long)ticks);
        }

        private void ScheduleAt(DateTimeOffset due) =>
            _timer.Disposable = scheduler.Schedule(this, due, static (_, self) =>
            {
                self.Step();
                return Disposable.Empty;
            });

        private void Finish()
        {
            _stopped = true;
            _items?.Dispose();
            _items = null;
        }
    }
}

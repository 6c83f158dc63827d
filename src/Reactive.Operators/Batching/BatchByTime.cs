using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Reactive.Operators.Batching;

/// <summary>One processing-time batch: its time (the end of the batch interval, as Spark labels a batch) and its result.</summary>
/// <typeparam name="T">The batch result.</typeparam>
public readonly record struct TimeBatch<T>(DateTimeOffset Time, T Value);

/// <summary>
/// Accumulates the items of one batch. <see cref="Complete"/> returns the batch's result and
/// resets the accumulator for the next batch, so one instance serves a whole subscription.
/// </summary>
public interface IBatchAccumulator<in T, out TResult>
{
    /// <summary>Adds one item. May throw to signal a broken bound; the operator turns that into OnError.</summary>
    void Add(T item);

    /// <summary>Returns the result of the items added since the last call, and resets.</summary>
    TResult Complete();
}

/// <summary>The first items of a batch and how many there were in all.</summary>
public sealed record BatchSample<T>(IReadOnlyList<T> First, long Count);

/// <summary>Processing-time batches, like Spark Streaming's DStream batch interval.</summary>
public static class BatchingExtensions
{
    /// <summary>
    /// Cuts the source into batches of <paramref name="interval"/> of processing time on
    /// <paramref name="scheduler"/>, aligned to the Unix epoch as Spark aligns batch times, and
    /// emits one result per batch at its end, empty batches included. At completion, a last
    /// partial batch is emitted if it holds items, labelled with the end of its interval.
    /// </summary>
    public static IObservable<TimeBatch<TResult>> BatchByTime<T, TResult>(
        this IObservable<T> source,
        TimeSpan interval,
        IScheduler scheduler,
        Func<IBatchAccumulator<T, TResult>> accumulatorFactory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(accumulatorFactory);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return new BatchByTimeObservable<T, TResult>(source, interval.Ticks, scheduler, accumulatorFactory);
    }

    /// <summary>Batches that keep the first <paramref name="keep"/> items and the count (all a pprint needs, in bounded memory).</summary>
    public static IObservable<TimeBatch<BatchSample<T>>> SampleByTime<T>(this IObservable<T> source, TimeSpan interval, IScheduler scheduler, int keep = 11)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        return source.BatchByTime(interval, scheduler, () => new FirstItemsAccumulator<T>(keep));
    }

    /// <summary>Aligns <paramref name="nowUtcTicks"/> up to the next multiple of <paramref name="intervalTicks"/> after the Unix epoch (strictly after now).</summary>
    internal static long NextBoundary(long nowUtcTicks, long intervalTicks)
    {
        var sinceEpoch = nowUtcTicks - DateTime.UnixEpoch.Ticks;
        var k = Math.DivRem(sinceEpoch, intervalTicks, out var rem);
        if (rem < 0)
        {
            k--;
        }

        return DateTime.UnixEpoch.Ticks + ((k + 1) * intervalTicks);
    }

    private sealed class FirstItemsAccumulator<T>(int keep) : IBatchAccumulator<T, BatchSample<T>>
    {
        private List<T> _first = [];
        private long _count;

        public void Add(T item)
        {
            if (_first.Count < keep)
            {
                _first.Add(item);
            }

            _count++;
        }

        public BatchSample<T> Complete()
        {
            var result = new BatchSample<T>(_first, _count);
            _first = [];
            _count = 0;
            return result;
        }
    }

    private sealed class BatchByTimeObservable<T, TResult>(
        IObservable<T> source,
        long intervalTicks,
        IScheduler scheduler,
        Func<IBatchAccumulator<T, TResult>> accumulatorFactory) : ObservableBase<TimeBatch<TResult>>
    {
        protected override IDisposable SubscribeCore(IObserver<TimeBatch<TResult>> observer)
        {
            var state = new State(observer, intervalTicks, scheduler, accumulatorFactory());
            return state.Run(source);
        }

        private sealed class State(IObserver<TimeBatch<TResult>> observer, long intervalTicks, IScheduler scheduler, IBatchAccumulator<T, TResult> accumulator) : IObserver<T>
        {
            private readonly Lock _gate = new();
            private readonly SerialDisposable _timer = new();
            private readonly SingleAssignmentDisposable _upstream = new();
            private long _boundary;
            private long _count;
            private bool _done;

            public IDisposable Run(IObservable<T> source)
            {
                _boundary = NextBoundary(scheduler.Now.UtcTicks, intervalTicks);
                ScheduleTick();
                _upstream.Disposable = source.SubscribeSafe(this);
                return StableCompositeDisposable.Create(_upstream, _timer);
            }

            public void OnNext(T value)
            {
                lock (_gate)
                {
                    if (_done)
                    {
                        return;
                    }

                    try
                    {
                        accumulator.Add(value);
                    }
                    catch (Exception ex)
                    {
                        FailLocked(ex);
                        return;
                    }

                    _count++;
                }
            }

            public void OnError(Exception error)
            {
                lock (_gate)
                {
                    if (!_done)
                    {
                        FailLocked(error);
                    }
                }
            }

            public void OnCompleted()
            {
                lock (_gate)
                {
                    if (_done)
                    {
                        return;
                    }

                    _done = true;
                    _timer.Dispose();
                    if (_count > 0 && !EmitLocked())
                    {
                        return;
                    }

                    observer.OnCompleted();
                }
            }

            private void ScheduleTick() =>
                _timer.Disposable = scheduler.Schedule(new DateTimeOffset(_boundary, TimeSpan.Zero), Tick);

            private void Tick()
            {
                lock (_gate)
                {
                    if (_done)
                    {
                        return;
                    }

                    // Emit every boundary that has passed (a late timer, a suspended machine): Spark
                    // also generates one batch per interval, empty or not.
                    var now = scheduler.Now.UtcTicks;
                    do
                    {
                        if (!EmitLocked())
                        {
                            return;
                        }

                        _boundary += intervalTicks;
                    }
                    while (_boundary <= now);

                    ScheduleTick();
                }
            }

            private bool EmitLocked()
            {
                TResult result;
                try
                {
                    result = accumulator.Complete();
                }
                catch (Exception ex)
                {
                    FailLocked(ex);
                    return false;
                }

                _count = 0;
                observer.OnNext(new TimeBatch<TResult>(new DateTimeOffset(_boundary, TimeSpan.Zero), result));
                return true;
            }

            private void FailLocked(Exception error)
            {
                _done = true;
                _timer.Dispose();
                _upstream.Dispose();
                observer.OnError(error);
            }
        }
    }
}

using System.Reactive.Concurrency;
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
    /// <remarks>
    /// Rx's own <c>Window</c>, closed by <see cref="EpochBoundaries"/>; each window folds into the one accumulator of the
    /// subscription (windows follow each other, so they never share it). An accumulator that throws ends the sequence
    /// with OnError.
    /// </remarks>
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
        var intervalTicks = interval.Ticks;
        return Observable.Defer(() =>
        {
            var accumulator = accumulatorFactory();
            var first = NextBoundary(scheduler.Now.UtcTicks, intervalTicks);

            // Boundaries passed so far: a window closed by one is a whole batch, emitted even empty; the window that
            // completion closes before its boundary is a partial batch, emitted only if it holds items.
            long passed = 0;
            var boundaries = EpochBoundaries(first, intervalTicks, scheduler).Do(_ => Interlocked.Increment(ref passed));
            return source
                .Window(boundaries)
                .Select((window, index) =>
                {
                    var end = new DateTimeOffset(first + (index * intervalTicks), TimeSpan.Zero);
                    return window
                        .Aggregate(0L, (count, item) =>
                        {
                            accumulator.Add(item);
                            return count + 1;
                        })
                        .Where(count => count > 0 || Interlocked.Read(ref passed) > index)
                        .Select(_ => new TimeBatch<TResult>(end, accumulator.Complete()));
                })
                .Merge();
        });
    }

    /// <summary>Batches that keep the first <paramref name="keep"/> items and the count (all a pprint needs, in bounded memory).</summary>
    public static IObservable<TimeBatch<BatchSample<T>>> SampleByTime<T>(this IObservable<T> source, TimeSpan interval, IScheduler scheduler, int keep = 11)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        return source.BatchByTime(interval, scheduler, () => new FirstItemsAccumulator<T>(keep));
    }

    /// <summary>
    /// Ticks at <paramref name="first"/> and every <paramref name="intervalTicks"/> after it, each value the boundary's
    /// UTC ticks, at that time on <paramref name="scheduler"/>: one tick per boundary, so a late timer (a busy or
    /// suspended machine) catches up with every boundary it missed, as Spark generates one batch per interval.
    /// </summary>
    internal static IObservable<long> EpochBoundaries(long first, long intervalTicks, IScheduler scheduler) =>
        Observable.Generate(
            first,
            static _ => true,
            boundary => boundary + intervalTicks,
            static boundary => boundary,
            static boundary => new DateTimeOffset(boundary, TimeSpan.Zero),
            scheduler);

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
}

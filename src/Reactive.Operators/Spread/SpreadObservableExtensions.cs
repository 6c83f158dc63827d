using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Reactive.Operators.Time;

namespace Reactive.Operators.Spread;

/// <summary>Rx operators for bid/ask spreads.</summary>
public static class SpreadObservableExtensions
{
    /// <summary>
    /// Aggregates quotes into per-second and per-minute spread windows over event time (tumbling,
    /// aligned to the Unix epoch), emitting each window once, when the watermark makes it final (append
    /// mode), and every open window when the source completes. Late quotes (their second already emitted)
    /// and quotes with a price that is not positive and finite are emitted too, as
    /// <see cref="SpreadResultKind.Late"/> and <see cref="SpreadResultKind.Rejected"/> results, never dropped.
    /// </summary>
    /// <typeparam name="T">The quote type.</typeparam>
    /// <param name="source">The quotes.</param>
    /// <param name="options">The options (validated here; copied at subscription).</param>
    /// <param name="time">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <returns>Window, late and rejected results; a selector that throws, or the state bound, ends it with OnError.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IObservable<SpreadResult> Spread<T>(
        this IObservable<T> source,
        SpreadOptions options,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask) => Spread(source, options, time, bid, ask, DefaultScheduler.Instance);

    /// <summary>
    /// <see cref="Spread{T}(IObservable{T}, SpreadOptions, Func{T, long}, Func{T, double}, Func{T, double})"/> with the
    /// scheduler whose clock <see cref="SpreadOptions.IdleTimeout"/> is measured on (processing time; a test or a
    /// backtest passes a virtual-time scheduler).
    /// </summary>
    /// <typeparam name="T">The quote type.</typeparam>
    /// <param name="source">The quotes.</param>
    /// <param name="options">The options (validated here; copied at subscription).</param>
    /// <param name="time">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <param name="scheduler">The processing-time clock and timer of the idle timeout.</param>
    /// <returns>Window, late and rejected results; a selector that throws, or the state bound, ends it with OnError.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IObservable<SpreadResult> Spread<T>(
        this IObservable<T> source,
        SpreadOptions options,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask,
        IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(bid);
        ArgumentNullException.ThrowIfNull(ask);
        ArgumentNullException.ThrowIfNull(scheduler);
        options.Validate();
        return new SpreadObservable<T>(source, Snapshot(options), time, bid, ask, scheduler);
    }

    /// <summary>Maps each quote to its spread, relative spread in basis points and locked/crossed flags.</summary>
    /// <typeparam name="T">The quote type.</typeparam>
    /// <param name="source">The quotes.</param>
    /// <param name="time">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <returns>One <see cref="QuoteSpread"/> per quote; a selector that throws ends it with OnError.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IObservable<QuoteSpread> QuoteSpreads<T>(
        this IObservable<T> source,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(bid);
        ArgumentNullException.ThrowIfNull(ask);
        return System.Reactive.Linq.Observable.Select(source, q => QuoteSpread.Compute(time(q), bid(q), ask(q)));
    }

    internal static SpreadOptions Snapshot(SpreadOptions o) => new()
    {
        WatermarkDelay = o.WatermarkDelay,
        IncludeLockedAndCrossed = o.IncludeLockedAndCrossed,
        EmitSeconds = o.EmitSeconds,
        EmitMinutes = o.EmitMinutes,
        MaxPendingQuotes = o.MaxPendingQuotes,
        IdleTimeout = o.IdleTimeout,
        SourceName = o.SourceName,
    };

    private sealed class SpreadObservable<T>(
        IObservable<T> source,
        SpreadOptions options,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask,
        IScheduler scheduler) : IObservable<SpreadResult>
    {
        public IDisposable Subscribe(IObserver<SpreadResult> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            var sink = new Sink(observer, options, time, bid, ask, scheduler);
            sink.SetUpstream(source.Subscribe(sink));
            return sink;
        }

        // One subscription: selectors and the aggregator run here; what the downstream observer throws
        // propagates to the source, as in Rx, while what our own code throws becomes OnError. With an idle
        // timeout, a timer on the scheduler moves the watermark too: then one lock serializes quotes and timer
        // (without one, quotes are the only callers, one at a time by the Rx contract, and take no lock; only the
        // end and disposal do).
        private sealed class Sink : IObserver<T>, ISpreadSink, IDisposable
        {
            private readonly IObserver<SpreadResult> _observer;
            private readonly SpreadAggregator _aggregator;
            private readonly Func<T, long> _time;
            private readonly Func<T, double> _bid;
            private readonly Func<T, double> _ask;
            private readonly SingleAssignmentDisposable _upstream = new();
            private readonly IScheduler _scheduler;
            private readonly long _idleTicks;
            private readonly Lock _gate = new();
            private readonly bool _idleEnabled;
            private readonly SerialDisposable _idle = new();
            private long _lastInput;
            private long _watermarkAtLastInput = long.MinValue;
            private bool _idlePending;
            private bool _done;
            private bool _forwarding;

            public Sink(IObserver<SpreadResult> observer, SpreadOptions options, Func<T, long> time, Func<T, double> bid, Func<T, double> ask, IScheduler scheduler)
            {
                _observer = observer;
                _aggregator = new SpreadAggregator(options, this);
                _time = time;
                _bid = bid;
                _ask = ask;
                _scheduler = scheduler;
                if (options.IdleTimeout is { } idle)
                {
                    _idleTicks = idle.Ticks;
                    _idleEnabled = true;
                }
            }

            public void SetUpstream(IDisposable upstream) => _upstream.Disposable = upstream;

            public void OnNext(T value)
            {
                if (!_idleEnabled)
                {
                    Quote(value);
                    return;
                }

                lock (_gate)
                {
                    if (_done)
                    {
                        return;
                    }

                    var now = _scheduler.Now.UtcTicks;
                    try
                    {
                        // A quote after a pause is judged against the watermark that followed processing time.
                        CatchUpIdle(now);
                    }
                    catch (Exception ex) when (!_forwarding)
                    {
                        Fail(ex);
                        return;
                    }

                    Quote(value);
                    _lastInput = now;
                    _watermarkAtLastInput = _aggregator.WatermarkTicks;
                    if (!_idlePending && !_done)
                    {
                        ScheduleIdle(UtcTicks.AddSaturating(now, _idleTicks));
                    }
                }
            }

            public void OnError(Exception error)
            {
                lock (_gate)
                {
                    if (_done)
                    {
                        return;
                    }

                    _done = true;
                    _idle.Dispose();
                    _observer.OnError(error);
                    _upstream.Dispose();
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

                    try
                    {
                        _aggregator.Flush();
                    }
                    catch (Exception ex) when (!_forwarding)
                    {
                        Fail(ex);
                        return;
                    }

                    if (_done)
                    {
                        return;
                    }

                    _done = true;
                    _idle.Dispose();
                    _observer.OnCompleted();
                    _upstream.Dispose();
                }
            }

            private void Quote(T value)
            {
                if (_done)
                {
                    return;
                }

                try
                {
                    _aggregator.OnQuote(_time(value), _bid(value), _ask(value));
                }
                catch (Exception ex) when (!_forwarding)
                {
                    Fail(ex);
                }
            }

            private void CatchUpIdle(long now)
            {
                if (_watermarkAtLastInput != long.MinValue && now - _lastInput >= _idleTicks)
                {
                    _aggregator.AdvanceWatermarkTo(UtcTicks.AddSaturating(_watermarkAtLastInput, now - _lastInput));
                }
            }

            private void ScheduleIdle(long due)
            {
                _idlePending = true;
                _idle.Disposable = UtcTicks.ScheduleAt(_scheduler, this, due, static self => self.OnIdle());
            }

            private void OnIdle()
            {
                lock (_gate)
                {
                    if (_done)
                    {
                        return;
                    }

                    _idlePending = false;
                    var now = _scheduler.Now.UtcTicks;
                    if (now - _lastInput < _idleTicks)
                    {
                        ScheduleIdle(UtcTicks.AddSaturating(_lastInput, _idleTicks));
                        return;
                    }

                    try
                    {
                        CatchUpIdle(now);
                    }
                    catch (Exception ex) when (!_forwarding)
                    {
                        Fail(ex);
                        return;
                    }

                    var next = _aggregator.NextWindowEndTicks;
                    if (!_done && next != long.MaxValue)
                    {
                        // Wake when the watermark, following processing time, reaches the next window's end.
                        ScheduleIdle(UtcTicks.IdleWake(now, _lastInput, _watermarkAtLastInput, next));
                    }
                }
            }

            void ISpreadSink.OnResult(in SpreadResult result)
            {
                if (_done)
                {
                    return;
                }

                _forwarding = true;
                try
                {
                    _observer.OnNext(result);
                }
                finally
                {
                    _forwarding = false;
                }
            }

            public void Dispose()
            {
                lock (_gate)
                {
                    _done = true;
                    _idle.Dispose();
                    _upstream.Dispose();
                }
            }

            private void Fail(Exception error)
            {
                _done = true;
                _idle.Dispose();
                _observer.OnError(error);
                _upstream.Dispose();
            }
        }
    }
}

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;

namespace Reactive.Operators.Spread;

/// <summary>Rx operators for bid/ask spreads.</summary>
public static class SpreadObservableExtensions
{
    /// <summary>
    /// Aggregates quotes into per-second and per-minute spread windows over event time (tumbling,
    /// aligned to the Unix epoch), emitting each window once, when the watermark makes it final (append
    /// mode), and every open window when the source completes. Late quotes (their second already emitted)
    /// and quotes with a price that are not positive and finite count in no window; they are counted
    /// and, with <see cref="Spread{T}(IObservable{T}, SpreadOptions, Func{T, long}, Func{T, double}, Func{T, double}, IScheduler, IObserver{Rejected{T}}?)"/>,
    /// sent to its rejected output.
    /// </summary>
    /// <typeparam name="T">The quote type.</typeparam>
    /// <param name="source">The quotes.</param>
    /// <param name="options">The options (validated here; copied at subscription).</param>
    /// <param name="time">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <returns>The final windows; a selector that throws, or the state bound, ends it with OnError.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionValidationException">An option is invalid.</exception>
    public static IObservable<SpreadResult> Spread<T>(
        this IObservable<T> source,
        SpreadOptions options,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask) => Spread(source, options, time, bid, ask, DefaultScheduler.Instance, null);

    /// <summary>
    /// <see cref="Spread{T}(IObservable{T}, SpreadOptions, Func{T, long}, Func{T, double}, Func{T, double})"/> with the
    /// scheduler whose clock <see cref="SpreadOptions.IdleTimeout"/> is measured on (processing time; a test or a
    /// backtest passes a virtual-time scheduler) and the side output of the quotes it turns away.
    /// </summary>
    /// <typeparam name="T">The quote type.</typeparam>
    /// <param name="source">The quotes.</param>
    /// <param name="options">The options (validated here; copied at subscription).</param>
    /// <param name="time">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <param name="scheduler">The processing-time clock and timer of the idle timeout.</param>
    /// <param name="rejected">
    /// Receives each quote turned away, as it is turned away: code <c>late</c> (its second was final; the reason names
    /// the second and the watermark) or <c>bad_price</c>. Null: such quotes are only counted. Its exceptions become OnError.
    /// </param>
    /// <returns>The final windows; a selector that throws, or the state bound, ends it with OnError.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionValidationException">An option is invalid.</exception>
    public static IObservable<SpreadResult> Spread<T>(
        this IObservable<T> source,
        SpreadOptions options,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask,
        IScheduler scheduler,
        IObserver<Rejected<T>>? rejected = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(bid);
        ArgumentNullException.ThrowIfNull(ask);
        ArgumentNullException.ThrowIfNull(scheduler);
        options.Validate();
        return new SpreadObservable<T>(source, Snapshot(options), time, bid, ask, scheduler, rejected);
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
        State = o.State,
    };

    private sealed class SpreadObservable<T>(
        IObservable<T> source,
        SpreadOptions options,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask,
        IScheduler scheduler,
        IObserver<Rejected<T>>? rejected) : IObservable<SpreadResult>
    {
        public IDisposable Subscribe(IObserver<SpreadResult> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            var sink = new Sink(observer, options, time, bid, ask, scheduler, rejected);
            sink.SetUpstream(source.Subscribe(sink));
            return sink;
        }

        // One subscription: selectors and the aggregator run here; what the downstream observer throws
        // propagates to the source, as in Rx, while what our own code throws becomes OnError. With an idle
        // timeout, the shared idle clock's timer runs the idle flush too: then one lock serializes quotes and timer
        // (without one, quotes are the only callers, one at a time by the Rx contract, and take no lock; only the
        // end and disposal do).
        private sealed class Sink : IObserver<T>, ISpreadSink, IIdleClockOwner, IDisposable
        {
            private readonly IObserver<SpreadResult> _observer;
            private readonly SpreadAggregator _aggregator;
            private readonly Func<T, long> _time;
            private readonly Func<T, double> _bid;
            private readonly Func<T, double> _ask;
            private readonly IObserver<Rejected<T>>? _rejected;
            private readonly SingleAssignmentDisposable _upstream = new();
            private readonly Lock _gate = new();
            private readonly IdleClock? _idle;
            private readonly StateHandle<SpreadState>? _state;
            private readonly Func<SpreadState> _save;
            private bool _done;
            private bool _forwarding;

            public Sink(IObserver<SpreadResult> observer, SpreadOptions options, Func<T, long> time, Func<T, double> bid, Func<T, double> ask, IScheduler scheduler, IObserver<Rejected<T>>? rejected)
            {
                _observer = observer;
                _aggregator = new SpreadAggregator(options, this);
                _time = time;
                _bid = bid;
                _ask = ask;
                _rejected = rejected;
                _idle = IdleClock.Create(options.IdleTimeout, scheduler, this);
                _save = Save;
                _state = options.State;
                if (_state is not null)
                {
                    if (_state.Initial is { } initial)
                    {
                        _aggregator.Load(initial);
                    }

                    _state.Attach(_save);
                }
            }

            public void SetUpstream(IDisposable upstream) => _upstream.Disposable = upstream;

            public void OnNext(T value)
            {
                if (_idle is null)
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

                    Quote(value);
                    if (!_done)
                    {
                        _idle.MarkInput(_idle.Now);
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

                    End();
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

                    End();
                    _observer.OnCompleted();
                    _upstream.Dispose();
                }
            }

            void IIdleClockOwner.OnIdle() => _aggregator.IdleFlush();

            void IIdleClockOwner.OnIdleTimer()
            {
                lock (_gate)
                {
                    if (_done)
                    {
                        return;
                    }

                    try
                    {
                        _idle!.Tick();
                    }
                    catch (Exception ex) when (!_forwarding)
                    {
                        Fail(ex);
                    }
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
                    var t = _time(value);
                    var bid = _bid(value);
                    var ask = _ask(value);
                    var verdict = _aggregator.OnQuote(t, bid, ask);
                    if (verdict != SpreadAggregator.QuoteVerdict.Accepted && _rejected is { } rejected)
                    {
                        // Told where the decision is made, before the next quote can move the watermark the reason names.
                        rejected.OnNext(verdict == SpreadAggregator.QuoteVerdict.Late
                            ? new Rejected<T>(value, RejectionCodes.Late, _aggregator.LateReason(t))
                            : new Rejected<T>(value, RejectionCodes.BadPrice, SpreadAggregator.BadPriceReason(bid, ask)));
                    }
                }
                catch (Exception ex) when (!_forwarding)
                {
                    Fail(ex);
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
                    End();
                    _upstream.Dispose();
                }
            }

            private SpreadState Save()
            {
                // Quotes take the lock only with an idle timeout; without one, Save runs between quotes (StateHandle's remarks).
                lock (_gate)
                {
                    return _aggregator.Save();
                }
            }

            private void End()
            {
                _done = true;
                _idle?.Dispose();
                _state?.Detach(_save);
            }

            private void Fail(Exception error)
            {
                End();
                _observer.OnError(error);
                _upstream.Dispose();
            }
        }
    }
}

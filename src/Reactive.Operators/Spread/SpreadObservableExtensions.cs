using System.Reactive.Disposables;

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
        Func<T, double> ask)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(bid);
        ArgumentNullException.ThrowIfNull(ask);
        options.Validate();
        return new SpreadObservable<T>(source, Snapshot(options), time, bid, ask);
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
        SourceName = o.SourceName,
    };

    private sealed class SpreadObservable<T>(
        IObservable<T> source,
        SpreadOptions options,
        Func<T, long> time,
        Func<T, double> bid,
        Func<T, double> ask) : IObservable<SpreadResult>
    {
        public IDisposable Subscribe(IObserver<SpreadResult> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            var sink = new Sink(observer, options, time, bid, ask);
            sink.SetUpstream(source.Subscribe(sink));
            return sink;
        }

        // One subscription: selectors and the aggregator run here; what the downstream observer throws
        // propagates to the source, as in Rx, while what our own code throws becomes OnError.
        private sealed class Sink : IObserver<T>, ISpreadSink, IDisposable
        {
            private readonly IObserver<SpreadResult> _observer;
            private readonly SpreadAggregator _aggregator;
            private readonly Func<T, long> _time;
            private readonly Func<T, double> _bid;
            private readonly Func<T, double> _ask;
            private readonly SingleAssignmentDisposable _upstream = new();
            private bool _done;
            private bool _forwarding;

            public Sink(IObserver<SpreadResult> observer, SpreadOptions options, Func<T, long> time, Func<T, double> bid, Func<T, double> ask)
            {
                _observer = observer;
                _aggregator = new SpreadAggregator(options, this);
                _time = time;
                _bid = bid;
                _ask = ask;
            }

            public void SetUpstream(IDisposable upstream) => _upstream.Disposable = upstream;

            public void OnNext(T value)
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

            public void OnError(Exception error)
            {
                if (_done)
                {
                    return;
                }

                _done = true;
                _observer.OnError(error);
                _upstream.Dispose();
            }

            public void OnCompleted()
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
                _observer.OnCompleted();
                _upstream.Dispose();
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
                _done = true;
                _upstream.Dispose();
            }

            private void Fail(Exception error)
            {
                _done = true;
                _observer.OnError(error);
                _upstream.Dispose();
            }
        }
    }
}

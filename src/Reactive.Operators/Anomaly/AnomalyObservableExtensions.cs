using System.Reactive.Disposables;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;

namespace Reactive.Operators.Anomaly;

/// <summary>Rx operators for price anomalies.</summary>
public static class AnomalyObservableExtensions
{
    /// <summary>
    /// Judges each price against the prices of the same series and hour of day in the lookback before it
    /// and emits the anomalies and, when <see cref="AnomalyOptions.EmitEvaluations"/> is set, every judged price.
    /// A row it turns away (out of order, duplicate time, bad hour, bad price, missing series) is sent to
    /// <paramref name="rejected"/> with its code and reason, and leaves the state unchanged.
    /// </summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <param name="source">The prices.</param>
    /// <param name="options">The options (validated and copied here).</param>
    /// <param name="time">The price's event time, in ticks.</param>
    /// <param name="hourOfDay">The hour of day, 0–24.</param>
    /// <param name="price">The price.</param>
    /// <param name="series">The series (key); null for a single series.</param>
    /// <param name="rejected">The side output of the rows turned away; null: they are dropped. Its exceptions become OnError.</param>
    /// <returns>The results; a selector that throws, or a state bound, ends it with OnError.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionValidationException">An option is invalid.</exception>
    public static IObservable<AnomalyResult> DetectAnomalies<T>(
        this IObservable<T> source,
        AnomalyOptions options,
        Func<T, long> time,
        Func<T, int> hourOfDay,
        Func<T, double> price,
        Func<T, string>? series = null,
        IObserver<Rejected<T>>? rejected = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(hourOfDay);
        ArgumentNullException.ThrowIfNull(price);
        options.Validate();
        return new AnomalyObservable<T>(source, options.Snapshot(), time, hourOfDay, price, series, rejected);
    }

    /// <summary>The code and reason of a rejected verdict (today's dead-letter texts).</summary>
    internal static (string Code, string Reason) Rejection(AnomalyStatus status) => status switch
    {
        AnomalyStatus.OutOfOrder => (RejectionCodes.OutOfOrder, "older than the newest price of its series and hour; prices must come in time order per series and hour"),
        AnomalyStatus.DuplicateTime => (RejectionCodes.DuplicateTime, "same time as the newest price of its series and hour"),
        AnomalyStatus.InvalidHour => (RejectionCodes.BadHour, "hour of day outside 0-24"),
        AnomalyStatus.InvalidPrice => (RejectionCodes.BadPrice, "price is not a finite number"),
        _ => (RejectionCodes.MissingSeries, "the series selector returned null"),
    };

    private static double? NullIfNaN(double value) => double.IsNaN(value) ? null : value;

    private sealed class AnomalyObservable<T>(
        IObservable<T> source,
        AnomalyOptions options,
        Func<T, long> time,
        Func<T, int> hourOfDay,
        Func<T, double> price,
        Func<T, string>? series,
        IObserver<Rejected<T>>? rejected) : IObservable<AnomalyResult>
    {
        private readonly AnomalyOptions _options = options;
        private readonly Func<T, long> _time = time;
        private readonly Func<T, int> _hourOfDay = hourOfDay;
        private readonly Func<T, double> _price = price;
        private readonly Func<T, string>? _series = series;
        private readonly IObserver<Rejected<T>>? _rejected = rejected;

        public IDisposable Subscribe(IObserver<AnomalyResult> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            var sink = new Sink(this, observer);
            sink.SetUpstream(source.Subscribe(sink));
            return sink;
        }

        // One subscription. Rows come one at a time (Rx contract) and take no lock; what the downstream observer throws
        // propagates to the source, what our code (selectors, detector bounds, the rejected output) throws becomes OnError.
        private sealed class Sink : IObserver<T>, IDisposable
        {
            private readonly AnomalyObservable<T> _parent;
            private readonly IObserver<AnomalyResult> _observer;
            private readonly AnomalyDetector _detector;
            private readonly SingleAssignmentDisposable _upstream = new();
            private readonly Func<AnomalyState> _save;
            private bool _done;

            public Sink(AnomalyObservable<T> parent, IObserver<AnomalyResult> observer)
            {
                _parent = parent;
                _observer = observer;
                _detector = new AnomalyDetector(parent._options);
                _save = _detector.Save;
                if (parent._options.State is { } state)
                {
                    if (state.Initial is { } initial)
                    {
                        _detector.Load(initial);
                    }

                    state.Attach(_save);
                }
            }

            public void SetUpstream(IDisposable upstream) => _upstream.Disposable = upstream;

            public void OnNext(T value)
            {
                if (_done)
                {
                    return;
                }

                AnomalyResult? result;
                try
                {
                    var p = _parent;
                    var key = p._series is null ? AnomalyDetector.DefaultSeries : p._series(value);
                    var t = p._time(value);
                    var h = p._hourOfDay(value);
                    var x = p._price(value);
                    var check = _detector.Evaluate(key, t, h, x);
                    if (check.IsRejected)
                    {
                        if (p._rejected is { } rejected)
                        {
                            var (code, reason) = Rejection(check.Status);
                            rejected.OnNext(new Rejected<T>(value, code, reason));
                        }

                        return;
                    }

                    result = check.IsAnomaly || p._options.EmitEvaluations
                        ? new AnomalyResult(check.Status, key, t, h, x, check.BaselineCount, NullIfNaN(check.BaselineMean), NullIfNaN(check.BaselineStdDev), NullIfNaN(check.ZScore), NullIfNaN(check.Threshold))
                        : null;
                }
                catch (Exception ex)
                {
                    End();
                    _observer.OnError(ex);
                    _upstream.Dispose();
                    return;
                }

                if (result is not null)
                {
                    _observer.OnNext(result);
                }
            }

            public void OnError(Exception error)
            {
                if (_done)
                {
                    return;
                }

                End();
                _observer.OnError(error);
                _upstream.Dispose();
            }

            public void OnCompleted()
            {
                if (_done)
                {
                    return;
                }

                End();
                _observer.OnCompleted();
                _upstream.Dispose();
            }

            public void Dispose()
            {
                End();
                _upstream.Dispose();
            }

            private void End()
            {
                _done = true;
                _parent._options.State?.Detach(_save);
            }
        }
    }
}

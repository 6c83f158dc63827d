using System.Globalization;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Anomaly;

/// <summary>Rx operators for price anomalies.</summary>
public static class AnomalyObservableExtensions
{
    /// <summary>
    /// Judges each price against the prices of the same series and hour of day in the lookback before it
    /// (see <see cref="AnomalyDetector"/>) and emits the anomalies, every rejected row (out of order, bad
    /// hour, bad price, missing series: <see cref="AnomalyResult.DeadLetter"/> says why) and, when
    /// <see cref="AnomalyOptions.EmitEvaluations"/> is set, every judged price.
    /// </summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <param name="source">The prices.</param>
    /// <param name="options">The options (validated and copied here).</param>
    /// <param name="time">The price's event time, in ticks.</param>
    /// <param name="hourOfDay">The hour of day, 0–24.</param>
    /// <param name="price">The price.</param>
    /// <param name="series">The series (key); null for a single series.</param>
    /// <returns>The results; a selector that throws, or a state bound, ends it with OnError.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IObservable<AnomalyResult> DetectAnomalies<T>(
        this IObservable<T> source,
        AnomalyOptions options,
        Func<T, long> time,
        Func<T, int> hourOfDay,
        Func<T, double> price,
        Func<T, string>? series = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(hourOfDay);
        ArgumentNullException.ThrowIfNull(price);
        options.Validate();
        var snapshot = options.Snapshot();

        return Observable.Create<AnomalyResult>(observer =>
        {
            var detector = new AnomalyDetector(snapshot);
            return source.Subscribe(
                value =>
                {
                    AnomalyResult? result;
                    try
                    {
                        var key = series is null ? AnomalyDetector.DefaultSeries : series(value);
                        var t = time(value);
                        var h = hourOfDay(value);
                        var p = price(value);
                        var check = detector.Evaluate(key, t, h, p);
                        result = ToResult(snapshot, check, key ?? AnomalyDetector.DefaultSeries, t, h, p);
                    }
                    catch (Exception ex)
                    {
                        observer.OnError(ex);
                        return;
                    }

                    if (result is not null)
                    {
                        observer.OnNext(result);
                    }
                },
                observer.OnError,
                observer.OnCompleted);
        });
    }

    private static AnomalyResult? ToResult(AnomalyOptions options, AnomalyCheck check, string series, long time, int hour, double price)
    {
        if (check.IsRejected)
        {
            var (code, reason) = check.Status switch
            {
                AnomalyStatus.OutOfOrder => ("out_of_order", "older than the newest price of its series and hour; prices must come in time order per series and hour"),
                AnomalyStatus.DuplicateTime => ("duplicate_time", "same time as the newest price of its series and hour"),
                AnomalyStatus.InvalidHour => ("bad_hour", "hour of day outside 0-24"),
                AnomalyStatus.InvalidPrice => ("bad_price", "price is not a finite number"),
                _ => ("missing_series", "the series selector returned null"),
            };
            var raw = string.Create(CultureInfo.InvariantCulture, $"{series},{time},{hour},{price}");
            return new AnomalyResult(check.Status, series, time, hour, price, 0, null, null, null, null,
                DeadLetter.Create(options.SourceName, 0, code, reason, raw));
        }

        if (!check.IsAnomaly && !options.EmitEvaluations)
        {
            return null;
        }

        return new AnomalyResult(
            check.Status,
            series,
            time,
            hour,
            price,
            check.BaselineCount,
            NullIfNaN(check.BaselineMean),
            NullIfNaN(check.BaselineStdDev),
            NullIfNaN(check.ZScore),
            NullIfNaN(check.Threshold),
            null);
    }

    private static double? NullIfNaN(double value) => double.IsNaN(value) ? null : value;
}

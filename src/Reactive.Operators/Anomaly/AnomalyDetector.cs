namespace Reactive.Operators.Anomaly;

/// <summary>
/// Stateful detector of anomalous hourly prices: a price at time t and hour of day h is anomalous when
/// it is above the mean and at least K sample standard deviations above the mean of the prices of the
/// same series and hour with a time in <c>[t − Lookback, t)</c>, given at least MinHistory of them.
/// </summary>
/// <remarks>
/// <para>State per (series, hour): a ring of the baseline prices with their times; prices older than
/// <c>t − Lookback</c> are dropped before each judgement. Mean and deviation are recomputed from the ring
/// (two passes; at most Lookback-in-days values with one price per day), so there is no rolling-sum drift;
/// when all baseline prices are equal the mean is that price exactly and sd is exactly 0.</para>
/// <para>Per (series, hour), prices must come in time order: a price not after the newest one of its
/// series and hour is rejected (<see cref="AnomalyStatus.OutOfOrder"/>, or <see cref="AnomalyStatus.DuplicateTime"/> when equal) and leaves the state unchanged.
/// Different hours and series may interleave freely.</para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class AnomalyDetector
{
    /// <summary>The series name used when none is given.</summary>
    public const string DefaultSeries = "";

    private readonly double _k;
    private readonly long _lookbackTicks;
    private readonly int _minHistory;
    private readonly int _maxBaseline;
    private readonly BaselineStore _store;

    /// <summary>Creates a detector.</summary>
    /// <param name="options">The options; validated here and copied, later changes have no effect.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public AnomalyDetector(AnomalyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _k = options.StandardDeviations;
        _lookbackTicks = options.Lookback.Ticks;
        _minHistory = options.MinHistory;
        _maxBaseline = options.MaxBaselineSize;
        _store = new BaselineStore(options.MaxSeries, Math.Min(_maxBaseline + 1, Math.Max(_minHistory, 16)));
    }

    /// <summary>Series currently held.</summary>
    public int SeriesCount => _store.SeriesCount;

    /// <summary>A snapshot of every baseline, sharing nothing with the detector.</summary>
    public AnomalyState Save() => new(AnomalyState.CurrentVersion, _lookbackTicks, _store.Save());

    /// <summary>Loads a snapshot into a new detector (before its first price).</summary>
    /// <exception cref="ArgumentException">The snapshot is of another version or lookback, or malformed.</exception>
    public void Load(AnomalyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Version != AnomalyState.CurrentVersion)
        {
            throw new ArgumentException($"Anomaly state version {state.Version} cannot be restored; this detector reads version {AnomalyState.CurrentVersion}.", nameof(state));
        }

        if (state.LookbackTicks != _lookbackTicks)
        {
            throw new ArgumentException("The anomaly state was saved with another AnomalyOptions.Lookback.", nameof(state));
        }

        _store.Load(state.Baselines);
    }

    /// <summary>Judges a price of the default series.</summary>
    /// <param name="timestampTicks">The price's event time, in ticks.</param>
    /// <param name="hour">The hour of day, 0–24 (both the 0–23 and the hour-ending 1–24 conventions fit).</param>
    /// <param name="price">The price.</param>
    /// <returns>The verdict and the baseline statistics.</returns>
    /// <exception cref="InvalidOperationException">A bound (<see cref="AnomalyOptions.MaxSeries"/>, <see cref="AnomalyOptions.MaxBaselineSize"/>) is exceeded.</exception>
    public AnomalyCheck Evaluate(long timestampTicks, int hour, double price) => Evaluate(DefaultSeries, timestampTicks, hour, price);

    /// <summary>Judges a price, then (unless rejected) adds it to the baseline of its series and hour.</summary>
    /// <param name="series">The series (key).</param>
    /// <param name="timestampTicks">The price's event time, in ticks.</param>
    /// <param name="hour">The hour of day, 0–24 (both the 0–23 and the hour-ending 1–24 conventions fit).</param>
    /// <param name="price">The price.</param>
    /// <returns>The verdict and the baseline statistics.</returns>
    /// <exception cref="InvalidOperationException">A bound (<see cref="AnomalyOptions.MaxSeries"/>, <see cref="AnomalyOptions.MaxBaselineSize"/>) is exceeded.</exception>
    public AnomalyCheck Evaluate(string series, long timestampTicks, int hour, double price)
    {
        if (series is null)
        {
            return Rejected(AnomalyStatus.MissingSeries);
        }

        if ((uint)hour >= BaselineStore.Hours)
        {
            return Rejected(AnomalyStatus.InvalidHour);
        }

        if (!double.IsFinite(price))
        {
            return Rejected(AnomalyStatus.InvalidPrice);
        }

        var history = _store.Get(series, hour);
        if (history.Count > 0 && timestampTicks <= history.NewestTime)
        {
            return Rejected(timestampTicks == history.NewestTime ? AnomalyStatus.DuplicateTime : AnomalyStatus.OutOfOrder);
        }

        var cutoff = timestampTicks < long.MinValue + _lookbackTicks ? long.MinValue : timestampTicks - _lookbackTicks;
        history.DropOlderThan(cutoff);

        // The bound is on the baseline a price is judged against: MaxBaselineSize prices are allowed (14 for daily
        // prices over 14 days), one more is not.
        if (history.Count > _maxBaseline)
        {
            throw new BoundExceededException(
                nameof(AnomalyOptions),
                nameof(AnomalyOptions.MaxBaselineSize),
                $"Series '{series}' hour {hour} holds {history.Count} baseline prices within the lookback; raise AnomalyOptions.MaxBaselineSize (now {_maxBaseline}) or shorten AnomalyOptions.Lookback.");
        }

        var check = Judge(history, price);
        history.Add(timestampTicks, price);
        return check;
    }

    private AnomalyCheck Judge(HourHistory history, double price)
    {
        var n = history.Count;
        if (n == 0)
        {
            return new AnomalyCheck(AnomalyStatus.InsufficientHistory, 0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        // The ring read oldest first as two contiguous spans (head to the end of the array, then the wrapped part):
        // the same elements in the same order as indexing (head + i) % capacity, so the same sums bit for bit,
        // without an integer division per element.
        var values = history.Values;
        var start = history.Head;
        var first = Math.Min(n, values.Length - start);
        var older = values.AsSpan(start, first);
        var wrapped = values.AsSpan(0, n - first);

        // Whether every price equals the oldest one: one comparison per price, no branch (a baseline holds finite
        // prices only, Evaluate rejects the others, so == is exact).
        var oldest = older[0];
        var sum = 0.0;
        var allEqual = true;
        foreach (var x in older)
        {
            sum += x;
            allEqual &= x == oldest;
        }

        foreach (var x in wrapped)
        {
            sum += x;
            allEqual &= x == oldest;
        }

        double mean;
        double sd;
        if (allEqual)
        {
            // Exactly equal prices: the mean is that price and the deviation exactly zero, with no rounding.
            mean = oldest;
            sd = n >= 2 ? 0 : double.NaN;
        }
        else
        {
            mean = sum / n;
            var squares = 0.0;
            foreach (var x in older)
            {
                var d = x - mean;
                squares += d * d;
            }

            foreach (var x in wrapped)
            {
                var d = x - mean;
                squares += d * d;
            }

            sd = Math.Sqrt(squares / (n - 1));
        }

        var threshold = mean + _k * sd;
        var z = sd > 0 ? (price - mean) / sd : double.NaN;
        var status = n < _minHistory
            ? AnomalyStatus.InsufficientHistory
            : price > mean && price >= threshold ? AnomalyStatus.Anomaly : AnomalyStatus.Normal;
        return new AnomalyCheck(status, n, mean, sd, threshold, z);
    }

    private static AnomalyCheck Rejected(AnomalyStatus status) =>
        new(status, 0, double.NaN, double.NaN, double.NaN, double.NaN);
}

namespace Reactive.Operators.Anomaly;

/// <summary>Options of the hourly price anomaly detection (<see cref="AnomalyDetector"/> and <see cref="AnomalyObservableExtensions.DetectAnomalies{T}"/>).</summary>
public sealed class AnomalyOptions
{
    /// <summary>
    /// K: a price is anomalous when it is above the baseline mean and at least K sample standard
    /// deviations above it (<c>price &gt;= mean + K·sd</c>). Must be positive and finite.
    /// </summary>
    /// <value>The default value is 2.</value>
    public double StandardDeviations { get; set; } = 2;

    /// <summary>
    /// How far back the baseline reaches: the prices of the same series and hour of day with a time in
    /// <c>[t − Lookback, t)</c>, so the current price is never in its own baseline. At least one day.
    /// </summary>
    /// <value>The default value is 14 days.</value>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The fewest baseline prices needed to judge a price (at least 2, as the sample standard deviation needs two).</summary>
    /// <value>The default value is 14.</value>
    public int MinHistory { get; set; } = 14;

    /// <summary>
    /// Whether every judged price is emitted (status <see cref="AnomalyStatus.Normal"/> or
    /// <see cref="AnomalyStatus.InsufficientHistory"/>, with its z-score), for dashboards. Anomalies and
    /// rejected rows are always emitted.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EmitEvaluations { get; set; }

    /// <summary>The most series (keys) kept; one more fails the stream with a message naming this option.</summary>
    /// <value>The default value is 10,000.</value>
    public int MaxSeries { get; set; } = 10_000;

    /// <summary>
    /// The most baseline prices kept per series and hour of day (one price per day gives Lookback in days);
    /// more fails the stream with a message naming this option.
    /// </summary>
    /// <value>The default value is 1,000.</value>
    public int MaxBaselineSize { get; set; } = 1_000;

    /// <summary>The source name written into the dead letters of rejected rows.</summary>
    /// <value>The default value is <c>"anomaly"</c>.</value>
    public string SourceName { get; set; } = "anomaly";

    /// <summary>Throws when an option is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (!(StandardDeviations > 0) || !double.IsFinite(StandardDeviations))
        {
            throw new ArgumentOutOfRangeException(nameof(StandardDeviations), StandardDeviations, "AnomalyOptions.StandardDeviations (K) must be positive and finite.");
        }

        if (Lookback < TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Lookback), Lookback, "AnomalyOptions.Lookback must be at least one day.");
        }

        if (MinHistory < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MinHistory), MinHistory, "AnomalyOptions.MinHistory must be at least 2 (a sample standard deviation needs two prices).");
        }

        if (MaxBaselineSize < MinHistory)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBaselineSize), MaxBaselineSize, "AnomalyOptions.MaxBaselineSize must be at least MinHistory.");
        }

        if (MaxSeries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSeries), MaxSeries, "AnomalyOptions.MaxSeries must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(SourceName);
    }

    internal AnomalyOptions Snapshot() => new()
    {
        StandardDeviations = StandardDeviations,
        Lookback = Lookback,
        MinHistory = MinHistory,
        EmitEvaluations = EmitEvaluations,
        MaxSeries = MaxSeries,
        MaxBaselineSize = MaxBaselineSize,
        SourceName = SourceName,
    };
}

using Reactive.Operators.EventTime;

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

    /// <summary>
    /// For <see cref="AnomalyObservableExtensions.DetectAnomalies{T}"/>: the state handle. The subscription starts from
    /// its <see cref="StateHandle{TSnapshot}.Initial"/> baselines (saved by an earlier run) and
    /// <see cref="StateHandle{TSnapshot}.Save"/> snapshots them while it runs. Null: start empty, no snapshots.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public StateHandle<AnomalyState>? State { get; set; }

    /// <summary>
    /// Throws when an option, or a combination of options, is one the detector cannot run with, naming it. A baseline
    /// holds the prices of one hour of day, so a lookback of d whole days holds d daily prices: it must hold at least
    /// <see cref="MinHistory"/> of them (or no price is ever judged), and <see cref="MaxBaselineSize"/> must hold all of
    /// them (or the stream fails once the lookback is full).
    /// </summary>
    /// <exception cref="OptionValidationException">An option is invalid; <see cref="OptionValidationException.OptionName"/> names it.</exception>
    public void Validate()
    {
        if (!(StandardDeviations > 0) || !double.IsFinite(StandardDeviations))
        {
            throw new OptionValidationException(nameof(StandardDeviations), $"AnomalyOptions.StandardDeviations (K) must be positive and finite (it is {StandardDeviations}).");
        }

        if (Lookback < TimeSpan.FromDays(1))
        {
            throw new OptionValidationException(nameof(Lookback), $"AnomalyOptions.Lookback must be at least one day (it is {Lookback}): a shorter lookback holds no earlier price of the same hour of day.");
        }

        if (MinHistory < 2)
        {
            throw new OptionValidationException(nameof(MinHistory), $"AnomalyOptions.MinHistory must be at least 2 (it is {MinHistory}): a sample standard deviation needs two prices.");
        }

        var days = Lookback.Ticks / TimeSpan.TicksPerDay;
        if (days < MinHistory)
        {
            throw new OptionValidationException(nameof(Lookback), $"AnomalyOptions.Lookback ({Lookback}) holds {days} daily price(s) of an hour, fewer than MinHistory ({MinHistory}): no price would ever be judged. Lengthen Lookback to at least {MinHistory} days or lower MinHistory.");
        }

        if (MaxBaselineSize < MinHistory)
        {
            throw new OptionValidationException(nameof(MaxBaselineSize), $"AnomalyOptions.MaxBaselineSize ({MaxBaselineSize}) must be at least MinHistory ({MinHistory}).");
        }

        if (MaxBaselineSize < days)
        {
            throw new OptionValidationException(nameof(MaxBaselineSize), $"AnomalyOptions.MaxBaselineSize ({MaxBaselineSize}) must hold the {days} daily prices of an hour within Lookback ({Lookback}), or the stream fails once the lookback is full; raise it or shorten Lookback.");
        }

        if (MaxSeries < 1)
        {
            throw new OptionValidationException(nameof(MaxSeries), $"AnomalyOptions.MaxSeries must be at least 1 (it is {MaxSeries}).");
        }

        if (State?.Initial is { } state)
        {
            if (state.LookbackTicks != Lookback.Ticks)
            {
                throw new OptionValidationException(nameof(State), $"AnomalyOptions.State was saved with a lookback of {TimeSpan.FromTicks(state.LookbackTicks)}, not {Lookback}: restore it with the options it was saved with.");
            }

            if (state.SeriesCount > MaxSeries)
            {
                throw new OptionValidationException(nameof(State), $"AnomalyOptions.State holds {state.SeriesCount} series, more than MaxSeries ({MaxSeries}).");
            }
        }
    }

    internal AnomalyOptions Snapshot() => new()
    {
        StandardDeviations = StandardDeviations,
        Lookback = Lookback,
        MinHistory = MinHistory,
        EmitEvaluations = EmitEvaluations,
        MaxSeries = MaxSeries,
        MaxBaselineSize = MaxBaselineSize,
        State = State,
    };
}

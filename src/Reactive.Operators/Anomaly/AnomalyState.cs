namespace Reactive.Operators.Anomaly;

/// <summary>
/// A saved state of one anomaly detection: the baseline prices of every series and hour of day. Minimal and
/// versioned, for checkpoints; restore it through <see cref="AnomalyOptions.State"/> with the same options.
/// </summary>
/// <param name="Version">The layout version (<see cref="CurrentVersion"/>).</param>
/// <param name="LookbackTicks">The lookback it was saved with.</param>
/// <param name="Baselines">Every (series, hour) baseline, oldest price first.</param>
public sealed record AnomalyState(int Version, long LookbackTicks, IReadOnlyList<AnomalyBaseline> Baselines)
{
    /// <summary>The version of this layout.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The number of distinct series in <see cref="Baselines"/>.</summary>
    public int SeriesCount => Baselines.Select(b => b.Series).Distinct(StringComparer.Ordinal).Count();
}

/// <summary>The baseline of one series and hour of day: the prices kept (within the lookback of the newest), oldest first.</summary>
/// <param name="Series">The series (empty for the default one).</param>
/// <param name="Hour">The hour of day, 0–24.</param>
/// <param name="NewestTicks">The time of the newest price taken (a later price must be after it).</param>
/// <param name="Times">The prices' times, ascending.</param>
/// <param name="Prices">The prices.</param>
public sealed record AnomalyBaseline(string Series, int Hour, long NewestTicks, IReadOnlyList<long> Times, IReadOnlyList<double> Prices);

namespace Reactive.Operators.Windows;

/// <summary>The aggregate functions of an event-time window, named as Spark names them.</summary>
public enum AggregateKind
{
    /// <summary><c>count</c> (Spark <c>count(*)</c>/<c>count(1)</c>): rows in the window and group, nulls included.</summary>
    Count,

    /// <summary><c>count(value)</c>: non-null values.</summary>
    CountValue,

    /// <summary><c>sum(value)</c>: sum of non-null values; null when there is none.</summary>
    Sum,

    /// <summary><c>avg(value)</c> (alias <c>mean</c>): sum / count of non-null values; null when there is none.</summary>
    Avg,

    /// <summary><c>min(value)</c>: smallest non-null value; null when there is none.</summary>
    Min,

    /// <summary><c>max(value)</c>: largest non-null value; null when there is none.</summary>
    Max,

    /// <summary>
    /// <c>first(value)</c>: the value of the first row in arrival order, null included (Spark's <c>first</c>
    /// with <c>ignoreNulls = false</c>, its default). Not ordered by event time, exactly as in Spark.
    /// </summary>
    First,

    /// <summary><c>last(value)</c>: the value of the last row in arrival order, null included (Spark's default).</summary>
    Last,

    /// <summary><c>stddev(value)</c> (alias <c>stddev_samp</c>): sample standard deviation; null for fewer than 2 values.</summary>
    StdDev,

    /// <summary><c>variance(value)</c> (alias <c>var_samp</c>): sample variance; null for fewer than 2 values.</summary>
    Variance,

    /// <summary>
    /// <c>twa(value)</c>: time-weighted average. Non-null samples are ordered by event time (ties: the later
    /// arrival holds); each value holds from its event time until the next sample's event time in the same
    /// window and group, the last one until the window end; time before the first sample is not counted.
    /// So <c>twa = Σ vᵢ·(tᵢ₊₁ − tᵢ) / (end − t₁)</c> with <c>tₙ₊₁ = end</c>; null when there is no sample.
    /// </summary>
    TimeWeightedAverage,
}

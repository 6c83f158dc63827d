namespace Reactive.Sources.Generators;

/// <summary>Options of <see cref="HourlyPriceGenerator"/>.</summary>
public sealed class HourlyPriceGeneratorOptions
{
    /// <summary>The seed of the random generator: the same options give the same bytes.</summary>
    /// <value>The default value is 2017.</value>
    public int Seed { get; set; } = 2017;

    /// <summary>The number of hourly rows (the header is extra).</summary>
    /// <value>The default value is 1,344 (8 weeks: enough for a 14-day same-hour anomaly baseline, 6 weeks to test).</value>
    public long Rows { get; set; } = 24 * 7 * 8;

    /// <summary>
    /// The index of the first row written (0-based, among the <see cref="Rows"/> rows): a checkpoint to resume a feed.
    /// The output is exactly the uninterrupted output's rows from this index on, with the same text and event times;
    /// the header, which comes before row 0, is written only when it is 0; the skipped rows are generated and discarded (the seeded draws must be made) without being formatted or
    /// scheduled, and a live source sends the first row at once, then paces relative to it. <see cref="Rows"/> still counts
    /// from row 0: a start row equal to it gives nothing.
    /// </summary>
    /// <value>The default value is 0 (from the start).</value>
    public long StartRow { get; set; }

    /// <summary>The first date (its hour 1 is the first row).</summary>
    /// <value>The default value is 2017-01-01, the first day of the course file.</value>
    public DateOnly StartDate { get; set; } = new(2017, 1, 1);

    /// <summary>The average weekday price level.</summary>
    /// <value>The default value is 25.</value>
    public double BasePrice { get; set; } = 25;

    /// <summary>The standard deviation of the hour-to-hour noise.</summary>
    /// <value>The default value is 5.</value>
    public double Noise { get; set; } = 5;

    /// <summary>The probability that a night hour (hour 1–7) has a negative price (surplus generation).</summary>
    /// <value>The default value is 0.1 (about 3 % of all rows).</value>
    public double NegativeNightShare { get; set; } = 0.1;

    /// <summary>The probability that an hour spikes to several times its price (what the anomaly rule should find).</summary>
    /// <value>The default value is 0.005.</value>
    public double SpikeShare { get; set; } = 0.005;

    /// <summary>The most rows that fit between <see cref="StartDate"/> and the end of year 9999 (a live feed without an end).</summary>
    public long MaxRows => (DateOnly.MaxValue.DayNumber - StartDate.DayNumber + 1) * 24L;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        GeneratorOutput.RequirePositive(Rows, nameof(Rows));
        GeneratorOutput.RequireStartRow(StartRow, Rows);
        long hoursLeft = MaxRows;
        if (Rows > hoursLeft)
        {
            throw new ArgumentException($"Rows must fit before the end of year 9999: at most {hoursLeft} from {StartDate:yyyy-MM-dd} (got {Rows}).", nameof(Rows));
        }

        GeneratorOutput.RequirePositiveFinite(BasePrice, nameof(BasePrice));
        if (!double.IsFinite(Noise) || Noise < 0)
        {
            throw new ArgumentException($"Noise must be a finite number >= 0 (got {Noise}).", nameof(Noise));
        }

        GeneratorOutput.RequireShare(NegativeNightShare, nameof(NegativeNightShare));
        GeneratorOutput.RequireShare(SpikeShare, nameof(SpikeShare), 0.5);
    }
}

namespace Reactive.Sources.Generators;

/// <summary>Options of <see cref="BitcoinRateGenerator"/>.</summary>
public sealed class BitcoinRateGeneratorOptions
{
    /// <summary>The seed of the random generator: the same options give the same bytes.</summary>
    /// <value>The default value is 2009.</value>
    public int Seed { get; set; } = 2009;

    /// <summary>The number of JSON lines.</summary>
    /// <value>The default value is 720 (2 hours at the default interval).</value>
    public long Rows { get; set; } = 720;

    /// <summary>
    /// The index of the first row written (0-based, among the <see cref="Rows"/> rows): a checkpoint to resume a feed.
    /// The output is exactly the uninterrupted output's rows from this index on, with the same text and event times;
    /// the skipped rows are generated and discarded (the seeded draws must be made) without being formatted or
    /// scheduled, and a live source sends the first row at once, then paces relative to it. <see cref="Rows"/> still counts
    /// from row 0: a start row equal to it gives nothing.
    /// </summary>
    /// <value>The default value is 0 (from the start).</value>
    public long StartRow { get; set; }

    /// <summary>The timestamp of the first line (written without zone; read as UTC).</summary>
    /// <value>The default value is 2021-01-04T00:00:00.</value>
    public DateTime Start { get; set; } = new(2021, 1, 4, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>The time between two lines (whole seconds, since the format has no fraction).</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first USD rate.</summary>
    /// <value>The default value is 32,000.</value>
    public double StartUsdRate { get; set; } = 32_000;

    /// <summary>The standard deviation of the log-return per line (geometric random walk).</summary>
    /// <value>The default value is 0.001.</value>
    public double Volatility { get; set; } = 0.001;

    /// <summary>Euros per US dollar.</summary>
    /// <value>The default value is 0.92.</value>
    public double EurPerUsd { get; set; } = 0.92;

    /// <summary>Pounds per US dollar.</summary>
    /// <value>The default value is 0.79.</value>
    public double GbpPerUsd { get; set; } = 0.79;

    /// <summary>The standard deviation of the per-line jitter of each FX ratio, relative (quotes of different venues).</summary>
    /// <value>The default value is 0.0002.</value>
    public double FxJitter { get; set; } = 0.0002;

    /// <summary>The most rows that fit between <see cref="Start"/> and the end of year 9999 at <see cref="Interval"/> (a live feed without an end).</summary>
    public long MaxRows => Interval.Ticks <= 0 ? 0 : ((DateTime.MaxValue.Ticks - Start.Ticks) / Interval.Ticks) + 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        GeneratorOutput.RequirePositive(Rows, nameof(Rows));
        GeneratorOutput.RequireStartRow(StartRow, Rows);
        if (Interval < TimeSpan.FromSeconds(1) || Interval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"Interval must be a whole number of seconds, at least 1 (got {Interval}).", nameof(Interval));
        }

        if (Start.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException("Start must be a whole second (the format has no fraction).", nameof(Start));
        }

        long linesLeft = MaxRows;
        if (Rows > linesLeft)
        {
            throw new ArgumentException($"Rows must fit before the end of year 9999: at most {linesLeft} from {Start:yyyy-MM-ddTHH:mm:ss} every {Interval} (got {Rows}).", nameof(Rows));
        }

        GeneratorOutput.RequirePositiveFinite(StartUsdRate, nameof(StartUsdRate));
        GeneratorOutput.RequireShare(Volatility, nameof(Volatility), 0.2);
        GeneratorOutput.RequirePositiveFinite(EurPerUsd, nameof(EurPerUsd));
        GeneratorOutput.RequirePositiveFinite(GbpPerUsd, nameof(GbpPerUsd));
        GeneratorOutput.RequireShare(FxJitter, nameof(FxJitter), 0.05);
    }
}

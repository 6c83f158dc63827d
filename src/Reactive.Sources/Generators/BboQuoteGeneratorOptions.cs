namespace Reactive.Sources.Generators;

/// <summary>Options of <see cref="BboQuoteGenerator"/>.</summary>
public sealed class BboQuoteGeneratorOptions
{
    /// <summary>The ticker written on every row when <see cref="Symbols"/> is empty (1–8 of A–Z, 0–9, '.').</summary>
    /// <value>The default value is <c>SYN</c>.</value>
    public string Symbol { get; set; } = "SYN";

    /// <summary>
    /// The tickers of a consolidated multi-symbol feed, interleaved in one time-ordered file, each symbol with its own
    /// price walk (the first from <see cref="StartPrice"/>, the others from a start drawn from the seed). Each ticker
    /// is 1–8 of A–Z, 0–9, '.', no ticker twice, at most <see cref="MaxSymbols"/>. Empty means the single
    /// <see cref="Symbol"/>; one symbol gives exactly the bytes of the single-symbol feed.
    /// </summary>
    /// <value>The default value is empty (the single <see cref="Symbol"/>).</value>
    public IReadOnlyList<string> Symbols { get; set; } = [];

    /// <summary>The most tickers <see cref="Symbols"/> may hold.</summary>
    public const int MaxSymbols = 1000;

    /// <summary>The seed of the random generator: the same options give the same bytes.</summary>
    /// <value>The default value is 14081.</value>
    public int Seed { get; set; } = 14081;

    /// <summary>The number of quote rows (the header is extra).</summary>
    /// <value>The default value is 10,000.</value>
    public long Rows { get; set; } = 10_000;

    /// <summary>
    /// The index of the first row written (0-based, among the <see cref="Rows"/> rows): a checkpoint to resume a feed.
    /// The output is exactly the uninterrupted output's rows from this index on, with the same text and event times;
    /// the header, which comes before row 0, is written only when it is 0; the skipped rows are generated and discarded (the seeded draws must be made) without being formatted or
    /// scheduled, and a live source sends the first row at once, then paces relative to it. <see cref="Rows"/> still counts
    /// from row 0: a start row equal to it gives nothing.
    /// </summary>
    /// <value>The default value is 0 (from the start).</value>
    public long StartRow { get; set; }

    /// <summary>The first trading day (a weekend moves to the next Monday).</summary>
    /// <value>The default value is 2014-03-03, the first day of the course file.</value>
    public DateOnly StartDate { get; set; } = new(2014, 3, 3);

    /// <summary>The session open, local exchange time.</summary>
    /// <value>The default value is 09:30.</value>
    public TimeOnly SessionOpen { get; set; } = new(9, 30);

    /// <summary>The session close, local exchange time; the next quote after it starts the next weekday.</summary>
    /// <value>The default value is 16:00.</value>
    public TimeOnly SessionClose { get; set; } = new(16, 0);

    /// <summary>The first bid price, in dollars.</summary>
    /// <value>The default value is 43.16.</value>
    public decimal StartPrice { get; set; } = 43.16m;

    /// <summary>The share of locked quotes (ask = bid).</summary>
    /// <value>The default value is 0.025.</value>
    public double LockedShare { get; set; } = 0.025;

    /// <summary>The share of crossed quotes (ask 1 or 2 ticks below bid).</summary>
    /// <value>The default value is 0.001.</value>
    public double CrossedShare { get; set; } = 0.001;

    /// <summary>The mean pause between bursts of quotes.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan MeanBurstGap { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The probability that the next quote belongs to the current burst (same second, often the same millisecond).</summary>
    /// <value>The default value is 0.5.</value>
    public double BurstContinuation { get; set; } = 0.5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Symbols is null || Symbols.Count == 0)
        {
            if (!IsTicker(Symbol))
            {
                throw new ArgumentException($"Symbol must be 1-8 of A-Z, 0-9 or '.' (got '{Symbol}').", nameof(Symbol));
            }
        }
        else
        {
            if (Symbols.Count > MaxSymbols)
            {
                throw new ArgumentException($"Symbols must hold at most {MaxSymbols} tickers (got {Symbols.Count}).", nameof(Symbols));
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var symbol in Symbols)
            {
                if (!IsTicker(symbol))
                {
                    throw new ArgumentException($"Symbols must each be 1-8 of A-Z, 0-9 or '.' (got '{symbol}').", nameof(Symbols));
                }

                if (!seen.Add(symbol))
                {
                    throw new ArgumentException($"Symbols must not name a ticker twice (got '{symbol}' again).", nameof(Symbols));
                }
            }
        }

        GeneratorOutput.RequirePositive(Rows, nameof(Rows));
        GeneratorOutput.RequireStartRow(StartRow, Rows);
        if (SessionClose <= SessionOpen)
        {
            throw new ArgumentException("SessionClose must be after SessionOpen.", nameof(SessionClose));
        }

        if (StartPrice is < 1m or > 100_000m || decimal.Round(StartPrice, 2) != StartPrice)
        {
            throw new ArgumentException($"StartPrice must be between 1 and 100000 with at most 2 decimals (got {StartPrice}).", nameof(StartPrice));
        }

        GeneratorOutput.RequireShare(LockedShare, nameof(LockedShare), 0.5);
        GeneratorOutput.RequireShare(CrossedShare, nameof(CrossedShare), 0.5);
        GeneratorOutput.RequireShare(BurstContinuation, nameof(BurstContinuation), 0.95);
        if (MeanBurstGap <= TimeSpan.Zero || MeanBurstGap > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"MeanBurstGap must be between 0 and 1 hour (got {MeanBurstGap}).", nameof(MeanBurstGap));
        }
    }

    /// <summary>The tickers written: <see cref="Symbols"/>, or the single <see cref="Symbol"/> when it is empty.</summary>
    internal IReadOnlyList<string> EffectiveSymbols => Symbols is { Count: > 0 } ? Symbols : [Symbol];

    private static bool IsTicker(string? symbol) =>
        !string.IsNullOrEmpty(symbol) && symbol.Length <= 8 && symbol.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '.');
}

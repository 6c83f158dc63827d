using System.Globalization;
using System.Reactive.Concurrency;

namespace Reactive.Sources.Generators;

/// <summary>
/// Writes synthetic bitcoin rates as the course's Kinesis JSON lines:
/// <c>{"timestamp":"yyyy-MM-ddTHH:mm:ss","euro_rate":…,"usd_rate":…,"gbp_rate":…}</c>, LF line ends, one line per
/// interval. The USD rate is a geometric random walk; EUR and GBP follow it through FX ratios with a small jitter.
/// Deterministic for a seed.
/// </summary>
public static class BitcoinRateGenerator
{
    /// <summary>The line ending.</summary>
    public const string NewLine = "\n";

    /// <summary>The lines with their event times (no header in this format).</summary>
    public static IEnumerable<GeneratedLine> Generate(BitcoinRateGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Iterate(options);
    }

    /// <summary>Writes the lines, LF-terminated.</summary>
    public static void Write(TextWriter writer, BitcoinRateGeneratorOptions options) =>
        GeneratorOutput.Write(writer, Generate(options), NewLine);

    /// <summary>Writes the lines as UTF-8 (no byte-order mark), LF-terminated.</summary>
    public static void Write(Stream stream, BitcoinRateGeneratorOptions options) =>
        GeneratorOutput.Write(stream, Generate(options), NewLine);

    /// <summary>A live line source: one line per <see cref="BitcoinRateGeneratorOptions.Interval"/> / <see cref="GeneratorPacing.Speed"/>.</summary>
    /// <remarks>From <see cref="BitcoinRateGeneratorOptions.StartRow"/> on: the first row sent goes out at once (see there).</remarks>
    public static IObservable<string> Observe(BitcoinRateGeneratorOptions options, IScheduler scheduler, GeneratorPacing? pacing = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return GeneratorOutput.Observe(() => Iterate(options), scheduler, pacing);
    }

    private static IEnumerable<GeneratedLine> Iterate(BitcoinRateGeneratorOptions o)
    {
        var random = new Random(o.Seed);
        double usd = o.StartUsdRate;
        for (long row = 0; row < o.Rows; row++)
        {
            if (row > 0)
            {
                // Zero-drift geometric walk: the −σ²/2 term keeps the expected rate constant.
                usd *= Math.Exp((o.Volatility * GeneratorOutput.NextGaussian(random)) - (o.Volatility * o.Volatility / 2));
            }

            double eur = usd * o.EurPerUsd * (1 + (o.FxJitter * GeneratorOutput.NextGaussian(random)));
            double gbp = usd * o.GbpPerUsd * (1 + (o.FxJitter * GeneratorOutput.NextGaussian(random)));
            if (row < o.StartRow)
            {
                continue;
            }

            var time = o.Start.AddTicks(o.Interval.Ticks * row);
            string text = string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"timestamp\":\"{time:yyyy-MM-ddTHH:mm:ss}\",\"euro_rate\":{eur:0.0###},\"usd_rate\":{usd:0.0###},\"gbp_rate\":{gbp:0.0###}}}");
            yield return new GeneratedLine(text, new DateTimeOffset(time.Ticks, TimeSpan.Zero));
        }
    }
}

using System.Globalization;
using System.Reactive.Concurrency;

namespace Reactive.Sources.Generators;

/// <summary>
/// Writes synthetic hourly prices in the course's exact format (<c>utility.csv</c>): header <c>date,hour,hoep</c>,
/// LF line ends, <c>yyyy-MM-dd</c>, hour-ending 1..24, prices with up to 2 decimals. The price has a daily shape
/// (night low, morning and evening peaks), a weekly shape (weekends lower), autocorrelated noise, occasional
/// negative night prices and rare spikes. Deterministic for a seed.
/// </summary>
public static class HourlyPriceGenerator
{
    /// <summary>The header line of the format.</summary>
    public const string Header = "date,hour,hoep";

    /// <summary>The line ending of the format.</summary>
    public const string NewLine = "\n";

    // Price factor by hour-ending 1..24 (index 0 = hour 1): night trough, morning ramp, evening peak.
    private static readonly double[] DailyShape =
    [
        0.55, 0.50, 0.45, 0.45, 0.50, 0.60, 0.80, 1.05, 1.15, 1.15, 1.10, 1.05,
        1.00, 0.95, 0.95, 1.00, 1.10, 1.35, 1.50, 1.45, 1.30, 1.10, 0.90, 0.70,
    ];

    /// <summary>The lines (header first) with their local event times (start of each hour).</summary>
    public static IEnumerable<GeneratedLine> Generate(HourlyPriceGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Iterate(options);
    }

    /// <summary>Writes the header and the rows, LF-terminated.</summary>
    public static void Write(TextWriter writer, HourlyPriceGeneratorOptions options) =>
        GeneratorOutput.Write(writer, Generate(options), NewLine);

    /// <summary>Writes the header and the rows as UTF-8 (no byte-order mark), LF-terminated.</summary>
    public static void Write(Stream stream, HourlyPriceGeneratorOptions options) =>
        GeneratorOutput.Write(stream, Generate(options), NewLine);

    /// <summary>A live line source: the header, then one row per event-time hour / <see cref="GeneratorPacing.Speed"/>.</summary>
    /// <remarks>From <see cref="HourlyPriceGeneratorOptions.StartRow"/> on: the first row sent goes out at once (see there).</remarks>
    public static IObservable<string> Observe(HourlyPriceGeneratorOptions options, IScheduler scheduler, GeneratorPacing? pacing = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return GeneratorOutput.Observe(() => Iterate(options), scheduler, pacing);
    }

    private static IEnumerable<GeneratedLine> Iterate(HourlyPriceGeneratorOptions o)
    {
        var random = new Random(o.Seed);
        if (o.StartRow == 0)
        {
            yield return new GeneratedLine(Header, null);
        }

        double noise = 0;
        var start = o.StartDate.ToDateTime(TimeOnly.MinValue);
        for (long row = 0; row < o.Rows; row++)
        {
            var hourStart = start.AddHours(row);
            int hour = hourStart.Hour + 1;
            double weekly = hourStart.DayOfWeek switch
            {
                DayOfWeek.Saturday => 0.75,
                DayOfWeek.Sunday => 0.65,
                _ => 1.0,
            };

            noise = (0.7 * noise) + (o.Noise * GeneratorOutput.NextGaussian(random));
            double price = (o.BasePrice * DailyShape[hour - 1] * weekly) + noise;
            double special = random.NextDouble();
            if (hour <= 7 && special < o.NegativeNightShare)
            {
                price = -random.NextDouble() * o.BasePrice * 0.8;
            }
            else if (special > 1 - o.SpikeShare)
            {
                price = (Math.Abs(price) * (3 + (random.NextDouble() * 12))) + (o.BasePrice * 2);
            }

            price = Math.Round(price, 2);
            if (price == 0)
            {
                price = 0; // never "-0.0"
            }

            if (row < o.StartRow)
            {
                continue;
            }

            string text = string.Create(CultureInfo.InvariantCulture, $"{hourStart:yyyy-MM-dd},{hour},{price:0.0#}");
            yield return new GeneratedLine(text, new DateTimeOffset(hourStart, TimeSpan.Zero));
        }
    }
}

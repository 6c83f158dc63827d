using System.Reactive.Concurrency;
using System.Text;
using Reactive.Sources.Replay;

namespace Reactive.Sources.Generators;

/// <summary>How a generator's live line source is paced.</summary>
public sealed class GeneratorPacing
{
    /// <summary>How much faster than event time the lines come (2 = twice as fast). Must be positive and finite.</summary>
    /// <value>The default value is 1.</value>
    public double Speed { get; set; } = 1;

    /// <summary>Whether to ignore event times and emit as fast as the consumer takes lines.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AsFastAsPossible { get; set; }

    internal void Validate()
    {
        if (!double.IsFinite(Speed) || Speed <= 0)
        {
            throw new ArgumentException($"Speed must be a positive finite number (got {Speed}); use AsFastAsPossible for no pacing.", nameof(Speed));
        }
    }
}

/// <summary>Shared plumbing of the generators: writing and pacing.</summary>
internal static class GeneratorOutput
{
    public static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void Write(TextWriter writer, IEnumerable<GeneratedLine> lines, string newline)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var line in lines)
        {
            writer.Write(line.Text);
            writer.Write(newline);
        }

        writer.Flush();
    }

    public static void Write(Stream stream, IEnumerable<GeneratedLine> lines, string newline)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new StreamWriter(stream, Utf8NoBom, 64 * 1024, leaveOpen: true);
        Write(writer, lines, newline);
    }

    public static IObservable<string> Observe(Func<IEnumerable<GeneratedLine>> lines, IScheduler scheduler, GeneratorPacing? pacing)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        pacing ??= new GeneratorPacing();
        pacing.Validate();
        return System.Reactive.Linq.Observable.Select(
            PacedEmitter.Create(() => lines().GetEnumerator(), line => line.EventTime, scheduler, pacing.Speed, pacing.AsFastAsPossible),
            line => line.Text);
    }

    /// <summary>A standard normal draw (Box–Muller), deterministic for a seeded <see cref="Random"/>.</summary>
    public static double NextGaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static void RequirePositive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be positive (got {value}).", name);
        }
    }

    /// <summary>A start row must be between 0 and the row count (the count itself: nothing left to emit).</summary>
    public static void RequireStartRow(long startRow, long rows)
    {
        if (startRow < 0 || startRow > rows)
        {
            throw new ArgumentException($"StartRow must be between 0 and Rows ({rows}) (got {startRow}).", "StartRow");
        }
    }

    public static void RequireShare(double value, string name, double max = 1)
    {
        if (!double.IsFinite(value) || value < 0 || value > max)
        {
            throw new ArgumentException($"{name} must be between 0 and {max} (got {value}).", name);
        }
    }

    public static void RequirePositiveFinite(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentException($"{name} must be a positive finite number (got {value}).", name);
        }
    }
}

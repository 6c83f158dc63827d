using Microsoft.Extensions.Logging;
using Reactive.Sources.Generators;

namespace Reactive.WalletSimulator.Prices;

/// <summary>
/// The bitcoin price orders execute at: the configured feed, read through <see cref="TimeProvider"/> from the moment the
/// simulator started (the <c>kinesis</c> feed: its newest record), unless a price was set through <c>POST /admin/price</c>
/// (kept until cleared; not persisted).
/// </summary>
internal sealed class PriceFeed : IDisposable
{
    private readonly PriceTimeline _timeline;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _gate = new();
    private decimal? _override;

    public PriceFeed(PriceOptions price, TimeProvider time, ILogger<PriceFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(price);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Kind = price.Kind;
        long skipped = 0;
        _timeline = price.Kind switch
        {
            PriceKind.File => PriceTimeline.FromLines(File.ReadLines(price.File!), price.Speed, out skipped),
            PriceKind.Generator => PriceTimeline.FromLines(BitcoinRateGenerator.Generate(price.Generator).Select(l => l.Text), price.Speed, out _),
            _ => PriceTimeline.Fixed(price.Euro),
        };
        Kinesis = price.Kind == PriceKind.Kinesis ? new KinesisPrice(price.Kinesis, time, logger) : null;
        SkippedLines = skipped;
        _started = time.GetTimestamp();
        Description = price.Kind switch
        {
            PriceKind.File => $"file {Path.GetFullPath(price.File!)} ({_timeline.Count} prices, {SkippedLines} lines skipped, speed {price.Speed})",
            PriceKind.Generator => $"generator (seed {price.Generator.Seed}, {_timeline.Count} prices every {price.Generator.Interval}, speed {price.Speed})",
            PriceKind.Kinesis => $"{price.Kinesis.Describe()} ({price.Euro} euro until its first record)",
            _ => $"fixed at {price.Euro} euro",
        };
    }

    public PriceKind Kind { get; }

    /// <summary>What the feed is, for the start-up log line.</summary>
    public string Description { get; }

    /// <summary>Lines of the file feed that had no timestamp or no positive euro_rate.</summary>
    public long SkippedLines { get; }

    /// <summary>The <c>kinesis</c> feed's reader, or null for another feed.</summary>
    public KinesisPrice? Kinesis { get; }

    /// <summary>The price set through the admin endpoint, or null when the feed rules.</summary>
    public decimal? Override
    {
        get
        {
            lock (_gate)
            {
                return _override;
            }
        }

        set
        {
            lock (_gate)
            {
                _override = value;
            }
        }
    }

    /// <summary>The price now, in euro per bitcoin.</summary>
    public decimal Current => Override ?? Kinesis?.Latest ?? _timeline.At(_time.GetElapsedTime(_started));

    /// <summary>Stops the <c>kinesis</c> feed's reader.</summary>
    public void Dispose() => Kinesis?.Dispose();
}

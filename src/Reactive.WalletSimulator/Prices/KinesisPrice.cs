using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Reactive.Sources;
using Reactive.Sources.Kinesis;

namespace Reactive.WalletSimulator.Prices;

/// <summary>
/// The price of the <c>kinesis</c> feed: the <c>euro_rate</c> of the newest record read from the stream (by arrival: a
/// live feed's last report is the price now), read by the project's consumer from the simulator's start until it stops.
/// A record without a positive <c>euro_rate</c>, or one the consumer refuses (not UTF-8, too large), is skipped, counted
/// and logged with its reason. When the consumer stops on an error retrying cannot fix (the stream does not exist yet),
/// the error is logged and reading starts again after <see cref="KinesisPriceOptions.RetryDelay"/>; the last price holds.
/// </summary>
internal sealed class KinesisPrice : IDisposable
{
    private readonly KinesisPriceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private readonly Lock _gate = new();
    private decimal? _latest;
    private long _records;
    private long _skipped;

    public KinesisPrice(KinesisPriceOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _reading = Task.Run(() => ReadAsync(_stop.Token));
    }

    /// <summary>The euro rate of the newest record read, or null before the first.</summary>
    public decimal? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    /// <summary>Records that set the price.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Records skipped: no positive <c>euro_rate</c>, not JSON, not UTF-8 or too large.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Stops reading and waits (briefly) for the consumer to let go of its connections.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _reading.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop logs what it meets; cancellation is how it ends.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(CancellationToken stop)
    {
        var options = _options.ToSourceOptions();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var source = new KinesisLineSource(options, client: null, timeProvider: _time);
                using var rejected = source.Rejected.Subscribe(Reject);
                using var status = source.Status.Where(s => s.Kind == SourceStatusKind.ShardsListed).Subscribe(s => Log.PriceFeedReading(_logger, s.Message));
                await source.ObserveRecords().ForEachAsync(Take, stop).ConfigureAwait(false);
                Log.PriceFeedFailed(_logger, $"{_options.Stream}: the stream ended", _options.RetryDelay);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is KinesisSourceException or KinesisException)
            {
                // The consumer's messages never hold a secret.
                Log.PriceFeedFailed(_logger, ex.Message, _options.RetryDelay);
            }
            catch (Exception ex)
            {
                // Whatever else stops the reader must not end the feed for good (nor the simulator): say what, try again.
                Log.PriceFeedFailed(_logger, $"{ex.GetType().Name} while reading {_options.Stream}", _options.RetryDelay);
            }

            try
            {
                await Task.Delay(_options.RetryDelay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Take(KinesisLine record)
    {
        if (!PriceTimeline.TryReadEuro(record.Text, out var euro, out var reason))
        {
            Skip(record.Origin, record.LineNumber, reason);
            return;
        }

        lock (_gate)
        {
            _latest = euro;
        }

        Interlocked.Increment(ref _records);
        Log.PriceFromFeed(_logger, euro, record.Origin, record.SequenceNumber);
    }

    private void Reject(SourceRejected rejected) => Skip(rejected.Origin, rejected.LineNumber, $"{rejected.Code}: {rejected.Reason}");

    private void Skip(string origin, long line, string reason)
    {
        var skipped = Interlocked.Increment(ref _skipped);
        Log.PriceRecordSkipped(_logger, origin, line, reason, skipped);
    }
}

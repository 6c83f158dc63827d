using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Reactive.Host.Progress;

/// <summary>
/// Samples every pipeline's counters to compute its rates, and logs each pipeline's progress at
/// <see cref="ProgressOptions.LogInterval"/> (like Spark's StreamingQueryProgress in the driver log).
/// </summary>
public sealed class ProgressReporter : BackgroundService
{
    private readonly PipelineProgressRegistry _registry;
    private readonly ProgressOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ProgressReporter> _logger;

    /// <summary>Creates the reporter.</summary>
    public ProgressReporter(PipelineProgressRegistry registry, IOptions<ProgressOptions> options, TimeProvider timeProvider, ILogger<ProgressReporter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Samples the rates of every pipeline now.</summary>
    public void Sample()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var pipeline in _registry.All)
        {
            pipeline.SampleRates(now, _options.RateWindow);
        }
    }

    /// <summary>Logs every pipeline's progress now.</summary>
    public void LogProgress()
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (var p in _registry.All)
        {
            Log.Progress(_logger, p.Name, p.State, p.InputRows, p.RowsParsed, p.SkippedBlank, p.SkippedHeader, p.RowsRejected, p.InputRowsPerSecond, p.ProcessedRowsPerSecond, p.OutputRows, p.MaxEventTime, p.Watermark, p.StateRows, p.LateRows, p.DeadLetters, p.NulledFields, p.QueueLength, p.SinkDroppedRows, p.SinkWaitTime.TotalMilliseconds, p.LastError);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SampleInterval, _timeProvider);
        var lastLog = _timeProvider.GetTimestamp();
        Sample();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Sample();
                if (_timeProvider.GetElapsedTime(lastLog) >= _options.LogInterval)
                {
                    lastLog = _timeProvider.GetTimestamp();
                    LogProgress();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

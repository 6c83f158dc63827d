using System.Reactive.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reactive.Host.Configuration;
using Reactive.Host.Progress;
using Reactive.Operators;

namespace Reactive.Host.Pipelines;

/// <summary>
/// Runs one pipeline for the life of the service. A failure is logged and the pipeline restarts
/// after an exponential backoff, without touching the other pipelines.
/// </summary>
internal sealed class PipelineService(
    PipelineDefinition definition,
    HostSettings host,
    PipelineProgressRegistry registry,
    IScheduler scheduler,
    TimeProvider time,
    ResultsOutput output,
    PipelineServices services,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger($"Reactive.Pipeline.{definition.Name}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var progress = registry.GetOrAdd(definition.Name, definition.Kind.Name);
        var zone = host.ResolveTimeZone(time);
        progress.StallTimeout = definition.StallTimeout;
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var ctx = new PipelineRunContext(definition, progress, scheduler, time, zone, _logger, output, host, services);
            Log.PipelineStarting(_logger, definition.Name, definition.Kind.Name, definition.Source.Describe());
            progress.SetState(PipelineState.Running);
            try
            {
                await PipelineRunner.RunAsync(ctx, stoppingToken).ConfigureAwait(false);
                // A finite input (replay, a generator or sample with a count) that ended is done; a live source (socket,
                // directory) that ended without a shutdown leaves the pipeline reading nothing: health says so.
                progress.SetStopped(stoppingToken.IsCancellationRequested ? PipelineStopReason.Shutdown
                    : definition.Source is SocketSourceDefinition or DirectorySourceDefinition ? PipelineStopReason.SourceEnded
                    : PipelineStopReason.Finished);
                Log.PipelineFinished(_logger, definition.Name, progress.InputRows, progress.OutputRows, progress.DeadLetters);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                progress.SetStopped(PipelineStopReason.Shutdown);
                return;
            }
            catch (Checkpoints.CheckpointException ex)
            {
                // Restarting would find the same checkpoint: the pipeline stops (the others go on) with what to do.
                progress.RecordError(ex.Message);
                progress.SetStopped(PipelineStopReason.CheckpointUnusable);
                Log.PipelineCheckpointUnusable(_logger, definition.Name, ex.Message);
                return;
            }
            catch (Exception ex)
            {
                attempt++;
                var delay = Backoff(attempt);
                var message = ex is BoundExceededException bound && definition.Kind.SettingFor(bound.OptionName) is { } setting
                    ? $"{ex.Message} (the bound is Pipelines:{definition.Name}:Options:{setting.Key})"
                    : ex.Message;
                progress.RecordError(message);
                progress.SetState(PipelineState.BackingOff);
                Log.PipelineFailed(_logger, definition.Name, message, delay, attempt);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    progress.SetStopped(PipelineStopReason.Shutdown);
                    return;
                }
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var ticks = Math.Min(host.RestartInitialDelay.Ticks * factor, host.RestartMaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}

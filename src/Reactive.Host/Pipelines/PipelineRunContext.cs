using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Reactive.Host.Configuration;
using Reactive.Host.DeadLetters;
using Reactive.Host.FileSinks;
using Reactive.Host.Progress;
using Reactive.Host.Tables;

namespace Reactive.Host.Pipelines;

/// <summary>The service's shared parts a pipeline may write to; absent ones are null.</summary>
/// <param name="Tables">The memory tables.</param>
/// <param name="Files">The file sinks.</param>
/// <param name="DeadLetters">The recent dead letters.</param>
/// <param name="Results">What watches the result rows (the dashboard).</param>
/// <param name="Trading">The trading pipelines' desks (orders to the wallet, /api/trading).</param>
internal sealed record PipelineServices(MemoryTableStore? Tables, FileSinkFactory? Files, DeadLetterStore? DeadLetters, Sinks.IResultTap? Results = null, Trading.TradingDesks? Trading = null);

/// <summary>Everything one run of one pipeline needs.</summary>
internal sealed class PipelineRunContext(
    PipelineDefinition definition,
    PipelineProgress progress,
    IScheduler scheduler,
    TimeProvider time,
    TimeZoneInfo zone,
    ILogger logger,
    ResultsOutput output,
    HostSettings host,
    PipelineServices services)
{
    public PipelineServices Services => services;

    public PipelineDefinition Definition => definition;

    public string Name => definition.Name;

    public PipelineProgress Progress => progress;

    public IScheduler Scheduler => scheduler;

    public TimeProvider Time => time;

    public TimeZoneInfo Zone => zone;

    public ILogger Logger => logger;

    public ResultsOutput Output => output;

    public HostSettings Host => host;

    /// <summary>A row the pipeline could not use: counted, logged and kept, never lost silently.</summary>
    public void Reject(string origin, long line, string code, string reason, string? raw = null)
    {
        if (services.DeadLetters is { } store)
        {
            // The store keeps the last rejected rows for GET /api/deadletters, counts them in progress
            // and logs them at a bounded rate (a summary per DeadLetters:LogInterval).
            store.Add(Name, code, reason, raw, line, origin);
        }
        else
        {
            progress.RecordDeadLetter(code);
        }
    }

    /// <summary>A row that came after its windows were final: counted as late, kept for GET /api/deadletters (code late), logged.</summary>
    public void Late(Reactive.Operators.DeadLetters.DeadLetter late)
    {
        progress.RecordLate();
        services.DeadLetters?.AddLate(Name, late.Reason, late.Raw, late.LineNumber, late.Source);
        Log.RowLate(logger, Name, late.Source, late.LineNumber, late.Reason);
    }

    /// <summary>
    /// Runs a composed pipeline until its input ends or <paramref name="stop"/> fires. Stopping
    /// completes the source (rather than tearing the chain down) so that the last batch is flushed.
    /// </summary>
    public static async Task RunToEndAsync<T>(IObservable<T> results, Action<T> sink, CancellationToken stop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = results.Subscribe(
            value =>
            {
                try
                {
                    sink(value);
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            },
            error => done.TrySetException(error),
            () => done.TrySetResult());
        try
        {
            await done.Task.ConfigureAwait(false);
        }
        finally
        {
            subscription.Dispose();
        }
    }

    /// <summary>An observable that fires once when <paramref name="stop"/> is cancelled.</summary>
    public static IObservable<Unit> WhenCancelled(CancellationToken stop) =>
        Observable.Create<Unit>(observer => stop.Register(() =>
        {
            observer.OnNext(Unit.Default);
            observer.OnCompleted();
        }));
}

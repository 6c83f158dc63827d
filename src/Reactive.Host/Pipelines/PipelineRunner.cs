using Reactive.Host.Analytics;
using Reactive.Host.Kinds;
using Reactive.Host.Sinks;
using Reactive.Operators.Windows;

namespace Reactive.Host.Pipelines;

/// <summary>
/// Runs one pipeline: its source's lines through its kind's composition into its sinks, in micro-batches
/// (<see cref="BatchTracker"/>), from its checkpoint when it has one (<see cref="PipelineCheckpoint"/>).
/// </summary>
internal static class PipelineRunner
{
    public static async Task RunAsync(PipelineRunContext ctx, CancellationToken stop)
    {
        var definition = ctx.Definition;
        var kind = definition.Kind;
        var console = definition.Sinks.OfType<ConsoleSinkDefinition>().ToList();
        var consoleRows = console.Select(c => c.Rows).DefaultIfEmpty(10).Max();
        var stats = new WindowStats();
        var outputs = new CompositionOutputs(
            d => ctx.Reject(d.Source, d.LineNumber, d.Code, d.Reason, d.Raw),
            ctx.Late,
            stats,
            ctx.Progress.SetWatermark,
            ctx.Progress.ObserveEventTime,
            nulled => ctx.Progress.RecordNulledField(nulled.Code));

        // A checkpoint when the state directory is set, the kind has state and the source can replay; it may stop
        // the pipeline here with a message naming its directory (a damaged or incompatible checkpoint).
        using var checkpoint = PipelineCheckpoint.Open(ctx);
        var state = checkpoint is null ? null : new KindState(checkpoint.RestoredState);
        var shape = kind.Shape(definition.Options);
        using var sinks = new RowSinks(definition.Name, [.. definition.Sinks.Where(s => s is not ConsoleSinkDefinition)], shape, ctx.Services.Tables, ctx.Services.Files, ctx.Progress)
        {
            Tap = ctx.Services.Results?.For(definition.Name, kind.Name, shape.Mode),
            Resume = checkpoint?.TableMarks,
            ExactlyOnce = checkpoint is not null,
        };
        sinks.Prepare();
        var tracker = new BatchTracker(ctx, checkpoint, state, sinks, console.Count > 0, consoleRows);
        // A file of a re-run batch gone since (a directory source's file_lost) ends that batch where it is.
        using var lost = new System.Reactive.Subjects.Subject<string>();
        var lines = LineSources.Open(ctx, stop, checkpoint, lost);
        var batcher = new LineBatcher(lines, ctx.Scheduler)
        {
            Lost = lost,
            Checkpointed = checkpoint is not null,
            Reruns = checkpoint?.Reruns ?? [],
            ResumedAt = checkpoint?.ResumeAt ?? SourcePosition.Start,
            CheckpointInterval = definition.CheckpointInterval,
            MaxRowsPerBatch = definition.MaxRowsPerBatch,
            OnStarting = tracker.Starting,
            OnEnded = tracker.EndedPerRow,
        };
        var results = kind.Compose(
            new LineRecordSource(lines, new LineCounters(
                () => ctx.Progress.RecordParsed(),
                reason => ctx.Progress.RecordSkipped(blank: reason == Reactive.Operators.Parsing.SkipReason.Blank),
                ctx.Progress.RecordLineDeadLetter), batcher)
            {
                Utf8 = checkpoint is null ? LineSources.OpenUtf8(ctx, stop) : null,
                Reads = console.Count > 0 ? tracker : null,
            },
            definition.Options,
            new ComposeContext(ctx.Scheduler, OneShot: false, outputs, consoleRows, state, kind is TradingPipelineKind ? ctx.Services.Trading?.For(ctx.Name) : null)
            {
                // Each result is written before the next is made; the tracker and the trading desk keep detached copies.
                ReuseRows = true,
            });

        try
        {
            await RunToEndAsync(ctx, results, tracker, stats, stop).ConfigureAwait(false);
        }
        finally
        {
            // The console's rows are written by its own thread: the run ends when they are out.
            ctx.Output.Flush();
        }
    }

    private static Task RunToEndAsync(PipelineRunContext ctx, IObservable<ResultBatch> results, BatchTracker tracker, WindowStats stats, CancellationToken stop) =>
        PipelineRunContext.RunToEndAsync(results, batch =>
        {
            tracker.OnResult(batch);
            ctx.Services.Trading?.Results.Publish(ctx.Name, batch);
            if (batch.Time is { } time)
            {
                Log.BatchEmitted(ctx.Logger, ctx.Name, time, ctx.Progress.InputRows, ctx.Progress.OutputRows, ctx.Progress.DeadLetters);
            }

            if (stats.Watermark is { } watermark)
            {
                // The generic event-time operator's progress, when the kind has one.
                ctx.Progress.SetWatermark(watermark);
                ctx.Progress.ObserveEventTime(stats.MaxEventTicks);
                ctx.Progress.SetStateRows(stats.StateRows);
            }
        }, stop);
}

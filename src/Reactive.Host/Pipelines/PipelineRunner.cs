using Reactive.Host.Analytics;
using Reactive.Host.Kinds;
using Reactive.Host.Sinks;
using Reactive.Operators.Windows;

namespace Reactive.Host.Pipelines;

/// <summary>Runs one pipeline: its source's lines through its kind's composition into its sinks.</summary>
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
            ctx.Progress.ObserveEventTime);
        var batches = kind.Compose(
            new LineRecordSource(LineSources.Open(ctx, stop), new LineCounters(
                () => ctx.Progress.RecordParsed(),
                reason => ctx.Progress.RecordSkipped(blank: reason == Reactive.Operators.Parsing.SkipReason.Blank),
                ctx.Progress.RecordLineDeadLetter)),
            definition.Options,
            new ComposeContext(ctx.Scheduler, OneShot: false, outputs, consoleRows));

        using var sinks = new RowSinks(definition.Name, [.. definition.Sinks.Where(s => s is not ConsoleSinkDefinition)], kind.Shape(definition.Options), ctx.Services.Tables, ctx.Services.Files, ctx.Progress);
        sinks.Prepare();
        await PipelineRunContext.RunToEndAsync(batches, batch =>
        {
            var started = ctx.Time.GetTimestamp();
            ctx.Progress.RecordOutput(batch.Total ?? batch.Rows.Count);
            if (console.Count > 0)
            {
                ctx.Output.Write(kind.Console(batch, definition.Options, consoleRows, ctx.Zone) ?? string.Concat(batch.Rows.Select(r => r.ToJson() + "\n")));
            }

            sinks.WriteBatch(batch.Rows);
            if (batch.IsTrigger)
            {
                ctx.Progress.RecordTrigger(ctx.Time.GetElapsedTime(started));
            }

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
        }, stop).ConfigureAwait(false);
    }
}

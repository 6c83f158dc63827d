using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Configuration;
using Reactive.Host.Progress;
using Reactive.Host.Sinks;
using Reactive.Host.Tables;
using Reactive.Operators.Batching;
using Reactive.Operators.WordCount;

namespace Reactive.Host.Pipelines;

/// <summary>Composes source, operators and sinks for each pipeline kind, and runs them.</summary>
internal static class PipelineRunner
{
    public static Task RunAsync(PipelineRunContext ctx, CancellationToken stop) => ctx.Definition.Settings switch
    {
        WordCountSettings s => RunWordCountAsync(ctx, s, stop),
        FileRowsSettings s => RunFileRowsAsync(ctx, s, stop),
        SpreadPipelineSettings s => RunRowsAsync(ctx, Single(Compositions.Spread(LineSources.Open(ctx, stop), s.Settings, ctx.Scheduler, Outputs(ctx))), Compositions.SpreadTemplates(s.Settings), OutputMode.Append, [], stop),
        AnomalyPipelineSettings s => RunRowsAsync(ctx, Single(Compositions.Anomaly(LineSources.Open(ctx, stop), s.Settings, Outputs(ctx))), Compositions.AnomalyTemplates(s.Settings), OutputMode.Append, [], stop),
        RawTableSettings s => RunRawTableAsync(ctx, s, stop),
        AggregatePipelineSettings s => RunAggregateAsync(ctx, s.Settings, stop),
        _ => throw new NotSupportedException($"pipeline kind {ctx.Definition.Kind} is not wired yet"),
    };

    private static async Task RunWordCountAsync(PipelineRunContext ctx, WordCountSettings s, CancellationToken stop)
    {
        var rows = ConsoleRows(ctx);
        var results = LineSources.OpenText(ctx, stop).CountWords(s.Options, ctx.Scheduler);
        var tabular = ctx.Definition.Sinks.Any(k => k is TableSinkDefinition or FileSinkDefinition);
        using var sinks = tabular ? new RowSinks(ctx, OutputMode.Append, []) : null;
        sinks?.Prepare([WordRow(DateTimeOffset.UnixEpoch, new WordFrequency("", 0))]);
        await PipelineRunContext.RunToEndAsync(results, batch =>
        {
            ctx.Progress.RecordOutput(batch.Value.Words.Count);
            var records = batch.Value.Words.Take(rows).Select(w => PPrint.Tuple(w.Word, w.Count)).ToList();
            WriteBatch(ctx, batch.Time, records, batch.Value.Words.Count, rows);

            // Tables and files get every word of the batch (the console shows the first ones).
            sinks?.WriteBatch([.. batch.Value.Words.Select(w => WordRow(batch.Time, w))], console: false);
        }, stop).ConfigureAwait(false);
    }

    private static ResultRow WordRow(DateTimeOffset time, WordFrequency w) =>
        new("batch", null, null, [new("time", time), new("word", w.Word), new("count", w.Count)]);

    private static Task RunFileRowsAsync(PipelineRunContext ctx, FileRowsSettings s, CancellationToken stop)
    {
        var rows = ConsoleRows(ctx);
        var results = LineSources.OpenText(ctx, stop).SampleByTime(s.BatchInterval, ctx.Scheduler, keep: rows);
        return PipelineRunContext.RunToEndAsync(results, batch =>
        {
            ctx.Progress.RecordOutput(batch.Value.Count);
            var records = batch.Value.First.Select(line => PPrint.List(line.Split(s.Separator))).ToList();
            WriteBatch(ctx, batch.Time, records, batch.Value.Count, rows);
        }, stop);
    }

    private static Task RunAggregateAsync(PipelineRunContext ctx, AggregateSettings settings, CancellationToken stop)
    {
        var stats = new Reactive.Operators.Windows.WindowStats();
        var batches = Compositions.AggregateBatches(LineSources.Open(ctx, stop), settings, ctx.Scheduler, Outputs(ctx, stats));
        var mode = settings.OutputMode switch
        {
            Reactive.Operators.Windows.WindowOutputMode.Update => OutputMode.Update,
            Reactive.Operators.Windows.WindowOutputMode.Complete => OutputMode.Complete,
            _ => OutputMode.Append,
        };
        return RunRowsAsync(ctx, batches, Compositions.AggregateTemplates(settings), mode, settings.GroupBy, stop, () =>
        {
            if (stats.Watermark is { } watermark)
            {
                ctx.Progress.SetWatermark(watermark);
            }

            ctx.Progress.ObserveEventTime(stats.MaxEventTicks);

            ctx.Progress.SetStateRows(stats.StateRows);
        });
    }

    private static CompositionOutputs Outputs(PipelineRunContext ctx, Reactive.Operators.Windows.WindowStats? stats = null) => new(
        d => ctx.Reject(d.Source, d.LineNumber, d.Code, d.Reason, d.Raw),
        ctx.Late,
        stats,
        ctx.Progress.SetWatermark,
        ctx.Progress.ObserveEventTime);

    private static IObservable<IReadOnlyList<ResultRow>> Single(IObservable<ResultRow> rows) =>
        rows.Select(r => (IReadOnlyList<ResultRow>)[r]);

    /// <summary>Runs a pipeline whose results are rows, one trigger's batch at a time, into every configured sink.</summary>
    private static async Task RunRowsAsync(
        PipelineRunContext ctx,
        IObservable<IReadOnlyList<ResultRow>> batches,
        IReadOnlyList<ResultRow> templates,
        OutputMode mode,
        IReadOnlyList<string> keyColumns,
        CancellationToken stop,
        Action? afterBatch = null)
    {
        using var sinks = new RowSinks(ctx, mode, keyColumns);
        sinks.Prepare(templates);
        await PipelineRunContext.RunToEndAsync(batches, batch =>
        {
            ctx.Progress.RecordOutput(batch.Count);
            sinks.WriteBatch(batch);
            afterBatch?.Invoke();
        }, stop).ConfigureAwait(false);
    }

    /// <summary>The course's raw table: every line of the source appended to a one-column table (<c>value</c>).</summary>
    private static Task RunRawTableAsync(PipelineRunContext ctx, RawTableSettings s, CancellationToken stop)
    {
        var store = ctx.Services.Tables ?? throw new InvalidOperationException("memory tables are not available in this run");
        var table = store.GetOrCreate(s.Table, TableSchema.RawLines, OutputMode.Append, null, s.MaxRows);
        ctx.Progress.AttachSink(table.Table, () => new SinkCounters(table.QueueLength, table.DroppedRows, table.WaitTime));
        return PipelineRunContext.RunToEndAsync(LineSources.OpenText(ctx, stop), line =>
        {
            table.Write(new TableRow([line]));
            ctx.Progress.RecordOutput();
        }, stop);
    }

    private static int ConsoleRows(PipelineRunContext ctx) =>
        ctx.Definition.Sinks.OfType<ConsoleSinkDefinition>().Select(c => c.Rows).DefaultIfEmpty(10).Max();

    private static void WriteBatch(PipelineRunContext ctx, DateTimeOffset time, IReadOnlyList<string> records, long total, int rows)
    {
        if (ctx.Definition.Sinks.OfType<ConsoleSinkDefinition>().Any())
        {
            var local = TimeZoneInfo.ConvertTime(time, ctx.Zone).DateTime;
            ctx.Output.Write(PPrint.Format(local, records, total, rows));
        }

        Log.BatchEmitted(ctx.Logger, ctx.Name, time, ctx.Progress.InputRows, ctx.Progress.OutputRows, ctx.Progress.DeadLetters);
    }
}

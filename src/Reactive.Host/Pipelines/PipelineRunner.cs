using Reactive.Host.Configuration;
using Reactive.Host.Sinks;
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
        _ => throw new NotSupportedException($"pipeline kind {ctx.Definition.Kind} is not wired yet"),
    };

    private static Task RunWordCountAsync(PipelineRunContext ctx, WordCountSettings s, CancellationToken stop)
    {
        var rows = ConsoleRows(ctx);
        var results = LineSources.OpenText(ctx, stop).CountWords(s.Options, ctx.Scheduler);
        return PipelineRunContext.RunToEndAsync(results, batch =>
        {
            ctx.Progress.RecordOutput(batch.Value.Words.Count);
            var records = batch.Value.Words.Take(rows).Select(w => PPrint.Tuple(w.Word, w.Count)).ToList();
            WriteBatch(ctx, batch.Time, records, batch.Value.Words.Count, rows);
        }, stop);
    }

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

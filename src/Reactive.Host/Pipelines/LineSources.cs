using System.Reactive.Linq;
using Reactive.Host.Configuration;
using Reactive.Sources.Samples;

namespace Reactive.Host.Pipelines;

/// <summary>Opens the configured line source of a pipeline, counting input and reporting what it rejects.</summary>
internal static class LineSources
{
    public static string Describe(SourceDefinition source) => source switch
    {
        SampleSourceDefinition s => $"embedded sample text, a line every {s.Interval.TotalMilliseconds} ms",
        SocketSourceDefinition s => $"socket {s.Host}:{s.Port} (cannot replay: lines sent while disconnected are lost)",
        DirectorySourceDefinition s => $"directory {Path.GetFullPath(s.Path)} ({s.Pattern})",
        _ => source.Kind,
    };

    public static IObservable<string> Open(PipelineRunContext ctx, CancellationToken stop)
    {
        var lines = ctx.Definition.Source switch
        {
            SampleSourceDefinition s => SampleTextSource.Create(s.Interval, ctx.Scheduler, s.Count),
            _ => throw new NotSupportedException($"source kind {ctx.Definition.Source.Kind} is not wired yet"),
        };
        return lines
            .TakeUntil(PipelineRunContext.WhenCancelled(stop))
            .Do(_ => ctx.Progress.RecordInput());
    }
}

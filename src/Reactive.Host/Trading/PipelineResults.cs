using System.Collections.Concurrent;
using System.Reactive.Subjects;
using Reactive.Host.Analytics;

namespace Reactive.Host.Trading;

/// <summary>
/// The service's pipelines' results, in process, by pipeline name: each pipeline publishes its result rows as it hands
/// them to its sinks, and a trading pipeline reads the anomaly and spread pipelines it names as its gates. Rows are
/// pushed on the publishing pipeline's thread; a pipeline nobody reads costs a dictionary lookup per batch.
/// </summary>
internal sealed class PipelineResults
{
    private readonly ConcurrentDictionary<string, Subject<ResultRow>> _pipelines = new(StringComparer.Ordinal);

    /// <summary>Hands <paramref name="batch"/>'s rows to whoever reads <paramref name="pipeline"/>.</summary>
    public void Publish(string pipeline, ResultBatch batch)
    {
        if (_pipelines.TryGetValue(pipeline, out var rows))
        {
            foreach (var row in batch.Rows)
            {
                // A reader may keep the row (a gate's last spread): a reused per-quote row is copied.
                rows.OnNext(row.Detach());
            }
        }
    }

    /// <summary>The result rows of <paramref name="pipeline"/> from now on.</summary>
    public IObservable<ResultRow> Of(string pipeline) => _pipelines.GetOrAdd(pipeline, static _ => new Subject<ResultRow>());
}

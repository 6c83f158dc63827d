using Reactive.Host.Analytics;

namespace Reactive.Host.Sinks;

/// <summary>
/// Sees the result rows a live pipeline writes to its sinks (the dashboard implements it), so that the sinks need not
/// know who watches them.
/// </summary>
internal interface IResultTap
{
    /// <summary>
    /// The observer of one pipeline's rows, or null when nothing is wanted from it. The returned action is called on the
    /// pipeline's thread with each batch of rows as the sinks get them: it must return quickly and never throw.
    /// </summary>
    /// <param name="pipeline">The pipeline's name.</param>
    /// <param name="kind">Its kind's name (<c>spread</c>, <c>anomaly</c>, <c>bitcoin</c>…).</param>
    /// <param name="mode">How its batches relate (in complete mode each batch is the whole result table).</param>
    Action<IReadOnlyList<ResultRow>>? For(string pipeline, string kind, ResultMode mode);
}

using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Operators.Windows;

namespace Reactive.Host.Analytics;

/// <summary>Where a composition sends what is not a result: rejected rows and rows too late for their windows.</summary>
/// <param name="DeadLetter">A row that could not be used (bad data), with its reason.</param>
/// <param name="Late">A row that came after its windows were final (code <c>late</c>).</param>
/// <param name="Stats">Progress of the generic event-time operator, when the composition has one.</param>
/// <param name="Watermark">Told the watermark of a specialised event-time operator (spread) as it advances.</param>
/// <param name="EventTime">Told the event time (UTC ticks) of each parsed row of the spread and anomaly pipelines (the aggregate's is in <paramref name="Stats"/>).</param>
internal sealed record CompositionOutputs(
    Action<DeadLetter> DeadLetter,
    Action<DeadLetter> Late,
    WindowStats? Stats = null,
    Action<DateTimeOffset>? Watermark = null,
    Action<long>? EventTime = null)
{
    /// <summary>
    /// The same outputs for the operators after the parser: what they turn away (late, bad price, out of order) they
    /// turn away while handling the row, so its letter names the row's line, current in <paramref name="cursor"/>,
    /// and its text, as the parser's own letters do.
    /// </summary>
    public CompositionOutputs AtLineOf(LineCursor cursor) => this with
    {
        DeadLetter = d => DeadLetter(cursor.ToDeadLetter(d.Code, d.Reason)),
        Late = d => Late(cursor.ToDeadLetter(d.Code, d.Reason)),
    };
}

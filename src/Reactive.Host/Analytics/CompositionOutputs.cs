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
    /// An operator's rejection of the row whose line is current in <paramref name="cursor"/>: a late row to
    /// <see cref="Late"/>, anything else to <see cref="DeadLetter"/>.
    /// </summary>
    public void Reject(string code, string reason, LineCursor cursor)
    {
        var letter = cursor.ToDeadLetter(code, reason);
        if (code == RejectionCodes.Late)
        {
            Late(letter);
        }
        else
        {
            DeadLetter(letter);
        }
    }
}

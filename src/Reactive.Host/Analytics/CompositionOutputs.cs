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
/// <param name="FieldNulled">Told of each mistyped field a parser made null in a row it kept (<see cref="MistypedFieldHandling.Null"/>).</param>
internal sealed record CompositionOutputs(
    Action<DeadLetter> DeadLetter,
    Action<DeadLetter> Late,
    WindowStats? Stats = null,
    Action<DateTimeOffset>? Watermark = null,
    Action<long>? EventTime = null,
    Action<DeadLetterReason>? FieldNulled = null)
{
    /// <summary>
    /// An operator's rejection of a row (its decision, code and reason) as a dead letter naming the row's source and
    /// line: a late row to <see cref="Late"/>, anything else to <see cref="DeadLetter"/>. The raw text is the line's
    /// (<see cref="IRecordSource.RawText"/>), else <paramref name="render"/>'s rendering of the row.
    /// </summary>
    public void Reject<T>(Rejected<Located<T>> rejected, IRecordSource input, Func<T, string> render)
    {
        var letter = DeadLetterOf(rejected.Row, rejected.Code, rejected.Reason, input, render);
        if (rejected.Code == RejectionCodes.Late)
        {
            Late(letter);
        }
        else
        {
            DeadLetter(letter);
        }
    }

    /// <summary>The dead letter of <paramref name="row"/>: its source and line, its line's raw text when there is one, else its rendering.</summary>
    public static DeadLetter DeadLetterOf<T>(Located<T> row, string code, string reason, IRecordSource input, Func<T, string> render) =>
        input.RawText(row.Position) is { } raw
            ? row.Position.ToDeadLetter(code, reason, raw)
            : row.ToDeadLetter(code, reason, render);
}

using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Where a parsed row came from: it travels with the row (<see cref="Located{T}"/>), so an operator further down that
/// turns the row away — late for a final window, a bad price, out of order — names the right line in its dead letter,
/// on whatever thread or scheduler it runs.
/// </summary>
/// <param name="Source">Where the line came from (a file path, <c>host:port</c>, …); the same string instance for every row of one input.</param>
/// <param name="Line">The 1-based number of the line in <paramref name="Source"/>, headers and blank lines included.</param>
/// <param name="Text">
/// The raw line when the source delivered it as a string (kept by reference, never copied); <see langword="null"/> on the
/// byte path, where no string is made per line.
/// </param>
public readonly record struct LinePosition(string Source, long Line, string? Text);

/// <summary>A parsed row and the line it came from.</summary>
/// <typeparam name="T">The row type.</typeparam>
/// <param name="Value">The row.</param>
/// <param name="Position">The line it was parsed from.</param>
public readonly record struct Located<T>(T Value, LinePosition Position);

/// <summary>Dead letters for rows turned away after the parser.</summary>
public static class LinePositionExtensions
{
    /// <summary>
    /// The dead letter of a row parsed at <paramref name="position"/> and turned away downstream with
    /// <paramref name="code"/> and <paramref name="reason"/>. Its raw text is the line's text when the position holds it,
    /// else <paramref name="rendering"/> (the row as the caller writes it); either is cut as the parser cuts a line it
    /// rejects (line end trimmed, at most <see cref="DeadLetter.MaxRawLength"/> characters).
    /// </summary>
    public static DeadLetter ToDeadLetter(this LinePosition position, string code, string reason, ReadOnlySpan<char> rendering)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(reason);
        var why = new DeadLetterReason(code, string.Empty, reason);
        return why.ToDeadLetter(position.Source ?? string.Empty, position.Line, position.Text is { } text ? text.AsSpan() : rendering);
    }

    /// <summary>
    /// <see cref="ToDeadLetter(LinePosition, string, string, ReadOnlySpan{char})"/> with the row rendered by
    /// <paramref name="render"/>, called only when the position holds no text (the byte path).
    /// </summary>
    public static DeadLetter ToDeadLetter<T>(this Located<T> row, string code, string reason, Func<T, string> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        return row.Position.ToDeadLetter(code, reason, row.Position.Text is null ? render(row.Value).AsSpan() : default);
    }
}

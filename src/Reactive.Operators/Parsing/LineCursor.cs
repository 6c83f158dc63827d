using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Parsing;

/// <summary>
/// The input line whose row is going downstream now: the parse stages set it just before they pass a row on, so an
/// operator further down that turns the row away — late for a final window, a bad price, out of order — can name the
/// file, the line and its text in the dead letter, as the parser does for a line it rejects itself.
/// </summary>
/// <remarks>
/// Valid only during the downstream call of the row (Rx operators judge a row synchronously, in its OnNext): the
/// next row overwrites it. One cursor per subscription; not thread-safe. Setting it allocates nothing: a text line is
/// kept by reference, a UTF-8 line is copied into a reused buffer up to what a dead letter keeps
/// (<see cref="DeadLetter.MaxRawLength"/> characters), and decoded only when <see cref="ToDeadLetter"/> asks.
/// </remarks>
public sealed class LineCursor
{
    // What DeadLetterReason.ToDeadLetter decodes of a UTF-8 line (4 bytes per char at most): more is never kept.
    private const int MaxRawBytes = DeadLetter.MaxRawLength * 4;

    private readonly byte[] _bytes = new byte[MaxRawBytes];
    private int _byteCount;
    private string? _text;

    /// <summary>Where the current line came from (a file path, <c>host:port</c>, …); empty before the first row.</summary>
    public string Source { get; private set; } = string.Empty;

    /// <summary>The 1-based number of the current line in <see cref="Source"/>; 0 before the first row.</summary>
    public long LineNumber { get; private set; }

    /// <summary>A dead letter for the current line's row, turned away downstream with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    public DeadLetter ToDeadLetter(string code, string reason)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(reason);

        // The parser's own way from a line to a dead letter (line end trimmed, UTF-8 decoded and cut to the bound).
        var why = new DeadLetterReason(code, string.Empty, reason);
        return _text is { } text
            ? why.ToDeadLetter(Source, LineNumber, text.AsSpan())
            : why.ToDeadLetter(Source, LineNumber, _bytes.AsSpan(0, _byteCount));
    }

    /// <summary>Makes a text line current (kept by reference).</summary>
    public void Set(string source, long lineNumber, string text)
    {
        Source = source;
        LineNumber = lineNumber;
        _text = text;
    }

    /// <summary>Makes a UTF-8 line current (its start copied: the span is not valid after the call).</summary>
    public void Set(string source, long lineNumber, ReadOnlySpan<byte> utf8Line)
    {
        Source = source;
        LineNumber = lineNumber;
        _text = null;
        var kept = utf8Line.Length > MaxRawBytes ? utf8Line[..MaxRawBytes] : utf8Line;
        kept.CopyTo(_bytes);
        _byteCount = kept.Length;
    }
}

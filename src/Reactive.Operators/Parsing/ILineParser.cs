namespace Reactive.Operators.Parsing;

/// <summary>
/// A parser of one line format. Parsers are stateful (header seen, cached symbol and zone offset)
/// and not thread-safe: use one per input.
/// </summary>
/// <typeparam name="T">The parsed row.</typeparam>
public interface ILineParser<T>
{
    /// <summary>Parses one UTF-8 line (a trailing CR or LF is ignored).</summary>
    ParseStatus Parse(ReadOnlySpan<byte> line, out T value, out DeadLetterReason reason);

    /// <summary>Parses one line of text (a trailing CR or LF is ignored).</summary>
    ParseStatus Parse(ReadOnlySpan<char> line, out T value, out DeadLetterReason reason);
}

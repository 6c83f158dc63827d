namespace Reactive.Sources;

/// <summary>One line of text read by a line source.</summary>
/// <param name="Origin">Where the line came from: <c>host:port</c> for a socket, the file path for a directory.</param>
/// <param name="LineNumber">1-based line number within one connection or one file.</param>
/// <param name="Text">The line without its terminator (LF or CRLF).</param>
public readonly record struct SourceLine(string Origin, long LineNumber, string Text)
{
    public long Offset { get; init; }
}

namespace Reactive.Sources;

/// <summary>One line of text read by a line source.</summary>
/// <param name="Origin">Where the line came from: <c>host:port</c> for a socket, the file path for a directory.</param>
/// <param name="LineNumber">1-based line number within one connection or one file.</param>
/// <param name="Text">The line without its terminator (LF or CRLF).</param>
public readonly record struct SourceLine(string Origin, long LineNumber, string Text)
{
    /// <summary>
    /// The byte position in the file just past the line's terminator (LF or CRLF; the file's length for a last line
    /// without one), counting a byte-order mark: where a replay resumes after this line
    /// (<see cref="Replay.FileReplayOptions.ResumeAtByte"/>). Set by the file replay and the directory source;
    /// 0 where unknown (a socket).
    /// </summary>
    /// <value>The default value is 0 (unknown).</value>
    public long Offset { get; init; }

    /// <summary>
    /// A partitioned source's position of the line within its partition (<see cref="Origin"/>): a Kinesis record's
    /// sequence number within its shard (a decimal integer of up to 128 digits, compared as a number). Null for
    /// sources of one ordered stream of lines (files, generators, sockets), whose position is <see cref="Offset"/>.
    /// </summary>
    /// <value>The default value is null.</value>
    public string? Sequence { get; init; }
}

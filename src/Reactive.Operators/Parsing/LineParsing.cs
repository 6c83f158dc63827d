using System.Text;
using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Parsing;

/// <summary>Counts of one run of <see cref="LineParsing.ParseStream{T}"/>.</summary>
/// <param name="Lines">Lines read.</param>
/// <param name="Parsed">Rows parsed.</param>
/// <param name="Skipped">Header and blank lines skipped.</param>
/// <param name="DeadLetters">Lines rejected.</param>
public readonly record struct ParseCounts(long Lines, long Parsed, long Skipped, long DeadLetters);

/// <summary>
/// Receives what <see cref="LineParsing.ParseStream{T, TRows}"/> parses. Implement it on a struct: the line loop is then
/// compiled for it, with <see cref="OnRow"/> inlined and the row passed by reference (a delegate copies each row and is
/// a call the loop cannot see into).
/// </summary>
/// <typeparam name="T">The row type.</typeparam>
public interface IRowHandler<T>
{
    /// <summary>A parsed row and its line; the row is valid only during the call unless copied.</summary>
    /// <param name="row">The row.</param>
    /// <param name="position">
    /// Its line: the source name (the same string instance for every row of one run: nothing is allocated per row) and
    /// the line number; <see cref="LinePosition.Text"/> is <see langword="null"/> (no string is made per line).
    /// </param>
    void OnRow(in T row, in LinePosition position);

    /// <summary>A rejected or too-long line.</summary>
    void OnDeadLetter(DeadLetter deadLetter);
}

/// <summary>Parses whole files or streams (one-shot runs, backtests, benchmarks).</summary>
public static class LineParsing
{
    /// <summary>The longest line parsed by default, in bytes (1 MiB); a longer one is a <c>line_too_long</c> dead letter.</summary>
    public const int DefaultMaxLineLength = Utf8LineReader.DefaultMaxLineLength;

    /// <summary>
    /// Reads <paramref name="stream"/> line by line (pooled buffer, no allocation per line) and parses each line:
    /// rows go to <paramref name="onRow"/>, rejected and too-long lines to <paramref name="onDeadLetter"/>. Once
    /// <paramref name="cancellationToken"/> is cancelled (e.g. by a consumer that failed) it stops before the next
    /// line and returns the counts so far. Rows come without their line; a caller that needs it uses a
    /// <see cref="IRowHandler{T}"/> (the overload with <c>ref TRows</c>).
    /// </summary>
    public static ParseCounts ParseStream<T>(
        Stream stream,
        ILineParser<T> parser,
        string source,
        Action<T> onRow,
        Action<DeadLetter> onDeadLetter,
        int maxLineLength = DefaultMaxLineLength,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(onRow);
        ArgumentNullException.ThrowIfNull(onDeadLetter);

        var rows = new DelegateRows<T>(onRow, onDeadLetter);
        return ParseStream(stream, parser, source, ref rows, maxLineLength, cancellationToken);
    }

    /// <summary>
    /// <see cref="ParseStream{T}(Stream, ILineParser{T}, string, Action{T}, Action{DeadLetter}, int, CancellationToken)"/>
    /// into a struct <paramref name="rows"/> handler: one line loop compiled per handler type, rows passed by reference
    /// with their <see cref="LinePosition"/>, the handler's calls inlined — the hot path of backtests.
    /// </summary>
    public static ParseCounts ParseStream<T, TRows>(
        Stream stream,
        ILineParser<T> parser,
        string source,
        ref TRows rows,
        int maxLineLength = DefaultMaxLineLength,
        CancellationToken cancellationToken = default)
        where TRows : struct, IRowHandler<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(source);

        var handler = new ParseHandler<T, TRows>(parser, source, rows, maxLineLength);
        long lines = Utf8LineReader.ForEachLine(stream, ref handler, maxLineLength, cancellationToken);
        rows = handler.Rows;
        return new ParseCounts(lines, handler.Parsed, handler.Skipped, handler.Rejected);
    }

    /// <summary>Parses the file at <paramref name="path"/>; see <see cref="ParseStream{T}(Stream, ILineParser{T}, string, Action{T}, Action{DeadLetter}, int, CancellationToken)"/>.</summary>
    public static ParseCounts ParseFile<T>(
        string path,
        ILineParser<T> parser,
        Action<T> onRow,
        Action<DeadLetter> onDeadLetter,
        int maxLineLength = DefaultMaxLineLength,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenUtf8(path);
        return ParseStream(stream, parser, path, onRow, onDeadLetter, maxLineLength, cancellationToken);
    }

    /// <summary>
    /// Parses the file at <paramref name="path"/> into a struct <paramref name="rows"/> handler, each row with its
    /// <see cref="LinePosition"/> (source = <paramref name="path"/>); see
    /// <see cref="ParseStream{T, TRows}(Stream, ILineParser{T}, string, ref TRows, int, CancellationToken)"/>.
    /// </summary>
    public static ParseCounts ParseFile<T, TRows>(
        string path,
        ILineParser<T> parser,
        ref TRows rows,
        int maxLineLength = DefaultMaxLineLength,
        CancellationToken cancellationToken = default)
        where TRows : struct, IRowHandler<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenUtf8(path);
        return ParseStream(stream, parser, path, ref rows, maxLineLength, cancellationToken);
    }

    /// <summary>
    /// Opens a file as UTF-8 bytes for the line reader: UTF-8 (and ASCII) as it is, its byte-order mark
    /// left for the reader to skip; a file that starts with a UTF-16 or UTF-32 byte-order mark (a spreadsheet's
    /// "Unicode text") transcoded to UTF-8. A stream that cannot seek (a pipe) is read as UTF-8.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static Stream OpenUtf8(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            if (!file.CanSeek)
            {
                return file;
            }

            Span<byte> head = stackalloc byte[4];
            int n = file.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            file.Position = 0;
            var encoding = EncodingOfByteOrderMark(head[..n]);
            return encoding is null ? file : Encoding.CreateTranscodingStream(file, encoding, Encoding.UTF8);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static Encoding? EncodingOfByteOrderMark(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xFE, 0, 0, ..] => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        [0, 0, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        [0xFF, 0xFE, ..] => Encoding.Unicode,
        [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
        _ => null,
    };

    // A struct, so that the line loop is compiled for each row type and row handler with the parser and row calls in
    // it (see Utf8LineReader.ForEachLine<THandler>).
    private struct ParseHandler<T, TRows>(ILineParser<T> parser, string source, TRows rows, int maxLineLength)
        : IUtf8LineHandler
        where TRows : struct, IRowHandler<T>
    {
        public TRows Rows = rows;
        public long Parsed;
        public long Skipped;
        public long Rejected;

        public void OnLine(ReadOnlySpan<byte> line, long lineNumber)
        {
            switch (parser.Parse(line, out var row, out var reason))
            {
                case ParseStatus.Parsed:
                    Parsed++;
                    Rows.OnRow(in row, new LinePosition(source, lineNumber, null));
                    break;
                case ParseStatus.Skipped:
                    Skipped++;
                    break;
                default:
                    Rejected++;
                    Rows.OnDeadLetter(reason.ToDeadLetter(source, lineNumber, line));
                    break;
            }
        }

        public void OnLineTooLong(ReadOnlySpan<byte> line, long lineNumber)
        {
            Rejected++;
            Rows.OnDeadLetter(new DeadLetterReason(DeadLetterCodes.LineTooLong, string.Empty, $"longer than {maxLineLength} bytes (raise maxLineLength)")
                .ToDeadLetter(source, lineNumber, line));
        }
    }

    private readonly struct DelegateRows<T>(Action<T> onRow, Action<DeadLetter> onDeadLetter) : IRowHandler<T>
    {
        public void OnRow(in T row, in LinePosition position) => onRow(row);

        public void OnDeadLetter(DeadLetter deadLetter) => onDeadLetter(deadLetter);
    }
}

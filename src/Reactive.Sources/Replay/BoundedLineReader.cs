using System.Buffers;

namespace Reactive.Sources.Replay;

/// <summary>
/// Pulls lines (LF or CRLF, UTF-8) from a stream with a bound on their length: a longer line is reported
/// as too long and its remainder discarded, so memory stays bounded whatever the file holds. The framing is
/// <see cref="LineFramer"/>'s (the directory and socket sources'), so each line also carries its end's byte position.
/// </summary>
internal sealed class BoundedLineReader : ILineSink, IDisposable
{
    private const int ReadBufferLength = 64 * 1024;

    private readonly Stream _stream;
    private readonly LineFramer _framer;
    private readonly Queue<Framed> _ready = new();
    private byte[] _buffer;
    private bool _started;
    private bool _ended;

    /// <summary>Reads <paramref name="stream"/> from its current position.</summary>
    /// <param name="stream">The stream, positioned at <paramref name="startOffset"/>.</param>
    /// <param name="maxLineLength">The longest line kept, in characters.</param>
    /// <param name="startOffset">The byte position the stream is at: 0, or a previous line's end when resuming.</param>
    /// <param name="linesBefore">The number of lines before <paramref name="startOffset"/>.</param>
    public BoundedLineReader(Stream stream, int maxLineLength, long startOffset = 0, long linesBefore = 0)
    {
        _stream = stream;
        _framer = new LineFramer(maxLineLength, startOffset, linesBefore);
        _started = startOffset > 0;
        _buffer = ArrayPool<byte>.Shared.Rent(ReadBufferLength);
    }

    /// <summary>The number of the line last read.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The byte position just past the terminator of the line last read (0 after a line that was too long).</summary>
    public long Offset { get; private set; }

    /// <summary>Reads the next line; <paramref name="tooLong"/> is set (and <paramref name="line"/> holds its start) when it exceeded the bound.</summary>
    /// <exception cref="InvalidDataException">The stream starts with a UTF-16 or UTF-32 byte-order mark.</exception>
    public bool TryReadLine(out string line, out bool tooLong)
    {
        while (_ready.Count == 0)
        {
            if (_ended)
            {
                line = string.Empty;
                tooLong = false;
                return false;
            }

            int read = _stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                _ended = true;
                _framer.Complete(this);
                continue;
            }

            if (!_started)
            {
                _started = true;
                RefuseWideEncoding(_buffer.AsSpan(0, read));
            }

            _framer.Feed(_buffer.AsSpan(0, read), this);
        }

        var next = _ready.Dequeue();
        LineNumber = next.LineNumber;
        Offset = next.Offset;
        line = next.Text;
        tooLong = next.TooLong;
        return true;
    }

    /// <inheritdoc />
    void ILineSink.OnLine(long lineNumber, string text, long offset) => _ready.Enqueue(new Framed(lineNumber, text, offset, TooLong: false));

    /// <inheritdoc />
    void ILineSink.OnLineTooLong(long lineNumber, string head) => _ready.Enqueue(new Framed(lineNumber, head, 0, TooLong: true));

    public void Dispose()
    {
        _framer.Dispose();
        _stream.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    // UTF-16 and UTF-32 files have no byte-exact line ends in UTF-8 terms: said plainly rather than read as garbage.
    private static void RefuseWideEncoding(ReadOnlySpan<byte> start)
    {
        if (start is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] or [0, 0, 0xFE, 0xFF, ..])
        {
            throw new InvalidDataException("The file starts with a UTF-16 or UTF-32 byte-order mark; the replay reads UTF-8 (convert the file, e.g. with iconv).");
        }
    }

    private readonly record struct Framed(long LineNumber, string Text, long Offset, bool TooLong);
}

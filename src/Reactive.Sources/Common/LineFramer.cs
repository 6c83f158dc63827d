using System.Buffers;
using System.Text;

namespace Reactive.Sources;

/// <summary>Receives what a <see cref="LineFramer"/> cuts out of a byte stream.</summary>
internal interface ILineSink
{
    /// <summary>A complete line, terminator removed; <paramref name="offset"/> is the byte position in the stream just past its terminator (the stream's end for a last line without one).</summary>
    void OnLine(long lineNumber, string text, long offset);

    /// <summary>
    /// A complete line that arrived whole in one <see cref="LineFramer.Feed"/> (most lines), as its UTF-8 bytes, terminator
    /// removed, valid only during the call; by default decoded to <see cref="OnLine(long, string, long)"/>'s text, which is
    /// the text the framer's character path gives for the same bytes.
    /// </summary>
    void OnLine(long lineNumber, ReadOnlySpan<byte> utf8, long offset) => OnLine(lineNumber, Encoding.UTF8.GetString(utf8), offset);

    /// <summary>A line longer than the limit: only its first <see cref="SourceRejected.MaxRawLength"/> characters are kept.</summary>
    void OnLineTooLong(long lineNumber, string head);
}

/// <summary>
/// Incremental UTF-8 line framer shared by the socket and directory sources: bytes go in as they
/// arrive (any split, also inside a multi-byte character), lines come out. Lines end in LF; a CR
/// right before the LF is removed. Invalid UTF-8 becomes U+FFFD. A leading byte-order mark is dropped.
/// The framer counts the bytes it is fed, so each line carries the byte position just past its terminator
/// (the LF byte never occurs inside a UTF-8 character, so the count needs no per-character bookkeeping).
/// A line that arrives whole in one feed, at most the limit in bytes (hence in characters), goes to the sink as its bytes
/// (<see cref="ILineSink.OnLine(long, ReadOnlySpan{byte}, long)"/>), not decoded and copied character by character: the
/// LF before it left the decoder empty, so decoding the bytes on their own gives the same text.
/// </summary>
/// <remarks>
/// Buffers come from <see cref="ArrayPool{T}"/> and are bounded by the line limit: a line longer
/// than <c>maxLineLength</c> characters is reported once, then skipped up to its end without being kept.
/// Not thread-safe; one framer per connection or file. Dispose to return the buffers.
/// </remarks>
internal sealed class LineFramer : IDisposable
{
    private const int DecodeBufferLength = 4096;
    private const int InitialLineLength = 256;
    private const int KeepLineBufferLength = 64 * 1024;

    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly int _maxLineLength;
    private char[] _decoded;
    private char[] _line;
    private int _lineLength;
    private long _lineNumber;
    private bool _discarding;
    private bool _reported;
    private bool _started;
    private bool _atLineStart;
    private long _position;

    /// <summary>Creates a framer for a stream read from its start, or from a line boundary further in.</summary>
    /// <param name="maxLineLength">The longest line kept, in characters.</param>
    /// <param name="startOffset">The byte position of the first byte fed (a previous line's end when resuming); a byte-order mark is dropped only at 0.</param>
    /// <param name="linesBefore">The number of lines before that position: the first line is numbered one more.</param>
    public LineFramer(int maxLineLength, long startOffset = 0, long linesBefore = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineLength);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(linesBefore);
        _maxLineLength = maxLineLength;
        _position = startOffset;
        _lineNumber = linesBefore;
        _started = startOffset > 0;
        _decoded = ArrayPool<char>.Shared.Rent(DecodeBufferLength);
        _line = ArrayPool<char>.Shared.Rent(Math.Min(InitialLineLength, maxLineLength + 1));
    }

    /// <summary>Lines finished so far (complete, too long, or emitted at the end).</summary>
    public long LineNumber => _lineNumber;

    /// <summary>The byte position just past the bytes fed so far.</summary>
    public long Position => _position;

    /// <summary>Feeds the next bytes of the stream.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, ILineSink sink)
    {
        while (!bytes.IsEmpty)
        {
            if (_atLineStart)
            {
                bytes = bytes[WholeLines(bytes, sink)..];
                if (bytes.IsEmpty)
                {
                    return;
                }
            }

            // Up to and including the next LF: when its '\n' comes out of the decoder, _position is just past it.
            var lf = bytes.IndexOf((byte)'\n');
            var segment = lf < 0 ? bytes : bytes[..(lf + 1)];
            bytes = bytes[segment.Length..];
            _position += segment.Length;
            while (!segment.IsEmpty)
            {
                _decoder.Convert(segment, _decoded, flush: false, out var bytesUsed, out var charsUsed, out _);
                segment = segment[bytesUsed..];
                Process(_decoded.AsSpan(0, charsUsed), sink);
            }

            // After an LF the decoder holds nothing and no line is open: the next lines can go out as bytes.
            _atLineStart = lf >= 0 && _started && _lineLength == 0 && !_discarding;
        }
    }

    /// <summary>
    /// Hands out the whole lines at the start of <paramref name="bytes"/> as bytes, up to the first line without its LF in
    /// them or longer than the limit in bytes (those take the character path); returns the bytes used.
    /// </summary>
    private int WholeLines(ReadOnlySpan<byte> bytes, ILineSink sink)
    {
        var used = 0;
        int lf;
        while ((lf = bytes[used..].IndexOf((byte)'\n')) >= 0)
        {
            var line = bytes.Slice(used, lf);
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.Length > _maxLineLength)
            {
                break;
            }

            used += lf + 1;
            _position += lf + 1;
            _lineNumber++;
            sink.OnLine(_lineNumber, line, _position);
        }

        _atLineStart = used == bytes.Length;
        return used;
    }

    /// <summary>
    /// Ends the stream: flushes an incomplete character (as U+FFFD) and emits the last line if it
    /// has no terminator and is not empty.
    /// </summary>
    public void Complete(ILineSink sink)
    {
        _decoder.Convert(ReadOnlySpan<byte>.Empty, _decoded, flush: true, out _, out var charsUsed, out _);
        Process(_decoded.AsSpan(0, charsUsed), sink);
        if (_discarding || _lineLength > 0)
        {
            EndLine(sink);
        }
    }

    /// <summary>
    /// Ends the stream without emitting the unfinished line (the connection broke). Returns whether
    /// there was one, with its number and start so the caller can dead-letter it; an unfinished
    /// over-long line is reported to <paramref name="sink"/> as too long instead.
    /// </summary>
    public bool TryTakePartialLine(ILineSink sink, out long lineNumber, out string head)
    {
        _decoder.Reset();
        lineNumber = _lineNumber + 1;
        head = string.Empty;
        if (_discarding)
        {
            EndLine(sink);
            return false;
        }

        if (_lineLength == 0)
        {
            return false;
        }

        head = new string(_line, 0, Math.Min(_lineLength, SourceRejected.MaxRawLength));
        _lineLength = 0;
        _lineNumber++;
        return true;
    }

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(_decoded);
        ArrayPool<char>.Shared.Return(_line);
        _decoded = [];
        _line = [];
    }

    private void Process(ReadOnlySpan<char> chars, ILineSink sink)
    {
        if (!_started && !chars.IsEmpty)
        {
            _started = true;
            if (chars[0] == '\uFEFF')
            {
                chars = chars[1..];
            }
        }

        while (!chars.IsEmpty)
        {
            var end = chars.IndexOf('\n');
            Append(end < 0 ? chars : chars[..end], sink);
            if (end < 0)
            {
                return;
            }

            EndLine(sink);
            chars = chars[(end + 1)..];
        }
    }

    private void Append(ReadOnlySpan<char> segment, ILineSink sink)
    {
        if (!_discarding)
        {
            var needed = _lineLength + segment.Length;

            // One extra character for a CR that the LF may still remove.
            if (needed <= _maxLineLength + 1)
            {
                EnsureCapacity(needed);
                segment.CopyTo(_line.AsSpan(_lineLength));
                _lineLength = needed;
                return;
            }

            // Too long: from now on keep only the start, for the dead letter.
            _discarding = true;
            _reported = false;
            _lineLength = Math.Min(_lineLength, SourceRejected.MaxRawLength);
        }

        if (_reported)
        {
            return;
        }

        EnsureCapacity(SourceRejected.MaxRawLength);
        var take = Math.Min(segment.Length, SourceRejected.MaxRawLength - _lineLength);
        segment[..take].CopyTo(_line.AsSpan(_lineLength));
        _lineLength += take;
        if (_lineLength == SourceRejected.MaxRawLength)
        {
            ReportTooLong(sink);
        }
    }

    private void EndLine(ILineSink sink)
    {
        var length = _lineLength;
        if (length > 0 && _line[length - 1] == '\r' && (!_discarding || length < SourceRejected.MaxRawLength))
        {
            length--;
        }

        if (_discarding || length > _maxLineLength)
        {
            _lineLength = Math.Min(length, SourceRejected.MaxRawLength);
            if (!_reported)
            {
                ReportTooLong(sink);
            }

            _discarding = false;
            _reported = false;
            _lineNumber++;
        }
        else
        {
            _lineNumber++;
            sink.OnLine(_lineNumber, new string(_line, 0, length), _position);
        }

        _lineLength = 0;
        if (_line.Length > KeepLineBufferLength)
        {
            ArrayPool<char>.Shared.Return(_line);
            _line = ArrayPool<char>.Shared.Rent(InitialLineLength);
        }
    }

    private void EnsureCapacity(int needed)
    {
        if (needed > _line.Length)
        {
            var grown = ArrayPool<char>.Shared.Rent((int)Math.Min(Math.Max(needed, 2L * _line.Length), Math.Max(needed, _maxLineLength + 1L)));
            _line.AsSpan(0, _lineLength).CopyTo(grown);
            ArrayPool<char>.Shared.Return(_line);
            _line = grown;
        }
    }

    private void ReportTooLong(ILineSink sink)
    {
        _reported = true;
        sink.OnLineTooLong(_lineNumber + 1, new string(_line, 0, _lineLength));
    }
}

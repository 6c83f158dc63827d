using System.Text;

namespace Reactive.Sources.Replay;

/// <summary>
/// Reads lines (LF or CRLF) from a text stream with a bound on their length: a longer line is reported
/// as too long and its remainder discarded, so memory stays bounded whatever the file holds.
/// </summary>
internal sealed class BoundedLineReader : IDisposable
{
    private readonly StreamReader _reader;
    private readonly int _maxLineLength;
    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _line = new();
    private int _position;
    private int _length;

    public BoundedLineReader(Stream stream, int maxLineLength)
    {
        _reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        _maxLineLength = maxLineLength;
    }

    public long LineNumber { get; private set; }

    /// <summary>Reads the next line; <paramref name="tooLong"/> is set (and <paramref name="line"/> holds its start) when it exceeded the bound.</summary>
    public bool TryReadLine(out string line, out bool tooLong)
    {
        _line.Clear();
        tooLong = false;
        bool any = false;
        while (true)
        {
            if (_position == _length)
            {
                _length = _reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    if (!any)
                    {
                        line = string.Empty;
                        return false;
                    }

                    break;
                }
            }

            any = true;
            var span = _buffer.AsSpan(_position, _length - _position);
            int newline = span.IndexOf('\n');
            var part = newline < 0 ? span : span[..newline];
            _position += newline < 0 ? span.Length : newline + 1;
            if (!tooLong)
            {
                int room = _maxLineLength + 1 - _line.Length;
                if (part.Length > room)
                {
                    _line.Append(part[..room]);
                    tooLong = true;
                }
                else
                {
                    _line.Append(part);
                }
            }

            if (newline >= 0)
            {
                break;
            }
        }

        LineNumber++;
        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }

        if (_line.Length > _maxLineLength)
        {
            tooLong = true;
            _line.Length = Math.Min(_line.Length, SourceRejected.MaxRawLength);
        }

        line = _line.ToString();
        return true;
    }

    public void Dispose() => _reader.Dispose();
}

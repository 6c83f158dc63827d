using System.Text;
using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Reads lines of a file again by their number, for the dead letters of rows turned away after the parser in a run
/// that made no string per line. It moves forward with one reader (rows are turned away in file order, so all the
/// look-ups of a run cost one pass over the file at most) and starts again from the top to go back.
/// </summary>
/// <param name="path">The file (read as <see cref="LineParsing.OpenUtf8"/> reads it).</param>
/// <param name="maxLineLength">The longest line, in bytes, as the run read it.</param>
public sealed class LineFinder(string path, int maxLineLength = LineParsing.DefaultMaxLineLength) : IDisposable
{
    private Utf8LineReader? _reader;

    /// <summary>The text of line <paramref name="lineNumber"/> (1-based), cut to what a dead letter keeps; null when the file has no such line or cannot be read.</summary>
    public string? Find(long lineNumber)
    {
        if (lineNumber < 1)
        {
            return null;
        }

        try
        {
            if (_reader is null || _reader.LineNumber >= lineNumber)
            {
                _reader?.Dispose();
                _reader = new Utf8LineReader(LineParsing.OpenUtf8(path), maxLineLength);
            }

            while (_reader.TryReadLine(out var line))
            {
                if (_reader.LineNumber == lineNumber)
                {
                    // Decode only what a dead letter keeps (4 bytes per char at most).
                    var span = line.Span;
                    return Encoding.UTF8.GetString(span[..Math.Min(span.Length, DeadLetter.MaxRawLength * 4)]);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The file changed or went away since it was read: the caller shows the row as parsed instead.
        }

        return null;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }
}

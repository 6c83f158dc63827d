using System.Buffers;
using System.Text;
using System.Text.Json;
using Reactive.Host.Analytics;

namespace Reactive.Host.Cli;

/// <summary>
/// Writes result rows as JSON lines (the bytes of <see cref="ResultRow.ToJson"/> and a LF per row) through one reused
/// <see cref="Utf8JsonWriter"/> and buffer: no buffer, writer or string per row, which a one-shot run writing millions
/// of rows would otherwise pay for. Output goes to a file, or to a <see cref="TextWriter"/> for <c>-</c> (standard output).
/// Rows are written out when 64 KiB are held, at <see cref="WriteHeld"/> (a run calls it before each read of its input,
/// and before a dead letter goes to the same standard output) and at <see cref="Flush"/>.
/// </summary>
internal sealed class JsonLinesWriter : IDisposable
{
    private const int DrainAt = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(DrainAt * 2);
    private readonly Utf8JsonWriter _json;
    private readonly Stream? _file;
    private readonly TextWriter? _text;

    // A composition may hand rows over on another thread than the one reading the input (which calls WriteHeld).
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Creates (or truncates) the file at <paramref name="path"/>, or writes to <paramref name="stdout"/> when the path is <c>-</c>.</summary>
    /// <param name="file">The file to write, or null for <paramref name="stdout"/>.</param>
    /// <param name="stdout">Standard output (<c>--output -</c>).</param>
    public JsonLinesWriter(Stream? file, TextWriter stdout)
    {
        if (file is null)
        {
            _text = stdout;
        }
        else
        {
            _file = file;
        }

        _json = new Utf8JsonWriter(_buffer, ResultRow.JsonLineOptions);
    }

    /// <summary>Appends one row and its LF.</summary>
    public void Write(ResultRow row)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            row.WriteJson(_json, includeKind: false);
            _json.Flush();
            _json.Reset();
            _buffer.Write("\n"u8);
            if (_buffer.WrittenCount >= DrainAt)
            {
                Drain();
            }
        }
    }

    /// <summary>Writes the rows held, if any, and flushes them; nothing when none are held.</summary>
    public void WriteHeld()
    {
        lock (_gate)
        {
            if (_buffer.WrittenCount > 0 && !_disposed)
            {
                Flush();
            }
        }
    }

    /// <summary>Writes what is buffered to the file or writer, and flushes it.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            Drain();
            _file?.Flush();
            _text?.Flush();
        }
    }

    /// <summary>Flushes, then closes the file (a standard output writer is left open).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                Flush();
            }
            finally
            {
                _json.Dispose();
            }
        }
    }

    // Whole lines only, so that a chunk handed to a TextWriter is always complete UTF-8.
    private void Drain()
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        if (_file is not null)
        {
            _file.Write(_buffer.WrittenSpan);
        }
        else
        {
            _text!.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        }

        _buffer.ResetWrittenCount();
    }
}

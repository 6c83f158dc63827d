using System.Globalization;
using System.Text;

namespace Reactive.Host.FileSinks;

/// <summary>
/// Writes whole lines to <c>{name}-{utc time}-{n}{extension}.part</c>, and on a roll (size or age)
/// or at dispose flushes, closes and renames it to <c>…{extension}</c>: a file without <c>.part</c>
/// is complete and never ends in half a line. A crash can leave half a line only at the end of the
/// <c>.part</c> file; the next writer of the same name cuts it back to its last complete line and
/// renames it. Thread-safe.
/// </summary>
public sealed class RollingFileWriter : IDisposable
{
    /// <summary>The suffix of the file being written.</summary>
    public const string PartSuffix = ".part";

    private readonly string _directory;
    private readonly string _name;
    private readonly string _extension;
    private readonly long _maxBytes;
    private readonly TimeSpan _rollInterval;
    private readonly TimeProvider _timeProvider;
    private readonly byte[]? _header;
    private readonly bool _quotedRecords;
    private readonly Lock _lock = new();
    private readonly List<string> _closed = [];
    private FileStream? _stream;
    private string? _partPath;
    private DateTimeOffset _openedAt;
    private long _bytes;
    private int _sequence;
    private bool _disposed;

    /// <summary>Creates the writer and recovers the <c>.part</c> files a crash left behind.</summary>
    /// <param name="directory">The folder (created when missing).</param>
    /// <param name="name">The file name prefix (the pipeline name).</param>
    /// <param name="extension">The extension, with its dot (<c>.jsonl</c>, <c>.csv</c>).</param>
    /// <param name="maxBytes">The size at which a file is rolled.</param>
    /// <param name="rollInterval">The age at which a file is rolled; zero never.</param>
    /// <param name="timeProvider">The clock (file names and age).</param>
    /// <param name="header">A line written first in each file (CSV header), without its newline.</param>
    /// <param name="quotedRecords">Whether a record may hold newlines inside double quotes (CSV), for recovery.</param>
    public RollingFileWriter(string directory, string name, string extension, long maxBytes, TimeSpan rollInterval, TimeProvider timeProvider, string? header = null, bool quotedRecords = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(extension);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(rollInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' cannot be part of a file name.", nameof(name));
        }

        _directory = directory;
        _name = name;
        _extension = extension;
        _maxBytes = maxBytes;
        _rollInterval = rollInterval;
        _timeProvider = timeProvider;
        _header = header is null ? null : Encoding.UTF8.GetBytes(header + "\n");
        _quotedRecords = quotedRecords;
        Directory.CreateDirectory(directory);
        RecoverParts();
    }

    /// <summary>The file being written, if one is open.</summary>
    public string? CurrentPath
    {
        get
        {
            lock (_lock)
            {
                return _partPath;
            }
        }
    }

    /// <summary>Files closed so far by this writer (full paths, oldest first).</summary>
    public IReadOnlyList<string> ClosedFiles
    {
        get
        {
            lock (_lock)
            {
                return [.. _closed];
            }
        }
    }

    /// <summary>Writes one line (its newline is added). A line must not contain a line break outside quotes.</summary>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var size = line.Length + 1;
            if (_stream is not null
                && ((_bytes + size > _maxBytes && _bytes > (_header?.Length ?? 0))
                    || (_rollInterval > TimeSpan.Zero && _timeProvider.GetUtcNow() - _openedAt >= _rollInterval)))
            {
                CloseCurrent();
            }

            if (_stream is null)
            {
                Open();
            }

            // One write per line: a crash cuts at most this line, and only in the .part file.
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
            try
            {
                line.CopyTo(buffer);
                buffer[line.Length] = (byte)'\n';
                _stream!.Write(buffer, 0, size);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            _bytes += size;
        }
    }

    /// <summary>Writes one line of text (UTF-8).</summary>
    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        WriteLine(Encoding.UTF8.GetBytes(line));
    }

    /// <summary>Pushes the written lines to the file (call at the end of each batch).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            _stream?.Flush();
        }
    }

    /// <summary>Closes the current file now (it gets its final name); the next line opens a new one.</summary>
    public void Roll()
    {
        lock (_lock)
        {
            if (_stream is not null)
            {
                CloseCurrent();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_stream is not null)
            {
                CloseCurrent();
            }
        }
    }

    private void Open()
    {
        _openedAt = _timeProvider.GetUtcNow();
        var stamp = _openedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string path;
        do
        {
            _sequence++;
            path = Path.Combine(_directory, $"{_name}-{stamp}-{_sequence.ToString("D4", CultureInfo.InvariantCulture)}{_extension}");
        }
        while (File.Exists(path) || File.Exists(path + PartSuffix));

        _partPath = path + PartSuffix;
        _stream = new FileStream(_partPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024);
        _bytes = 0;
        if (_header is not null)
        {
            _stream.Write(_header);
            _bytes = _header.Length;
        }
    }

    private void CloseCurrent()
    {
        _stream!.Flush(flushToDisk: true);
        _stream.Dispose();
        _stream = null;
        var final = _partPath![..^PartSuffix.Length];
        File.Move(_partPath, final);
        _closed.Add(final);
        _partPath = null;
    }

    /// <summary>Cuts each left-over <c>.part</c> file of this name back to its last complete line, then gives it its final name.</summary>
    private void RecoverParts()
    {
        foreach (var part in Directory.EnumerateFiles(_directory, $"{_name}-*{_extension}{PartSuffix}"))
        {
            using (var stream = new FileStream(part, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.SetLength(LastRecordEnd(stream));
            }

            var final = part[..^PartSuffix.Length];
            if (File.Exists(final))
            {
                final = Path.Combine(_directory, Path.GetFileNameWithoutExtension(final) + "-recovered" + _extension);
            }

            File.Move(part, final);
        }
    }

    /// <summary>The length of the file up to and with its last newline that ends a record.</summary>
    private long LastRecordEnd(FileStream stream)
    {
        var buffer = new byte[64 * 1024];
        long position = 0;
        long end = 0;
        var inQuotes = false;
        int read;
        stream.Position = 0;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (_quotedRecords && b == (byte)'"')
                {
                    inQuotes = !inQuotes;
                }
                else if (b == (byte)'\n' && !inQuotes)
                {
                    end = position + i + 1;
                }
            }

            position += read;
        }

        return end;
    }
}

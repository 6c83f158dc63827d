using System.Globalization;
using System.Text;
using Reactive.Host.Tables;

namespace Reactive.Host.FileSinks;

/// <summary>
/// Writes each micro-batch of a checkpointed pipeline to its own file, <c>part-{batchId:D8}.jsonl</c>
/// (or <c>.csv</c> with a header line) in the pipeline's folder, with the lines of <see cref="FileSink"/>.
/// A batch's file is written whole to a temporary file in the same folder, flushed to disk and renamed
/// over the final name, so a reader never sees half a batch and writing a batch again (the re-run of an
/// uncommitted batch after a crash) replaces its file: each result is in the files exactly once.
/// A batch without rows has no file. Thread-safe.
/// </summary>
public sealed class BatchFileSink : IDisposable
{
    private const string PartPrefix = "part-";
    private const string TempSuffix = ".tmp";

    private readonly Lock _lock = new();
    private readonly RowLineFormatter _formatter;
    private bool _disposed;

    /// <summary>Creates the sink, its folder when missing, and deletes the temporary files a crash left in it.</summary>
    /// <param name="directory">The folder of the file sinks.</param>
    /// <param name="pipeline">The pipeline: its files go to the subfolder of that name.</param>
    /// <param name="columns">The value columns, in the order rows give their values.</param>
    /// <param name="hasWindow">Whether rows carry a window.</param>
    /// <param name="format">The line format.</param>
    /// <param name="windowName">The window's JSON object name (Spark's <c>window(…).alias(…)</c>).</param>
    public BatchFileSink(string directory, string pipeline, IReadOnlyList<string> columns, bool hasWindow, FileSinkFormat format, string windowName = "window")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipeline);
        if (pipeline.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || pipeline.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{pipeline}' cannot be a folder name.", nameof(pipeline));
        }

        _formatter = new RowLineFormatter(columns, hasWindow, format, windowName);
        Directory = Path.Combine(directory, pipeline);
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var temp in System.IO.Directory.EnumerateFiles(Directory, PartPrefix + "*" + TempSuffix))
        {
            File.Delete(temp);
        }
    }

    /// <summary>The pipeline's folder.</summary>
    public string Directory { get; }

    /// <summary>The line format.</summary>
    public FileSinkFormat Format => _formatter.Format;

    /// <summary>The file of batch <paramref name="batchId"/>, <c>part-{batchId:D8}</c> and the format's extension.</summary>
    public string PathOf(long batchId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchId);
        return Path.Combine(Directory, PartPrefix + batchId.ToString("D8", CultureInfo.InvariantCulture) + _formatter.Extension);
    }

    /// <summary>
    /// Writes the rows of batch <paramref name="batchId"/> as its file, replacing the file the batch
    /// had; no rows delete it.
    /// </summary>
    /// <exception cref="ArgumentException">A row does not fit the columns or window; nothing is written.</exception>
    public void WriteBatch(long batchId, IReadOnlyList<TableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var path = PathOf(batchId);
        foreach (var row in rows)
        {
            _formatter.Validate(row);
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (rows.Count == 0)
            {
                File.Delete(path);
                return;
            }

            var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
                {
                    if (_formatter.Header is { } header)
                    {
                        stream.Write(Encoding.UTF8.GetBytes(header));
                        stream.WriteByte((byte)'\n');
                    }

                    foreach (var row in rows)
                    {
                        stream.Write(_formatter.FormatLine(row));
                        stream.WriteByte((byte)'\n');
                    }

                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>The batch files in the folder (full paths), in batch id order.</summary>
    public IReadOnlyList<string> Batches()
    {
        var batches = new List<(long Id, string Path)>();
        var extension = _formatter.Extension;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, PartPrefix + "*" + extension))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(extension, StringComparison.Ordinal)
                && long.TryParse(name.AsSpan(PartPrefix.Length, name.Length - PartPrefix.Length - extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                batches.Add((id, file));
            }
        }

        return [.. batches.OrderBy(b => b.Id).Select(b => b.Path)];
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
            _formatter.Dispose();
        }
    }
}

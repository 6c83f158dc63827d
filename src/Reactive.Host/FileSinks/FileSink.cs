using Reactive.Host.Tables;

namespace Reactive.Host.FileSinks;

/// <summary>
/// Writes a pipeline's result rows to rolling JSON-lines or CSV files (see <see cref="RollingFileWriter"/>).
/// Call <see cref="Flush"/> at the end of each batch. Thread-safe.
/// </summary>
public sealed class FileSink : IDisposable
{
    private readonly Lock _lock = new();
    private readonly RowLineFormatter _formatter;

    /// <summary>Creates the sink.</summary>
    /// <param name="directory">The folder of the files.</param>
    /// <param name="pipeline">The pipeline (file name prefix).</param>
    /// <param name="columns">The value columns, in the order rows give their values.</param>
    /// <param name="hasWindow">Whether rows carry a window.</param>
    /// <param name="format">The line format.</param>
    /// <param name="maxFileBytes">The size at which a file is rolled.</param>
    /// <param name="rollInterval">The age at which a file is rolled; zero never.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="windowName">The window's JSON object name (Spark's <c>window(…).alias(…)</c>).</param>
    public FileSink(string directory, string pipeline, IReadOnlyList<string> columns, bool hasWindow, FileSinkFormat format, long maxFileBytes, TimeSpan rollInterval, TimeProvider timeProvider, string windowName = "window")
    {
        _formatter = new RowLineFormatter(columns, hasWindow, format, windowName);
        Writer = new RollingFileWriter(directory, pipeline, _formatter.Extension, maxFileBytes, rollInterval, timeProvider, _formatter.Header, quotedRecords: format == FileSinkFormat.Csv);
    }

    /// <summary>The line format.</summary>
    public FileSinkFormat Format => _formatter.Format;

    /// <summary>The underlying file writer (current and closed files).</summary>
    public RollingFileWriter Writer { get; }

    /// <summary>Writes one row as one line.</summary>
    public void Write(TableRow row)
    {
        _formatter.Validate(row);
        lock (_lock)
        {
            Writer.WriteLine(_formatter.FormatLine(row));
        }
    }

    /// <summary>Writes rows and flushes.</summary>
    public void WriteBatch(IReadOnlyList<TableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            Write(row);
        }

        Flush();
    }

    /// <summary>Pushes written lines to the file.</summary>
    public void Flush() => Writer.Flush();

    /// <inheritdoc />
    public void Dispose()
    {
        Writer.Dispose();
        _formatter.Dispose();
    }
}

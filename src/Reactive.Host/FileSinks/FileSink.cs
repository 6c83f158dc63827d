using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reactive.Host.Analytics;
using Reactive.Host.Tables;

namespace Reactive.Host.FileSinks;

/// <summary>
/// Writes a pipeline's result rows to rolling JSON-lines or CSV files (see <see cref="RollingFileWriter"/>).
/// Call <see cref="Flush"/> at the end of each batch. Thread-safe.
/// </summary>
public sealed class FileSink : IDisposable
{
    private readonly IReadOnlyList<string> _columns;
    private readonly bool _hasWindow;
    private readonly Lock _lock = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText[] _names;
    private readonly StringBuilder _csv = new();

    /// <summary>Creates the sink.</summary>
    /// <param name="directory">The folder of the files.</param>
    /// <param name="pipeline">The pipeline (file name prefix).</param>
    /// <param name="columns">The value columns, in the order rows give their values.</param>
    /// <param name="hasWindow">Whether rows carry a window.</param>
    /// <param name="format">The line format.</param>
    /// <param name="maxFileBytes">The size at which a file is rolled.</param>
    /// <param name="rollInterval">The age at which a file is rolled; zero never.</param>
    /// <param name="timeProvider">The clock.</param>
    public FileSink(string directory, string pipeline, IReadOnlyList<string> columns, bool hasWindow, FileSinkFormat format, long maxFileBytes, TimeSpan rollInterval, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns;
        _hasWindow = hasWindow;
        Format = format;
        _names = [.. columns.Select(c => JsonEncodedText.Encode(c, ResultRow.JsonLineOptions.Encoder))];
        _json = new Utf8JsonWriter(_buffer, ResultRow.JsonLineOptions);
        var header = format == FileSinkFormat.Csv
            ? string.Join(",", (hasWindow ? new[] { "window_start", "window_end" } : []).Concat(columns).Select(CsvField))
            : null;
        Writer = new RollingFileWriter(directory, pipeline, format == FileSinkFormat.Csv ? ".csv" : ".jsonl", maxFileBytes, rollInterval, timeProvider, header, quotedRecords: format == FileSinkFormat.Csv);
    }

    /// <summary>The line format.</summary>
    public FileSinkFormat Format { get; }

    /// <summary>The underlying file writer (current and closed files).</summary>
    public RollingFileWriter Writer { get; }

    /// <summary>Writes one row as one line.</summary>
    public void Write(TableRow row)
    {
        if (row.Values is null || row.Values.Count != _columns.Count)
        {
            throw new ArgumentException($"A row needs {_columns.Count} values, got {row.Values?.Count ?? 0}.", nameof(row));
        }

        if (_hasWindow && (row.WindowStart is null || row.WindowEnd is null))
        {
            throw new ArgumentException("This sink's rows have a window: give the row its window start and end.", nameof(row));
        }

        lock (_lock)
        {
            if (Format == FileSinkFormat.JsonLines)
            {
                WriteJson(row);
            }
            else
            {
                WriteCsv(row);
            }
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
        _json.Dispose();
    }

    private void WriteJson(in TableRow row)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        if (_hasWindow)
        {
            _json.WriteStartObject("window");
            _json.WriteString("start", MemoryTable.FormatInstant(row.WindowStart!.Value));
            _json.WriteString("end", MemoryTable.FormatInstant(row.WindowEnd!.Value));
            _json.WriteEndObject();
        }

        for (var i = 0; i < _names.Length; i++)
        {
            _json.WritePropertyName(_names[i]);
            switch (MemoryTable.ToSqlValue(row.Values[i]))
            {
                case long l:
                    _json.WriteNumberValue(l);
                    break;
                case double d:
                    _json.WriteNumberValue(d);
                    break;
                case string s:
                    _json.WriteStringValue(s);
                    break;
                default:
                    _json.WriteNullValue();
                    break;
            }
        }

        _json.WriteEndObject();
        _json.Flush();
        Writer.WriteLine(_buffer.WrittenSpan);
    }

    private void WriteCsv(in TableRow row)
    {
        _csv.Clear();
        if (_hasWindow)
        {
            _csv.Append(MemoryTable.FormatInstant(row.WindowStart!.Value)).Append(',').Append(MemoryTable.FormatInstant(row.WindowEnd!.Value));
        }

        for (var i = 0; i < _columns.Count; i++)
        {
            if (i > 0 || _hasWindow)
            {
                _csv.Append(',');
            }

            _csv.Append(MemoryTable.ToSqlValue(row.Values[i]) switch
            {
                DBNull => string.Empty,
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                long l => l.ToString(CultureInfo.InvariantCulture),
                var v => CsvField(Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty),
            });
        }

        Writer.WriteLine(_csv.ToString());
    }

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}

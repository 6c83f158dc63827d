using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reactive.Host.Analytics;
using Reactive.Host.Tables;

namespace Reactive.Host.FileSinks;

/// <summary>
/// Turns result rows into the lines of a file sink (<see cref="FileSinkFormat"/>): one JSON object, or
/// one CSV record under <see cref="Header"/>. Shared by <see cref="FileSink"/> and <see cref="BatchFileSink"/>.
/// Not thread-safe: the line returned lives in a buffer that the next call overwrites.
/// </summary>
internal sealed class RowLineFormatter : IDisposable
{
    private readonly IReadOnlyList<string> _columns;
    private readonly bool _hasWindow;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText[] _names;
    private readonly JsonEncodedText _windowName;
    private readonly StringBuilder _csv = new();

    /// <summary>Creates the formatter.</summary>
    /// <param name="columns">The value columns, in the order rows give their values.</param>
    /// <param name="hasWindow">Whether rows carry a window.</param>
    /// <param name="format">The line format.</param>
    /// <param name="windowName">The window's JSON object name (Spark's <c>window(…).alias(…)</c>).</param>
    public RowLineFormatter(IReadOnlyList<string> columns, bool hasWindow, FileSinkFormat format, string windowName = "window")
    {
        ArgumentNullException.ThrowIfNull(columns);
        _windowName = JsonEncodedText.Encode(windowName, ResultRow.JsonLineOptions.Encoder);
        _columns = columns;
        _hasWindow = hasWindow;
        Format = format;
        _names = [.. columns.Select(c => JsonEncodedText.Encode(c, ResultRow.JsonLineOptions.Encoder))];
        _json = new Utf8JsonWriter(_buffer, ResultRow.JsonLineOptions);
        Header = format == FileSinkFormat.Csv
            ? string.Join(",", (hasWindow ? new[] { "window_start", "window_end" } : []).Concat(columns).Select(CsvField))
            : null;
    }

    /// <summary>The line format.</summary>
    public FileSinkFormat Format { get; }

    /// <summary>The first line of each file (CSV), without its newline; null for JSON lines.</summary>
    public string? Header { get; }

    /// <summary>The files' extension, with its dot.</summary>
    public string Extension => Format == FileSinkFormat.Csv ? ".csv" : ".jsonl";

    /// <summary>Throws when <paramref name="row"/> does not fit the columns and window.</summary>
    public void Validate(in TableRow row)
    {
        if (row.Values is null || row.Values.Count != _columns.Count)
        {
            throw new ArgumentException($"A row needs {_columns.Count} values, got {row.Values?.Count ?? 0}.", nameof(row));
        }

        if (_hasWindow && (row.WindowStart is null || row.WindowEnd is null))
        {
            throw new ArgumentException("This sink's rows have a window: give the row its window start and end.", nameof(row));
        }
    }

    /// <summary>The line of a validated row, UTF-8 without its newline; valid until the next call.</summary>
    public ReadOnlySpan<byte> FormatLine(in TableRow row)
    {
        _buffer.ResetWrittenCount();
        if (Format == FileSinkFormat.JsonLines)
        {
            WriteJson(row);
        }
        else
        {
            WriteCsv(row);
        }

        return _buffer.WrittenSpan;
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();

    private void WriteJson(in TableRow row)
    {
        _json.Reset(_buffer);
        _json.WriteStartObject();
        if (_hasWindow)
        {
            _json.WriteStartObject(_windowName);
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
                    JsonDoubles.Write(_json, d);
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

        foreach (var chunk in _csv.GetChunks())
        {
            var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
            _buffer.Advance(Encoding.UTF8.GetBytes(chunk.Span, span));
        }
    }

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}

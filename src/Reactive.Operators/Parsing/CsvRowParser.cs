using System.Text;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Parses CSV lines into <see cref="Row"/>s of a <see cref="RowSchema"/>: fields separated by a comma
/// (configurable), optionally in double quotes with <c>""</c> for a quote inside. A quoted field cannot
/// span lines. An empty field is null; one whose text does not fit its type rejects the line, or is null
/// (<see cref="CsvRowParserOptions.MistypedFields"/>, Spark's <c>PERMISSIVE</c> mode). Blank lines and (with a header)
/// repeated header lines are skipped.
/// Not thread-safe: one per input.
/// </summary>
public sealed class CsvRowParser : ILineParser<Row>
{
    private readonly RowSchema _schema;
    private readonly bool _hasHeader;
    private readonly byte _separator;
    private readonly FieldConverter _converter;
    private byte[]? _header;
    private int[] _columnToField;
    private byte[] _scratch = new byte[256];

    /// <summary>Creates a parser.</summary>
    public CsvRowParser(CsvRowParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _schema = options.Validate();
        _hasHeader = options.HasHeader;
        _separator = (byte)options.Separator;
        _converter = new FieldConverter(_schema, options.MistypedFields, options.FieldNulled);
        _columnToField = [.. Enumerable.Range(0, _schema.Count)];
    }

    /// <inheritdoc />
    public ParseStatus Parse(ReadOnlySpan<byte> line, out Row value, out DeadLetterReason reason)
    {
        value = null!;
        reason = default;
        line = Utf8Text.TrimLineEnd(line);
        if (Utf8Text.IsBlank(line))
        {
            return ParseStatus.Skipped;
        }

        if (_hasHeader)
        {
            // A byte-order mark before a header (the first line of a file, or of each file of a concatenation) is not
            // part of its first column's name.
            var header = Utf8Text.TrimByteOrderMark(line);
            if (_header is null)
            {
                return ReadHeader(header, out reason);
            }

            if (header.SequenceEqual(_header))
            {
                return ParseStatus.Skipped;
            }
        }

        var row = new Row(_schema);
        _converter.BeginLine();
        int column = 0;
        int position = 0;
        while (true)
        {
            if (!TryReadField(line, ref position, out var text, out reason))
            {
                return ParseStatus.Rejected;
            }

            if (column >= _columnToField.Length)
            {
                reason = new(DeadLetterCodes.FieldCount, string.Empty, $"more than {_columnToField.Length} fields");
                return ParseStatus.Rejected;
            }

            int field = _columnToField[column++];
            if (field >= 0 && !_converter.TrySet(row, field, text, out reason))
            {
                return ParseStatus.Rejected;
            }

            if (position > line.Length)
            {
                break;
            }
        }

        if (column != _columnToField.Length)
        {
            reason = new(DeadLetterCodes.FieldCount, string.Empty, $"expected {_columnToField.Length} fields");
            return ParseStatus.Rejected;
        }

        if (!_converter.Accept(row, out reason))
        {
            return ParseStatus.Rejected;
        }

        value = row;
        return ParseStatus.Parsed;
    }

    /// <inheritdoc />
    public ParseStatus Parse(ReadOnlySpan<char> line, out Row value, out DeadLetterReason reason) =>
        Utf8Text.ParseChars(this, line, out value, out reason);

    private ParseStatus ReadHeader(ReadOnlySpan<byte> line, out DeadLetterReason reason)
    {
        var map = new List<int>();
        int position = 0;
        while (position <= line.Length)
        {
            if (!TryReadField(line, ref position, out var text, out reason))
            {
                return ParseStatus.Rejected;
            }

            map.Add(_schema.IndexOf(Encoding.UTF8.GetString(text).Trim()));
        }

        if (map.TrueForAll(field => field < 0))
        {
            // Every row would read as all nulls: a data line taken for the header, or a header of another file. The next
            // line is tried as the header in turn, so such input is rejected line by line, not read as empty rows.
            reason = new(DeadLetterCodes.BadCsv, string.Empty, "header names none of the schema's fields");
            return ParseStatus.Rejected;
        }

        reason = default;
        _header = line.ToArray();
        _columnToField = [.. map];
        return ParseStatus.Skipped;
    }

    /// <summary>
    /// Reads the field starting at <paramref name="position"/>; on return <paramref name="position"/> is
    /// past the separator, or <c>line.Length + 1</c> after the last field.
    /// </summary>
    private bool TryReadField(ReadOnlySpan<byte> line, ref int position, out ReadOnlySpan<byte> text, out DeadLetterReason reason)
    {
        reason = default;
        var rest = line[position..];
        if (rest.IsEmpty || rest[0] != (byte)'"')
        {
            int end = rest.IndexOf(_separator);
            if (end < 0)
            {
                text = rest;
                position = line.Length + 1;
            }
            else
            {
                text = rest[..end];
                position += end + 1;
            }

            return true;
        }

        int length = 0;
        int i = 1;
        while (true)
        {
            int quote = rest[i..].IndexOf((byte)'"');
            if (quote < 0)
            {
                text = default;
                reason = new(DeadLetterCodes.BadCsv, string.Empty, "unterminated quoted field");
                return false;
            }

            Append(rest.Slice(i, quote), ref length);
            i += quote + 1;
            if (i < rest.Length && rest[i] == (byte)'"')
            {
                Append("\""u8, ref length);
                i++;
                continue;
            }

            break;
        }

        if (i == rest.Length)
        {
            position = line.Length + 1;
        }
        else if (rest[i] == _separator)
        {
            position += i + 1;
        }
        else
        {
            text = default;
            reason = new(DeadLetterCodes.BadCsv, string.Empty, "text after a closing quote");
            return false;
        }

        text = _scratch.AsSpan(0, length);
        return true;
    }

    private void Append(ReadOnlySpan<byte> part, ref int length)
    {
        if (length + part.Length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, length + part.Length));
        }

        part.CopyTo(_scratch.AsSpan(length));
        length += part.Length;
    }
}

using System.Buffers;
using System.Text.Json;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Parses JSON lines (one object per line) into <see cref="Row"/>s of a <see cref="RowSchema"/>, with
/// <see cref="Utf8JsonReader"/>. Properties are matched by exact name; properties the schema does not
/// name are ignored; an absent property or a JSON <c>null</c> is null (rejected as <c>missing_field</c>
/// when the field is required). Numbers and strings are both accepted for any scalar field (a string
/// <c>"1.5"</c> reads as a double). A value that does not fit its field's type rejects the line, or makes the
/// field null (<see cref="JsonLinesRowParserOptions.MistypedFields"/>, Spark's <c>from_json</c>); a line that is not
/// one JSON object is always rejected. Blank lines are skipped. Not thread-safe: one per input.
/// </summary>
public sealed class JsonLinesRowParser : ILineParser<Row>
{
    private readonly RowSchema _schema;
    private readonly FieldConverter _converter;
    private byte[] _scratch = new byte[256];

    /// <summary>Creates a parser.</summary>
    public JsonLinesRowParser(JsonLinesRowParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _schema = options.Validate();
        _converter = new FieldConverter(_schema, options.MistypedFields, options.FieldNulled);
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

        var row = new Row(_schema);
        _converter.BeginLine();
        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = new(DeadLetterCodes.BadJson, string.Empty, "expected one JSON object per line");
                return ParseStatus.Rejected;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int field = FindField(ref reader);
                if (field < 0)
                {
                    reader.Skip();
                    continue;
                }

                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.Null:
                        row.Clear(field);
                        break;
                    case JsonTokenType.String:
                    case JsonTokenType.Number:
                        if (!TryText(ref reader, out var text))
                        {
                            reason = new(DeadLetterCodes.BadValue, _schema[field].Name, "is not valid UTF-8");
                            if (_converter.Mistyped(row, field, reason))
                            {
                                break;
                            }

                            return ParseStatus.Rejected;
                        }

                        if (!_converter.TrySet(row, field, text, out reason))
                        {
                            return ParseStatus.Rejected;
                        }

                        break;
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        if (!_converter.TrySet(row, field, reader.TokenType == JsonTokenType.True ? "true"u8 : "false"u8, out reason))
                        {
                            return ParseStatus.Rejected;
                        }

                        break;
                    default:
                        reason = new(DeadLetterCodes.BadValue, _schema[field].Name, "expected a scalar, not an object or array");
                        if (_converter.Mistyped(row, field, reason))
                        {
                            reader.Skip();
                            break;
                        }

                        return ParseStatus.Rejected;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                reason = new(DeadLetterCodes.BadJson, string.Empty, "expected one JSON object per line");
                return ParseStatus.Rejected;
            }
        }
        catch (JsonException)
        {
            reason = new(DeadLetterCodes.BadJson, string.Empty, "malformed JSON");
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

    private int FindField(ref Utf8JsonReader reader)
    {
        var names = _schema.Utf8Names;
        for (int i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The value's text, unescaped. False when an escaped string holds invalid UTF-8 or a lone surrogate escape
    /// (<c>\ud800</c>), which the reader refuses to unescape; unescaped text is checked by the converter.
    /// </summary>
    private bool TryText(ref Utf8JsonReader reader, out ReadOnlySpan<byte> text)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            text = reader.ValueSpan;
            return true;
        }

        int max = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_scratch.Length < max)
        {
            _scratch = new byte[Math.Max(max, _scratch.Length * 2)];
        }

        int n;
        try
        {
            n = reader.TokenType == JsonTokenType.String ? reader.CopyString(_scratch) : CopyRaw(ref reader, _scratch);
        }
        catch (InvalidOperationException)
        {
            text = default;
            return false;
        }

        text = _scratch.AsSpan(0, n);
        return true;

        static int CopyRaw(ref Utf8JsonReader reader, byte[] into)
        {
            if (reader.HasValueSequence)
            {
                reader.ValueSequence.CopyTo(into);
                return (int)reader.ValueSequence.Length;
            }

            reader.ValueSpan.CopyTo(into);
            return reader.ValueSpan.Length;
        }
    }
}

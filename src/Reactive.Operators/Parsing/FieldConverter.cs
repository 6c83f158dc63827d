using System.Globalization;
using System.Text;

namespace Reactive.Operators.Parsing;

/// <summary>Reads a field's text into a <see cref="Row"/> according to its <see cref="SchemaField"/>.</summary>
internal sealed class FieldConverter
{
    private readonly RowSchema _schema;
    private readonly LocalTimeConverter?[] _zones;

    public FieldConverter(RowSchema schema)
    {
        _schema = schema;
        _zones = new LocalTimeConverter?[schema.Count];
        for (int i = 0; i < schema.Count; i++)
        {
            if (schema[i].Type == FieldType.Timestamp)
            {
                _zones[i] = new LocalTimeConverter(schema[i].TimeZone);
            }
        }
    }

    /// <summary>Checks that every required field has a value.</summary>
    public bool CheckRequired(Row row, out DeadLetterReason reason)
    {
        for (int i = 0; i < _schema.Count; i++)
        {
            if (_schema[i].Required && row.IsNull(i))
            {
                reason = new(DeadLetterCodes.MissingField, _schema[i].Name, "is required");
                return false;
            }
        }

        reason = default;
        return true;
    }

    /// <summary>Stores <paramref name="text"/> (already unquoted/unescaped) in field <paramref name="index"/>. Empty text is null.</summary>
    public bool TrySet(Row row, int index, ReadOnlySpan<byte> text, out DeadLetterReason reason)
    {
        reason = default;
        var field = _schema[index];
        if (text.IsEmpty)
        {
            row.Clear(index);
            return true;
        }

        switch (field.Type)
        {
            case FieldType.String:
                if (!System.Text.Unicode.Utf8.IsValid(text))
                {
                    // Decoding would turn the bad bytes into U+FFFD silently.
                    reason = new(DeadLetterCodes.BadValue, field.Name, "is not valid UTF-8");
                    return false;
                }

                row.SetString(index, Encoding.UTF8.GetString(text));
                return true;

            case FieldType.Long:
                if (Utf8Text.TryParseLong(text, out long l))
                {
                    row.SetBits(index, l);
                    return true;
                }

                reason = new(DeadLetterCodes.BadNumber, field.Name, "is not an integer");
                return false;

            case FieldType.Double:
                switch (Utf8Text.TryParseDouble(text, out double d))
                {
                    case NumberStatus.Ok:
                        row.SetBits(index, BitConverter.DoubleToInt64Bits(d));
                        return true;
                    case NumberStatus.NonFinite:
                        reason = new(DeadLetterCodes.NonFinite, field.Name, "is NaN or infinite");
                        return false;
                    default:
                        reason = new(DeadLetterCodes.BadNumber, field.Name, "is not a number");
                        return false;
                }

            case FieldType.Bool:
                if (Ascii.EqualsIgnoreCase(text, "true"u8) || text.SequenceEqual("1"u8))
                {
                    row.SetBits(index, 1);
                    return true;
                }

                if (Ascii.EqualsIgnoreCase(text, "false"u8) || text.SequenceEqual("0"u8))
                {
                    row.SetBits(index, 0);
                    return true;
                }

                reason = new(DeadLetterCodes.BadValue, field.Name, "expected true, false, 1 or 0");
                return false;

            default:
                if (TryTimestamp(field, _zones[index]!, text, out long ticks, out string problem))
                {
                    row.SetBits(index, ticks);
                    return true;
                }

                reason = new(DeadLetterCodes.BadDate, field.Name, problem);
                return false;
        }
    }

    /// <summary>
    /// Reads a timestamp. Text without a date (<c>12:00:00</c> as <c>iso</c>, or a time-only custom format) is not an
    /// instant: the framework would date it today, from the machine's clock, so it is read with no date (year 1) and
    /// rejected; so is any text that lands in year 1.
    /// </summary>
    private static bool TryTimestamp(SchemaField field, LocalTimeConverter zone, ReadOnlySpan<byte> text, out long utcTicks, out string problem)
    {
        utcTicks = 0;
        problem = "does not match the timestamp format";
        string format = field.TimestampFormat;
        if (format is SchemaField.UnixSecondsFormat or SchemaField.UnixMillisecondsFormat)
        {
            long unit = format == SchemaField.UnixSecondsFormat ? TimeSpan.TicksPerSecond : TimeSpan.TicksPerMillisecond;
            // Whole units stay in long arithmetic: a double cannot hold today's ticks exactly (they exceed 2^53).
            long sinceEpoch;
            if (Utf8Text.TryParseLong(text, out long whole))
            {
                if (whole > (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / unit || whole < -DateTime.UnixEpoch.Ticks / unit)
                {
                    return false;
                }

                sinceEpoch = whole * unit;
            }
            else if (Utf8Text.TryParseDouble(text, out double fractional) == NumberStatus.Ok
                && Math.Abs(fractional * unit) < DateTime.MaxValue.Ticks)
            {
                sinceEpoch = (long)Math.Round(fractional * unit);
            }
            else
            {
                return false;
            }

            long ticks = DateTime.UnixEpoch.Ticks + sinceEpoch;
            if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
            {
                return false;
            }

            utcTicks = ticks;
            return true;
        }

        Span<char> scratch = stackalloc char[64];
        char[]? rented = null;
        try
        {
            var chars = Utf8Text.Decode(text, scratch, ref rented);
            const DateTimeStyles styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.NoCurrentDateDefault;
            bool ok = format == SchemaField.IsoFormat
                ? DateTime.TryParse(chars, CultureInfo.InvariantCulture, styles, out var time)
                : DateTime.TryParseExact(chars, format, CultureInfo.InvariantCulture, styles, out time);
            if (!ok)
            {
                return false;
            }

            if (time.Year == 1)
            {
                problem = "is a time of day without a date";
                return false;
            }

            if (time.Kind == DateTimeKind.Utc)
            {
                utcTicks = time.Ticks;
                return true;
            }

            problem = LocalTimeConverter.OutOfRangeDetail;
            return zone.TryToUtcTicks(time.Ticks, out utcTicks);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}

using System.Globalization;
using System.Text;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Reads a field's text into a <see cref="Row"/> according to its <see cref="SchemaField"/>; a value that does not fit
/// the field's type rejects the line, or, with <see cref="MistypedFieldHandling.Null"/>, makes the field null.
/// </summary>
internal sealed class FieldConverter
{
    private readonly RowSchema _schema;
    private readonly LocalTimeConverter?[] _zones;
    private readonly MistypedFieldHandling _mistyped;
    private readonly Action<DeadLetterReason>? _nulled;

    // The fields nulled in the line being parsed: told only once the row is accepted, so a line rejected later (a bad
    // field after them, malformed JSON) counts as one dead letter and no nulled field.
    private readonly List<DeadLetterReason> _pending = [];

    /// <param name="schema">The fields.</param>
    /// <param name="mistyped">What a value that does not fit its field's type does.</param>
    /// <param name="nulled">Told of each field nulled in a row that was accepted, or null.</param>
    public FieldConverter(RowSchema schema, MistypedFieldHandling mistyped = MistypedFieldHandling.Reject, Action<DeadLetterReason>? nulled = null)
    {
        _schema = schema;
        _mistyped = mistyped;
        _nulled = nulled;
        _zones = new LocalTimeConverter?[schema.Count];
        for (int i = 0; i < schema.Count; i++)
        {
            if (schema[i].Type == FieldType.Timestamp)
            {
                _zones[i] = new LocalTimeConverter(schema[i].TimeZone);
            }
        }
    }

    /// <summary>Starts a line: forgets the fields nulled in the line before (a rejected one).</summary>
    public void BeginLine() => _pending.Clear();

    /// <summary>
    /// A value of the wrong type for field <paramref name="index"/> (<paramref name="reason"/> says why): false when it
    /// rejects the line; true when the field was made null instead (<see cref="MistypedFieldHandling.Null"/>, the field
    /// not required), to be told once the row is accepted (<see cref="Accept"/>).
    /// </summary>
    public bool Mistyped(Row row, int index, in DeadLetterReason reason)
    {
        if (_mistyped != MistypedFieldHandling.Null || _schema[index].Required)
        {
            return false;
        }

        row.Clear(index);
        _pending.Add(reason);
        return true;
    }

    /// <summary>
    /// The row is accepted when every required field has a value (else <paramref name="reason"/> says which has none);
    /// then the fields nulled in it are told.
    /// </summary>
    public bool Accept(Row row, out DeadLetterReason reason)
    {
        if (!CheckRequired(row, out reason))
        {
            return false;
        }

        if (_nulled is { } nulled)
        {
            foreach (var field in _pending)
            {
                nulled(field);
            }
        }

        _pending.Clear();
        return true;
    }

    /// <summary>Checks that every required field has a value.</summary>
    private bool CheckRequired(Row row, out DeadLetterReason reason)
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

    /// <summary>
    /// Stores <paramref name="text"/> (already unquoted/unescaped) in field <paramref name="index"/>. Empty text is null.
    /// Text that does not fit the field's type is <see cref="Mistyped"/>: false rejects the line.
    /// </summary>
    public bool TrySet(Row row, int index, ReadOnlySpan<byte> text, out DeadLetterReason reason)
    {
        if (TryConvert(row, index, text, out reason))
        {
            return true;
        }

        if (Mistyped(row, index, reason))
        {
            reason = default;
            return true;
        }

        return false;
    }

    private bool TryConvert(Row row, int index, ReadOnlySpan<byte> text, out DeadLetterReason reason)
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

using System.Runtime.CompilerServices;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Parses hourly price lines <c>date,hour,hoep</c> (<c>yyyy-MM-dd</c>, hour-ending 1..24, a decimal price;
/// LF or CRLF). A header line (first field <c>date</c>, anywhere) and blank lines are skipped.
/// The event time is the start of the hour: <c>date + (hour − 1) h</c> in the configured zone.
/// Allocation-free per line; the day of the last date is kept and reused while it does not change.
/// Not thread-safe: one per input.
/// </summary>
public sealed class HourlyPriceParser : ILineParser<HourlyPrice>
{
    private const int FieldCount = 3;
    private static readonly byte[] HeaderFirstField = "date"u8.ToArray();

    private readonly LocalTimeConverter _time;

    // 24 rows share a date: it is converted once per day. Not readonly: a mutable struct updated in place.
    private DateFieldCache _dates;

    /// <summary>Creates a parser.</summary>
    public HourlyPriceParser(HourlyPriceParserOptions? options = null)
    {
        options ??= new HourlyPriceParserOptions();
        options.Validate();
        _time = new LocalTimeConverter(options.TimeZone);
    }

    /// <inheritdoc />
    public ParseStatus Parse(ReadOnlySpan<byte> line, out HourlyPrice value, out DeadLetterReason reason)
    {
        reason = default;
        line = Utf8Text.TrimLineEnd(line);
        return TryParseCanonical(line, out value) ? ParseStatus.Parsed : ParseGeneral(line, out value, out reason);
    }

    /// <summary>
    /// Every line the canonical fast path does not take: headers, blanks, other shapes, bad rows. It reads any line
    /// on its own (internal so that tests can check that the fast path agrees with it, line by line).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ParseStatus ParseGeneral(ReadOnlySpan<byte> line, out HourlyPrice value, out DeadLetterReason reason)
    {
        value = default;
        var ranges = default(FieldRanges);
        Span<Range> f = ranges;
        if (Utf8Text.SplitFixedFields(line, f, HeaderFirstField, "expected 3 fields: date,hour,hoep", out reason) is { } early)
        {
            return early;
        }

        var dateText = line[f[0]];
        if (!_dates.TryRead(dateText, Utf8Text.TryParseIsoDate, out int day))
        {
            reason = new(DeadLetterCodes.BadDate, "date", "expected yyyy-MM-dd");
            return ParseStatus.Rejected;
        }

        var hourText = line[f[1]];
        if (!Utf8Text.TryParseInt(hourText, out int hour))
        {
            reason = hourText.IsEmpty
                ? new(DeadLetterCodes.MissingField, "hour", "is empty")
                : new(DeadLetterCodes.BadNumber, "hour", "is not an integer");
            return ParseStatus.Rejected;
        }

        if (hour is < 1 or > 24)
        {
            reason = new(DeadLetterCodes.BadHour, "hour", "must be 1..24 (hour-ending)");
            return ParseStatus.Rejected;
        }

        var priceText = line[f[2]];
        switch (Utf8Text.TryParseDouble(priceText, out double price))
        {
            case NumberStatus.Ok:
                break;
            case NumberStatus.NonFinite:
                reason = new(DeadLetterCodes.NonFinite, "hoep", "is NaN or infinite");
                return ParseStatus.Rejected;
            default:
                reason = priceText.IsEmpty
                    ? new(DeadLetterCodes.MissingField, "hoep", "is empty")
                    : new(DeadLetterCodes.BadNumber, "hoep", "is not a number");
                return ParseStatus.Rejected;
        }

        if (!TryCreate(day, hour, price, out value))
        {
            reason = new(DeadLetterCodes.BadDate, "date", LocalTimeConverter.OutOfRangeDetail);
            return ParseStatus.Rejected;
        }

        return ParseStatus.Parsed;
    }

    /// <summary>
    /// The shape of every row of the course file and of the generator, <c>yyyy-MM-dd,H[H],price</c>,
    /// read by position in one pass with the same date cache and number parser as the general path
    /// (so the same values). Any other shape, and every bad row, returns false and takes the general
    /// path, which decides and explains.
    /// </summary>
    private bool TryParseCanonical(ReadOnlySpan<byte> line, out HourlyPrice value)
    {
        value = default;
        if (line.Length < 14 || line[10] != (byte)',' || line[4] != (byte)'-' || line[7] != (byte)'-')
        {
            return false;
        }

        var dateText = line[..10];
        if (!_dates.TryRead(dateText, Utf8Text.TryParseIsoDate, out int day))
        {
            return false;
        }

        int hour = line[11] - '0';
        int comma = 12;
        if ((uint)hour > 9)
        {
            return false;
        }

        if (line[comma] != (byte)',')
        {
            int second = line[comma] - '0';
            if ((uint)second > 9 || line[++comma] != (byte)',')
            {
                return false;
            }

            hour = (hour * 10) + second;
        }

        if (hour is < 1 or > 24 || Utf8Text.TryParseDouble(line[(comma + 1)..], out double price) != NumberStatus.Ok)
        {
            return false;
        }

        return TryCreate(day, hour, price, out value);
    }

    private bool TryCreate(int day, int hour, double price, out HourlyPrice value)
    {
        long local = (day * TimeSpan.TicksPerDay) + ((hour - 1) * TimeSpan.TicksPerHour);
        bool inRange = _time.TryToUtcTicks(local, out long utc);
        value = inRange ? new HourlyPrice(utc, DateOnly.FromDayNumber(day), hour, price) : default;
        return inRange;
    }

    /// <inheritdoc />
    public ParseStatus Parse(ReadOnlySpan<char> line, out HourlyPrice value, out DeadLetterReason reason) =>
        Utf8Text.ParseChars(this, line, out value, out reason);

    // The field ranges of one line, on the stack without stackalloc: a method with stackalloc pays for it on every
    // call (localloc, zeroing, a stack-guard check), measured at 15–20 ns a line, a third of the parse.
    [InlineArray(FieldCount)]
    private struct FieldRanges
    {
        private Range _element0;
    }
}

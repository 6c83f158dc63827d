using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Reactive.Operators.Parsing;

/// <summary>Outcome of reading a number.</summary>
internal enum NumberStatus
{
    Ok,
    Bad,
    NonFinite,
}

/// <summary>Allocation-free scanning of UTF-8 fields: line ends, numbers, dates and times.</summary>
internal static class Utf8Text
{
    private static readonly double[] Pow10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];

    private static readonly long[] TickScale = [0, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    /// <summary>
    /// Parses text through a parser's UTF-8 overload: a short line is transcoded on the stack, a long
    /// one in a pooled buffer, so the text path allocates nothing either.
    /// </summary>
    public static ParseStatus ParseChars<T>(ILineParser<T> parser, ReadOnlySpan<char> line, out T value, out DeadLetterReason reason)
    {
        byte[]? rented = null;
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(line.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = System.Text.Encoding.UTF8.GetBytes(line, buffer);
            return parser.Parse(buffer[..n], out value, out reason);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The start of a fixed-field format's general path: a blank line or a header (first field
    /// <paramref name="header"/>, any case, anywhere in the input, after a byte-order mark if there is one, as at the
    /// start of each file of a concatenation) is skipped, a wrong field count is
    /// rejected with <paramref name="expected"/>. Null means the line split into exactly
    /// <paramref name="fields"/>.Length fields, to be read by the caller.
    /// </summary>
    public static ParseStatus? SplitFixedFields(ReadOnlySpan<byte> line, Span<Range> fields, ReadOnlySpan<byte> header, string expected, out DeadLetterReason reason)
    {
        reason = default;
        if (IsBlank(line))
        {
            return ParseStatus.Skipped;
        }

        int count = SplitCommas(line, fields);
        if (System.Text.Ascii.EqualsIgnoreCase(TrimByteOrderMark(line[fields[0]]), header))
        {
            return ParseStatus.Skipped;
        }

        if (count != fields.Length)
        {
            reason = new(DeadLetterCodes.FieldCount, string.Empty, expected);
            return ParseStatus.Rejected;
        }

        return null;
    }

    /// <summary>Drops trailing CR and LF bytes.</summary>
    public static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> line)
    {
        int end = line.Length;
        while (end > 0 && (line[end - 1] == (byte)'\n' || line[end - 1] == (byte)'\r'))
        {
            end--;
        }

        return line[..end];
    }

    /// <summary>Drops a leading UTF-8 byte-order mark (EF BB BF).</summary>
    public static ReadOnlySpan<byte> TrimByteOrderMark(ReadOnlySpan<byte> text) =>
        text.StartsWith("\uFEFF"u8) ? text[3..] : text;

    /// <summary>Whether the line holds only spaces and tabs.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;

    /// <summary>
    /// Splits on commas into <paramref name="fields"/>; returns the number of fields, or
    /// <c>fields.Length + 1</c> when there are more than <paramref name="fields"/> can hold.
    /// </summary>
    /// <remarks>
    /// One pass over the line, 16 bytes at a time: a vector compare gives a bit mask of the commas in the block,
    /// walked lowest bit first. On a ~50-byte quote line this replaces one <c>IndexOf</c> call (each with its own
    /// setup) per field. The last block is the line's last 16 bytes, overlapping the previous block, with the bits
    /// already scanned masked off, so no byte-by-byte tail (whose branches mispredict as field widths vary) is left
    /// except on lines shorter than 16 bytes.
    /// </remarks>
    public static int SplitCommas(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        int count = 0;
        int start = 0;
        int i = 0;
        if (Vector128.IsHardwareAccelerated && line.Length >= Vector128<byte>.Count)
        {
            int lastBlock = line.Length - Vector128<byte>.Count;
            while (true)
            {
                int block = Math.Min(i, lastBlock);
                uint mask = CommaBits(line, block) & (uint.MaxValue << (i - block));
                while (mask != 0)
                {
                    int comma = block + BitOperations.TrailingZeroCount(mask);
                    if (count == fields.Length)
                    {
                        return count + 1;
                    }

                    fields[count++] = new Range(start, comma);
                    start = comma + 1;
                    mask &= mask - 1;
                }

                if (block == lastBlock)
                {
                    break;
                }

                i += Vector128<byte>.Count;
            }

            i = line.Length;
        }

        for (; i < line.Length; i++)
        {
            if (line[i] == (byte)',')
            {
                if (count == fields.Length)
                {
                    return count + 1;
                }

                fields[count++] = new Range(start, i);
                start = i + 1;
            }
        }

        if (count == fields.Length)
        {
            return count + 1;
        }

        fields[count++] = new Range(start, line.Length);
        return count;
    }

    /// <summary>
    /// A bit mask of the commas of a line of 16 to 64 bytes (bit i set when byte i is a comma), from four
    /// 16-byte compares at fixed offsets (the last ones overlapping on shorter lines) with no branch on the
    /// data: the caller reads the positions with <see cref="BitOperations.TrailingZeroCount(ulong)"/>, also
    /// without a loop whose exit mispredicts as field widths vary from line to line.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong CommaMask16To64(ReadOnlySpan<byte> line)
    {
        Debug.Assert(line.Length is >= 16 and <= 64, "16 to 64 bytes");
        int last = line.Length - Vector128<byte>.Count;
        int second = Math.Min(16, last);
        int third = Math.Min(32, last);
        return CommaBits(line, 0) | ((ulong)CommaBits(line, second) << second) | ((ulong)CommaBits(line, third) << third) | ((ulong)CommaBits(line, last) << last);
    }

    /// <summary>The commas among the 16 bytes at <paramref name="at"/>, as bits 0–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint CommaBits(ReadOnlySpan<byte> line, int at) =>
        Vector128.Equals(Vector128.Create(line.Slice(at, Vector128<byte>.Count)), Vector128.Create((byte)',')).ExtractMostSignificantBits();

    /// <summary>
    /// Reads a decimal number. Plain decimals of up to 15 digits take an exact fast path
    /// (an integer mantissa divided by a power of ten, both exact, so the result is correctly rounded);
    /// anything else goes through <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider, out double)"/>.
    /// </summary>
    public static NumberStatus TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == (byte)'-' || s[0] == (byte)'+'))
        {
            negative = s[0] == (byte)'-';
            i = 1;
        }

        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d <= 9)
            {
                if (digits == 15)
                {
                    return Slow(s, out value);
                }

                mantissa = (mantissa * 10) + d;
                digits++;
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (s[i] == (byte)'.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                return Slow(s, out value);
            }
        }

        if (digits == 0)
        {
            return Slow(s, out value);
        }

        value = fraction > 0 ? mantissa / Pow10[fraction] : mantissa;
        if (negative)
        {
            value = -value;
        }

        return NumberStatus.Ok;

        static NumberStatus Slow(ReadOnlySpan<byte> s, out double value)
        {
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                return NumberStatus.Bad;
            }

            return double.IsFinite(value) ? NumberStatus.Ok : NumberStatus.NonFinite;
        }
    }

    /// <summary>Reads an optionally signed decimal integer that fits a <see cref="long"/>.</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == (byte)'-' || s[0] == (byte)'+'))
        {
            negative = s[0] == (byte)'-';
            i = 1;
        }

        if (i == s.Length || s.Length - i > 18)
        {
            // 19 digits may overflow: let the framework decide exactly.
            return s.Length - i > 18 && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        long v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9)
            {
                return false;
            }

            v = (v * 10) + d;
        }

        value = negative ? -v : v;
        return true;
    }

    /// <summary>Reads an integer that fits an <see cref="int"/>.</summary>
    public static bool TryParseInt(ReadOnlySpan<byte> s, out int value)
    {
        if (TryParseLong(s, out long v) && v is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)v;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Reads <paramref name="minDigits"/> to <paramref name="maxDigits"/> unsigned digits (no sign).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryDigits(ReadOnlySpan<byte> s, int minDigits, int maxDigits, out int value)
    {
        value = 0;
        if (s.Length < minDigits || s.Length > maxDigits)
        {
            return false;
        }

        foreach (byte b in s)
        {
            uint d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }

    /// <summary>Reads the two ASCII digits at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        uint tens = (uint)(s[at] - '0');
        uint ones = (uint)(s[at + 1] - '0');
        value = (int)((tens * 10) + ones);
        return tens <= 9 && ones <= 9;
    }

    /// <summary>Reads <c>M/d/yyyy</c> (one or two digits for month and day) as a day number.</summary>
    public static bool TryParseUsDate(ReadOnlySpan<byte> s, out int dayNumber)
    {
        dayNumber = 0;
        int a = s.IndexOf((byte)'/');
        if (a < 0)
        {
            return false;
        }

        int b = s[(a + 1)..].IndexOf((byte)'/');
        if (b < 0)
        {
            return false;
        }

        b += a + 1;
        return TryDigits(s[..a], 1, 2, out int month)
            && TryDigits(s[(a + 1)..b], 1, 2, out int day)
            && TryDigits(s[(b + 1)..], 4, 4, out int year)
            && TryDayNumber(year, month, day, out dayNumber);
    }

    /// <summary>Reads <c>yyyy-MM-dd</c> as a day number.</summary>
    public static bool TryParseIsoDate(ReadOnlySpan<byte> s, out int dayNumber)
    {
        dayNumber = 0;
        return s.Length == 10 && s[4] == (byte)'-' && s[7] == (byte)'-'
            && TryDigits(s[..4], 4, 4, out int year)
            && TryDigits(s[5..7], 2, 2, out int month)
            && TryDigits(s[8..], 2, 2, out int day)
            && TryDayNumber(year, month, day, out dayNumber);
    }

    private static bool TryDayNumber(int year, int month, int day, out int dayNumber)
    {
        dayNumber = 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        dayNumber = new DateOnly(year, month, day).DayNumber;
        return true;
    }

    /// <summary>
    /// Reads exactly <c>HH:mm:ss.fff</c> (12 bytes, digits by position, no search) as ticks since midnight;
    /// false for any other shape or an out-of-range part, which <see cref="TryParseTimeOfDay"/> then judges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseMillisecondTime(ReadOnlySpan<byte> s, out long ticks)
    {
        if (s.Length == 12 && s[2] == (byte)':' && s[5] == (byte)':' && s[8] == (byte)'.'
            && TwoDigits(s, 0, out int hh) && hh <= 23
            && TwoDigits(s, 3, out int mm) && mm <= 59
            && TwoDigits(s, 6, out int ss) && ss <= 59
            && TryDigits(s.Slice(9, 3), 3, 3, out int millis))
        {
            ticks = (hh * TimeSpan.TicksPerHour) + (mm * TimeSpan.TicksPerMinute) + (ss * TimeSpan.TicksPerSecond) + (millis * TimeSpan.TicksPerMillisecond);
            return true;
        }

        ticks = 0;
        return false;
    }

    /// <summary>Reads <c>H:mm:ss</c> with an optional fraction of 1 to 7 digits, as ticks since midnight.</summary>
    public static bool TryParseTimeOfDay(ReadOnlySpan<byte> s, out long ticks)
    {
        // Quote feeds write every time as HH:mm:ss.fff: read that shape by position, with no search. Anything else,
        // including a non-digit or an out-of-range value in that shape, goes on to the general code, which decides.
        if (TryParseMillisecondTime(s, out ticks))
        {
            return true;
        }

        int colon = s.IndexOf((byte)':');
        if (colon < 0 || s.Length < colon + 6 || s[colon + 3] != (byte)':')
        {
            return false;
        }

        if (!TryDigits(s[..colon], 1, 2, out int hour) || hour > 23
            || !TryDigits(s.Slice(colon + 1, 2), 2, 2, out int minute) || minute > 59
            || !TryDigits(s.Slice(colon + 4, 2), 2, 2, out int second) || second > 59)
        {
            return false;
        }

        long fractionTicks = 0;
        var rest = s[(colon + 6)..];
        if (!rest.IsEmpty)
        {
            if (rest[0] != (byte)'.' || !TryDigits(rest[1..], 1, 7, out int fraction))
            {
                return false;
            }

            fractionTicks = fraction * TickScale[rest.Length - 1];
        }

        ticks = (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond) + fractionTicks;
        return true;
    }

    /// <summary>Decodes UTF-8 into a caller's buffer, renting when it is too small.</summary>
    public static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8, Span<char> scratch, ref char[]? rented)
    {
        if (utf8.Length > scratch.Length)
        {
            rented = ArrayPool<char>.Shared.Rent(utf8.Length);
            scratch = rented;
        }

        int n = Encoding.UTF8.GetChars(utf8, scratch);
        return scratch[..n];
    }
}

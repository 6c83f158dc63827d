using System.Numerics;
using System.Runtime.Intrinsics;
using System.Text;
using Reactive.Operators.Parsing;

namespace Reactive.Bench;

/// <summary>
/// An experiment for <c>--profile</c>, not product code: <see cref="BboParser"/> with the three changes proposed
/// in the bench report (one vectorized pass for the commas instead of one <c>IndexOf</c> per field, the date
/// parsed once per day, a fixed-position fast path for <c>HH:mm:ss.fff</c>). Anything outside the fast shape
/// goes to the real <see cref="BboParser"/>, so the results are the product's (checked in <c>--profile</c>).
/// </summary>
internal sealed class ProposedBboParser
{
    private readonly BboParser _fallback = new();
    private readonly LocalTimeConverter _time = new(TimeZoneInfo.FindSystemTimeZoneById(BboParserOptions.DefaultTimeZoneId));
    private ulong _dateKey;
    private ushort _dateKey2;
    private long _dayTicks = -1;
    private string _symbol = string.Empty;
    private byte[] _symbolBytes = [];

    public ParseStatus Parse(ReadOnlySpan<byte> line, out BboQuote value, out DeadLetterReason reason)
    {
        Span<int> commas = stackalloc int[8];
        if (line.Length < 32 || line.Length > 128 || FindCommas(line, commas) != 8)
        {
            return _fallback.Parse(line, out value, out reason);
        }

        // Date MM/dd/yyyy at commas[0] + 1, parsed once per day.
        var d = commas[0] + 1;
        var time = commas[1] + 1;
        if (commas[1] - d != 10 || commas[2] - time != 12 || line[time + 2] != ':' || line[time + 5] != ':' || line[time + 8] != '.')
        {
            return _fallback.Parse(line, out value, out reason);
        }

        var key = BitConverter.ToUInt64(line.Slice(d, 8));
        var key2 = BitConverter.ToUInt16(line.Slice(d + 8, 2));
        if (key != _dateKey || key2 != _dateKey2 || _dayTicks < 0)
        {
            if (!TryDate(line.Slice(d, 10), out _dayTicks))
            {
                return _fallback.Parse(line, out value, out reason);
            }

            _dateKey = key;
            _dateKey2 = key2;
        }

        uint h = Digit(line[time]) * 10 + Digit(line[time + 1]);
        uint m = Digit(line[time + 3]) * 10 + Digit(line[time + 4]);
        uint s = Digit(line[time + 6]) * 10 + Digit(line[time + 7]);
        uint ms = Digit(line[time + 9]) * 100 + Digit(line[time + 10]) * 10 + Digit(line[time + 11]);
        if (h > 23 || m > 59 || s > 59 || ms > 999)
        {
            return _fallback.Parse(line, out value, out reason);
        }

        if (!TryPrice(line[(commas[2] + 1)..commas[3]], out var bid) || !TryPrice(line[(commas[5] + 1)..commas[6]], out var ask)
            || !TrySize(line[(commas[4] + 1)..commas[5]], out var bidSize) || !TrySize(line[(commas[7] + 1)..], out var askSize)
            || commas[4] - commas[3] != 2 || commas[7] - commas[6] != 2
            || !char.IsAsciiLetterOrDigit((char)line[commas[3] + 1]) || !char.IsAsciiLetterOrDigit((char)line[commas[6] + 1]))
        {
            return _fallback.Parse(line, out value, out reason);
        }

        var symbol = line[..commas[0]];
        if (symbol.IsEmpty || symbol.SequenceEqual("Symbol"u8))
        {
            return _fallback.Parse(line, out value, out reason);
        }

        if (!symbol.SequenceEqual(_symbolBytes))
        {
            _symbolBytes = symbol.ToArray();
            _symbol = Encoding.UTF8.GetString(symbol);
        }

        long local = _dayTicks + (((h * 3600L) + (m * 60L) + s) * TimeSpan.TicksPerSecond) + (ms * TimeSpan.TicksPerMillisecond);
        value = new BboQuote(_symbol, _time.ToUtcTicks(local), bid, (char)line[commas[3] + 1], bidSize, ask, (char)line[commas[6] + 1], askSize);
        reason = default;
        return ParseStatus.Parsed;
    }

    // Positions of up to commas.Length commas, 16 bytes at a time; returns how many (commas.Length + 1 when more).
    private static int FindCommas(ReadOnlySpan<byte> line, Span<int> commas)
    {
        var count = 0;
        var comma = Vector128.Create((byte)',');
        var i = 0;
        for (; i + 16 <= line.Length; i += 16)
        {
            var bits = Vector128.Equals(Vector128.Create(line.Slice(i, 16)), comma).ExtractMostSignificantBits();
            while (bits != 0)
            {
                if (count == commas.Length)
                {
                    return count + 1;
                }

                commas[count++] = i + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
            }
        }

        for (; i < line.Length; i++)
        {
            if (line[i] == ',')
            {
                if (count == commas.Length)
                {
                    return count + 1;
                }

                commas[count++] = i;
            }
        }

        return count;
    }

    private static uint Digit(byte b) => (uint)(b - '0');

    private static bool TryDate(ReadOnlySpan<byte> s, out long dayTicks)
    {
        dayTicks = 0;
        if (s[2] != '/' || s[5] != '/')
        {
            return false;
        }

        var month = (int)((Digit(s[0]) * 10) + Digit(s[1]));
        var day = (int)((Digit(s[3]) * 10) + Digit(s[4]));
        var year = (int)((Digit(s[6]) * 1000) + (Digit(s[7]) * 100) + (Digit(s[8]) * 10) + Digit(s[9]));
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        dayTicks = new DateOnly(year, month, day).DayNumber * TimeSpan.TicksPerDay;
        return true;
    }

    // The product's exact fast path (Utf8Text.TryParseDouble) for unsigned plain decimals of up to 15 digits.
    private static bool TryPrice(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        long mantissa = 0;
        int digits = 0, fraction = -1;
        foreach (var b in s)
        {
            var d = Digit(b);
            if (d <= 9)
            {
                if (++digits > 15)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + d;
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (b == '.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        value = fraction > 0 ? mantissa / Pow10[fraction] : mantissa;
        return true;
    }

    private static readonly double[] Pow10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    private static bool TrySize(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 9)
        {
            return false;
        }

        foreach (var b in s)
        {
            var d = Digit(b);
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}

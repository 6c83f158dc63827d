using Reactive.Operators.Parsing;

namespace Reactive.Bench;

/// <summary>
/// An experiment for <c>--profile</c>, not product code: <see cref="HourlyPriceParser"/> with the fixes proposed in
/// the bench report (commas found in one pass, the date parsed once per day). Anything outside the fast shape goes
/// to the real parser, so the results are the product's (checked in <c>--profile</c>).
/// </summary>
internal sealed class ProposedHourlyPriceParser
{
    private static readonly double[] Pow10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    private readonly HourlyPriceParser _fallback = new();
    private readonly LocalTimeConverter _time = new(HourlyPriceParserOptions.IesoStandardTime);
    private ulong _dateKey;
    private ushort _dateKey2;
    private int _day = -1;

    public ParseStatus Parse(ReadOnlySpan<byte> line, out HourlyPrice value, out DeadLetterReason reason)
    {
        // yyyy-MM-dd,h,price
        if (line.Length < 14 || line[10] != ',' || line[4] != '-' || line[7] != '-')
        {
            return _fallback.Parse(line, out value, out reason);
        }

        var key = BitConverter.ToUInt64(line[..8]);
        var key2 = BitConverter.ToUInt16(line.Slice(8, 2));
        if (key != _dateKey || key2 != _dateKey2 || _day < 0)
        {
            var year = (int)((Digit(line[0]) * 1000) + (Digit(line[1]) * 100) + (Digit(line[2]) * 10) + Digit(line[3]));
            var month = (int)((Digit(line[5]) * 10) + Digit(line[6]));
            var dayOfMonth = (int)((Digit(line[8]) * 10) + Digit(line[9]));
            if (year is < 1 or > 9999 || month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year, month))
            {
                return _fallback.Parse(line, out value, out reason);
            }

            _day = new DateOnly(year, month, dayOfMonth).DayNumber;
            _dateKey = key;
            _dateKey2 = key2;
        }

        var i = 11;
        uint hour = 0;
        for (; i < line.Length && line[i] != ','; i++)
        {
            var d = Digit(line[i]);
            if (d > 9 || i > 12)
            {
                return _fallback.Parse(line, out value, out reason);
            }

            hour = (hour * 10) + d;
        }

        if (i == 11 || i >= line.Length - 1 || hour is < 1 or > 24)
        {
            return _fallback.Parse(line, out value, out reason);
        }

        i++;
        var negative = line[i] == '-';
        if (negative)
        {
            i++;
        }

        long mantissa = 0;
        int digits = 0, fraction = -1;
        for (; i < line.Length; i++)
        {
            var b = line[i];
            var d = Digit(b);
            if (d <= 9 && digits < 15)
            {
                mantissa = (mantissa * 10) + d;
                digits++;
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
                return _fallback.Parse(line, out value, out reason);
            }
        }

        if (digits == 0)
        {
            return _fallback.Parse(line, out value, out reason);
        }

        double price = fraction > 0 ? mantissa / Pow10[fraction] : mantissa;
        if (negative)
        {
            price = -price;
        }

        long local = (_day * TimeSpan.TicksPerDay) + ((hour - 1) * TimeSpan.TicksPerHour);
        value = new HourlyPrice(_time.ToUtcTicks(local), DateOnly.FromDayNumber(_day), (int)hour, price);
        reason = default;
        return ParseStatus.Parsed;
    }

    private static uint Digit(byte b) => (uint)(b - '0');
}

using System.Text;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class HourlyPriceParserTests
{
    private static (ParseStatus Status, HourlyPrice Price, DeadLetterReason Reason) Parse(HourlyPriceParser parser, string line)
    {
        var status = parser.Parse(Encoding.UTF8.GetBytes(line), out var price, out var reason);
        return (status, price, reason);
    }

    [Theory]
    [InlineData("2017-01-01,1,0.0\n", 0, 5, 0.0)] // hour 1 = 00:00 EST = 05:00Z
    [InlineData("2017-01-01,8,1.71\r\n", 7, 12, 1.71)]
    [InlineData("2017-01-01,24,40.95", 23, 28, 40.95)] // 23:00 EST = 04:00Z next day
    [InlineData("2017-07-01,1,-12.5", 0, 5, -12.5)] // no DST in summer: still UTC−5
    [InlineData("2017-01-01,03,7.25", 2, 7, 7.25)] // a leading zero in the hour (two-digit fast path)
    [InlineData("2017-01-01,12,+5", 11, 16, 5.0)] // an explicit sign on the price
    [InlineData("2017-01-01,2,1e2", 1, 6, 100.0)] // an exponent: the number parser's slow path
    public void Parse_Line_ReadsHourEndingInFixedEst(string line, int localHour, int utcHourFromMidnight, double price)
    {
        var (status, p, _) = Parse(new HourlyPriceParser(), line);

        Assert.Equal(ParseStatus.Parsed, status);
        var date = DateOnly.ParseExact(line[..10], "yyyy-MM-dd");
        Assert.Equal(date, p.Date);
        Assert.Equal(localHour + 1, p.Hour);
        Assert.Equal(price, p.Price);
        var midnightUtc = new DateTimeOffset(date.Year, date.Month, date.Day, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(midnightUtc.AddHours(utcHourFromMidnight).Ticks, p.TimestampTicks);
    }

    [Fact]
    public void Parse_UtcZone_HourOneIsMidnightUtc()
    {
        var parser = new HourlyPriceParser(new HourlyPriceParserOptions { TimeZone = TimeZoneInfo.Utc });
        var (_, p, _) = Parse(parser, "2017-01-15,3,22.3");
        Assert.Equal(new DateTimeOffset(2017, 1, 15, 2, 0, 0, TimeSpan.Zero), p.Timestamp);
    }

    [Theory]
    [InlineData("date,hour,hoep")]
    [InlineData("date,hour,hoep\r\n")]
    [InlineData("")]
    public void Parse_HeaderOrBlank_IsSkipped(string line) =>
        Assert.Equal(ParseStatus.Skipped, Parse(new HourlyPriceParser(), line).Status);

    [Theory]
    [InlineData("2017-01-01,0,1.0", "bad_hour", "hour")]
    [InlineData("2017-01-01,25,1.0", "bad_hour", "hour")]
    [InlineData("2017-01-01,x,1.0", "bad_number", "hour")]
    [InlineData("2017-01-01,3,abc", "bad_number", "hoep")]
    [InlineData("2017-01-01,3,NaN", "non_finite", "hoep")]
    [InlineData("2017-01-01,3,-Infinity", "non_finite", "hoep")]
    [InlineData("2017-01-01,3,", "missing_field", "hoep")]
    [InlineData("01/01/2017,3,1.0", "bad_date", "date")]
    [InlineData("2017-02-29,3,1.0", "bad_date", "date")]
    [InlineData("2017-01-01,3", "field_count", "")]
    [InlineData("2017-01-01,3,1.0,4", "field_count", "")]
    [InlineData("2017-1-01,2,3", "bad_date", "date")]
    [InlineData("2017-01-01,100,1.0", "bad_hour", "hour")]
    [InlineData("2017-01-01,1x,1.0", "bad_number", "hour")]
    [InlineData("2017-01-01,,1.0", "missing_field", "hour")]
    [InlineData("2017-13-01,3,1.0", "bad_date", "date")]
    [InlineData("2017-01-01,3,1e999", "non_finite", "hoep")]
    [InlineData("2017-01-01,24,", "missing_field", "hoep")]
    [InlineData("2016-02-30,1,5", "bad_date", "date")] // Feb 30, even in a leap year
    [InlineData("2017-04-31,1,5", "bad_date", "date")]
    [InlineData("2017-01-01,00,5", "bad_hour", "hour")]
    [InlineData("2017-01-01,-1,5", "bad_hour", "hour")]
    [InlineData("2017-01-01,1.5,5", "bad_number", "hour")]
    [InlineData("2017-01-01, 1,5", "bad_number", "hour")]
    [InlineData("2017-01-01,1,5,", "field_count", "")] // a trailing comma
    [InlineData("\"2017-01-01\",1,5", "bad_date", "date")] // quoted CSV: the format has no quoting
    public void Parse_BadLine_IsRejected(string line, string code, string field)
    {
        var (status, _, reason) = Parse(new HourlyPriceParser(), line);
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(code, reason.Code);
        Assert.Equal(field, reason.Field);
    }

    [Fact]
    public void Parse_HappyPath_DoesNotAllocate()
    {
        var parser = new HourlyPriceParser();
        byte[] line = "2017-01-01,8,1.71\n"u8.ToArray();
        parser.Parse(line, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            parser.Parse(line, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Parse_DateChangesMidFile_EachLineGetsItsOwnDay()
    {
        var parser = new HourlyPriceParser(new HourlyPriceParserOptions { TimeZone = TimeZoneInfo.Utc });
        (string Line, DateOnly Date)[] cases =
        [
            ("2017-01-01,1,1.5", new DateOnly(2017, 1, 1)),
            ("2017-01-01,24,1.5", new DateOnly(2017, 1, 1)),
            ("2017-01-02,1,1.5", new DateOnly(2017, 1, 2)),
            ("2017-01-01,2,1.5", new DateOnly(2017, 1, 1)), // back to an earlier day
            ("2018-01-01,2,1.5", new DateOnly(2018, 1, 1)), // differs only in the fourth byte
            ("2018-01-09,2,1.5", new DateOnly(2018, 1, 9)), // differs only in the last byte
            ("2016-02-29,3,1.5", new DateOnly(2016, 2, 29)),
            ("2016-03-01,3,1.5", new DateOnly(2016, 3, 1)),
        ];

        foreach (var (line, date) in cases)
        {
            var (status, p, _) = Parse(parser, line);
            Assert.Equal(ParseStatus.Parsed, status);
            Assert.Equal(date, p.Date);
            int hour = int.Parse(line.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(new DateTime(date, TimeOnly.MinValue).AddHours(hour - 1).Ticks, p.TimestampTicks);
        }
    }

    [Theory]
    [InlineData("2017-01-01", "2017-01-0x")] // last byte
    [InlineData("2017-01-31", "2017-01-32")] // no such day
    [InlineData("2017-02-28", "2017-02-29")] // no such day in a common year
    [InlineData("2017-12-01", "2017-13-01")] // no such month
    [InlineData("2017-01-01", "2017-01-010")] // one byte longer
    [InlineData("2017-01-01", "2017-01-1")] // one byte shorter
    [InlineData("2017-01-01", "2017/01/01")]
    [InlineData("2017-01-01", "0000-01-01")]
    public void Parse_BadDateRightAfterGoodOne_IsRejectedAndCacheStaysGood(string good, string bad)
    {
        var parser = new HourlyPriceParser();
        long goodTicks = Parse(new HourlyPriceParser(), $"{good},5,1.0").Price.TimestampTicks;

        Assert.Equal(ParseStatus.Parsed, Parse(parser, $"{good},4,1.0").Status);
        var (status, _, reason) = Parse(parser, $"{bad},5,1.0");
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal("bad_date", reason.Code);
        Assert.Equal("date", reason.Field);

        // The good date still reads the same after the rejection, and the bad one is rejected again.
        var again = Parse(parser, $"{good},5,1.0");
        Assert.Equal(ParseStatus.Parsed, again.Status);
        Assert.Equal(goodTicks, again.Price.TimestampTicks);
        Assert.Equal("bad_date", Parse(parser, $"{bad},6,1.0").Reason.Code);
    }

    [Fact]
    public void ParseStream_BadDateBetweenGoodOnes_DeadLetterKeepsLineNumber()
    {
        const string File = "date,hour,hoep\n2017-01-01,1,1.5\n2017-01-01,2,1.6\n2017-01-0l,3,1.7\n2017-01-01,4,1.8\n2017-01-02,1,1.9\n";
        var prices = new List<HourlyPrice>();
        var letters = new List<Reactive.Operators.DeadLetters.DeadLetter>();

        var counts = LineParsing.ParseStream(new MemoryStream(Encoding.UTF8.GetBytes(File)), new HourlyPriceParser(), "p.csv", prices.Add, letters.Add);

        Assert.Equal(new ParseCounts(6, 4, 1, 1), counts);
        Assert.Equal([1.5, 1.6, 1.8, 1.9], prices.Select(p => p.Price));
        var letter = Assert.Single(letters);
        Assert.Equal((4L, "bad_date", "date: expected yyyy-MM-dd", "2017-01-0l,3,1.7"), (letter.LineNumber, letter.Code, letter.Reason, letter.Raw));
    }

    [Fact]
    public void Parse_HeaderAfterByteOrderMark_IsSkipped()
    {
        var parser = new HourlyPriceParser();
        Assert.Equal(ParseStatus.Skipped, Parse(parser, "\uFEFFdate,hour,hoep\n").Status);
        var (status, _, reason) = Parse(parser, "\uFEFF2017-01-01,1,0.0");

        // A byte-order mark before a row is not skipped: the row is a dead letter that says why.
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(("bad_date", "date"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Parse_LeapDayHour24_IsTheLastHourOfTheDay()
    {
        // 2016-02-29 hour 24 = 23:00-24:00 EST = 04:00Z on 1 March.
        var (status, p, _) = Parse(new HourlyPriceParser(), "2016-02-29,24,-0.5");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(new DateTimeOffset(2016, 3, 1, 4, 0, 0, TimeSpan.Zero), p.Timestamp);
        Assert.Equal(-0.5, p.Price);
    }

    [Fact]
    public void Parse_LastHoursOfYear9999_InRangeOrBadDate()
    {
        // IESO EST is UTC-5: hour 19 (18:00-19:00 local) starts at 23:00Z on 9999-12-31, hour 20 at 00:00Z in year 10000.
        var parser = new HourlyPriceParser();
        var (status, p, _) = Parse(parser, "9999-12-31,19,1.5");
        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 0, 0, TimeSpan.Zero), p.Timestamp);

        var (rejected, _, reason) = Parse(parser, "9999-12-31,20,1.5");
        Assert.Equal(ParseStatus.Rejected, rejected);
        Assert.Equal(("bad_date", "date"), (reason.Code, reason.Field));
    }
}

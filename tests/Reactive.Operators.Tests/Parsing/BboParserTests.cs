using System.Text;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class BboParserTests
{
    private static long Utc(int y, int mo, int d, int h, int mi, int s, int ms = 0) =>
        new DateTimeOffset(y, mo, d, h, mi, s, ms, TimeSpan.Zero).Ticks;

    private static (ParseStatus Status, BboQuote Quote, DeadLetterReason Reason) Parse(BboParser parser, string line)
    {
        var status = parser.Parse(Encoding.UTF8.GetBytes(line), out var quote, out var reason);
        return (status, quote, reason);
    }

    [Fact]
    public void Parse_CourseLine_ReadsEveryField()
    {
        var (status, q, _) = Parse(new BboParser(), "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\r\n");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal("ITT", q.Symbol);
        // 09:30 EST (UTC−5) on 3 March 2014 is 14:30Z.
        Assert.Equal(Utc(2014, 3, 3, 14, 30, 0, 33), q.TimestampTicks);
        Assert.Equal(43.16, q.BidPrice);
        Assert.Equal('Z', q.BidExchange);
        Assert.Equal(1, q.BidSize);
        Assert.Equal(43.69, q.AskPrice);
        Assert.Equal('P', q.AskExchange);
        Assert.Equal(3, q.AskSize);
        Assert.Equal(new DateTimeOffset(2014, 3, 3, 14, 30, 0, 33, TimeSpan.Zero), q.Timestamp);
    }

    [Theory]
    [InlineData("ITT,03/07/2014,09:30:00.000,1,N,1,2,N,1", 2014, 3, 7, 14, 30)] // Friday before the switch: EST
    [InlineData("ITT,03/10/2014,09:30:00.000,1,N,1,2,N,1", 2014, 3, 10, 13, 30)] // Monday after the switch: EDT
    [InlineData("ITT,03/09/2014,01:59:59.000,1,N,1,2,N,1", 2014, 3, 9, 6, 59)] // last EST minute
    [InlineData("ITT,03/09/2014,02:30:00.000,1,N,1,2,N,1", 2014, 3, 9, 7, 30)] // in the gap: offset before the gap (EST)
    [InlineData("ITT,03/09/2014,03:00:00.000,1,N,1,2,N,1", 2014, 3, 9, 7, 0)] // first EDT time
    [InlineData("ITT,11/02/2014,01:30:00.000,1,N,1,2,N,1", 2014, 11, 2, 5, 30)] // overlap: first occurrence (EDT)
    [InlineData("ITT,11/02/2014,02:30:00.000,1,N,1,2,N,1", 2014, 11, 2, 7, 30)] // after the overlap: EST
    public void Parse_NewYorkDst_ConvertsToUtc(string line, int y, int mo, int d, int h, int mi)
    {
        var (status, q, _) = Parse(new BboParser(), line);

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(Utc(y, mo, d, h, mi, line.Contains("01:59:59", StringComparison.Ordinal) ? 59 : 0), q.TimestampTicks);
    }

    [Fact]
    public void Parse_SameParserAcrossDstSwitch_UsesEachHoursOffset()
    {
        var parser = new BboParser();
        var before = Parse(parser, "ITT,03/07/2014,15:59:59.999,1,N,1,2,N,1").Quote;
        var after = Parse(parser, "ITT,03/10/2014,09:30:00.000,1,N,1,2,N,1").Quote;

        Assert.Equal(Utc(2014, 3, 7, 20, 59, 59, 999), before.TimestampTicks);
        Assert.Equal(Utc(2014, 3, 10, 13, 30, 0), after.TimestampTicks);
    }

    [Theory]
    [InlineData("09:30:00", 0)]
    [InlineData("09:30:00.1", 1_000_000)]
    [InlineData("09:30:00.12", 1_200_000)]
    [InlineData("09:30:00.123", 1_230_000)]
    [InlineData("09:30:00.1234567", 1_234_567)]
    [InlineData("9:30:00.5", 5_000_000)]
    public void Parse_FractionDigits_ReadsTicks(string time, long fractionTicks)
    {
        var (status, q, _) = Parse(new BboParser(), $"ITT,03/03/2014,{time},1,N,1,2,N,1");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(Utc(2014, 3, 3, 14, 30, 0) + fractionTicks, q.TimestampTicks);
    }

    [Theory]
    [InlineData("Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n")]
    [InlineData("Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size")]
    [InlineData("")]
    [InlineData("\r\n")]
    [InlineData("   ")]
    [InlineData("symbol,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3")] // a header-named first field, with a quote's shape after it
    [InlineData("\uFEFFSymbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n")] // `cat` of files saved with a byte-order mark
    public void Parse_HeaderOrBlank_IsSkipped(string line)
    {
        Assert.Equal(ParseStatus.Skipped, Parse(new BboParser(), line).Status);
    }

    [Fact]
    public void Parse_RepeatedHeaderInTheMiddle_IsSkipped()
    {
        var parser = new BboParser();
        Assert.Equal(ParseStatus.Parsed, Parse(parser, "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3").Status);
        Assert.Equal(ParseStatus.Skipped, Parse(parser, "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size").Status);
        Assert.Equal(ParseStatus.Parsed, Parse(parser, "ITT,03/03/2014,09:30:00.038,43.17,P,3,43.69,P,3").Status);
    }

    [Theory]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P", "field_count", "")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3,9", "field_count", "")]
    [InlineData("ITT,03/03/2014,09:30:00.033,4x.16,Z,1,43.69,P,3", "bad_number", "Bid Price")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,one,43.69,P,3", "bad_number", "Bid Size")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,-3", "bad_number", "Ask Size")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,NaN,P,3", "non_finite", "Ask Price")]
    [InlineData("ITT,03/03/2014,09:30:00.033,Infinity,Z,1,43.69,P,3", "non_finite", "Bid Price")]
    [InlineData("ITT,03/03/2014,09:30:00.033,1e999,Z,1,43.69,P,3", "non_finite", "Bid Price")]
    [InlineData("ITT,2014-03-03,09:30:00.033,43.16,Z,1,43.69,P,3", "bad_date", "Date")]
    [InlineData("ITT,02/30/2014,09:30:00.033,43.16,Z,1,43.69,P,3", "bad_date", "Date")]
    [InlineData("ITT,03/03/2014,25:30:00.033,43.16,Z,1,43.69,P,3", "bad_time", "Time")]
    [InlineData("ITT,03/03/2014,09:30,43.16,Z,1,43.69,P,3", "bad_time", "Time")]
    [InlineData("ITT,03/03/2014,09:30:00.12345678,43.16,Z,1,43.69,P,3", "bad_time", "Time")]
    [InlineData(",03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3", "missing_field", "Symbol")]
    [InlineData("ITT,03/03/2014,09:30:00.033,,Z,1,43.69,P,3", "missing_field", "Bid Price")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,ZZ,1,43.69,P,3", "bad_value", "Bid Exchange")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,,3", "missing_field", "Ask Exchange")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,", "missing_field", "Ask Size")]
    [InlineData("ITT,3/3/2014,09:30:00.033,43.16,Z,1,43.69,P,x", "bad_number", "Ask Size")]
    public void Parse_BadLine_IsRejectedWithCodeAndField(string line, string code, string field)
    {
        var (status, _, reason) = Parse(new BboParser(), line);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(code, reason.Code);
        Assert.Equal(field, reason.Field);
        if (field.Length > 0)
        {
            Assert.StartsWith(field, reason.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_ConstantSymbol_ReusesTheSameString()
    {
        var parser = new BboParser();
        var a = Parse(parser, "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3").Quote;
        var b = Parse(parser, "ITT,03/03/2014,09:30:00.038,43.17,P,3,43.69,P,3").Quote;
        var c = Parse(parser, "XYZ,03/03/2014,09:30:00.038,43.17,P,3,43.69,P,3").Quote;

        Assert.Same(a.Symbol, b.Symbol);
        Assert.Equal("XYZ", c.Symbol);

        // A bad row with another symbol between two good ones does not displace the kept string.
        var d = Parse(parser, "ITT,03/03/2014,09:30:00.039,43.17,P,3,43.69,P,3").Quote;
        Assert.Equal(ParseStatus.Rejected, Parse(parser, "XYZ,03/03/2014,09:30:00.039,bad,P,3,43.69,P,3").Status);
        Assert.Same(d.Symbol, Parse(parser, "ITT,03/03/2014,09:30:00.040,43.17,P,3,43.69,P,3").Quote.Symbol);
        Assert.Equal(ParseStatus.Rejected, Parse(parser, "XYZ,3/3/2014,09:30:00.040,43.17,P,3,43.69,P,-3").Status); // general path
        Assert.Same(d.Symbol, Parse(parser, "ITT,03/03/2014,09:30:00.041,43.17,P,3,43.69,P,3").Quote.Symbol);
    }

    [Fact]
    public void Parse_CharOverload_MatchesByteOverload()
    {
        const string Line = "ITT,03/03/2014,09:30:00.151,43.3,P,6,43.42,P,4\r";
        var parser = new BboParser();
        Assert.Equal(ParseStatus.Parsed, parser.Parse(Line.AsSpan(), out var fromChars, out _));
        Assert.Equal(ParseStatus.Parsed, parser.Parse(Encoding.UTF8.GetBytes(Line), out var fromBytes, out _));
        Assert.Equal(fromBytes, fromChars);
        Assert.Equal(43.42 - 43.3, fromChars.Spread, 12);
    }

    [Fact]
    public void Parse_OtherZone_UsesIt()
    {
        var parser = new BboParser(new BboParserOptions { TimeZone = TimeZoneInfo.Utc });
        var (_, q, _) = Parse(parser, "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3");
        Assert.Equal(Utc(2014, 3, 3, 9, 30, 0, 33), q.TimestampTicks);
    }

    [Fact]
    public void Parse_HappyPath_DoesNotAllocate()
    {
        var parser = new BboParser();
        byte[] line = "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\r\n"u8.ToArray();
        parser.Parse(line, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            parser.Parse(line, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ToDeadLetter_KeepsLineNumberCodeReasonAndRawWithoutLineEnd()
    {
        var parser = new BboParser();
        const string Line = "ITT,03/03/2014,09:30:00.033,43.16,Z,1,oops,P,3\r\n";
        parser.Parse(Line.AsSpan(), out _, out var reason);

        var letter = reason.ToDeadLetter("file.csv", 42, Line);

        Assert.Equal(new Reactive.Operators.DeadLetters.DeadLetter("file.csv", 42, "bad_number", "Ask Price: is not a number", "ITT,03/03/2014,09:30:00.033,43.16,Z,1,oops,P,3"), letter);
    }

    [Theory]
    [InlineData("\u00e9")] // two bytes a character: the byte cut (4 per kept character) ends inside the field
    [InlineData("x")]
    public void ToDeadLetter_LongUtf8Line_RawIsItsFirst512CharactersAndAnEllipsis(string filler)
    {
        string line = "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P," + string.Concat(Enumerable.Repeat(filler, 3000));
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\r\n");
        var parser = new BboParser();

        Assert.Equal(ParseStatus.Rejected, parser.Parse(bytes, out _, out var reason));
        var letter = reason.ToDeadLetter("q.csv", 9, bytes);

        Assert.Equal(("q.csv", 9L, "bad_number", "Ask Size: is not a non-negative integer"), (letter.Source, letter.LineNumber, letter.Code, letter.Reason));
        Assert.Equal(line[..512] + "\u2026", letter.Raw);
    }

    [Theory]
    [InlineData("America/New_York", "12/31/9999,19:00:00.000", false)] // 19:00 EST = 24:00Z, past DateTime.MaxValue
    [InlineData("America/New_York", "12/31/9999,18:59:59.999", true)] // 23:59:59.999Z
    [InlineData("America/New_York", "12/31/9999,9:00:00.5", true)] // general path: 14:00:00.5Z
    [InlineData("Asia/Tokyo", "01/01/0001,08:59:59.999", false)] // before 00:00Z of year 1 (Tokyo is 9 h or more ahead)
    [InlineData("Asia/Tokyo", "01/01/0001,10:00:00.000", true)]
    public void Parse_InstantOutsideDateTimeRange_IsBadDateNotAQuoteThatThrowsLater(string zoneId, string dateTime, bool inRange)
    {
        var parser = new BboParser(new BboParserOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zoneId) });
        var local = DateTime.ParseExact(dateTime, ["MM/dd/yyyy,HH:mm:ss.fff", "MM/dd/yyyy,H:mm:ss.f"], System.Globalization.CultureInfo.InvariantCulture);
        long utcTicks = local.Ticks - TimeZoneInfo.FindSystemTimeZoneById(zoneId).GetUtcOffset(local).Ticks;
        Assert.Equal(inRange, utcTicks >= 0 && utcTicks <= DateTime.MaxValue.Ticks);

        var (status, q, reason) = Parse(parser, $"ITT,{dateTime},43.16,Z,1,43.69,P,3");

        if (inRange)
        {
            Assert.Equal(ParseStatus.Parsed, status);
            Assert.Equal(utcTicks, q.Timestamp.Ticks);
        }
        else
        {
            Assert.Equal(ParseStatus.Rejected, status);
            Assert.Equal(("bad_date", "Date"), (reason.Code, reason.Field));
        }
    }

    [Fact]
    public void Parse_DateChangesMidFile_EachLineGetsItsOwnDay()
    {
        // Early March 2014 and 2015 are before the DST switch: New York is UTC−5 on every one of these days.
        var parser = new BboParser();
        (string Line, long Utc)[] cases =
        [
            ("ITT,03/03/2014,09:30:00.033,1,N,1,2,N,1", Utc(2014, 3, 3, 14, 30, 0, 33)),
            ("ITT,03/03/2014,15:59:59.999,1,N,1,2,N,1", Utc(2014, 3, 3, 20, 59, 59, 999)),
            ("ITT,03/04/2014,09:30:00.000,1,N,1,2,N,1", Utc(2014, 3, 4, 14, 30, 0)),
            ("ITT,03/03/2014,10:00:00.000,1,N,1,2,N,1", Utc(2014, 3, 3, 15, 0, 0)), // back to an earlier day
            ("ITT,03/03/2015,10:00:00.000,1,N,1,2,N,1", Utc(2015, 3, 3, 15, 0, 0)), // differs only in the last byte
            ("ITT,3/3/2015,10:00:00.000,1,N,1,2,N,1", Utc(2015, 3, 3, 15, 0, 0)), // same day, one-digit month and day
            ("ITT,03/03/2015,11:00:00.000,1,N,1,2,N,1", Utc(2015, 3, 3, 16, 0, 0)),
            ("ITT,12/31/2014,09:30:00.000,1,N,1,2,N,1", Utc(2014, 12, 31, 14, 30, 0)),
            ("ITT,01/01/2015,09:30:00.000,1,N,1,2,N,1", Utc(2015, 1, 1, 14, 30, 0)),
        ];

        foreach (var (line, utc) in cases)
        {
            var (status, q, _) = Parse(parser, line);
            Assert.Equal(ParseStatus.Parsed, status);
            Assert.Equal(utc, q.TimestampTicks);
        }
    }

    [Theory]
    [InlineData("03/03/2014", "03/03/201x")] // last byte
    [InlineData("03/03/2014", "03/03/20140")] // one byte longer
    [InlineData("03/03/2014", "03/03/201")] // one byte shorter
    [InlineData("03/31/2014", "03/32/2014")] // no such day
    [InlineData("02/28/2014", "02/29/2014")] // no such day in a common year
    [InlineData("12/01/2014", "13/01/2014")] // no such month
    [InlineData("03/03/2014", "03-03-2014")]
    [InlineData("03/03/2014", "03/03/2014 ")]
    [InlineData("03/03/2014", "03/03/+014")]
    [InlineData("03/03/2014", "03/03/0000")]
    public void Parse_BadDateRightAfterGoodOne_IsRejectedAndCacheStaysGood(string good, string bad)
    {
        var parser = new BboParser();
        string goodLine = $"ITT,{good},09:30:00.000,1,N,1,2,N,1";
        string badLine = $"ITT,{bad},09:30:00.000,1,N,1,2,N,1";
        long goodTicks = Parse(new BboParser(), goodLine).Quote.TimestampTicks;

        Assert.Equal(ParseStatus.Parsed, Parse(parser, goodLine).Status);
        var (status, _, reason) = Parse(parser, badLine);
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal("bad_date", reason.Code);
        Assert.Equal("Date", reason.Field);

        // The good date still reads the same after the rejection, and the bad one is rejected again.
        var again = Parse(parser, goodLine);
        Assert.Equal(ParseStatus.Parsed, again.Status);
        Assert.Equal(goodTicks, again.Quote.TimestampTicks);
        Assert.Equal("bad_date", Parse(parser, badLine).Reason.Code);
    }

    [Fact]
    public void ParseStream_MixedLines_DeadLettersKeepCodesFieldsAndLineNumbers()
    {
        const string File =
            "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n" +
            "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\r\n" +
            "ITT,03/03/2O14,09:30:00.034,43.16,Z,1,43.69,P,3\r\n" + // letter O in the year
            "ITT,03/03/2014,09:30:00.035,43.16,Z,1,43.69,P,3\r\n" +
            "ITT,03/03/2014,09:30:60.000,43.16,Z,1,43.69,P,3\r\n" +
            "ITT,03/04/2014,9:30:00.5,43.16,Z,1,43.69,P,3\r\n" +
            "ITT,03/04/2014,09:30:00.036\r\n";
        var quotes = new List<BboQuote>();
        var letters = new List<Reactive.Operators.DeadLetters.DeadLetter>();

        var counts = LineParsing.ParseStream(new MemoryStream(Encoding.UTF8.GetBytes(File)), new BboParser(), "q.csv", quotes.Add, letters.Add);

        Assert.Equal(new ParseCounts(7, 3, 1, 3), counts);
        Assert.Equal([Utc(2014, 3, 3, 14, 30, 0, 33), Utc(2014, 3, 3, 14, 30, 0, 35), Utc(2014, 3, 4, 14, 30, 0, 500)], quotes.Select(q => q.TimestampTicks));
        Assert.Equal(
            [(3L, "bad_date", "Date: expected MM/dd/yyyy"), (5L, "bad_time", "Time: expected HH:mm:ss.fff"), (7L, "field_count", "expected 9 fields: Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size")],
            letters.Select(l => (l.LineNumber, l.Code, l.Reason)));
    }

    [Theory]
    [InlineData(" ITT")] // padded: would group as a symbol of its own
    [InlineData("ITT ")]
    [InlineData("   ")] // only spaces: in effect no symbol
    [InlineData("\"ITT\"")] // quoted CSV: the format has no quoting
    [InlineData("IT\uFFFD")] // a byte the source could not decode
    [InlineData("I\tT")]
    [InlineData("\uFEFFITT")] // a byte-order mark before a quote
    public void Parse_MangledSymbol_IsRejectedAsBadValue(string symbol)
    {
        var parser = new BboParser();
        string line = $"{symbol},03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3";

        var fromBytes = Parse(parser, line);
        var status = parser.Parse(line.AsSpan(), out _, out var fromChars);

        Assert.Equal(ParseStatus.Rejected, fromBytes.Status);
        Assert.Equal("bad_value", fromBytes.Reason.Code);
        Assert.Equal("Symbol", fromBytes.Reason.Field);
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(fromBytes.Reason, fromChars);
    }

    [Fact]
    public void Parse_InvalidUtf8InSymbol_IsRejectedNotDecodedToReplacementChar()
    {
        var parser = new BboParser();
        byte[] line = [.. "IT"u8, 0xFF, .. ",03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3"u8];

        var status = parser.Parse(line, out _, out var reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(("bad_value", "Symbol"), (reason.Code, reason.Field));
        // The next good line, and a symbol with the punctuation real tickers use, still parse.
        Assert.Equal("ITT", Parse(parser, "ITT,03/03/2014,09:30:00.034,43.16,Z,1,43.69,P,3").Quote.Symbol);
        Assert.Equal("BRK.B", Parse(parser, "BRK.B,03/03/2014,09:30:00.035,43.16,Z,1,43.69,P,3").Quote.Symbol);
        Assert.Equal("BF-B/W", Parse(parser, "BF-B/W,03/03/2014,09:30:00.036,43.16,Z,1,43.69,P,3").Quote.Symbol);
        Assert.Equal("BRK B", Parse(parser, "BRK B,03/03/2014,09:30:00.037,43.16,Z,1,43.69,P,3").Quote.Symbol); // a vendor's spelling
    }

    [Theory]
    [InlineData("ITT,03/03/2014,09:30:00.033,-43.16,Z,1,43.69,P,3", "Bid Price")]
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,-0.01,P,3", "Ask Price")]
    [InlineData("ITT,03/03/2014,9:30:00.033,-1e2,Z,1,43.69,P,3", "Bid Price")] // general path (one-digit hour)
    public void Parse_NegativePrice_IsRejectedAsBadNumber(string line, string field)
    {
        var (status, _, reason) = Parse(new BboParser(), line);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(("bad_number", field, $"{field}: is negative"), (reason.Code, reason.Field, reason.Reason));
    }

    [Fact]
    public void Parse_ZeroBid_IsAQuote()
    {
        // No bid at all is quoted as 0 by some feeds: zero is a price, only below zero is not.
        var (status, q, _) = Parse(new BboParser(), "ITT,03/03/2014,09:30:00.033,0,Z,0,43.69,P,3");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(0.0, q.BidPrice);
        Assert.Equal(43.69, q.Spread, 12);
    }

    [Theory]
    [InlineData("11/02/2014,00:59:59.999", 2014, 11, 2, 4, 59, 59, 999)] // EDT, the hour before the overlap
    [InlineData("11/02/2014,01:00:00.000", 2014, 11, 2, 5, 0, 0, 0)] // the overlap starts: first occurrence, EDT
    [InlineData("11/02/2014,01:59:59.999", 2014, 11, 2, 5, 59, 59, 999)] // still the first occurrence
    [InlineData("11/02/2014,02:00:00.000", 2014, 11, 2, 7, 0, 0, 0)] // EST from here: no UTC time 06:00-07:00 is produced
    [InlineData("03/09/2014,02:00:00.000", 2014, 3, 9, 7, 0, 0, 0)] // the gap starts: EST, the same instant as 03:00 EDT
    [InlineData("03/09/2014,02:59:59.999", 2014, 3, 9, 7, 59, 59, 999)] // the end of the gap, still EST
    [InlineData("03/09/2014,03:00:00.000", 2014, 3, 9, 7, 0, 0, 0)] // EDT: the same instant as 02:00 of the gap
    public void Parse_NewYorkDstEdges_FollowTheDocumentedRule(string dateTime, int y, int mo, int d, int h, int mi, int s, int ms)
    {
        // Worked out by hand: EDT = UTC-4, EST = UTC-5; a gap time takes EST, an ambiguous time EDT (as java.time does).
        var parser = new BboParser();
        var fast = Parse(parser, $"ITT,{dateTime},1,N,1,2,N,1");
        var general = Parse(new BboParser(), $"ITT,{dateTime.Replace(",0", ",", StringComparison.Ordinal)},1,N,1,2,N,1");

        Assert.Equal(ParseStatus.Parsed, fast.Status);
        Assert.Equal(Utc(y, mo, d, h, mi, s, ms), fast.Quote.TimestampTicks);
        Assert.Equal(fast.Quote, general.Quote);
    }
}

using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class JsonLinesRowParserTests
{
    private static readonly RowSchema Bitcoin = new(
        new SchemaField("timestamp", FieldType.Timestamp) { Required = true, TimestampFormat = "yyyy-MM-ddTHH:mm:ss" },
        new SchemaField("euro_rate", FieldType.Double) { Required = true },
        new SchemaField("usd_rate", FieldType.Double) { Required = true },
        new SchemaField("gbp_rate", FieldType.Double),
        new SchemaField("note", FieldType.String),
        new SchemaField("n", FieldType.Long),
        new SchemaField("flag", FieldType.Bool));

    private static (ParseStatus Status, Row Row, DeadLetterReason Reason) Parse(string line)
    {
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = Bitcoin });
        var status = parser.Parse(line.AsSpan(), out var row, out var reason);
        return (status, row, reason);
    }

    [Fact]
    public void Parse_CourseShape_ReadsEveryField()
    {
        var (status, row, _) = Parse("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":50123.5,\"usd_rate\":58800.25,\"gbp_rate\":42700}");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(new DateTimeOffset(2021, 4, 1, 12, 0, 5, TimeSpan.Zero), row.GetTimestamp("timestamp"));
        Assert.Equal(50123.5, row.GetDouble("euro_rate"));
        Assert.Equal(58800.25, row.GetDouble("usd_rate"));
        Assert.Equal(42700, row.GetDouble("gbp_rate"));
    }

    [Fact]
    public void Parse_ExtraNestedAndEscapedFields_AreIgnoredOrUnescaped()
    {
        var (status, row, _) = Parse("{\"x\":{\"a\":[1,2,{\"b\":null}]},\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":\"1.5\",\"usd_rate\":2,\"note\":\"a\\\"b\\u00e9\",\"n\":7,\"flag\":true,\"y\":[]}");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(1.5, row.GetDouble("euro_rate"));
        Assert.Equal("a\"bé", row.GetString("note"));
        Assert.Equal(7, row.GetLong("n"));
        Assert.True(row.GetBool("flag"));
    }

    [Fact]
    public void Parse_MissingOrNullOptionalField_IsNull()
    {
        var (status, row, _) = Parse("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":1,\"usd_rate\":2,\"gbp_rate\":null}");
        Assert.Equal(ParseStatus.Parsed, status);
        Assert.True(row.IsNull("gbp_rate"));
        Assert.True(row.IsNull("note"));
        Assert.False(row.TryGetDouble(Bitcoin.IndexOf("gbp_rate"), out _));
    }

    [Theory]
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":1}", "missing_field", "usd_rate")]
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":null,\"usd_rate\":2}", "missing_field", "euro_rate")]
    [InlineData("{\"timestamp\":\"2021-04-01 12:00:05\",\"euro_rate\":1,\"usd_rate\":2}", "bad_date", "timestamp")]
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":\"cheap\",\"usd_rate\":2}", "bad_number", "euro_rate")]
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":\"NaN\",\"usd_rate\":2}", "non_finite", "euro_rate")]
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":1,\"usd_rate\":2,\"n\":1.5}", "bad_number", "n")]
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":[1],\"usd_rate\":2}", "bad_value", "euro_rate")]
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":1,", "bad_json", "")]
    [InlineData("[1,2]", "bad_json", "")]
    [InlineData("{\"euro_rate\":1} {\"usd_rate\":2}", "bad_json", "")]
    [InlineData("not json", "bad_json", "")]
    public void Parse_BadLine_IsRejected(string line, string code, string field)
    {
        var (status, _, reason) = Parse(line);
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(code, reason.Code);
        Assert.Equal(field, reason.Field);
    }

    [Fact]
    public void Parse_BlankLine_IsSkipped() => Assert.Equal(ParseStatus.Skipped, Parse("  \r\n").Status);

    [Theory]
    [InlineData(true)] // escaped: the reader refuses to unescape it and used to throw InvalidOperationException
    [InlineData(false)] // plain: it used to be decoded to U+FFFD silently
    public void Parse_InvalidUtf8InString_IsADeadLetterNotAnException(bool escaped)
    {
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = Bitcoin });
        byte[] line = [.. "{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":1,\"usd_rate\":2,\"note\":\""u8, .. (escaped ? "\\u0041"u8 : "A"u8), 0xFF, .. "\"}"u8];

        var status = parser.Parse(line, out _, out var reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(("bad_value", "note"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Parse_LoneSurrogateEscape_IsADeadLetter()
    {
        var (status, _, reason) = Parse("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":1,\"usd_rate\":2,\"note\":\"\\ud800\"}");

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(("bad_value", "note"), (reason.Code, reason.Field));
    }

    [Fact]
    public void ParseStream_BadUtf8Line_OthersStillParse()
    {
        byte[] good = "{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":1,\"usd_rate\":2}\n"u8.ToArray();
        byte[] bad = [.. "{\"timestamp\":\"2021-04-01T12:00:06\",\"euro_rate\":1,\"usd_rate\":2,\"note\":\"\\n"u8, 0xC3, .. "\"}\n"u8];
        var rows = new List<Row>();
        var letters = new List<Reactive.Operators.DeadLetters.DeadLetter>();

        var counts = LineParsing.ParseStream(new MemoryStream([.. good, .. bad, .. good]), new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = Bitcoin }), "rates", rows.Add, letters.Add);

        Assert.Equal(new ParseCounts(3, 2, 0, 1), counts);
        Assert.Equal((2L, "bad_value"), (letters.Single().LineNumber, letters.Single().Code));
    }

    [Theory]
    // A bare time of day: the framework would date it today, from the machine's clock; not an event time.
    [InlineData("iso", "12:00:05", false)]
    [InlineData("iso", "12:00:05Z", false)]
    [InlineData("HH:mm:ss", "12:00:05", false)]
    // Formats the schema accepts read their text.
    [InlineData("yyyy-MM-ddTHH:mm:ss", "2001-02-03T04:05:06", true)]
    [InlineData("o", "2001-02-03T04:05:06.0000000", true)]
    [InlineData("M/d/yyyy h:mm:ss tt", "2/3/2001 4:05:06 AM", true)]
    public void Parse_TimestampFormats_ReadADatedTimeOrRejectABareOne(string format, string text, bool dated)
    {
        var schema = new RowSchema(new SchemaField("t", FieldType.Timestamp) { TimestampFormat = format });
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = schema });

        var status = parser.Parse($"{{\"t\":\"{text}\"}}".AsSpan(), out var row, out var reason);

        if (dated)
        {
            Assert.Equal(ParseStatus.Parsed, status);
            Assert.Equal(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero), row.GetTimestamp("t"));
        }
        else
        {
            Assert.Equal(ParseStatus.Rejected, status);
            Assert.Equal(("bad_date", "t"), (reason.Code, reason.Field));
        }
    }

    [Fact]
    public void Parse_LocalTimestampPastYear9999InUtc_IsBadDate()
    {
        var schema = new RowSchema(new SchemaField("t", FieldType.Timestamp) { TimestampFormat = "yyyy-MM-ddTHH:mm:ss", TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York") });
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = schema });

        // 18:59:59 EST = 23:59:59Z is the last second there is; 19:00 EST is not.
        Assert.Equal(ParseStatus.Parsed, parser.Parse("{\"t\":\"9999-12-31T18:59:59\"}".AsSpan(), out var row, out _));
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), row.GetTimestamp("t"));
        Assert.Equal(ParseStatus.Rejected, parser.Parse("{\"t\":\"9999-12-31T19:00:00\"}".AsSpan(), out _, out var reason));
        Assert.Equal(("bad_date", "t"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Parse_IsoWithDate_StillReads()
    {
        var schema = new RowSchema(new SchemaField("t", FieldType.Timestamp) { TimestampFormat = "iso" });
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = schema });

        Assert.Equal(ParseStatus.Parsed, parser.Parse("{\"t\":\"2021-04-01T12:00:05-04:00\"}".AsSpan(), out var row, out _));
        Assert.Equal(new DateTimeOffset(2021, 4, 1, 16, 0, 5, TimeSpan.Zero), row.GetTimestamp("t"));
    }
}

using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class CsvRowParserTests
{
    private static readonly RowSchema Schema = new(
        new SchemaField("name", FieldType.String) { Required = true },
        new SchemaField("qty", FieldType.Long),
        new SchemaField("price", FieldType.Double) { Required = true },
        new SchemaField("ok", FieldType.Bool),
        new SchemaField("at", FieldType.Timestamp) { TimestampFormat = "yyyy-MM-dd HH:mm:ss", TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York") });

    private static (ParseStatus Status, Row Row, DeadLetterReason Reason) Parse(CsvRowParser parser, string line)
    {
        var status = parser.Parse(line.AsSpan(), out var row, out var reason);
        return (status, row, reason);
    }

    [Fact]
    public void Parse_NoHeader_ReadsFieldsInSchemaOrder()
    {
        var (status, row, _) = Parse(new CsvRowParser(new CsvRowParserOptions { Schema = Schema }), "apple,3,1.25,true,2014-03-10 09:30:00\r\n");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal("apple", row.GetString("name"));
        Assert.Equal(3, row.GetLong("qty"));
        Assert.Equal(1.25, row.GetDouble("price"));
        Assert.True(row.GetBool("ok"));
        Assert.Equal(new DateTimeOffset(2014, 3, 10, 13, 30, 0, TimeSpan.Zero), row.GetTimestamp("at"));
        Assert.Equal(3.0, row.GetDouble("qty"));
    }

    [Fact]
    public void Parse_QuotedFields_UnescapesDoubledQuotesAndKeepsCommas()
    {
        var (status, row, _) = Parse(new CsvRowParser(new CsvRowParserOptions { Schema = Schema }), "\"Smith, \"\"Jr\"\"\",\"7\",2.5,,");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal("Smith, \"Jr\"", row.GetString("name"));
        Assert.Equal(7, row.GetLong("qty"));
        Assert.True(row.IsNull("ok"));
        Assert.True(row.IsNull("at"));
        Assert.Null(row["at"]);
    }

    [Fact]
    public void Parse_Header_MapsColumnsByNameIgnoresExtrasAndSkipsRepeats()
    {
        var parser = new CsvRowParser(new CsvRowParserOptions { Schema = Schema, HasHeader = true });

        Assert.Equal(ParseStatus.Skipped, Parse(parser, "price,extra,name").Status);
        var (status, row, _) = Parse(parser, "9.5,ignored,pear");
        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal("pear", row.GetString("name"));
        Assert.Equal(9.5, row.GetDouble("price"));
        Assert.True(row.IsNull("qty"));
        Assert.Equal(ParseStatus.Skipped, Parse(parser, "price,extra,name").Status);
        Assert.Equal(ParseStatus.Parsed, Parse(parser, "1,x,fig").Status);
    }

    [Theory]
    [InlineData("apple,3,1.25,true", "field_count", "")]
    [InlineData("apple,3,1.25,true,2014-03-10 09:30:00,x", "field_count", "")]
    [InlineData("apple,3.5,1.25,true,", "bad_number", "qty")]
    [InlineData("apple,3,cheap,true,", "bad_number", "price")]
    [InlineData("apple,3,NaN,true,", "non_finite", "price")]
    [InlineData("apple,3,1.25,maybe,", "bad_value", "ok")]
    [InlineData("apple,3,1.25,true,10/03/2014", "bad_date", "at")]
    [InlineData(",3,1.25,true,", "missing_field", "name")]
    [InlineData("apple,3,,true,", "missing_field", "price")]
    [InlineData("\"apple,3,1.25,true,", "bad_csv", "")]
    [InlineData("\"apple\"x,3,1.25,true,", "bad_csv", "")]
    public void Parse_BadLine_IsRejected(string line, string code, string field)
    {
        var (status, _, reason) = Parse(new CsvRowParser(new CsvRowParserOptions { Schema = Schema }), line);
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(code, reason.Code);
        Assert.Equal(field, reason.Field);
    }

    [Fact]
    public void Parse_UnixTimestamps_AreUtc()
    {
        var schema = new RowSchema(
            new SchemaField("s", FieldType.Timestamp) { TimestampFormat = SchemaField.UnixSecondsFormat },
            new SchemaField("ms", FieldType.Timestamp) { TimestampFormat = SchemaField.UnixMillisecondsFormat },
            new SchemaField("iso", FieldType.Timestamp));
        var (status, row, _) = Parse(new CsvRowParser(new CsvRowParserOptions { Schema = schema }), "1497168381,1497168381250,2017-06-11T08:06:21+02:00");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(new DateTimeOffset(2017, 6, 11, 8, 6, 21, TimeSpan.Zero), row.GetTimestamp("s"));
        Assert.Equal(new DateTimeOffset(2017, 6, 11, 8, 6, 21, 250, TimeSpan.Zero), row.GetTimestamp("ms"));
        Assert.Equal(new DateTimeOffset(2017, 6, 11, 6, 6, 21, TimeSpan.Zero), row.GetTimestamp("iso"));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("x")]
    public void Schema_TimestampFormatDotNetCannotRead_ThrowsNamingTheField(string format)
    {
        // Before, the schema was accepted and every row's parse threw FormatException, ending the pipeline.
        var e = Assert.Throws<ArgumentException>(() => new RowSchema(new SchemaField("at", FieldType.Timestamp) { TimestampFormat = format }));
        Assert.Equal("fields[at].TimestampFormat", e.ParamName);
    }

    [Fact]
    public void Schema_DuplicateName_Throws() =>
        Assert.Throws<ArgumentException>(() => new RowSchema(new SchemaField("a", FieldType.Long), new SchemaField("a", FieldType.Double)));

    [Fact]
    public void Row_WrongTypeOrNull_Throws()
    {
        var (_, row, _) = Parse(new CsvRowParser(new CsvRowParserOptions { Schema = Schema }), "apple,,1.25,,");
        Assert.Throws<InvalidOperationException>(() => row.GetString("price"));
        Assert.Throws<InvalidOperationException>(() => row.GetLong("qty"));
        Assert.Throws<KeyNotFoundException>(() => row.GetLong("nope"));
    }

    [Fact]
    public void Parse_HeaderAfterByteOrderMark_MapsItsFirstColumn()
    {
        // Before, the first column was named "\uFEFFprice", matched no field, and every row's price was silently null.
        var schema = new RowSchema(new SchemaField("price", FieldType.Double), new SchemaField("name", FieldType.String));
        var parser = new CsvRowParser(new CsvRowParserOptions { Schema = schema, HasHeader = true });

        Assert.Equal(ParseStatus.Skipped, Parse(parser, "\uFEFFprice,name").Status);
        var (status, row, _) = Parse(parser, "9.5,pear");
        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(9.5, row.GetDouble("price"));
        Assert.Equal(ParseStatus.Skipped, Parse(parser, "price,name").Status);
        Assert.Equal(ParseStatus.Skipped, Parse(parser, "\uFEFFprice,name").Status);
    }

    [Fact]
    public void Parse_HeaderNamingNoSchemaField_IsRejectedAndTheNextLineIsTriedAsHeader()
    {
        // A headerless file read with HasHeader, or a broken header: before, the first line was silently taken as the
        // header and every later row read as nulls (both fields here are optional).
        var schema = new RowSchema(new SchemaField("price", FieldType.Double), new SchemaField("name", FieldType.String));
        var parser = new CsvRowParser(new CsvRowParserOptions { Schema = schema, HasHeader = true });

        var (first, _, reason) = Parse(parser, "9.5,pear");
        Assert.Equal(ParseStatus.Rejected, first);
        Assert.Equal("bad_csv", reason.Code);
        Assert.Equal(ParseStatus.Rejected, Parse(parser, "\"price,name").Status); // unterminated: not a header either
        Assert.Equal(ParseStatus.Skipped, Parse(parser, "Price,name").Status); // names one field: the header
        var (status, row, _) = Parse(parser, "9.5,pear");
        Assert.Equal(ParseStatus.Parsed, status);
        Assert.True(row.IsNull("price"));
        Assert.Equal("pear", row.GetString("name"));
    }

    [Fact]
    public void Parse_InvalidUtf8InStringField_IsRejected()
    {
        var parser = new CsvRowParser(new CsvRowParserOptions { Schema = Schema });
        byte[] line = [.. "app"u8, 0xE9, .. "le,3,1.25,true,"u8]; // Latin-1 é

        var status = parser.Parse(line, out _, out var reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(("bad_value", "name"), (reason.Code, reason.Field));
        Assert.Equal(ParseStatus.Parsed, parser.Parse("appl\u00e9,3,1.25,true,".AsSpan(), out var row, out _));
        Assert.Equal("appl\u00e9", row.GetString("name"));
    }

    [Theory]
    [InlineData("\"apple\",\"3\",\"1.25\",\"true\",\"2014-03-10 09:30:00\"")]
    [InlineData("apple,3,1.25,TRUE,2014-03-10 09:30:00")]
    [InlineData("apple,+3,1.25e0,1,2014-03-10 09:30:00")]
    public void Parse_EquivalentSpellings_ReadTheSameRow(string line)
    {
        var (status, row, _) = Parse(new CsvRowParser(new CsvRowParserOptions { Schema = Schema }), line);

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.Equal(("apple", 3L, 1.25, true), (row.GetString("name"), row.GetLong("qty"), row.GetDouble("price"), row.GetBool("ok")));
        // 09:30 EDT (10 March 2014, the day after the switch) = 13:30Z.
        Assert.Equal(new DateTimeOffset(2014, 3, 10, 13, 30, 0, TimeSpan.Zero), row.GetTimestamp("at"));
    }
}

using System.Reactive;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Parsing;

/// <summary>
/// <see cref="MistypedFieldHandling.Null"/>: Spark's <c>from_json</c> (PERMISSIVE, partial results): a value that does not
/// fit its declared type is null and the rest of the row is kept, each such field told; a line that is not one JSON
/// object, or whose required field is mistyped, is still a dead letter.
/// </summary>
public sealed class MistypedFieldTests
{
    // The bitcoin kind's schema: only the event time is required.
    private static readonly RowSchema Rates = new(
        new SchemaField("timestamp", FieldType.Timestamp) { Required = true, TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss" },
        new SchemaField("euro_rate", FieldType.Double),
        new SchemaField("usd_rate", FieldType.Double),
        new SchemaField("gbp_rate", FieldType.Double),
        new SchemaField("n", FieldType.Long),
        new SchemaField("flag", FieldType.Bool),
        new SchemaField("note", FieldType.String),
        new SchemaField("seen", FieldType.Timestamp) { TimestampFormat = "iso" });

    private const string Time = "\"timestamp\":\"2021-04-01T12:00:05\"";

    private static (ParseStatus Status, Row Row, DeadLetterReason Reason, List<DeadLetterReason> Nulled) Parse(string line, MistypedFieldHandling mode = MistypedFieldHandling.Null)
    {
        var nulled = new List<DeadLetterReason>();
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = Rates, MistypedFields = mode, FieldNulled = nulled.Add });
        var status = parser.Parse(line.AsSpan(), out var row, out var reason);
        return (status, row, reason, nulled);
    }

    [Theory]
    [InlineData("\"euro_rate\":\"abc\"", "euro_rate", "bad_number")]
    [InlineData("\"euro_rate\":true", "euro_rate", "bad_number")]
    [InlineData("\"euro_rate\":\"NaN\"", "euro_rate", "non_finite")]
    [InlineData("\"euro_rate\":1e999", "euro_rate", "non_finite")]
    [InlineData("\"euro_rate\":{\"value\":1,\"nested\":[1,{\"x\":2}]}", "euro_rate", "bad_value")]
    [InlineData("\"euro_rate\":[1,[2]]", "euro_rate", "bad_value")]
    [InlineData("\"n\":1.5", "n", "bad_number")]
    [InlineData("\"n\":\"99999999999999999999\"", "n", "bad_number")]
    [InlineData("\"flag\":\"maybe\"", "flag", "bad_value")]
    [InlineData("\"note\":{}", "note", "bad_value")]
    [InlineData("\"note\":\"\\ud800\"", "note", "bad_value")]
    [InlineData("\"seen\":\"yesterday\"", "seen", "bad_date")]
    [InlineData("\"seen\":\"12:00:05\"", "seen", "bad_date")]
    public void Parse_NullMode_MistypedField_IsNullTheRestKeptAndTold(string value, string field, string code)
    {
        // The mistyped value is in the middle: the fields before and after it are read.
        var (status, row, _, nulled) = Parse($"{{{Time},\"usd_rate\":2.5,{value},\"gbp_rate\":1.25}}");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.True(row.IsNull(field));
        Assert.Equal(new DateTimeOffset(2021, 4, 1, 12, 0, 5, TimeSpan.Zero), row.GetTimestamp("timestamp"));
        Assert.Equal(2.5, row.GetDouble("usd_rate"));
        Assert.Equal(1.25, row.GetDouble("gbp_rate"));
        var told = Assert.Single(nulled);
        Assert.Equal((code, field), (told.Code, told.Field));
    }

    [Fact]
    public void Parse_NullMode_InvalidUtf8String_IsNull()
    {
        var nulled = new List<DeadLetterReason>();
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = Rates, MistypedFields = MistypedFieldHandling.Null, FieldNulled = nulled.Add });
        byte[] line = [.. "{\"timestamp\":\"2021-04-01T12:00:05\",\"note\":\"A"u8, 0xFF, .. "\",\"euro_rate\":3}"u8];

        Assert.Equal(ParseStatus.Parsed, parser.Parse(line, out var row, out _));
        Assert.True(row.IsNull("note"));
        Assert.Equal(3, row.GetDouble("euro_rate"));
        Assert.Equal(("bad_value", "note"), (nulled.Single().Code, nulled.Single().Field));
    }

    [Fact]
    public void Parse_NullMode_SeveralMistypedFields_EachToldInOrder()
    {
        var (status, row, _, nulled) = Parse($"{{{Time},\"euro_rate\":\"x\",\"usd_rate\":\"Infinity\",\"gbp_rate\":[],\"n\":7}}");

        Assert.Equal(ParseStatus.Parsed, status);
        Assert.True(row.IsNull("euro_rate") && row.IsNull("usd_rate") && row.IsNull("gbp_rate"));
        Assert.Equal(7, row.GetLong("n"));
        Assert.Equal([("euro_rate", "bad_number"), ("usd_rate", "non_finite"), ("gbp_rate", "bad_value")], nulled.Select(r => (r.Field, r.Code)));
    }

    [Theory]
    [InlineData("{\"timestamp\":\"yesterday\",\"euro_rate\":1}", "bad_date", "timestamp")]
    [InlineData("{\"timestamp\":{\"t\":1},\"euro_rate\":1}", "bad_value", "timestamp")]
    [InlineData("{\"timestamp\":null,\"euro_rate\":1}", "missing_field", "timestamp")]
    [InlineData("{\"euro_rate\":1}", "missing_field", "timestamp")]
    public void Parse_NullMode_RequiredFieldMistypedOrMissing_RejectsWithItsCode(string line, string code, string field)
    {
        var (status, _, reason, nulled) = Parse(line);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal((code, field), (reason.Code, reason.Field));
        Assert.Empty(nulled);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    // A field nulled before the line turns out malformed: the line is one dead letter, no field is told.
    [InlineData("{\"timestamp\":\"2021-04-01T12:00:05\",\"euro_rate\":\"abc\",\"usd_rate\":")]
    [InlineData("{\"euro_rate\":\"abc\"} {\"usd_rate\":2}")]
    public void Parse_NullMode_NotOneJsonObject_IsStillBadJson(string line)
    {
        var (status, _, reason, nulled) = Parse(line);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal("bad_json", reason.Code);
        Assert.Empty(nulled);
    }

    [Fact]
    public void Parse_RejectedLineThenGoodLine_OnlyTheGoodLinesFieldsAreTold()
    {
        var nulled = new List<DeadLetterReason>();
        var parser = new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = Rates, MistypedFields = MistypedFieldHandling.Null, FieldNulled = nulled.Add });

        Assert.Equal(ParseStatus.Rejected, parser.Parse("{\"euro_rate\":\"a\",\"timestamp\":\"no\"}".AsSpan(), out _, out _));
        Assert.Equal(ParseStatus.Parsed, parser.Parse($"{{{Time},\"usd_rate\":\"b\"}}".AsSpan(), out _, out _));

        Assert.Equal(["usd_rate"], nulled.Select(r => r.Field));
    }

    [Theory]
    [InlineData("\"euro_rate\":\"abc\"", "bad_number")]
    [InlineData("\"euro_rate\":{\"v\":1}", "bad_value")]
    [InlineData("\"seen\":\"yesterday\"", "bad_date")]
    public void Parse_RejectMode_MistypedField_RejectsTheLine(string value, string code)
    {
        var (status, _, reason, nulled) = Parse($"{{{Time},{value}}}", MistypedFieldHandling.Reject);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(code, reason.Code);
        Assert.Empty(nulled);
    }

    [Fact]
    public void Options_RejectIsTheDefault_AndAnUndefinedValueIsRefused()
    {
        Assert.Equal(MistypedFieldHandling.Reject, new JsonLinesRowParserOptions().MistypedFields);
        Assert.Equal(MistypedFieldHandling.Reject, new CsvRowParserOptions().MistypedFields);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = Rates, MistypedFields = (MistypedFieldHandling)7 }));
        Assert.Equal("MistypedFields", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvRowParser(new CsvRowParserOptions { Schema = Rates, MistypedFields = (MistypedFieldHandling)7 }));
    }

    [Fact]
    public void CsvParse_NullMode_MistypedField_IsNullAndTold_AFieldCountErrorStillRejects()
    {
        var nulled = new List<DeadLetterReason>();
        var schema = new RowSchema(
            new SchemaField("t", FieldType.Timestamp) { Required = true, TimestampFormat = "unix_s" },
            new SchemaField("price", FieldType.Double),
            new SchemaField("amount", FieldType.Double));
        var parser = new CsvRowParser(new CsvRowParserOptions { Schema = schema, MistypedFields = MistypedFieldHandling.Null, FieldNulled = nulled.Add });

        Assert.Equal(ParseStatus.Parsed, parser.Parse("1497168381,abc,0.5".AsSpan(), out var row, out _));
        Assert.True(row.IsNull("price"));
        Assert.Equal(0.5, row.GetDouble("amount"));
        Assert.Equal(ParseStatus.Rejected, parser.Parse("1497168381,abc,0.5,extra".AsSpan(), out _, out var reason));
        Assert.Equal("field_count", reason.Code);
        Assert.Equal(ParseStatus.Rejected, parser.Parse("soon,1,0.5".AsSpan(), out _, out reason));
        Assert.Equal(("bad_date", "t"), (reason.Code, reason.Field));

        Assert.Equal([("price", "bad_number")], nulled.Select(r => (r.Field, r.Code)));
    }

    [Fact]
    public void ParseJsonLines_NullMode_RowsDeadLettersAndNulledFieldsAtTheirTimes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-d-e-|", new Dictionary<char, string>
        {
            ['a'] = $"{{{Time},\"euro_rate\":1.5}}",
            ['b'] = $"{{{Time},\"euro_rate\":\"abc\",\"usd_rate\":2}}",
            ['c'] = "not json",
            ['d'] = "{\"timestamp\":\"soon\",\"euro_rate\":1}",
            ['e'] = $"{{{Time},\"euro_rate\":{{\"v\":1}},\"gbp_rate\":\"NaN\"}}",
        });
        var deadLetters = scheduler.CreateObserver<DeadLetter>();
        var nulled = scheduler.CreateObserver<string>();
        var options = new JsonLinesRowParserOptions
        {
            Schema = Rates,
            MistypedFields = MistypedFieldHandling.Null,
            FieldNulled = r => nulled.OnNext($"{r.Field} {r.Code}"),
        };

        var observer = scheduler.Start(() => xs.ParseJsonLines(options, deadLetters).Select(r => r.IsNull("euro_rate") ? "null" : r.GetDouble("euro_rate").ToString(System.Globalization.CultureInfo.InvariantCulture)));

        observer.Messages.AssertEqual(
            OnNext(210, "1.5"),
            OnNext(230, "null"),
            OnNext(290, "null"),
            OnCompleted<string>(310));
        deadLetters.Messages.AssertEqual(
            OnNext<DeadLetter>(250, d => d.LineNumber == 3 && d.Code == "bad_json" && d.Raw == "not json"),
            OnNext<DeadLetter>(270, d => d.LineNumber == 4 && d.Code == "bad_date" && d.Reason == "timestamp: does not match the timestamp format"));
        nulled.Messages.AssertEqual(
            OnNext(230, "euro_rate bad_number"),
            OnNext(290, "euro_rate bad_value"),
            OnNext(290, "gbp_rate non_finite"));
        xs.Subscriptions.AssertEqual(Subscribe(200, 310));
    }
}

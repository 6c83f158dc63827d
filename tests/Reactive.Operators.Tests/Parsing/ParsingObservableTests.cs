using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class ParsingObservableTests
{
    [Fact]
    public void ParseBbo_MixedLines_SplitsRowsAndDeadLettersWithLineNumbers()
    {
        var lines = new Subject<string>();
        var letters = new List<DeadLetter>();
        var quotes = new List<BboQuote>();
        bool completed = false;
        using var _ = lines.ParseBbo(null, Observer.Create<DeadLetter>(letters.Add)).Subscribe(quotes.Add, () => completed = true);

        lines.OnNext("Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n");
        lines.OnNext("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\r\n");
        lines.OnNext("ITT,03/03/2014,09:30:00.038,43.17,P,3,43.69,P\r\n");
        lines.OnNext("ITT,03/03/2014,09:30:00.039,43.17,P,4,43.69,P,3\r\n");
        lines.OnCompleted();

        Assert.Equal([43.16, 43.17], quotes.Select(q => q.BidPrice));
        var letter = Assert.Single(letters);
        Assert.Equal(("bbo", 3L, "field_count"), (letter.Source, letter.LineNumber, letter.Code));
        Assert.Equal("ITT,03/03/2014,09:30:00.038,43.17,P,3,43.69,P", letter.Raw);
        Assert.True(completed);
    }

    [Fact]
    public void ParseLines_ParserThrows_SendsOnErrorAndStops()
    {
        var lines = new Subject<string>();
        Exception? error = null;
        int rows = 0;
        using var _ = lines.ParseLines(() => new ThrowingParser(), "x", Observer.Create<DeadLetter>(_ => { }))
            .Subscribe(_ => rows++, e => error = e);

        lines.OnNext("boom");
        lines.OnNext("more");

        Assert.IsType<InvalidOperationException>(error);
        Assert.Equal(0, rows);
    }

    [Fact]
    public void ParseHourlyPrices_EachSubscriptionNumbersItsOwnLines()
    {
        var source = new[] { "date,hour,hoep", "2017-01-01,99,1.0" }.ToObservable();
        var letters = new List<DeadLetter>();
        var parsed = source.ParseHourlyPrices(null, Observer.Create<DeadLetter>(letters.Add));

        parsed.Subscribe(_ => { });
        parsed.Subscribe(_ => { });

        Assert.Equal([2L, 2L], letters.Select(l => l.LineNumber));
        Assert.All(letters, l => Assert.Equal("bad_hour", l.Code));
    }

    [Fact]
    public void ParseBbo_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => Observable.Empty<string>().ParseBbo(null, null!));
        Assert.Throws<ArgumentNullException>(() => ((IObservable<string>)null!).ParseBbo(null, Observer.Create<DeadLetter>(_ => { })));
    }

    [Fact]
    public void ParseLines_RecordsWithOriginAndNumber_DeadLettersNameThem()
    {
        var lines = new[] { ("a.csv", 41L, "2017-01-01,1,1.0"), ("a.csv", 42L, "2017-01-01,1,oops") }.ToObservable();
        var letters = new List<DeadLetter>();
        var prices = new List<Located<HourlyPrice>>();

        lines.ParseLines(l => l.Item3, l => l.Item1, l => l.Item2, () => new HourlyPriceParser(), Observer.Create<DeadLetter>(letters.Add)).Subscribe(prices.Add);

        Assert.Equal(1.0, Assert.Single(prices).Value.Price);
        Assert.Equal(new LinePosition("a.csv", 41, "2017-01-01,1,1.0"), prices[0].Position);
        var letter = Assert.Single(letters);
        Assert.Equal(("a.csv", 42L, "bad_number", "hoep: is not a number"), (letter.Source, letter.LineNumber, letter.Code, letter.Reason));
    }

    [Fact]
    public void ParseJsonLines_Rows_AreTyped()
    {
        var schema = new RowSchema(new SchemaField("usd_rate", FieldType.Double) { Required = true });
        var letters = new List<DeadLetter>();
        var rows = new List<Row>();

        new[] { "{\"usd_rate\":1.5}", "{}", "{\"usd_rate\":2}" }.ToObservable()
            .ParseJsonLines(new JsonLinesRowParserOptions { Schema = schema }, Observer.Create<DeadLetter>(letters.Add))
            .Subscribe(rows.Add);

        Assert.Equal([1.5, 2.0], rows.Select(r => r.GetDouble("usd_rate")));
        Assert.Equal(("jsonl", 2L, "missing_field"), (letters.Single().Source, letters.Single().LineNumber, letters.Single().Code));
    }

    private sealed class ThrowingParser : ILineParser<int>
    {
        public ParseStatus Parse(ReadOnlySpan<byte> line, out int value, out DeadLetterReason reason) => throw new InvalidOperationException("bug");

        public ParseStatus Parse(ReadOnlySpan<char> line, out int value, out DeadLetterReason reason) => throw new InvalidOperationException("bug");
    }
}

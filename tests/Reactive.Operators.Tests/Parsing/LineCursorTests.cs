using System.Reactive;
using System.Reactive.Subjects;
using System.Text;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

/// <summary>The cursor names, while a row goes downstream, the line the row came from: for the byte and the text paths.</summary>
public class LineCursorTests
{
    // Header (1), a row (2), a blank line (3), a bad hour (4), a row (5), a too-long line (6), a row (7).
    private const string Prices = "date,hour,hoep\n2017-01-01,1,10.5\n\n2017-01-01,25,1\n2017-01-01,2,11\r\n2017-01-01,3,99999999999\n2017-01-01,4,12\n";

    [Fact]
    public void ParseStream_WithCursor_EachRowSeesItsOwnLineNumberAndText()
    {
        var cursor = new LineCursor();
        var seen = new List<(double Price, string Source, long Line, string Raw)>();
        var letters = new List<DeadLetter>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Prices));

        LineParsing.ParseStream(
            stream,
            new HourlyPriceParser(),
            "p.csv",
            row =>
            {
                var letter = cursor.ToDeadLetter("late", "test");
                seen.Add((row.Price, cursor.Source, cursor.LineNumber, letter.Raw));
            },
            letters.Add,
            maxLineLength: 20,
            cursor: cursor);

        Assert.Equal(
            [(10.5, "p.csv", 2L, "2017-01-01,1,10.5"), (11, "p.csv", 5L, "2017-01-01,2,11"), (12, "p.csv", 7L, "2017-01-01,4,12")],
            seen);
        Assert.Equal([4L, 6L], letters.Select(l => l.LineNumber));
    }

    [Fact]
    public void ParseLines_WithCursor_NamesTheRecordsOriginAndNumber()
    {
        var cursor = new LineCursor();
        var lines = new Subject<(string Text, string Origin, long Number)>();
        var seen = new List<DeadLetter>();
        using var _ = lines
            .ParseLines(l => l.Text, l => l.Origin, l => l.Number, () => new HourlyPriceParser(), Observer.Create<DeadLetter>(_ => { }), cursor)
            .Subscribe(_ => seen.Add(cursor.ToDeadLetter("out_of_order", "older than the newest price")));

        lines.OnNext(("date,hour,hoep", "a.csv", 1));
        lines.OnNext(("2017-01-01,1,10.5\r\n", "a.csv", 41));
        lines.OnNext(("2017-01-01,x,1", "a.csv", 42));
        lines.OnNext(("2017-01-01,2,3", "b.csv", 7));

        Assert.Equal(
            [new DeadLetter("a.csv", 41, "out_of_order", "older than the newest price", "2017-01-01,1,10.5"),
             new DeadLetter("b.csv", 7, "out_of_order", "older than the newest price", "2017-01-01,2,3")],
            seen);
    }

    [Fact]
    public void ToDeadLetter_LongLine_KeepsWhatADeadLetterKeeps()
    {
        var cursor = new LineCursor();
        var line = "x," + new string('é', 3000);

        cursor.Set("big.csv", 9, Encoding.UTF8.GetBytes(line));
        var fromBytes = cursor.ToDeadLetter("late", "r");
        cursor.Set("big.csv", 9, line);
        var fromText = cursor.ToDeadLetter("late", "r");

        Assert.Equal(DeadLetter.Truncate(line), fromText.Raw);
        Assert.Equal(fromText.Raw, fromBytes.Raw);
        Assert.Equal(DeadLetter.MaxRawLength + 1, fromBytes.Raw.Length);
    }

    [Fact]
    public void ToDeadLetter_BeforeAnyRow_IsEmptyAndLineZero()
    {
        var letter = new LineCursor().ToDeadLetter("late", "r");

        Assert.Equal(new DeadLetter("", 0, "late", "r", ""), letter);
    }
}

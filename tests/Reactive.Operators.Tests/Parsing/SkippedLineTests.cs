using System.Reactive;
using System.Reactive.Linq;
using System.Text;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

/// <summary>Every line is a row, a dead letter or a skipped line (blank or header), told apart.</summary>
public sealed class SkippedLineTests
{
    private const string Header = "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size";

    private static readonly string[] Lines =
    [
        "\uFEFF" + Header,                                           // 1 header after a byte-order mark
        "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3",          // 2 row
        string.Empty,                                                 // 3 blank
        " \t ",                                                       // 4 blank (spaces and a tab)
        "ITT,03/03/2014,09:30:00.038,43.17,P,3,43.69,P",            // 5 field_count
        "symbol,date,time,bid,bex,bsize,ask,aex,asize",              // 6 header again (any case), as in a concatenation
        "ITT,03/03/2014,09:30:00.039,43.17,P,4,43.69,P,3\r",        // 7 row (CR kept by the source)
        "\r",                                                         // 8 blank
        "ITT,03/03/2014,09:30:00.040,abc,P,4,43.69,P,3",            // 9 bad number
    ];

    [Fact]
    public void ParseLines_WithSkippedObserver_TellsBlankFromHeaderWithTheirLines()
    {
        var skipped = new List<SkippedLine>();
        var letters = new List<DeadLetter>();
        var rows = new List<Located<BboQuote>>();

        Lines.Select((text, i) => (Text: text, Number: i + 1L)).ToObservable()
            .ParseLines(l => l.Text, _ => "feed", l => l.Number, () => new BboParser(), Observer.Create<DeadLetter>(letters.Add), Observer.Create<SkippedLine>(skipped.Add))
            .Subscribe(rows.Add);

        Assert.Equal([2L, 7L], rows.Select(r => r.Position.Line));
        Assert.Equal([5L, 9L], letters.Select(l => l.LineNumber));
        Assert.Equal(
            [new("feed", 1, SkipReason.Header), new("feed", 3, SkipReason.Blank), new("feed", 4, SkipReason.Blank), new("feed", 6, SkipReason.Header), new SkippedLine("feed", 8, SkipReason.Blank)],
            skipped);
        Assert.Equal(Lines.Length, rows.Count + letters.Count + skipped.Count);
    }

    [Fact]
    public void ParseLines_WithoutSkippedObserver_BehavesAsBefore()
    {
        var letters = new List<DeadLetter>();
        var rows = new List<Located<BboQuote>>();

        Lines.Select((text, i) => (Text: text, Number: i + 1L)).ToObservable()
            .ParseLines(l => l.Text, _ => "feed", l => l.Number, () => new BboParser(), Observer.Create<DeadLetter>(letters.Add), skipped: null)
            .Subscribe(rows.Add);

        Assert.Equal(2, rows.Count);
        Assert.Equal(2, letters.Count);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(" \t\r\n", true)]
    [InlineData("Symbol", false)]
    [InlineData(" x ", false)]
    public void IsBlank_CharsAndBytes_Agree(string line, bool blank)
    {
        Assert.Equal(blank, SkippedLine.IsBlank(line.AsSpan()));
        Assert.Equal(blank, SkippedLine.IsBlank(Encoding.UTF8.GetBytes(line)));
    }
}

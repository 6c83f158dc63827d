using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Parsing;

/// <summary>Each parsed row carries the line it came from, on the byte and the text paths, across threads and schedulers.</summary>
public class LinePositionTests
{
    // Header (1), a row (2), a blank line (3), a bad hour (4), a row (5), a too-long line (6), a row (7).
    private const string Prices = "date,hour,hoep\n2017-01-01,1,10.5\n\n2017-01-01,25,1\n2017-01-01,2,11\r\n2017-01-01,3,99999999999\n2017-01-01,4,12\n";

    private static readonly string[] PriceLines = Prices.Split('\n')[..^1];

    private static readonly Observer<DeadLetter> Ignore = new();

    [Fact]
    public void ParseStream_RowHandler_EachRowGetsItsSourceAndLineAcrossHeaderBlankAndRejectedLines()
    {
        var rows = new Recorder();
        var source = "p.csv";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Prices));

        var counts = LineParsing.ParseStream(stream, new HourlyPriceParser(), source, ref rows, maxLineLength: 20);

        Assert.Equal([(10.5, 2L), (11, 5L), (12, 7L)], rows.Seen.Select(r => (r.Value.Price, r.Position.Line)));
        Assert.All(rows.Seen, r => Assert.Same(source, r.Position.Source));
        Assert.All(rows.Seen, r => Assert.Null(r.Position.Text));
        Assert.Equal([4L, 6L], rows.Letters.Select(l => l.LineNumber));
        Assert.Equal(new ParseCounts(7, 3, 2, 2), counts);
    }

    [Fact]
    public void ParseFile_RowHandler_PositionsNameThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lineposition-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, Prices);
        try
        {
            var rows = new Recorder();

            LineParsing.ParseFile(path, new HourlyPriceParser(), ref rows, maxLineLength: 20);

            Assert.Equal([(path, 2L), (path, 5L), (path, 7L)], rows.Seen.Select(r => (r.Position.Source, r.Position.Line)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ParseLines_Records_EachRowCarriesItsOriginNumberAndTextByReference()
    {
        var lines = new Subject<(string Text, string Origin, long Number)>();
        var seen = new List<Located<HourlyPrice>>();
        var row = "2017-01-01,1,10.5\r\n";
        using var _ = lines
            .ParseLines(l => l.Text, l => l.Origin, l => l.Number, () => new HourlyPriceParser(), Ignore)
            .Subscribe(seen.Add);

        lines.OnNext(("date,hour,hoep", "a.csv", 1));
        lines.OnNext((row, "a.csv", 41));
        lines.OnNext(("2017-01-01,x,1", "a.csv", 42));
        lines.OnNext(("2017-01-01,2,3", "b.csv", 7));

        Assert.Equal([("a.csv", 41L), ("b.csv", 7L)], seen.Select(l => (l.Position.Source, l.Position.Line)));
        Assert.Same(row, seen[0].Position.Text);
        Assert.Equal(
            new DeadLetter("a.csv", 41, "out_of_order", "older than the newest price", "2017-01-01,1,10.5"),
            seen[0].Position.ToDeadLetter("out_of_order", "older than the newest price", "ignored"));
    }

    [Fact]
    public async Task ParseLines_ObserveOnEventLoop_EachRowStillNamesItsOwnLine()
    {
        // The cursor this replaces named the line parsed last, not the row's, once a scheduler sat between the two.
        using var loop = new EventLoopScheduler();
        // Line 6 is a row here (no line length bound on this path).
        var records = PriceLines.Select((text, i) => (Text: text, Number: i + 1L)).ToObservable();

        var seen = await records
            .ParseLines(l => l.Text, _ => "p.csv", l => l.Number, () => new HourlyPriceParser(), Ignore)
            .ObserveOn(loop)
            .Select(l => (l.Value.Price, l.Position.Line, l.Position.Text))
            .ToList();

        Assert.Equal(
            [(10.5, 2L, "2017-01-01,1,10.5"), (11, 5L, "2017-01-01,2,11\r"), (99999999999, 6L, "2017-01-01,3,99999999999"), (12, 7L, "2017-01-01,4,12")],
            seen);
    }

    [Fact]
    public void ParseLines_ObserveOnTestScheduler_RowsArriveLaterWithTheirOwnLines()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(
            OnNext(210, "date,hour,hoep"),
            OnNext(220, "2017-01-01,1,10.5"),
            OnNext(221, ""),
            OnNext(222, "2017-01-01,25,1"),
            OnNext(223, "2017-01-01,2,11"),
            OnCompleted<string>(230));

        // Every row is delivered after all lines are parsed: only a position that travels with its row can name the line.
        var results = scheduler.Start(() => lines
            .Select((text, i) => (Text: text, Number: i + 1L))
            .ParseLines(l => l.Text, _ => "hot", l => l.Number, () => new HourlyPriceParser(), Ignore)
            .Delay(TimeSpan.FromTicks(100), scheduler)
            .Select(l => l.Position.ToDeadLetter("late", "r", default).ToString()));

        results.Messages.AssertEqual(
            OnNext(320, new DeadLetter("hot", 2, "late", "r", "2017-01-01,1,10.5").ToString()),
            OnNext(323, new DeadLetter("hot", 5, "late", "r", "2017-01-01,2,11").ToString()),
            OnCompleted<string>(330));
    }

    [Fact]
    public void ToDeadLetter_NoText_UsesTheRenderingCutAsTheParserCuts()
    {
        var long_ = "x," + new string('é', 3000);
        var withText = new LinePosition("big.csv", 9, long_ + "\r\n");
        var withoutText = new LinePosition("big.csv", 9, null);

        var fromText = withText.ToDeadLetter("late", "r", "not used");
        var fromRendering = withoutText.ToDeadLetter("late", "r", long_);
        var short_ = withoutText.ToDeadLetter("late", "r", "2017-01-01 01:00,10.5\n");

        Assert.Equal(DeadLetter.Truncate(long_), fromText.Raw);
        Assert.Equal(fromText, fromRendering);
        Assert.Equal(DeadLetter.MaxRawLength + 1, fromRendering.Raw.Length);
        Assert.Equal(new DeadLetter("big.csv", 9, "late", "r", "2017-01-01 01:00,10.5"), short_);
    }

    [Fact]
    public void ToDeadLetter_LocatedRow_RendersOnlyWithoutText()
    {
        var rendered = 0;
        string Render(int v)
        {
            rendered++;
            return $"row {v}";
        }

        var fromBytes = new Located<int>(5, new LinePosition("f", 3, null)).ToDeadLetter("c", "r", Render);
        var fromText = new Located<int>(5, new LinePosition("f", 3, "five")).ToDeadLetter("c", "r", Render);

        Assert.Equal(new DeadLetter("f", 3, "c", "r", "row 5"), fromBytes);
        Assert.Equal(new DeadLetter("f", 3, "c", "r", "five"), fromText);
        Assert.Equal(1, rendered);
    }

    [Fact]
    public void ToDeadLetter_NullArguments_Throw()
    {
        var p = new LinePosition("f", 1, null);

        Assert.Throws<ArgumentNullException>(() => p.ToDeadLetter(null!, "r", default));
        Assert.Throws<ArgumentNullException>(() => p.ToDeadLetter("c", null!, default));
        Assert.Throws<ArgumentNullException>(() => new Located<int>(1, p).ToDeadLetter("c", "r", null!));
    }

    private struct Recorder() : IRowHandler<HourlyPrice>
    {
        public List<Located<HourlyPrice>> Seen { get; } = [];

        public List<DeadLetter> Letters { get; } = [];

        public readonly void OnRow(in HourlyPrice row, in LinePosition position) => Seen.Add(new Located<HourlyPrice>(row, position));

        public readonly void OnDeadLetter(DeadLetter deadLetter) => Letters.Add(deadLetter);
    }

    private sealed class Observer<T> : IObserver<T>
    {
        public void OnNext(T value)
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}

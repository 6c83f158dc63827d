using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Operators.Spread;

namespace Reactive.Operators.Tests.Spread;

/// <summary>
/// The spread operator's rejections (late quotes) come out on its one side output with the row they concern, and the
/// row carries its line: with a thread hop (<c>ObserveOn</c>) between the parser and the operator, each rejection still
/// names the line it came from — the position travels with the row, nothing is shared between the stages.
/// </summary>
public sealed class SpreadSideOutputTests
{
    // Header (1); 09:30:01 (2); 09:30:02.5 (3); late: 09:30:01.2 (4); 09:30:03 (5); late: 09:30:00.9 (6); 09:30:04 (7).
    private static readonly string[] Lines =
    [
        "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size",
        "ITT,03/03/2014,09:30:01.000,43.10,P,1,43.20,P,1",
        "ITT,03/03/2014,09:30:02.500,43.10,P,1,43.25,P,1",
        "ITT,03/03/2014,09:30:01.200,43.10,P,1,43.30,P,1",
        "ITT,03/03/2014,09:30:03.000,43.10,P,1,43.20,P,1",
        "ITT,03/03/2014,09:30:00.900,43.10,P,1,43.40,P,1",
        "ITT,03/03/2014,09:30:04.000,43.10,P,1,43.20,P,1",
    ];

    [Fact]
    public async Task Spread_ObserveOnBetweenParserAndOperator_EachRejectionNamesItsOwnLine()
    {
        using var loop = new EventLoopScheduler();
        var rejected = new List<Rejected<Located<BboQuote>>>();
        var records = Lines.Select((text, i) => (Text: text, Line: (long)i + 1)).ToObservable(ThreadPoolScheduler.Instance);

        var results = await records
            .ParseLines(r => r.Text, _ => "quotes.csv", r => r.Line, () => new BboParser(), Observer.Create<DeadLetter>(_ => Assert.Fail("no parse error expected")))
            .ObserveOn(loop)
            .Spread(new SpreadOptions { EmitMinutes = false }, q => q.Value.TimestampTicks, q => q.Value.BidPrice, q => q.Value.AskPrice, loop, Observer.Create<Rejected<Located<BboQuote>>>(rejected.Add))
            .ToList();

        Assert.Equal([4L, 6L], rejected.Select(r => r.Row.Position.Line));
        Assert.All(rejected, r => Assert.Equal(RejectionCodes.Late, r.Code));
        Assert.Equal([Lines[3], Lines[5]], rejected.Select(r => r.Row.Position.Text));
        Assert.Equal([43.30 - 43.10, 43.40 - 43.10], rejected.Select(r => r.Row.Value.AskPrice - r.Row.Value.BidPrice));
        Assert.Equal(4, results.Count); // the seconds 09:30:01 … 09:30:04, each once
    }
}

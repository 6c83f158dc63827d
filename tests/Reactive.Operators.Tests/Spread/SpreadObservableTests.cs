using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Spread;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Spread;

public sealed class SpreadObservableTests
{
    private const long S = TimeSpan.TicksPerSecond;
    private const long M = TimeSpan.TicksPerMinute;

    // Event times are in the quotes; virtual time is only when they arrive.
    private static Q Quote(double seconds, double bid, double ask) => new((long)Math.Round(seconds * S), bid, ask);

    private static IObservable<SpreadResult> SpreadOf(IObservable<Q> source, SpreadOptions? options = null, IObserver<Rejected<Q>>? rejected = null) =>
        source.Spread(options ?? new SpreadOptions(), q => q.T, q => q.Bid, q => q.Ask, DefaultScheduler.Instance, rejected);

    private static Func<SpreadResult, bool> Window(SpreadResultKind kind, long start, int count, double? last = null) =>
        r => r.Kind == kind && r.WindowStartTicks == start && r.Count == count && (last is null || r.Last == last);

    [Fact]
    public void Spread_Quotes_SecondsEmittedWhenFinalMinuteAtCompletion()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-d-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(0.2, 10.00, 10.02),
            ['b'] = Quote(0.7, 10.00, 10.04),
            ['c'] = Quote(1.0, 10.00, 10.01), // exactly on the boundary: second [1, 2)
            ['d'] = Quote(3.5, 10.00, 10.03), // second 2 stays empty: not emitted
        });

        var observer = scheduler.Start(() => SpreadOf(xs));

        observer.Messages.AssertEqual(
            OnNext(250, Window(SpreadResultKind.Second, 0, 2, last: 0.04)),
            OnNext(270, Window(SpreadResultKind.Second, S, 1, last: 0.01)),
            OnNext(290, Window(SpreadResultKind.Second, 3 * S, 1, last: 0.03)),
            OnNext(290, Window(SpreadResultKind.Minute, 0, 4, last: 0.03)),
            OnCompleted<SpreadResult>(290));
        xs.Subscriptions.AssertEqual(Subscribe(200, 290));
    }

    [Fact]
    public void Spread_QuoteForEmittedSecond_LateResultNotDropped()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(3.5, 10.00, 10.02),
            ['b'] = Quote(5.0, 10.00, 10.02),
            ['c'] = Quote(3.9, 10.00, 10.05),
        });

        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var observer = scheduler.Start(() => SpreadOf(xs, rejected: rejected));

        observer.Messages.AssertEqual(
            OnNext(230, Window(SpreadResultKind.Second, 3 * S, 1)),
            OnNext(270, Window(SpreadResultKind.Second, 5 * S, 1)),
            OnNext(270, Window(SpreadResultKind.Minute, 0, 2)),
            OnCompleted<SpreadResult>(270));
        rejected.Messages.AssertEqual(OnNext(250, new Rejected<Q>(
            Quote(3.9, 10.00, 10.05),
            "late",
            "quote at 0001-01-01T00:00:03.9Z is in second [0001-01-01T00:00:03Z, 0001-01-01T00:00:04Z), final since the watermark 0001-01-01T00:00:05Z reached its end; raise SpreadOptions.WatermarkDelay to accept it")));
    }

    [Fact]
    public void Spread_WatermarkDelay_WaitsForDelayBeforeEmitting()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-d-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(0.5, 10.00, 10.02),
            ['b'] = Quote(2.5, 10.00, 10.02), // watermark 0.5: nothing final
            ['c'] = Quote(0.9, 10.00, 10.04), // second 0 still open: counted
            ['d'] = Quote(3.0, 10.00, 10.02), // watermark 1.0: second 0 final
        });

        var observer = scheduler.Start(() => SpreadOf(xs, new SpreadOptions { WatermarkDelay = TimeSpan.FromSeconds(2) }));

        observer.Messages.AssertEqual(
            OnNext(270, Window(SpreadResultKind.Second, 0, 2, last: 0.04)),
            OnNext(290, Window(SpreadResultKind.Second, 2 * S, 1)),
            OnNext(290, Window(SpreadResultKind.Second, 3 * S, 1)),
            OnNext(290, Window(SpreadResultKind.Minute, 0, 4)),
            OnCompleted<SpreadResult>(290));
    }

    [Fact]
    public void Spread_BadPrice_ToTheRejectedOutput()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-|", new Dictionary<char, Q> { ['a'] = Quote(1, 0, 10.02) });

        var rejected = scheduler.CreateObserver<Rejected<Q>>();
        var observer = scheduler.Start(() => SpreadOf(xs, rejected: rejected));

        observer.Messages.AssertEqual(
            OnCompleted<SpreadResult>(230));
        rejected.Messages.AssertEqual(OnNext(210, new Rejected<Q>(Quote(1, 0, 10.02), "bad_price", "Bid 0 and ask 10.02 must both be positive finite prices.")));
    }

    [Fact]
    public void Spread_SourceError_PassedOnWithoutFlush()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("feed down");
        var xs = scheduler.Hot("-a-#", new Dictionary<char, Q> { ['a'] = Quote(1, 10.00, 10.02) }, error);

        var observer = scheduler.Start(() => SpreadOf(xs));

        observer.Messages.AssertEqual(OnError<SpreadResult>(230, error));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void Spread_Disposed_StopsWithoutFlush()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(1, 10.00, 10.02),
            ['b'] = Quote(2, 10.00, 10.02),
            ['c'] = Quote(3, 10.00, 10.02),
        });

        var observer = scheduler.Start(() => SpreadOf(xs), disposed: 245);

        observer.Messages.AssertEqual(OnNext(230, Window(SpreadResultKind.Second, S, 1)));
        xs.Subscriptions.AssertEqual(Subscribe(200, 245));
    }

    [Fact]
    public void Spread_SelectorThrows_OnErrorAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(1, 10.00, 10.02),
            ['b'] = Quote(2, 10.00, 10.02),
            ['c'] = Quote(3, 10.00, 10.02),
        });
        var boom = new FormatException("bad bid");

        var observer = scheduler.Start(() => xs.Spread(new SpreadOptions(), q => q.T, q => q.T == 2 * S ? throw boom : q.Bid, q => q.Ask));

        observer.Messages.AssertEqual(OnError<SpreadResult>(230, boom));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void Spread_RejectedObserverThrows_OnErrorAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(1, 10.00, 10.02),
            ['b'] = Quote(2, 0, 10.02), // bad price: to the rejected output, which throws
            ['c'] = Quote(3, 10.00, 10.02),
        });
        var boom = new InvalidOperationException("dead-letter store full");

        var observer = scheduler.Start(() => SpreadOf(xs, rejected: Observer.Create<Rejected<Q>>(_ => throw boom)));

        observer.Messages.AssertEqual(OnError<SpreadResult>(230, boom));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void Spread_PendingBoundExceeded_OnErrorNamingOption()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(1.1, 10.00, 10.02),
            ['b'] = Quote(1.2, 10.00, 10.02),
        });

        var observer = scheduler.Start(() => SpreadOf(xs, new SpreadOptions { MaxPendingQuotes = 1 }));

        observer.Messages.AssertEqual(
            OnError<SpreadResult>(230, e => e is InvalidOperationException && e.Message.Contains("SpreadOptions.MaxPendingQuotes", StringComparison.Ordinal)));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void Spread_OptionsChangedAfterCall_NoEffect()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(1, 10.00, 10.02),
            ['b'] = Quote(2, 10.00, 10.02),
        });
        var options = new SpreadOptions();

        var observer = scheduler.Start(() =>
        {
            var result = SpreadOf(xs, options);
            options.EmitSeconds = false;
            return result;
        });

        Assert.Equal(3, observer.Messages.Count(m => m.Value.HasValue));
    }

    [Fact]
    public void Spread_InvalidArguments_Throw()
    {
        var xs = Observable.Never<Q>();
        var options = new SpreadOptions();
        Assert.Throws<ArgumentNullException>(() => ((IObservable<Q>)null!).Spread(options, q => q.T, q => q.Bid, q => q.Ask));
        Assert.Throws<ArgumentNullException>(() => xs.Spread(null!, q => q.T, q => q.Bid, q => q.Ask));
        Assert.Throws<ArgumentNullException>(() => xs.Spread(options, null!, q => q.Bid, q => q.Ask));
        Assert.Throws<ArgumentNullException>(() => xs.Spread(options, q => q.T, null!, q => q.Ask));
        Assert.Throws<ArgumentNullException>(() => xs.Spread(options, q => q.T, q => q.Bid, null!));
        Assert.Throws<OptionValidationException>(() => xs.Spread(new SpreadOptions { WatermarkDelay = TimeSpan.FromSeconds(-1) }, q => q.T, q => q.Bid, q => q.Ask));
    }

    [Fact]
    public void QuoteSpreads_Quotes_OnePerQuote()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-|", new Dictionary<char, Q>
        {
            ['a'] = Quote(1, 43.16, 43.69),
            ['b'] = Quote(2, 43.3, 43.3),
        });

        var observer = scheduler.Start(() => xs.QuoteSpreads(q => q.T, q => q.Bid, q => q.Ask));

        observer.Messages.AssertEqual(
            OnNext<QuoteSpread>(210, q => q.Spread == 0.53 && !q.IsLocked && q.TimestampTicks == S),
            OnNext<QuoteSpread>(230, q => q.Spread == 0 && q.IsLocked),
            OnCompleted<QuoteSpread>(250));
    }

    [SharedDataFact("14081.csv")]
    public void Spread_CourseQuotesWithDelay_SameWindowsAsWithout()
    {
        // The file is in time order, so a watermark delay changes when windows are emitted, not what they hold.
        var quotes = SpreadRealDataTests.ReadQuotes(SharedData.PathOf("14081.csv"))
            .Select(q => new Q(q.Ticks, (double)q.Bid, (double)q.Ask))
            .ToList();
        var direct = quotes.ToObservable().Spread(new SpreadOptions(), q => q.T, q => q.Bid, q => q.Ask).ToList().Wait();
        var delayed = quotes.ToObservable().Spread(new SpreadOptions { WatermarkDelay = TimeSpan.FromMinutes(1) }, q => q.T, q => q.Bid, q => q.Ask).ToList().Wait();

        Assert.Equal(12_434 + 1_136, direct.Count);
        Assert.Equal(
            direct.Select(r => (r.Kind, r.WindowStartTicks, r.Count, r.Average, r.TimeWeightedAverage)).OrderBy(r => (r.WindowStartTicks, r.Kind)),
            delayed.Select(r => (r.Kind, r.WindowStartTicks, r.Count, r.Average, r.TimeWeightedAverage)).OrderBy(r => (r.WindowStartTicks, r.Kind)));
    }

    private sealed record Q(long T, double Bid, double Ask);
}

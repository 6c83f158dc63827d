using System.Reactive;
using System.Reactive.Linq;
using Reactive.Operators.Anomaly;
using Reactive.Operators.DeadLetters;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Anomaly;

public sealed class AnomalyObservableTests
{
    private static readonly long Day0 = new DateTime(2017, 1, 1).Ticks;

    private static P Price(int day, int hour, double price, string series = "") =>
        new(Day0 + (day * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour), hour, price, series);

    // 14 days of hour 5 alternating 10 and 12 (mean 11, sd sqrt(14/13)), one per 10 ticks from 210.
    private static List<Recorded<Notification<P>>> History(string series = "")
    {
        var list = new List<Recorded<Notification<P>>>();
        for (var d = 0; d < 14; d++)
        {
            list.Add(OnNext(210 + (d * 10), Price(d, 5, d % 2 == 0 ? 10 : 12, series)));
        }

        return list;
    }

    private static IObservable<AnomalyResult> Detect(IObservable<P> source, AnomalyOptions? options = null, IObserver<Rejected<P>>? rejected = null) =>
        source.DetectAnomalies(options ?? new AnomalyOptions(), p => p.T, p => p.Hour, p => p.Value, p => p.Series, rejected);

    [Fact]
    public void DetectAnomalies_PriceAboveThreshold_OnlyAnomalyEmitted()
    {
        var scheduler = new TestScheduler();
        var messages = History();
        messages.Add(OnNext(400, Price(14, 5, 13.08)));
        messages.Add(OnNext(410, Price(14, 6, 99))); // another hour: no history, not judged
        messages.Add(OnNext(420, Price(15, 5, 11)));
        messages.Add(OnCompleted<P>(430));
        var xs = scheduler.CreateHotObservable(messages.ToArray());

        var observer = scheduler.Start(() => Detect(xs));

        var sd = Math.Sqrt(14.0 / 13);
        observer.Messages.AssertEqual(
            OnNext<AnomalyResult>(400, r => r.IsAnomaly && r.Series == "" && r.Hour == 5 && r.Price == 13.08 && r.BaselineCount == 14
                && Math.Abs(r.BaselineMean!.Value - 11) < 1e-12 && Math.Abs(r.BaselineStdDev!.Value - sd) < 1e-12
                && Math.Abs(r.ZScore!.Value - ((13.08 - 11) / sd)) < 1e-12 && Math.Abs(r.Threshold!.Value - (11 + (2 * sd))) < 1e-12),
            OnCompleted<AnomalyResult>(430));
        xs.Subscriptions.AssertEqual(Subscribe(200, 430));
    }

    [Fact]
    public void DetectAnomalies_EmitEvaluations_EveryPriceWithStatus()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-|", new Dictionary<char, P>
        {
            ['a'] = Price(0, 1, 10),
            ['b'] = Price(1, 1, 12),
        });

        var observer = scheduler.Start(() => Detect(xs, new AnomalyOptions { EmitEvaluations = true }));

        observer.Messages.AssertEqual(
            OnNext<AnomalyResult>(210, r => r.Status == AnomalyStatus.InsufficientHistory && r.BaselineCount == 0 && r.BaselineMean is null && r.ZScore is null),
            OnNext<AnomalyResult>(230, r => r.Status == AnomalyStatus.InsufficientHistory && r.BaselineCount == 1 && r.BaselineMean == 10 && r.BaselineStdDev is null),
            OnCompleted<AnomalyResult>(250));
    }

    [Fact]
    public void DetectAnomalies_OutOfOrderAndBadRows_ToTheRejectedOutput()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-d-e-|", new Dictionary<char, P>
        {
            ['a'] = Price(3, 1, 10),
            ['b'] = Price(2, 1, 10),
            ['c'] = Price(3, 1, 11),
            ['d'] = Price(4, 30, 10),
            ['e'] = Price(4, 1, double.NaN),
        });

        var rejected = scheduler.CreateObserver<Rejected<P>>();
        var observer = scheduler.Start(() => Detect(xs, rejected: rejected));

        observer.Messages.AssertEqual(OnCompleted<AnomalyResult>(310));
        rejected.Messages.AssertEqual(
            OnNext(230, new Rejected<P>(Price(2, 1, 10), "out_of_order", "older than the newest price of its series and hour; prices must come in time order per series and hour")),
            OnNext(250, new Rejected<P>(Price(3, 1, 11), "duplicate_time", "same time as the newest price of its series and hour")),
            OnNext(270, new Rejected<P>(Price(4, 30, 10), "bad_hour", "hour of day outside 0-24")),
            OnNext(290, new Rejected<P>(Price(4, 1, double.NaN), "bad_price", "price is not a finite number")));
    }

    [Fact]
    public void DetectAnomalies_Series_JudgedSeparately()
    {
        var scheduler = new TestScheduler();
        var messages = History("low");
        messages.AddRange(History("high").Select(m => new Recorded<Notification<P>>(m.Time + 5, Notification.CreateOnNext(m.Value.Value with { Value = m.Value.Value.Value * 10 }))));
        messages.Add(OnNext(400, Price(14, 5, 50, "low")));
        messages.Add(OnNext(410, Price(14, 5, 50, "high")));
        var xs = scheduler.CreateHotObservable(messages.ToArray());

        var observer = scheduler.Start(() => Detect(xs));

        observer.Messages.AssertEqual(OnNext<AnomalyResult>(400, r => r.IsAnomaly && r.Series == "low"));
    }

    [Fact]
    public void DetectAnomalies_NoSeriesSelector_SingleSeries()
    {
        var scheduler = new TestScheduler();
        var messages = History("x");
        messages.Add(OnNext(400, Price(14, 5, 50, "y")));
        var xs = scheduler.CreateHotObservable(messages.ToArray());

        var observer = scheduler.Start(() => xs.DetectAnomalies(new AnomalyOptions(), p => p.T, p => p.Hour, p => p.Value));

        observer.Messages.AssertEqual(OnNext<AnomalyResult>(400, r => r.IsAnomaly && r.Series == ""));
    }

    [Fact]
    public void DetectAnomalies_SelectorThrows_OnErrorAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-|", new Dictionary<char, P> { ['a'] = Price(0, 1, 10), ['b'] = Price(1, 1, -1) });
        var boom = new FormatException("bad price");

        var observer = scheduler.Start(() => xs.DetectAnomalies(new AnomalyOptions(), p => p.T, p => p.Hour, p => p.Value < 0 ? throw boom : p.Value));

        observer.Messages.AssertEqual(OnError<AnomalyResult>(230, boom));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void DetectAnomalies_RejectedObserverThrows_OnErrorAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-|", new Dictionary<char, P> { ['a'] = Price(1, 1, 10), ['b'] = Price(0, 1, 10), ['c'] = Price(2, 1, 10) });
        var boom = new InvalidOperationException("dead-letter store full");

        var observer = scheduler.Start(() => Detect(xs, rejected: Observer.Create<Rejected<P>>(_ => throw boom)));

        observer.Messages.AssertEqual(OnError<AnomalyResult>(230, boom));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void DetectAnomalies_Disposed_UnsubscribesAndDetachesItsState()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-c-|", new Dictionary<char, P> { ['a'] = Price(0, 1, 10), ['b'] = Price(1, 1, 10), ['c'] = Price(2, 1, 99) });
        var handle = new Reactive.Operators.EventTime.StateHandle<AnomalyState>();

        var observer = scheduler.Start(() => Detect(xs, new AnomalyOptions { EmitEvaluations = true, State = handle }), disposed: 240);

        Assert.Equal(2, observer.Messages.Count);
        xs.Subscriptions.AssertEqual(Subscribe(200, 240));
        Assert.False(handle.IsAttached);
    }

    [Fact]
    public void DetectAnomalies_MaxSeriesExceeded_OnErrorNamingOption()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot("-a-b-|", new Dictionary<char, P> { ['a'] = Price(0, 1, 10, "a"), ['b'] = Price(0, 1, 10, "b") });

        var observer = scheduler.Start(() => Detect(xs, new AnomalyOptions { MaxSeries = 1 }));

        observer.Messages.AssertEqual(
            OnError<AnomalyResult>(230, e => e is InvalidOperationException && e.Message.Contains("AnomalyOptions.MaxSeries", StringComparison.Ordinal)));
        xs.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    [Fact]
    public void DetectAnomalies_SourceErrorAndDisposal_PassedOn()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("feed down");
        var failing = scheduler.Hot("-a-#", new Dictionary<char, P> { ['a'] = Price(0, 1, 10) }, error);

        var failed = scheduler.Start(() => Detect(failing));
        failed.Messages.AssertEqual(OnError<AnomalyResult>(230, error));

        var scheduler2 = new TestScheduler();
        var xs = scheduler2.Hot("-a-b-c", new Dictionary<char, P> { ['a'] = Price(0, 1, 10), ['b'] = Price(1, 1, 10), ['c'] = Price(2, 1, 10) });
        var disposed = scheduler2.Start(() => Detect(xs, new AnomalyOptions { EmitEvaluations = true }), disposed: 220);
        disposed.Messages.AssertEqual(OnNext<AnomalyResult>(210, r => r.Status == AnomalyStatus.InsufficientHistory));
        xs.Subscriptions.AssertEqual(Subscribe(200, 220));
    }

    [Fact]
    public void DetectAnomalies_InvalidArguments_Throw()
    {
        var xs = Observable.Never<P>();
        var options = new AnomalyOptions();
        Assert.Throws<ArgumentNullException>(() => ((IObservable<P>)null!).DetectAnomalies(options, p => p.T, p => p.Hour, p => p.Value));
        Assert.Throws<ArgumentNullException>(() => xs.DetectAnomalies(null!, p => p.T, p => p.Hour, p => p.Value));
        Assert.Throws<ArgumentNullException>(() => xs.DetectAnomalies(options, null!, p => p.Hour, p => p.Value));
        Assert.Throws<ArgumentNullException>(() => xs.DetectAnomalies(options, p => p.T, null!, p => p.Value));
        Assert.Throws<ArgumentNullException>(() => xs.DetectAnomalies(options, p => p.T, p => p.Hour, null!));
        Assert.Throws<OptionValidationException>(() => xs.DetectAnomalies(new AnomalyOptions { MinHistory = 1 }, p => p.T, p => p.Hour, p => p.Value));
    }

    private sealed record P(long T, int Hour, double Value, string Series);
}

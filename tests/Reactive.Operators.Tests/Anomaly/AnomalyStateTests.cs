using System.Reactive;
using System.Reactive.Subjects;
using Reactive.Operators.Anomaly;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;

namespace Reactive.Operators.Tests.Anomaly;

/// <summary>
/// Save and reload: feed part of the prices, save the baselines, restore them into a fresh operator, feed the rest;
/// the results and rejected rows equal those of an uninterrupted run.
/// </summary>
public sealed class AnomalyStateTests
{
    private static readonly long Day0 = new DateTime(2017, 1, 1).Ticks;

    [Theory]
    [InlineData(1, 2000)]
    [InlineData(2, 1)]
    [InlineData(3, 4799)]
    public void DetectAnomalies_SaveAndReload_SameAsUninterrupted(int seed, int cut)
    {
        var prices = RandomPrices(seed);
        static AnomalyOptions Options() => new() { EmitEvaluations = true, Lookback = TimeSpan.FromDays(7), MinHistory = 5 };

        var whole = Run(Options(), prices, null, -1, out _);
        var first = Run(Options(), prices[..cut], null, cut, out var saved, extra: prices[cut..Math.Min(prices.Count, cut + 100)]);
        var restored = Run(Options(), prices[cut..], saved, -1, out _);

        Assert.Equal(whole.Results, [.. first.Results.Take(first.ResultsAtSave), .. restored.Results]);
        Assert.Equal(whole.Rejected, [.. first.Rejected.Take(first.RejectedAtSave), .. restored.Rejected]);
        Assert.Contains(whole.Results, r => r.IsAnomaly);
        Assert.Contains(whole.Rejected, r => r.Code == "out_of_order");
        Assert.Equal(AnomalyState.CurrentVersion, saved!.Version);
    }

    [Fact]
    public void AnomalyDetector_Save_EnumeratesBaselinesWithinTheLookback()
    {
        var detector = new AnomalyDetector(new AnomalyOptions { Lookback = TimeSpan.FromDays(2), MinHistory = 2, MaxBaselineSize = 2 });
        detector.Evaluate("b", At(0, 3), 3, 10);
        detector.Evaluate("a", At(0, 3), 3, 11);
        detector.Evaluate("a", At(1, 3), 3, 12);
        detector.Evaluate("a", At(3, 3), 3, 13); // drops day 0 (older than 2 days) before it is added
        detector.Evaluate("a", At(0, 4), 4, 14);

        var state = detector.Save();

        Assert.Equal(TimeSpan.FromDays(2).Ticks, state.LookbackTicks);
        Assert.Equal(2, state.SeriesCount);
        Assert.Equal(
            ["a 3 12@1,13@3", "a 4 14@0", "b 3 10@0"],
            state.Baselines.Select(b => $"{b.Series} {b.Hour} {string.Join(",", b.Prices.Zip(b.Times, (p, t) => $"{p}@{(t - Day0) / TimeSpan.TicksPerDay}"))}"));
        Assert.Equal(At(3, 3), state.Baselines[0].NewestTicks);

        var reloaded = new AnomalyDetector(new AnomalyOptions { Lookback = TimeSpan.FromDays(2), MinHistory = 2, MaxBaselineSize = 2 });
        reloaded.Load(state);
        Assert.Equal(AnomalyStatus.DuplicateTime, reloaded.Evaluate("a", At(3, 3), 3, 1).Status);
        Assert.Equal(1, reloaded.Evaluate("a", At(4, 3), 3, 12.5).BaselineCount); // [day 2, day 4): day 3 only
    }

    [Fact]
    public void AnomalyDetector_LoadOfAnotherVersionOrLookback_Throws()
    {
        var state = new AnomalyDetector(new AnomalyOptions()).Save();
        Assert.Throws<ArgumentException>(() => new AnomalyDetector(new AnomalyOptions()).Load(state with { Version = 2 }));
        Assert.Throws<ArgumentException>(() => new AnomalyDetector(new AnomalyOptions { Lookback = TimeSpan.FromDays(15) }).Load(state));
        Assert.Throws<ArgumentException>(() => new AnomalyDetector(new AnomalyOptions()).Load(state with { Baselines = [new AnomalyBaseline("a", 25, 0, [], [])] }));
    }

    private static long At(int day, int hour) => Day0 + (day * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour);

    private static List<P> RandomPrices(int seed)
    {
        var random = new Random(seed);
        var prices = new List<P>();
        for (var i = 0; i < 4800; i++)
        {
            // Three series, one price an hour each in turn, now and then one from two days back (out of order) or a spike.
            var series = "s" + (i % 3);
            var hours = i / 3;
            var back = random.NextDouble() < 0.02 ? 48 : 0;
            var t = Day0 + ((hours - back) * TimeSpan.TicksPerHour);
            var hour = (int)((t - Day0) / TimeSpan.TicksPerHour % 24);
            var price = 40 + (hour * 0.5) + (random.NextDouble() * 4) + (random.NextDouble() < 0.02 ? 30 : 0);
            prices.Add(new P(t, hour, Math.Round(price, 3), series));
        }

        return prices;
    }

    private static Outcome Run(AnomalyOptions options, List<P> prices, AnomalyState? initial, int saveAfter, out AnomalyState? saved, List<P>? extra = null)
    {
        var handle = options.State = new StateHandle<AnomalyState>(initial);
        var outcome = new Outcome();
        saved = null;
        using var subject = new Subject<P>();
        using var subscription = subject
            .DetectAnomalies(options, p => p.T, p => p.Hour, p => p.Value, p => p.Series, Observer.Create<Rejected<P>>(outcome.Rejected.Add))
            .Subscribe(outcome.Results.Add);
        foreach (var p in prices)
        {
            subject.OnNext(p);
        }

        if (saveAfter >= 0)
        {
            saved = handle.Save();
            outcome.ResultsAtSave = outcome.Results.Count;
            outcome.RejectedAtSave = outcome.Rejected.Count;
            foreach (var p in extra ?? [])
            {
                subject.OnNext(p);
            }
        }

        subject.OnCompleted();
        Assert.False(handle.IsAttached);
        return outcome;
    }

    private sealed record P(long T, int Hour, double Value, string Series);

    private sealed class Outcome
    {
        public List<AnomalyResult> Results { get; } = [];

        public List<Rejected<P>> Rejected { get; } = [];

        public int ResultsAtSave { get; set; }

        public int RejectedAtSave { get; set; }
    }
}

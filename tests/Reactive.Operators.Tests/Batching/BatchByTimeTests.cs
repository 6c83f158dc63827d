using System.Globalization;
using System.Reactive.Linq;
using Reactive.Operators.Batching;
using Reactive.Operators.WordCount;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Batching;

public sealed class BatchByTimeTests
{
    private static readonly long S = Ticks.PerSecond;

    // Renders a word-count batch as "time:word=n,word=n" so expectations are plain strings.
    private static string Render(TimeBatch<WordCounts> batch) =>
        string.Create(CultureInfo.InvariantCulture, $"{batch.Time.UtcTicks / S}s:") + string.Join(",", batch.Value.Words.Select(w => $"{w.Word}={w.Count}"));

    private static IObservable<string> Count(IObservable<string> lines, TestScheduler scheduler, int maxWords = 1000) =>
        lines.CountWords(new WordCountOptions { BatchInterval = TimeSpan.FromSeconds(10), MaxDistinctWords = maxWords }, scheduler).Select(Render);

    [Fact]
    public void CountWords_TenSecondBatches_CountsEachBatchInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(
            OnNext(1 * S, "a b a"),
            OnNext(3 * S, "b\tc"),
            OnNext(25 * S, "x  y"),
            OnCompleted<string>(35 * S));

        var results = scheduler.Start(() => Count(lines, scheduler), Created, Subscribed, 100 * S);

        // Batch times are the ends of [0,10), [10,20), [20,30); [30,40) is cut short by completion
        // at 35 s and holds nothing, so only the completion follows.
        results.Messages.AssertEqual(
            OnNext(10 * S, "10s:a=2,b=2,c=1"),
            OnNext(20 * S, "20s:"),
            OnNext(30 * S, "30s:x=1,y=1"),
            OnCompleted<string>(35 * S));
        lines.Subscriptions.AssertEqual(Subscribe(Subscribed, 35 * S));
    }

    [Fact]
    public void CountWords_CompletionAfterItems_FlushesThePartialBatch()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(OnNext(12 * S, "z"), OnCompleted<string>(15 * S));

        var results = scheduler.Start(() => Count(lines, scheduler), Created, Subscribed, 100 * S);

        results.Messages.AssertEqual(
            OnNext(10 * S, "10s:"),
            OnNext(15 * S, "20s:z=1"),
            OnCompleted<string>(15 * S));
    }

    [Fact]
    public void BatchByTime_SubscribedMidInterval_AlignsToTheEpoch()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(OnNext(13 * S, "late"));

        var results = scheduler.Start(() => Count(lines, scheduler), Created, 12 * S, 25 * S);

        results.Messages.AssertEqual(OnNext(20 * S, "20s:late=1"));
    }

    [Fact]
    public void BatchByTime_SourceError_IsPassedOnAndNoFurtherBatchFollows()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var lines = scheduler.CreateHotObservable(OnNext(1 * S, "a"), OnError<string>(15 * S, boom));

        var results = scheduler.Start(() => Count(lines, scheduler), Created, Subscribed, 100 * S);

        results.Messages.AssertEqual(OnNext(10 * S, "10s:a=1"), OnError<string>(15 * S, boom));
        lines.Subscriptions.AssertEqual(Subscribe(Subscribed, 15 * S));
    }

    [Fact]
    public void BatchByTime_Disposed_StopsEmittingAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(OnNext(1 * S, "a"), OnNext(22 * S, "b"), OnNext(31 * S, "c"));

        var results = scheduler.Start(() => Count(lines, scheduler), Created, Subscribed, 25 * S);

        results.Messages.AssertEqual(OnNext(10 * S, "10s:a=1"), OnNext(20 * S, "20s:"));
        lines.Subscriptions.AssertEqual(Subscribe(Subscribed, 25 * S));
    }

    [Fact]
    public void CountWords_NoiseAroundTheSubscription_IsNotCounted()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(
            OnNext(100, "before"),
            OnNext(3 * S, "a"),
            OnCompleted<string>(20 * S),
            OnNext(21 * S, "after"));

        var results = scheduler.Start(() => Count(lines, scheduler), Created, Subscribed, 100 * S);

        // Completion exactly at the 20 s boundary, before its timer: [10,20) is cut by completion and empty, so not emitted.
        results.Messages.AssertEqual(OnNext(10 * S, "10s:a=1"), OnCompleted<string>(20 * S));
        lines.Subscriptions.AssertEqual(Subscribe(Subscribed, 20 * S));
    }

    [Fact]
    public void BatchByTime_TwoSubscriptions_EachHasItsOwnAccumulatorAndBoundaries()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(OnNext(5 * S, "a"), OnNext(15 * S, "b"));
        var counts = Count(lines, scheduler);
        var first = scheduler.CreateObserver<string>();
        var second = scheduler.CreateObserver<string>();

        scheduler.ScheduleAbsolute(Subscribed, () => counts.Subscribe(first));
        scheduler.ScheduleAbsolute(12 * S, () => counts.Subscribe(second));
        scheduler.AdvanceTo(25 * S);

        first.Messages.AssertEqual(OnNext(10 * S, "10s:a=1"), OnNext(20 * S, "20s:b=1"));
        second.Messages.AssertEqual(OnNext(20 * S, "20s:b=1"));
    }

    [Fact]
    public void SampleByTime_QuietIntervals_EmitEmptyBatchesAtEachEpochBoundary()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(OnNext(7 * S, "x"));

        var results = scheduler.Start(
            () => lines.SampleByTime(TimeSpan.FromSeconds(5), scheduler).Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Time.UtcTicks / S}s#{b.Value.Count}")),
            Created,
            Subscribed,
            21 * S);

        results.Messages.AssertEqual(OnNext(5 * S, "5s#0"), OnNext(10 * S, "10s#1"), OnNext(15 * S, "15s#0"), OnNext(20 * S, "20s#0"));
    }

    [Fact]
    public void CountWords_TooManyDistinctWords_FailsNamingTheOption()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(OnNext(1 * S, "a b"), OnNext(2 * S, "a c"));

        var results = scheduler.Start(() => Count(lines, scheduler, maxWords: 2), Created, Subscribed, 100 * S);

        var message = Assert.Single(results.Messages);
        Assert.Equal(2 * S, message.Time);
        Assert.Contains("MaxDistinctWords", message.Value.Exception!.Message, StringComparison.Ordinal);
        lines.Subscriptions.AssertEqual(Subscribe(Subscribed, 2 * S));
    }

    [Fact]
    public void SampleByTime_KeepsTheFirstItemsAndTheCount()
    {
        var scheduler = new TestScheduler();
        var lines = scheduler.CreateHotObservable(OnNext(1 * S, "1"), OnNext(2 * S, "2"), OnNext(3 * S, "3"), OnCompleted<string>(4 * S));

        var results = scheduler.Start(
            () => lines.SampleByTime(TimeSpan.FromSeconds(10), scheduler, keep: 2).Select(b => $"{string.Join("|", b.Value.First)}#{b.Value.Count}"),
            Created,
            Subscribed,
            100 * S);

        results.Messages.AssertEqual(OnNext(4 * S, "1|2#3"), OnCompleted<string>(4 * S));
    }

    [Fact]
    public void BatchByTime_InvalidArguments_Throw()
    {
        var scheduler = new TestScheduler();
        var source = Observable.Empty<string>();

        Assert.Throws<ArgumentOutOfRangeException>(() => source.BatchByTime(TimeSpan.Zero, scheduler, () => new WordCountAccumulator()));
        Assert.Throws<ArgumentNullException>(() => source.BatchByTime(TimeSpan.FromSeconds(1), null!, () => new WordCountAccumulator()));
        Assert.Throws<ArgumentNullException>(() => ((IObservable<string>)null!).BatchByTime(TimeSpan.FromSeconds(1), scheduler, () => new WordCountAccumulator()));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.CountWords(new WordCountOptions { BatchInterval = TimeSpan.FromSeconds(-1) }, scheduler));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.CountWords(new WordCountOptions { MaxDistinctWords = 0 }, scheduler));
    }

    [Theory]
    [InlineData(0L, 10L, 10L)]
    [InlineData(9L, 10L, 10L)]
    [InlineData(10L, 10L, 20L)]
    [InlineData(-1L, 10L, 0L)]
    [InlineData(-10L, 10L, 0L)]
    [InlineData(-11L, 10L, -10L)]
    public void NextBoundary_AlignsToEpochMultiples(long sinceEpoch, long interval, long expectedSinceEpoch)
    {
        var epoch = DateTime.UnixEpoch.Ticks;

        Assert.Equal(epoch + expectedSinceEpoch, BatchingExtensions.NextBoundary(epoch + sinceEpoch, interval));
    }

    [Fact]
    public void WordCountAccumulator_IsReusedAcrossBatches()
    {
        var acc = new WordCountAccumulator();
        acc.Add("to be or not to be");
        var first = acc.Complete();
        acc.Add("   ");
        var second = acc.Complete();

        Assert.Equal(["be=2", "to=2", "not=1", "or=1"], first.Words.Select(w => $"{w.Word}={w.Count}"));
        Assert.Equal(6, first.TotalWords);
        Assert.Empty(second.Words);
        Assert.Equal(0, second.TotalWords);
    }
}

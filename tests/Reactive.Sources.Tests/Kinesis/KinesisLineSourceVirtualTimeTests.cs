using Reactive.Sources.Kinesis;
using Reactive.Sources.Tests.Common;
using static Reactive.Sources.Tests.Kinesis.KinesisSourceTesting;
using static Reactive.Sources.Tests.Kinesis.ScriptedKinesisClient;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>
/// The source's timing and shard bookkeeping in virtual time (a manual clock), on a scripted in-memory client: the exact
/// backoff and pace, AWS's child shards at a shard's end, which shards a checkpoint resumes, skips or starts over.
/// </summary>
public sealed class KinesisLineSourceVirtualTimeTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    private static KinesisSourceOptions Options() => new()
    {
        Kinesis = KinesisTesting.Options(new Uri("http://127.0.0.1:9/")),
        Stream = "s",
        StartingPosition = KinesisStartingPositions.Earliest,
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(1),
        JitterFraction = 0,
        ShardDiscoveryInterval = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task GetRecords_ThrottledThenFullPages_BackoffDoublesNeverSoonerThanFivePerSecondThenPollInterval()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetUtcNow();
        var client = new ScriptedKinesisClient(clock)
        {
            Shards = _ => [Shard("shardId-0")],
            Records = (call, _) => call switch
            {
                <= 3 => throw Error(KinesisErrorCode.ProvisionedThroughputExceeded),
                4 => Page("shardId-0#1", "1:a", "2:b"),
                5 => Page("shardId-0#2", "3:c"),
                _ => Page("shardId-0#2"),
            },
        };
        var options = Options();
        options.MaxRecordsPerCall = 2;
        using var source = new KinesisLineSource(options, client, clock);
        using (var run = new SourceRun(source))
        {
            // The shard's loop and the discovery loop each wait on one timer between steps.
            await StepAsync(0, calls: 1);
            await StepAsync(199, calls: 1); // the backoff (100 ms) is shorter than the pace allows (200 ms)
            await StepAsync(1, calls: 2);
            await StepAsync(199, calls: 2);
            await StepAsync(1, calls: 3);
            await StepAsync(399, calls: 3);
            await StepAsync(1, calls: 4); // a full page: the next call after 200 ms
            await StepAsync(199, calls: 4);
            await StepAsync(1, calls: 5); // not full, caught up: the next call after PollInterval
            await StepAsync(999, calls: 5);
            await StepAsync(1, calls: 6);

            Assert.Equal([0, 200, 400, 800, 1000, 2000], client.GetRecordsCalls.Select(c => (int)(c.At - start).TotalMilliseconds));
            Assert.Equal(["shardId-0#0", "shardId-0#0", "shardId-0#0", "shardId-0#0", "shardId-0#1", "shardId-0#2"], client.GetRecordsCalls.Select(c => c.Iterator));
            Assert.Equal(["a", "b", "c"], run.Records.Items.Select(r => r.Text));
            Assert.Equal([200.0, 200.0, 400.0], run.Statuses.Items.Where(s => s.Kind == SourceStatusKind.Retrying).Select(s => s.Delay!.Value.TotalMilliseconds));
            Assert.Equal(3, source.Shards[0].ThrottleEvents);
            Assert.Equal(1, client.Listings);
        }

        // Disposed: both loops end and leave no timer behind.
        await WaitUntilAsync(() => clock.PendingTimers == 0 && source.Shards[0].State == KinesisShardState.Stopped, "the loops ended", Quick);

        async Task StepAsync(int milliseconds, int calls)
        {
            clock.Advance(TimeSpan.FromMilliseconds(milliseconds));
            await WaitUntilAsync(() => client.GetRecordsCalls.Count == calls && clock.PendingTimers == 2, $"{calls} call(s), both loops waiting", Quick);
        }
    }

    [Fact]
    public async Task ShardEnd_ChildShardsReported_ShardsListedAtOnceAndTheChildrenReadWithoutWaitingForTheInterval()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetUtcNow();
        var client = new ScriptedKinesisClient(clock)
        {
            Shards = listing => listing == 1
                ? [Shard("p")]
                : [Shard("p", closed: true), Shard("c1", parent: "p"), Shard("c2", parent: "p")],
            Records = (_, iterator) => iterator switch
            {
                "p#0" => Page("p#1", "1:parent"),
                "p#1" => new GetRecordsResponse([], null, 0, [new ChildShard("c1", ["p"], new HashKeyRange("0", "0")), new ChildShard("c2", ["p"], new HashKeyRange("1", "1"))]),
                "c1#0" => Page("c1#1", "2:one"),
                "c2#0" => Page("c2#1", "3:two"),
                _ => Page(iterator),
            },
        };
        using var source = new KinesisLineSource(Options(), client, clock);
        using var run = new SourceRun(source);
        await WaitUntilAsync(() => run.Records.Items.Count == 1 && clock.PendingTimers == 2, "the parent's first page", Quick);

        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => run.Records.Items.Count == 3 && clock.PendingTimers == 3, "the children's first pages", Quick);

        Assert.Equal("parent", run.Records.Items[0].Text);
        Assert.Equal(["one", "two"], run.Records.Items.Skip(1).Select(r => r.Text).Order());
        Assert.Equal(2, client.Listings);
        Assert.All(client.GetRecordsCalls.Where(c => c.Iterator.StartsWith('c')), c => Assert.Equal(TimeSpan.FromSeconds(1), c.At - start));
        Assert.Equal(KinesisShardState.Closed, source.Shard("p").State);
        Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardClosed && s.Message == "s/p: read to its end (the shard is closed); its children c1, c2 follow.");
    }

    [Fact]
    public async Task Resume_AChildInTheCheckpoint_ItsClosedParentSkippedItsSiblingFromItsStartAnOrphanAtOnce()
    {
        var clock = new ManualTimeProvider();
        var client = new ScriptedKinesisClient(clock)
        {
            Shards = _ => [Shard("p", closed: true), Shard("c1", parent: "p"), Shard("c2", parent: "p"), Shard("orphan", parent: "expired")],
            Records = (_, iterator) => Page(iterator, $"9:{iterator}"),
        };
        var options = Options();
        options.Resume = new Dictionary<string, string> { ["s/c1"] = "5", ["gone"] = "7" };
        using var source = new KinesisLineSource(options, client, clock);
        using var run = new SourceRun(source);

        await WaitUntilAsync(() => run.Records.Items.Count == 3 && clock.PendingTimers == 4, "a first page on the three shards read", Quick);

        Assert.Equal(KinesisShardState.Skipped, source.Shard("p").State);
        Assert.Equal(0, source.Shard("p").GetRecordsCalls);
        Assert.Equal("AfterSequenceNumber 5", source.Shard("c1").StartingPosition);
        Assert.Equal("TrimHorizon", source.Shard("c2").StartingPosition);
        Assert.Equal("TrimHorizon", source.Shard("orphan").StartingPosition);
        Assert.Equal(["c1", "c2", "orphan"], client.IteratorRequests.Select(r => r.Shard).Order());
        Assert.DoesNotContain(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardWaiting);
        var listed = Assert.Single(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardsListed);
        Assert.Equal("s: 4 shard(s) listed; reading c1, c2, orphan; skipped (closed, read before or nothing new) p. Checkpoint entries of shards no longer listed (expired) are ignored: gone.", listed.Message);
    }

    [Fact]
    public void NextBackoff_WithJitter_DrawnWithinTheFractionBelowTheDelay()
    {
        var options = Options();
        options.JitterFraction = 0.5;
        using var source = new KinesisLineSource(options, new ScriptedKinesisClient(TimeProvider.System), TimeProvider.System, new Random(42));
        var expected = new Random(42);

        var first = source.NextBackoff(1);
        var late = source.NextBackoff(10);

        Assert.Equal(Backoff.Jitter(TimeSpan.FromMilliseconds(100), 0.5, expected.NextDouble()), first);
        Assert.InRange(first, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
        Assert.InRange(late, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
    }
}

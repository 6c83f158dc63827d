using System.Numerics;
using System.Text;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Tests.Common;
using Reactive.Testing.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisSourceTesting;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>The Kinesis source against a real Kinesis implementation: kinesalite from npm on 127.0.0.1, one per test class, a stream per test.</summary>
public sealed class KinesisLineSourceTests(KinesaliteFixture kinesalite) : KinesaliteTests(kinesalite)
{
    private static readonly string Middle = (BigInteger.Pow(2, 128) / 2).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Subscribe_ThreeShardsWrittenByTheNodeProducer_EveryRecordOnceInShardOrder()
    {
        var stream = StreamName("three");
        var produced = await Server.ProduceAsync(stream, count: 300, createShards: 3);
        using var source = new KinesisLineSource(SourceOptions(Server.Endpoint, stream));
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);

        await lines.WaitForCountAsync(300, "lines");
        var got = await SettledAsync(source, lines);

        Assert.Equal(3, produced.Select(p => p.ShardId).Distinct().Count());
        Assert.Equal(300, got.Count);
        Assert.Equal(produced.Select(p => ($"{stream}/{p.ShardId}", p.SequenceNumber)).Order(), got.Select(l => (l.Origin, l.Sequence!)).Order());
        foreach (var shard in produced.GroupBy(p => p.ShardId))
        {
            var read = got.Where(l => l.Origin == $"{stream}/{shard.Key}").ToList();
            Assert.Equal(shard.Select(p => p.SequenceNumber), read.Select(l => l.Sequence));
            Assert.Equal(shard.Select(p => p.Data), read.Select(l => l.Text));
            Assert.Equal(Enumerable.Range(1, read.Count).Select(i => (long)i), read.Select(l => l.LineNumber));
            Assert.All(read, l => Assert.Equal(0, l.Offset));
            Assert.Equal(shard.Last().SequenceNumber, source.Shard(shard.Key).LastSequenceNumber);
            Assert.Equal(read.Count, source.Shard(shard.Key).RecordsRead);
            Assert.Equal(0, source.Shard(shard.Key).RecordsRejected);
        }

        Assert.All(source.Shards, s => Assert.Equal(KinesisShardState.Reading, s.State));
        Assert.All(source.Shards, s => Assert.Equal("TrimHorizon", s.StartingPosition));
        Assert.True(source.CanReplay);
    }

    [Fact]
    public async Task Subscribe_Latest_OnlyRecordsPutAfterTheStart()
    {
        var stream = StreamName("latest");
        await CreateActiveStreamAsync(Kinesis, stream, 2);
        var before = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 20).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"before-{i}")))]);
        using var source = new KinesisLineSource(SourceOptions(Server.Endpoint, stream, "LATEST"));
        using var run = new SourceRun(source);

        // Each shard's LATEST iterator is made before its first GetRecords call.
        await WaitUntilAsync(() => source.Shards.Count == 2 && source.Shards.All(s => s.GetRecordsCalls > 0), "a first call on both shards");
        var after = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 20).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"after-{i}")))]);
        await run.Records.WaitForCountAsync(20, "records put after the start");
        var got = await SettledAsync(run);

        Assert.Equal(after.Select(Key).Order(), got.Select(Key).Order());
        Assert.DoesNotContain(got, r => r.Text.StartsWith("before", StringComparison.Ordinal));
        Assert.Equal(2, before.Select(b => b.ShardId).Distinct().Count());
        Assert.All(source.Shards, s => Assert.Equal("Latest", s.StartingPosition));
    }

    [Fact]
    public async Task Resume_StoppedAfterSomeRecords_TheRestExactlyOnceAndAShardNotInTheCheckpointFromItsStart()
    {
        var stream = StreamName("resume");
        var first = await Server.ProduceAsync(stream, count: 300, createShards: 3);
        var options = SourceOptions(Server.Endpoint, stream);
        options.MaxRecordsPerCall = 7;
        var before = new List<KinesisLine>();
        using (var source = new KinesisLineSource(options))
        {
            using (var run = new SourceRun(source))
            {
                await run.Records.WaitForCountAsync(60, "records of the first run");
                before.AddRange(run.Records.Items);
            }

            await WaitUntilAsync(() => source.Shards.All(s => s.State == KinesisShardState.Stopped), "every shard loop stopped");
        }

        var second = await Server.ProduceAsync(stream, count: 150);
        var checkpoint = LastSequences(before);

        // The checkpoint of two shards only: the third is read from its first record again.
        var omitted = checkpoint.Keys.Order(StringComparer.Ordinal).Last();
        checkpoint.Remove(omitted);
        var resumed = SourceOptions(Server.Endpoint, stream, KinesisStartingPositions.Latest);

        // Keyed as a host keeps positions, by the lines' origin (STREAM/SHARDID), or by shard id.
        var byOrigin = checkpoint.Keys.Order(StringComparer.Ordinal).First();
        resumed.Resume = checkpoint.ToDictionary(e => e.Key == byOrigin ? $"{stream}/{e.Key}" : e.Key, e => e.Value);
        var expected = first.Concat(second)
            .Where(p => !checkpoint.TryGetValue(p.ShardId, out var last) || Sequence(p.SequenceNumber) > Sequence(last))
            .ToList();
        using var again = new KinesisLineSource(resumed);
        using var rest = new SourceRun(again);

        await rest.Records.WaitForCountAsync(expected.Count, "records after the checkpoint");
        var got = await SettledAsync(rest);

        Assert.InRange(before.Count, 60, 299);
        Assert.Equal(before.Count, before.Select(Key).Distinct().Count());
        Assert.Equal(expected.Select(Key).Order(), got.Select(Key).Order());
        Assert.Empty(got.Select(Key).Intersect(before.Where(b => b.ShardId != omitted).Select(Key)));
        Assert.Equal(first.Concat(second).Select(Key).Order(), got.Select(Key).Union(before.Select(Key)).Order());
        foreach (var (shard, last) in checkpoint)
        {
            Assert.Equal($"AfterSequenceNumber {last}", again.Shard(shard).StartingPosition);
        }

        Assert.Equal("TrimHorizon", again.Shard(omitted).StartingPosition);
    }

    [Fact]
    public async Task Split_InTheMiddleOfWriting_EachKeysRecordsInTheOrderWrittenParentBeforeChildren()
    {
        var stream = StreamName("split");
        const string Parent = "shardId-000000000000";
        var written = (await Server.ProduceAsync(stream, count: 100, createShards: 1, keys: 10)).ToList();
        var options = SourceOptions(Server.Endpoint, stream);

        // Small pages keep the parent being read while its children are found and written to.
        options.MaxRecordsPerCall = 5;
        using var source = new KinesisLineSource(options);
        using var run = new SourceRun(source);
        await run.Records.WaitForCountAsync(1, "a first record of the parent");

        await Kinesis.SplitShardAsync(stream, Parent, Middle);
        await Kinesis.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        written.AddRange(await Server.ProduceAsync(stream, count: 100, keys: 10));
        await run.Records.WaitForCountAsync(200, "records of the parent and its children");
        var got = await SettledAsync(run);

        Assert.Equal(200, got.Count);
        Assert.Equal(written.Select(Key).Order(), got.Select(Key).Order());
        Assert.Equal(100, written.Count(w => w.ShardId == Parent));
        Assert.Equal(2, written.Where(w => w.ShardId != Parent).Select(w => w.ShardId).Distinct().Count());
        foreach (var key in written.GroupBy(w => w.PartitionKey))
        {
            Assert.Equal(key.Select(Key), got.Where(r => r.PartitionKey == key.Key).Select(Key));
        }

        Assert.Equal(written.Select(w => (w.ShardId, w.SequenceNumber, w.PartitionKey, w.Data)).Order(), got.Select(r => (r.ShardId, r.SequenceNumber, r.PartitionKey, r.Text)).Order());
        Assert.All(got, r => Assert.Equal($"{stream}/{r.ShardId}", r.Origin));
        Assert.All(got, r => Assert.InRange(r.ApproximateArrivalTimestamp!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.All(got.GroupBy(r => r.ShardId), shard => Assert.Equal(Enumerable.Range(1, shard.Count()).Select(i => (long)i), shard.Select(r => r.LineNumber)));

        var lastOfParent = got.ToList().FindLastIndex(r => r.ShardId == Parent);
        var firstOfChildren = got.ToList().FindIndex(r => r.ShardId != Parent);
        Assert.True(lastOfParent < firstOfChildren, $"a child's record came at {firstOfChildren}, before the parent's last at {lastOfParent}");
        await WaitUntilAsync(() => source.Shard(Parent).State == KinesisShardState.Closed, "the parent closed");
        Assert.All(source.Shards.Where(s => s.ShardId != Parent), child =>
        {
            Assert.Equal(Parent, child.ParentShardId);
            Assert.Equal("TrimHorizon", child.StartingPosition);
        });
        Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardWaiting && s.Message.Contains(Parent, StringComparison.Ordinal));
        Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardClosed && s.Origin == $"{stream}/{Parent}");
    }

    [Fact]
    public async Task Merge_TwoParentsWithRecords_TheChildAfterBoth()
    {
        var stream = StreamName("merge");
        await CreateActiveStreamAsync(Kinesis, stream, 2);
        var written = (await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 30).Select(i => ($"k{i % 6}", Encoding.UTF8.GetBytes($"before-{i}")))])).ToList();
        var options = SourceOptions(Server.Endpoint, stream);
        options.MaxRecordsPerCall = 3;
        using var source = new KinesisLineSource(options);
        using var run = new SourceRun(source);
        await run.Records.WaitForCountAsync(1, "a first record");

        await Kinesis.MergeShardsAsync(stream, "shardId-000000000000", "shardId-000000000001");
        await Kinesis.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        written.AddRange(await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 30).Select(i => ($"k{i % 6}", Encoding.UTF8.GetBytes($"after-{i}")))]));
        await run.Records.WaitForCountAsync(60, "records of both parents and the child");
        var got = await SettledAsync(run);

        Assert.Equal(written.Select(Key).Order(), got.Select(Key).Order());
        const string Child = "shardId-000000000002";
        Assert.Equal(30, got.Count(r => r.ShardId == Child));
        var firstOfChild = got.ToList().FindIndex(r => r.ShardId == Child);
        Assert.All(got.Take(firstOfChild), r => Assert.NotEqual(Child, r.ShardId));
        Assert.Equal(60, firstOfChild + 30);
        var child = source.Shard(Child);
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], new[] { child.ParentShardId, child.AdjacentParentShardId }.Order());
        foreach (var key in written.GroupBy(w => w.PartitionKey))
        {
            Assert.Equal(key.Select(Key), got.Where(r => r.PartitionKey == key.Key).Select(Key));
        }
    }

    [Fact]
    public async Task Subscribe_LatestWithAClosedShard_TheClosedShardSkippedItsChildrenRead()
    {
        var stream = StreamName("latest-split");
        const string Parent = "shardId-000000000000";
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        await PutAsync(Kinesis, stream, ("k", "in the parent"u8.ToArray()));
        await Kinesis.SplitShardAsync(stream, Parent, Middle);
        await Kinesis.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        await PutAsync(Kinesis, stream, ("k", "in a child before the start"u8.ToArray()));
        using var source = new KinesisLineSource(SourceOptions(Server.Endpoint, stream, KinesisStartingPositions.Latest));
        using var run = new SourceRun(source);

        await WaitUntilAsync(() => source.Shards.Count == 3 && source.Shards.Where(s => s.ShardId != Parent).All(s => s.GetRecordsCalls > 0), "a first call on both children");
        var after = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 10).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"after-{i}")))]);
        await run.Records.WaitForCountAsync(10, "records put after the start");
        var got = await SettledAsync(run);

        Assert.Equal(after.Select(Key).Order(), got.Select(Key).Order());
        Assert.Equal(KinesisShardState.Skipped, source.Shard(Parent).State);
        Assert.Equal(0, source.Shard(Parent).GetRecordsCalls);
        Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardsListed && s.Message.Contains($"skipped (closed, read before or nothing new) {Parent}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscribe_AtTimestamp_RecordsThatArrivedFromThen()
    {
        var stream = StreamName("at-timestamp");
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        var early = await PutAsync(Kinesis, stream, ("k", "early"u8.ToArray()));
        var (stored, _) = await ReadShardAsync(Kinesis, stream, early[0].ShardId);
        var from = stored[0].ApproximateArrivalTimestamp!.Value.AddMilliseconds(5);
        await WaitUntilAsync(() => DateTimeOffset.UtcNow > from.AddMilliseconds(5), "the clock past the start time");
        var late = await PutAsync(Kinesis, stream, ("k", "late"u8.ToArray()));
        var options = SourceOptions(Server.Endpoint, stream, KinesisStartingPositions.AtTimestamp);
        options.AtTimestamp = from;
        using var source = new KinesisLineSource(options);
        using var run = new SourceRun(source);

        await run.Records.WaitForCountAsync(1, "the late record");
        var got = Assert.Single(await SettledAsync(run));

        Assert.Equal("late", got.Text);
        Assert.Equal(late[0].SequenceNumber, got.SequenceNumber);
        Assert.StartsWith("AtTimestamp", source.Shards[0].StartingPosition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_BadRecords_DeadLetteredWithReasonsTheRestFlowsAndThePositionMovesOn()
    {
        var stream = StreamName("bad");
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        var put = await PutAsync(
            Kinesis,
            stream,
            ("k", "ok-1"u8.ToArray()),
            ("k", [0x66, 0xFF, 0x6F]),
            ("k", "ok-2 \u20AC"u8.ToArray()),
            ("k", Encoding.UTF8.GetBytes(new string('x', 101))),
            ("k", "ok-3"u8.ToArray()),
            ("k", [0xC3]));
        var options = SourceOptions(Server.Endpoint, stream);
        options.MaxRecordBytes = 100;
        using var source = new KinesisLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var rejected = new Collector<SourceRejected>();
        using var rejectedSubscription = source.Rejected.Subscribe(rejected);
        using var subscription = source.Subscribe(lines);

        await lines.WaitForCountAsync(3, "good records");
        var letters = await rejected.WaitForCountAsync(3, "dead letters");
        var got = await SettledAsync(source, lines);

        var origin = $"{stream}/{put[0].ShardId}";
        Assert.Equal(
            [
                new SourceLine(origin, 1, "ok-1") { Sequence = put[0].SequenceNumber },
                new SourceLine(origin, 3, "ok-2 \u20AC") { Sequence = put[2].SequenceNumber },
                new SourceLine(origin, 5, "ok-3") { Sequence = put[4].SequenceNumber },
            ],
            got);
        Assert.Equal([2L, 4L, 6L], letters.Select(l => l.LineNumber));
        Assert.Equal([KinesisLineSource.RecordNotUtf8Code, KinesisLineSource.RecordTooLargeCode, KinesisLineSource.RecordNotUtf8Code], letters.Select(l => l.Code));
        Assert.All(letters, l => Assert.Equal(origin, l.Origin));
        Assert.Contains("not valid UTF-8 (from byte 1 of 3)", letters[0].Reason, StringComparison.Ordinal);
        Assert.Contains(put[1].SequenceNumber, letters[0].Reason, StringComparison.Ordinal);
        Assert.Equal("f\uFFFDo", letters[0].Raw);
        Assert.Contains("101 bytes, more than KinesisSourceOptions.MaxRecordBytes (100)", letters[1].Reason, StringComparison.Ordinal);
        Assert.Equal(new string('x', 101), letters[1].Raw);
        Assert.Contains("from byte 0 of 1", letters[2].Reason, StringComparison.Ordinal);

        // The last record was dead-lettered: the shard's position is past it all the same.
        var progress = source.Shards[0];
        Assert.Equal(put[5].SequenceNumber, progress.LastSequenceNumber);
        Assert.Equal(6, progress.RecordsRead);
        Assert.Equal(3, progress.RecordsRejected);
    }

    [Fact]
    public async Task Subscribe_StreamMissing_FailsNamingTheStream()
    {
        var stream = StreamName("missing");
        using var source = new KinesisLineSource(SourceOptions(Server.Endpoint, stream));
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);

        var error = Assert.IsType<KinesisSourceException>(await lines.WaitForErrorAsync(Deadline));

        Assert.Equal(stream, error.Stream);
        Assert.Null(error.ShardId);
        Assert.Equal(KinesisErrorCode.ResourceNotFound, error.Code);
        Assert.Contains($"KinesisSourceOptions.Stream = '{stream}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(SourceStatusKind.GaveUp, source.Current.Kind);
    }

    [Fact]
    public async Task Resume_SequenceNumberOfAnotherShard_FailsNamingTheCheckpoint()
    {
        var stream = StreamName("foreign");
        await CreateActiveStreamAsync(Kinesis, stream, 2);
        var put = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 20).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"r{i}")))]);
        var other = put.First(p => p.ShardId == "shardId-000000000001");
        var options = SourceOptions(Server.Endpoint, stream);
        options.Resume = new Dictionary<string, string> { ["shardId-000000000000"] = other.SequenceNumber };
        using var source = new KinesisLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);

        var error = Assert.IsType<KinesisSourceException>(await lines.WaitForErrorAsync(Deadline));

        Assert.Equal("shardId-000000000000", error.ShardId);
        Assert.Equal(KinesisErrorCode.InvalidArgument, error.Code);
        Assert.Contains("KinesisSourceOptions.Resume[shardId-000000000000]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_LastSubscription_EveryShardLoopStopsAndANewSubscriptionStartsAgain()
    {
        var stream = StreamName("dispose");
        await CreateActiveStreamAsync(Kinesis, stream, 2);
        var put = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 10).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"r{i}")))]);
        using var source = new KinesisLineSource(SourceOptions(Server.Endpoint, stream));
        using (var run = new SourceRun(source))
        {
            await run.Records.WaitForCountAsync(10, "records");
        }

        await WaitUntilAsync(() => source.Shards.All(s => s.State == KinesisShardState.Stopped), "every shard loop stopped");
        Assert.Equal(SourceStatusKind.Stopped, source.Current.Kind);
        var calls = source.Shards.Sum(s => s.GetRecordsCalls);

        using var again = new Collector<SourceLine>();
        using var subscription = source.Subscribe(again);
        await again.WaitForCountAsync(10, "the records again");
        var got = await SettledAsync(source, again);

        Assert.Equal(put.Select(p => p.SequenceNumber).Order(), got.Select(l => l.Sequence!).Order());
        Assert.True(calls > 0);
    }
}

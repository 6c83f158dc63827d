using System.Numerics;
using System.Text.Json;
using Reactive.Sources.Kinesis;
using Reactive.Testing.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>The client against a real Kinesis implementation: kinesalite from npm, on 127.0.0.1.</summary>
public sealed class KinesisClientTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>, IDisposable
{
    private readonly KinesaliteServer _server = kinesalite.Server;
    private readonly KinesisClient _client = Client(kinesalite.Server.Endpoint);

    public void Dispose() => _client.Dispose();

    private async Task<string> NewStreamAsync(string prefix, int shards)
    {
        var stream = StreamName(prefix);
        await CreateActiveStreamAsync(_client, stream, shards);
        return stream;
    }

    [Fact]
    public async Task CreateStream_WhileCreating_WaitForStreamActiveSeesCreatingThenActive()
    {
        // A server of its own whose streams stay CREATING for a while, so the wait has something to wait for.
        await using var slow = await KinesaliteServer.StartAsync(new KinesaliteOptions { CreateStreamDelay = TimeSpan.FromMilliseconds(400) });
        using var client = Client(slow.Endpoint);
        var stream = StreamName("create");

        await client.CreateStreamAsync(stream, 3);
        var creating = await client.DescribeStreamSummaryAsync(stream);
        var active = await client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));

        Assert.Equal(KinesisStreamStatus.Creating, creating.Status);
        Assert.Equal(KinesisStreamStatus.Active, active.Status);
        Assert.Equal(stream, active.StreamName);
        Assert.Equal(3, active.OpenShardCount);
        Assert.Equal(24, active.RetentionPeriodHours);
        Assert.EndsWith($":stream/{stream}", active.StreamArn, StringComparison.Ordinal);
        Assert.NotNull(active.CreatedAt);
    }

    [Fact]
    public async Task WaitForStreamActive_StreamNeverCreated_TimesOutNamingTheStream()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            _client.WaitForStreamActiveAsync("never-created", TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(50)));

        Assert.Contains("'never-created'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAllShards_PageSizeOne_EveryShardOnceWithContiguousHashRanges()
    {
        var stream = await NewStreamAsync("list", 4);

        var shards = await _client.ListAllShardsAsync(stream, pageSize: 1);

        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"], shards.Select(s => s.ShardId));
        Assert.All(shards, s => Assert.False(s.IsClosed));
        Assert.All(shards, s => Assert.Null(s.ParentShardId));
        Assert.Equal(BigInteger.Zero, BigInteger.Parse(shards[0].HashKeyRange.StartingHashKey));
        Assert.Equal(BigInteger.Pow(2, 128) - 1, BigInteger.Parse(shards[^1].HashKeyRange.EndingHashKey));
        for (var i = 1; i < shards.Count; i++)
        {
            Assert.Equal(BigInteger.Parse(shards[i - 1].HashKeyRange.EndingHashKey) + 1, BigInteger.Parse(shards[i].HashKeyRange.StartingHashKey));
        }
    }

    [Fact]
    public async Task ListShards_ExclusiveStartShardId_OnlyLaterShards()
    {
        var stream = await NewStreamAsync("list-after", 3);

        var page = await _client.ListShardsAsync(new ListShardsRequest { StreamName = stream, ExclusiveStartShardId = "shardId-000000000000" });

        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], page.Shards.Select(s => s.ShardId));
        Assert.Null(page.NextToken);
    }

    [Fact]
    public async Task PutRecords_ReadBackFromEveryShard_AllThereDecodedAndIncreasingPerShard()
    {
        var stream = await NewStreamAsync("put-get", 3);
        var entries = Enumerable.Range(0, 60).Select(i => Entry($"{{\"id\":{i},\"text\":\"é€ {i}\"}}", $"pk-{i}")).ToArray();

        var put = await _client.PutRecordsAsync(stream, entries);

        Assert.Equal(0, put.FailedRecordCount);
        Assert.All(put.Records, r => Assert.True(r.Succeeded));
        Assert.All(put.Records, r => Assert.Equal(KinesisErrorCode.None, r.Error));
        var shards = await _client.ListAllShardsAsync(stream);
        var byShard = new Dictionary<string, IReadOnlyList<KinesisRecord>>();
        foreach (var shard in shards)
        {
            byShard[shard.ShardId] = (await ReadShardAsync(_client, stream, shard.ShardId)).Records;
        }

        Assert.All(byShard.Values, records => Assert.NotEmpty(records)); // 60 keys spread over all 3 shards
        var read = byShard.Values.SelectMany(r => r).ToArray();
        Assert.Equal(entries.Select(e => e.PartitionKey).Order(), read.Select(r => r.PartitionKey).Order());
        Assert.All(read, r => Assert.Equal($"{{\"id\":{r.PartitionKey[3..]},\"text\":\"é€ {r.PartitionKey[3..]}\"}}", Text(r)));
        foreach (var (shardId, records) in byShard)
        {
            var numbers = records.Select(r => BigInteger.Parse(r.SequenceNumber)).ToArray();
            Assert.Equal(numbers.Order(), numbers);
            Assert.Equal(numbers.Length, numbers.Distinct().Count());
            Assert.Equal(
                put.Records.Where(p => p.ShardId == shardId).Select(p => p.SequenceNumber).Order(StringComparer.Ordinal),
                records.Select(r => r.SequenceNumber).Order(StringComparer.Ordinal));
        }

        var now = DateTimeOffset.UtcNow;
        Assert.All(read, r => Assert.InRange(r.ApproximateArrivalTimestamp!.Value, now.AddMinutes(-5), now.AddMinutes(1)));
    }

    [Fact]
    public async Task GetRecords_AtTheTip_NoRecordsNextIteratorAndNotBehind()
    {
        var stream = await NewStreamAsync("tip", 1);
        await _client.PutRecordsAsync(stream, [Entry("one", "a"), Entry("two", "a")]);

        var (records, last) = await ReadShardAsync(_client, stream, "shardId-000000000000", limit: 1);

        Assert.Equal(["one", "two"], records.Select(Text));
        Assert.Empty(last.Records);
        Assert.False(last.IsShardEnd);
        Assert.Equal(0, last.MillisBehindLatest);
        Assert.Empty(last.ChildShards);
    }

    [Fact]
    public async Task GetShardIterator_EachPosition_StartsWhereItSays()
    {
        var stream = await NewStreamAsync("positions", 1);
        const string Shard = "shardId-000000000000";
        var before = (await _client.PutRecordsAsync(stream, [Entry("r0", "k"), Entry("r1", "k"), Entry("r2", "k")])).Records;
        var latest = await _client.GetShardIteratorAsync(stream, Shard, ShardIteratorPosition.Latest);
        var firstArrival = (await ReadShardAsync(_client, stream, Shard)).Records[0].ApproximateArrivalTimestamp!.Value;
        await _client.PutRecordsAsync(stream, [Entry("r3", "k")]);

        async Task<IEnumerable<string>> From(ShardIteratorPosition position) => (await ReadShardAsync(_client, stream, Shard, position)).Records.Select(Text);

        Assert.Equal(["r0", "r1", "r2", "r3"], await From(ShardIteratorPosition.TrimHorizon));
        Assert.Equal(["r1", "r2", "r3"], await From(ShardIteratorPosition.AtSequenceNumber(before[1].SequenceNumber!)));
        Assert.Equal(["r2", "r3"], await From(ShardIteratorPosition.AfterSequenceNumber(before[1].SequenceNumber!)));
        Assert.Equal(["r0", "r1", "r2", "r3"], await From(ShardIteratorPosition.AtTimestamp(firstArrival)));
        Assert.Equal(["r3"], (await _client.GetRecordsAsync(latest)).Records.Select(Text));
    }

    [Fact]
    public async Task NodeProducer_RecordsWrittenByTheAwsSdk_ReadBackWithTheirShardsAndSequenceNumbers()
    {
        var stream = StreamName("node");

        var written = await _server.ProduceAsync(stream, count: 50, createShards: 3);

        Assert.Equal(50, written.Count);
        var read = new List<(string Shard, KinesisRecord Record)>();
        foreach (var shard in await _client.ListAllShardsAsync(stream))
        {
            read.AddRange((await ReadShardAsync(_client, stream, shard.ShardId, limit: 7)).Records.Select(r => (shard.ShardId, r)));
        }

        Assert.Equal(
            written.Select(w => (w.ShardId, w.SequenceNumber, w.PartitionKey, w.Data)).OrderBy(w => w.SequenceNumber, StringComparer.Ordinal),
            read.Select(r => (r.Shard, r.Record.SequenceNumber, r.Record.PartitionKey, Text(r.Record))).OrderBy(r => r.SequenceNumber, StringComparer.Ordinal));
        Assert.Equal(3, read.Select(r => r.Shard).Distinct().Count());
        Assert.All(read, r => Assert.Equal(int.Parse(r.Record.PartitionKey["key-".Length..]), JsonDocument.Parse(r.Record.Data).RootElement.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task SplitShard_ParentClosedWithEndingSequence_ChildrenNameItAndTakeNewRecords()
    {
        var stream = await NewStreamAsync("split", 1);
        const string Parent = "shardId-000000000000";
        await _client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 10).Select(i => Entry($"before-{i}", $"k{i}"))]);
        var middle = (BigInteger.Pow(2, 128) / 2).ToString();

        await _client.SplitShardAsync(stream, Parent, middle);
        await _client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        await _client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 10).Select(i => Entry($"after-{i}", $"k{i}"))]);
        var shards = await _client.ListAllShardsAsync(stream);
        var summary = await _client.DescribeStreamSummaryAsync(stream);

        Assert.Equal(2, summary.OpenShardCount);
        Assert.Equal([Parent, "shardId-000000000001", "shardId-000000000002"], shards.Select(s => s.ShardId));
        var parent = shards[0];
        Assert.True(parent.IsClosed);
        Assert.NotNull(parent.SequenceNumberRange.EndingSequenceNumber);
        Assert.All(shards.Skip(1), child => Assert.Equal(Parent, child.ParentShardId));
        Assert.All(shards.Skip(1), child => Assert.False(child.IsClosed));
        Assert.Equal(middle, shards[2].HashKeyRange.StartingHashKey);
        Assert.Equal((BigInteger.Parse(middle) - 1).ToString(), shards[1].HashKeyRange.EndingHashKey);

        var (parentRecords, parentEnd) = await ReadShardAsync(_client, stream, Parent, limit: 4);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"before-{i}").Order(), parentRecords.Select(Text).Order());
        Assert.Equal(10, parentRecords.Count);
        Assert.All(parentRecords, r => Assert.True(BigInteger.Parse(r.SequenceNumber) <= BigInteger.Parse(parent.SequenceNumberRange.EndingSequenceNumber!)));

        // kinesalite's iterator may take one more call with no record before it ends.
        var iterator = parentEnd.NextShardIterator;
        for (var i = 0; i < 5 && iterator is not null; i++)
        {
            var page = await _client.GetRecordsAsync(iterator);
            Assert.Empty(page.Records);
            iterator = page.NextShardIterator;
        }

        Assert.Null(iterator);
        var childRecords = new List<KinesisRecord>();
        foreach (var child in shards.Skip(1))
        {
            childRecords.AddRange((await ReadShardAsync(_client, stream, child.ShardId)).Records);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"after-{i}").Order(), childRecords.Select(Text).Order());
    }

    [Fact]
    public async Task MergeShards_TwoAdjacentShards_BothClosedAndTheChildNamesBoth()
    {
        var stream = await NewStreamAsync("merge", 2);

        await _client.MergeShardsAsync(stream, "shardId-000000000000", "shardId-000000000001");
        await _client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        var shards = await _client.ListAllShardsAsync(stream);

        Assert.Equal(3, shards.Count);
        Assert.True(shards[0].IsClosed);
        Assert.True(shards[1].IsClosed);
        Assert.Equal("shardId-000000000000", shards[2].ParentShardId);
        Assert.Equal("shardId-000000000001", shards[2].AdjacentParentShardId);
        Assert.Equal("0", shards[2].HashKeyRange.StartingHashKey);
        Assert.Equal((BigInteger.Pow(2, 128) - 1).ToString(), shards[2].HashKeyRange.EndingHashKey);
    }
}

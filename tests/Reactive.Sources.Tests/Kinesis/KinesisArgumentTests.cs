using Reactive.Sources.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>Arguments the API would refuse are refused before any request (the service URL here has no server).</summary>
public sealed class KinesisArgumentTests : IDisposable
{
    private readonly KinesisClient _client = Client(new Uri("http://127.0.0.1:9/"));

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task GetRecords_LimitOutOfRange_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.GetRecordsAsync("it", 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.GetRecordsAsync("it", 10_001));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetRecordsAsync(""));
    }

    [Fact]
    public async Task PutRecords_CountOrPartitionKeyOutOfRange_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.PutRecordsAsync("s", []));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.PutRecordsAsync("s", [.. Enumerable.Repeat(Entry("x", "k"), 501)]));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.PutRecordsAsync("s", [Entry("x", "")]));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.PutRecordsAsync("s", [Entry("x", new string('k', 257))]));
    }

    [Fact]
    public async Task ListShards_BothOrNeitherOfStreamAndToken_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.ListShardsAsync(new ListShardsRequest()));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.ListShardsAsync(new ListShardsRequest { StreamName = "s", NextToken = "t" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.ListShardsAsync(new ListShardsRequest { StreamName = "s", MaxResults = 0 }));
    }

    [Fact]
    public async Task SplitShardAndShardIteratorPosition_NonDecimalNumbers_Throw()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.SplitShardAsync("s", "shardId-000000000000", "0x10"));
        Assert.Throws<ArgumentException>(() => ShardIteratorPosition.AtSequenceNumber("12a"));
        Assert.Throws<ArgumentException>(() => ShardIteratorPosition.AfterSequenceNumber(""));
    }

    [Fact]
    public async Task CreateStream_NoShards_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.CreateStreamAsync("s", 0));
    }
}

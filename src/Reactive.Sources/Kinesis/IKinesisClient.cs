namespace Reactive.Sources.Kinesis;

/// <summary>
/// The Kinesis Data Streams operations the sources use, one call per API request. <see cref="KinesisClient"/>
/// implements it over HTTP; a client on the full AWS SDK could replace it. Every method throws
/// <see cref="KinesisException"/> when the call fails (its <see cref="KinesisException.Code"/> says why) and
/// never retries: throttling, limits and expired iterators are the caller's to handle.
/// </summary>
public interface IKinesisClient
{
    /// <summary>Creates a stream with <paramref name="shardCount"/> shards. It is <see cref="KinesisStreamStatus.Creating"/> at first.</summary>
    Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default);

    /// <summary>The stream's status and open shard count.</summary>
    Task<KinesisStreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default);

    /// <summary>One page of the stream's shards (closed ones included); follow <see cref="ListShardsResponse.NextToken"/> for the rest.</summary>
    Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default);

    /// <summary>An iterator into a shard at <paramref name="position"/>; it expires 5 minutes after it is made.</summary>
    Task<string> GetShardIteratorAsync(string streamName, string shardId, ShardIteratorPosition position, CancellationToken cancellationToken = default);

    /// <summary>Records from an iterator (at most <paramref name="limit"/>, 1 to 10 000; the server's default, 10 000, when null) and the iterator to go on with.</summary>
    Task<GetRecordsResponse> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Puts 1 to 500 records; each may fail on its own (see <see cref="PutRecordsResponse.FailedRecordCount"/>), which does not throw.</summary>
    Task<PutRecordsResponse> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken = default);

    /// <summary>Splits a shard in two at <paramref name="newStartingHashKey"/> (decimal): the shard is closed, two children take its keys.</summary>
    Task SplitShardAsync(string streamName, string shardToSplit, string newStartingHashKey, CancellationToken cancellationToken = default);

    /// <summary>Merges two adjacent shards: both are closed, one child takes their keys.</summary>
    Task MergeShardsAsync(string streamName, string shardToMerge, string adjacentShardToMerge, CancellationToken cancellationToken = default);
}

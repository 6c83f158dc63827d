namespace Reactive.Sources.Kinesis;

/// <summary>A range of 128-bit hash keys, as decimal strings (partition keys are hashed with MD5 into it).</summary>
/// <param name="StartingHashKey">The first hash key of the range.</param>
/// <param name="EndingHashKey">The last hash key of the range (inclusive).</param>
public sealed record HashKeyRange(string StartingHashKey, string EndingHashKey);

/// <summary>The sequence numbers a shard holds, as decimal strings (they are larger than 64 bits).</summary>
/// <param name="StartingSequenceNumber">The first sequence number of the shard.</param>
/// <param name="EndingSequenceNumber">The last one, once the shard is closed (split or merged); <see langword="null"/> while it is open.</param>
public sealed record SequenceNumberRange(string StartingSequenceNumber, string? EndingSequenceNumber);

/// <summary>A shard of a stream, as ListShards describes it.</summary>
/// <param name="ShardId">The shard's id, such as <c>shardId-000000000000</c>.</param>
/// <param name="ParentShardId">The shard it was split or merged from, if any.</param>
/// <param name="AdjacentParentShardId">The second parent of a merged shard, if any.</param>
/// <param name="HashKeyRange">The hash keys it takes.</param>
/// <param name="SequenceNumberRange">Its sequence numbers; an ending one means it is closed.</param>
public sealed record KinesisShard(
    string ShardId,
    string? ParentShardId,
    string? AdjacentParentShardId,
    HashKeyRange HashKeyRange,
    SequenceNumberRange SequenceNumberRange)
{
    /// <summary>Whether the shard is closed (no more records will be added; its children take its keys).</summary>
    public bool IsClosed => SequenceNumberRange.EndingSequenceNumber is not null;
}

/// <summary>A shard that replaced the one being read, as GetRecords reports at a closed shard's end.</summary>
/// <param name="ShardId">The child's id.</param>
/// <param name="ParentShards">Its parents (one for a split, two for a merge).</param>
/// <param name="HashKeyRange">The hash keys it takes.</param>
public sealed record ChildShard(string ShardId, IReadOnlyList<string> ParentShards, HashKeyRange HashKeyRange);

/// <summary>One ListShards call: either a stream name (first page) or the previous page's <see cref="NextToken"/>.</summary>
public sealed record ListShardsRequest
{
    /// <summary>The stream; must be null when <see cref="NextToken"/> is set (Kinesis refuses both).</summary>
    public string? StreamName { get; init; }

    /// <summary>The previous page's token, to get the next page.</summary>
    public string? NextToken { get; init; }

    /// <summary>At most this many shards per page (1 to 10 000); <see langword="null"/> lets Kinesis choose (1 000).</summary>
    public int? MaxResults { get; init; }

    /// <summary>Only the shards after this one (by id); with <see cref="StreamName"/> only.</summary>
    public string? ExclusiveStartShardId { get; init; }
}

/// <summary>A page of shards.</summary>
/// <param name="Shards">The shards of this page.</param>
/// <param name="NextToken">The token for the next page, or <see langword="null"/> on the last page.</param>
public sealed record ListShardsResponse(IReadOnlyList<KinesisShard> Shards, string? NextToken);

namespace Reactive.Sources.Kinesis;

/// <summary>A record read from a shard.</summary>
/// <param name="SequenceNumber">Its sequence number, a decimal string unique and increasing within its shard.</param>
/// <param name="PartitionKey">The key the producer gave it.</param>
/// <param name="Data">Its bytes (decoded from the base64 of the wire format).</param>
/// <param name="ApproximateArrivalTimestamp">When Kinesis accepted it, to the millisecond.</param>
public sealed record KinesisRecord(
    string SequenceNumber,
    string PartitionKey,
    ReadOnlyMemory<byte> Data,
    DateTimeOffset? ApproximateArrivalTimestamp);

/// <summary>The result of one GetRecords call.</summary>
/// <param name="Records">The records read, in sequence order; may be empty even when more follow.</param>
/// <param name="NextShardIterator">The iterator to continue with; <see langword="null"/> when a closed shard has been read to its end.</param>
/// <param name="MillisBehindLatest">How far the iterator is behind the shard's newest record, in milliseconds (0 = at the tip).</param>
/// <param name="ChildShards">At a closed shard's end, the shards that continue it (empty otherwise, and from servers that do not report them).</param>
public sealed record GetRecordsResponse(
    IReadOnlyList<KinesisRecord> Records,
    string? NextShardIterator,
    long? MillisBehindLatest,
    IReadOnlyList<ChildShard> ChildShards)
{
    /// <summary>Whether the shard is closed and has been read to its end (there is no next iterator).</summary>
    public bool IsShardEnd => NextShardIterator is null;
}

/// <summary>A record to put.</summary>
/// <param name="Data">Its bytes (at most 1 MiB with the partition key).</param>
/// <param name="PartitionKey">Its key (1 to 256 characters): records with the same key go to the same shard, in order.</param>
/// <param name="ExplicitHashKey">A hash key (decimal) to use instead of the partition key's hash, to choose the shard.</param>
public sealed record PutRecordsEntry(ReadOnlyMemory<byte> Data, string PartitionKey, string? ExplicitHashKey = null);

/// <summary>What became of one record of a PutRecords call: either stored (shard and sequence number) or failed (error code).</summary>
/// <param name="SequenceNumber">Its sequence number, when stored.</param>
/// <param name="ShardId">The shard it went to, when stored.</param>
/// <param name="ErrorCode">Why it failed (<c>ProvisionedThroughputExceededException</c> or <c>InternalFailure</c>), when it did.</param>
/// <param name="ErrorMessage">The server's explanation of the failure.</param>
public sealed record PutRecordsResult(string? SequenceNumber, string? ShardId, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>Whether the record was stored.</summary>
    public bool Succeeded => ErrorCode is null;

    /// <summary>The failure as a code (<see cref="KinesisErrorCode.None"/> when stored).</summary>
    public KinesisErrorCode Error => ErrorCode is null ? KinesisErrorCode.None : KinesisErrors.FromType(ErrorCode);
}

/// <summary>The result of a PutRecords call: one result per record, in the order they were given.</summary>
/// <param name="FailedRecordCount">How many records failed; the caller puts those again (they may be throttled while others pass).</param>
/// <param name="Records">The result of each record, in order.</param>
public sealed record PutRecordsResponse(int FailedRecordCount, IReadOnlyList<PutRecordsResult> Records);

using System.Text.Json.Serialization;

namespace Reactive.Sources.Kinesis;

/// <summary>Where a shard's reading stands; in JSON (progress pages) by its name, as a pipeline's state is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KinesisShardState>))]
public enum KinesisShardState
{
    /// <summary>Found; its reader has not started yet.</summary>
    Pending,

    /// <summary>Waiting for its parent shard(s) to be read to their end, so that each key's records keep their order.</summary>
    WaitingForParent,

    /// <summary>Being read.</summary>
    Reading,

    /// <summary>A call failed (throttled, a server fault, the network); it is retried after a backoff.</summary>
    Retrying,

    /// <summary>Read to its end: the shard is closed (split or merged) and its children take over.</summary>
    Closed,

    /// <summary>Not read: it was closed when a <c>latest</c> start began, so it holds nothing new.</summary>
    Skipped,

    /// <summary>Its reader stopped (the subscription was disposed, or the source failed).</summary>
    Stopped,
}

/// <summary>A snapshot of one shard's reading, for progress pages and tests.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="ParentShardId">The shard it was split or merged from, if any.</param>
/// <param name="AdjacentParentShardId">The second parent of a merged shard, if any.</param>
/// <param name="State">Where its reading stands.</param>
/// <param name="StartingPosition">Where it was first read from (such as <c>TrimHorizon</c> or <c>AfterSequenceNumber 4960…</c>).</param>
/// <param name="RecordsRead">Records taken from the shard in this run, dead-lettered ones included.</param>
/// <param name="RecordsRejected">Records dead-lettered (not UTF-8, over <see cref="KinesisSourceOptions.MaxRecordBytes"/>).</param>
/// <param name="LastSequenceNumber">The sequence number of the last record taken (delivered or dead-lettered), or the checkpoint's when none yet.</param>
/// <param name="MillisBehindLatest">How far the last GetRecords call was behind the shard's newest record, in milliseconds, if known.</param>
/// <param name="GetRecordsCalls">GetRecords calls made, failed ones included.</param>
/// <param name="ThrottleEvents">Calls refused for throughput or rate (ProvisionedThroughputExceeded, LimitExceeded, throttling).</param>
/// <param name="Retries">Calls retried after a backoff (throttling, server faults, network errors, timeouts).</param>
/// <param name="IteratorRenewals">Shard iterators renewed because they had expired.</param>
public sealed record KinesisShardProgress(
    string ShardId,
    string? ParentShardId,
    string? AdjacentParentShardId,
    KinesisShardState State,
    string StartingPosition,
    long RecordsRead,
    long RecordsRejected,
    string? LastSequenceNumber,
    long? MillisBehindLatest,
    long GetRecordsCalls,
    long ThrottleEvents,
    long Retries,
    long IteratorRenewals);

namespace Reactive.Sources.Kinesis;

/// <summary>
/// A Kinesis record as <see cref="KinesisLineSource"/> delivers it: its data decoded as UTF-8 and everything Kinesis
/// says about it. <see cref="ToSourceLine"/> is the line the source gives as an <see cref="ILineSource"/>.
/// </summary>
/// <param name="Origin">The stream and shard, <c>STREAM/SHARDID</c>: the line's <see cref="SourceLine.Origin"/>.</param>
/// <param name="ShardId">The shard the record was read from.</param>
/// <param name="LineNumber">The record's number within its shard in this run of the source (1-based; dead-lettered records count).</param>
/// <param name="Text">The record's data decoded as UTF-8 (one record is one line, whatever line breaks it holds).</param>
/// <param name="SequenceNumber">The record's sequence number, a decimal string that grows within the shard.</param>
/// <param name="PartitionKey">The key the producer gave the record.</param>
/// <param name="ApproximateArrivalTimestamp">When Kinesis accepted the record, to the millisecond, if the server said.</param>
public sealed record KinesisLine(
    string Origin,
    string ShardId,
    long LineNumber,
    string Text,
    string SequenceNumber,
    string PartitionKey,
    DateTimeOffset? ApproximateArrivalTimestamp)
{
    /// <summary>The record as a line: origin, number, text and sequence number.</summary>
    public SourceLine ToSourceLine() => new(Origin, LineNumber, Text) { Sequence = SequenceNumber };
}

using System.Text.Json.Serialization;

namespace Reactive.Sources.Kinesis;

// The wire shapes of the Kinesis JSON 1.1 protocol: PascalCase names as the API spells them,
// record data as base64 (System.Text.Json's byte[] and ReadOnlyMemory<byte> form), sequence numbers
// and hash keys as strings (they exceed 64 bits), timestamps as epoch seconds with a fraction.

internal sealed record StreamNameInput(string StreamName);

internal sealed record CreateStreamInput(string StreamName, int ShardCount);

internal sealed record ListShardsInput(string? StreamName, string? NextToken, int? MaxResults, string? ExclusiveStartShardId);

internal sealed record GetShardIteratorInput(string StreamName, string ShardId, string ShardIteratorType, string? StartingSequenceNumber, double? Timestamp);

internal sealed record GetRecordsInput(string ShardIterator, int? Limit);

internal sealed record PutRecordsInput(string StreamName, IReadOnlyList<PutRecordsInputEntry> Records);

internal sealed record PutRecordsInputEntry(ReadOnlyMemory<byte> Data, string PartitionKey, string? ExplicitHashKey);

internal sealed record SplitShardInput(string StreamName, string ShardToSplit, string NewStartingHashKey);

internal sealed record MergeShardsInput(string StreamName, string ShardToMerge, string AdjacentShardToMerge);

internal sealed class DescribeStreamSummaryOutput
{
    public StreamSummaryDto? StreamDescriptionSummary { get; set; }
}

internal sealed class StreamSummaryDto
{
    public string? StreamName { get; set; }

    [JsonPropertyName("StreamARN")]
    public string? StreamArn { get; set; }

    public string? StreamStatus { get; set; }

    public int? OpenShardCount { get; set; }

    public int? RetentionPeriodHours { get; set; }

    public double? StreamCreationTimestamp { get; set; }

    public int? ConsumerCount { get; set; }
}

internal sealed class ListShardsOutput
{
    public List<ShardDto>? Shards { get; set; }

    public string? NextToken { get; set; }
}

internal sealed class ShardDto
{
    public string? ShardId { get; set; }

    public string? ParentShardId { get; set; }

    public string? AdjacentParentShardId { get; set; }

    public HashKeyRangeDto? HashKeyRange { get; set; }

    public SequenceNumberRangeDto? SequenceNumberRange { get; set; }
}

internal sealed class HashKeyRangeDto
{
    public string? StartingHashKey { get; set; }

    public string? EndingHashKey { get; set; }
}

internal sealed class SequenceNumberRangeDto
{
    public string? StartingSequenceNumber { get; set; }

    public string? EndingSequenceNumber { get; set; }
}

internal sealed class GetShardIteratorOutput
{
    public string? ShardIterator { get; set; }
}

internal sealed class GetRecordsOutput
{
    public List<RecordDto>? Records { get; set; }

    public string? NextShardIterator { get; set; }

    public long? MillisBehindLatest { get; set; }

    public List<ChildShardDto>? ChildShards { get; set; }
}

internal sealed class RecordDto
{
    public string? SequenceNumber { get; set; }

    public string? PartitionKey { get; set; }

    public byte[]? Data { get; set; }

    public double? ApproximateArrivalTimestamp { get; set; }
}

internal sealed class ChildShardDto
{
    public string? ShardId { get; set; }

    public List<string>? ParentShards { get; set; }

    public HashKeyRangeDto? HashKeyRange { get; set; }
}

internal sealed class PutRecordsOutput
{
    public int? FailedRecordCount { get; set; }

    public List<PutRecordsResultDto>? Records { get; set; }
}

internal sealed class PutRecordsResultDto
{
    public string? SequenceNumber { get; set; }

    public string? ShardId { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }
}

internal sealed class ErrorOutput
{
    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public string? LowerMessage { get; set; }

    [JsonPropertyName("Message")]
    public string? UpperMessage { get; set; }
}

internal sealed class EmptyOutput
{
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamNameInput))]
[JsonSerializable(typeof(CreateStreamInput))]
[JsonSerializable(typeof(ListShardsInput))]
[JsonSerializable(typeof(GetShardIteratorInput))]
[JsonSerializable(typeof(GetRecordsInput))]
[JsonSerializable(typeof(PutRecordsInput))]
[JsonSerializable(typeof(SplitShardInput))]
[JsonSerializable(typeof(MergeShardsInput))]
[JsonSerializable(typeof(DescribeStreamSummaryOutput))]
[JsonSerializable(typeof(ListShardsOutput))]
[JsonSerializable(typeof(GetShardIteratorOutput))]
[JsonSerializable(typeof(GetRecordsOutput))]
[JsonSerializable(typeof(PutRecordsOutput))]
[JsonSerializable(typeof(ErrorOutput))]
[JsonSerializable(typeof(EmptyOutput))]
internal sealed partial class KinesisJsonContext : JsonSerializerContext;

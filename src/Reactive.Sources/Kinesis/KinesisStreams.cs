namespace Reactive.Sources.Kinesis;

/// <summary>The state of a stream.</summary>
public enum KinesisStreamStatus
{
    /// <summary>A status this client does not know.</summary>
    Unknown,

    /// <summary>Being created; it cannot be read or written yet.</summary>
    Creating,

    /// <summary>Ready for reads and writes.</summary>
    Active,

    /// <summary>Being resharded or changed; reads and writes go on.</summary>
    Updating,

    /// <summary>Being deleted.</summary>
    Deleting,
}

/// <summary>A stream's summary, as DescribeStreamSummary gives it.</summary>
/// <param name="StreamName">The stream's name.</param>
/// <param name="StreamArn">Its ARN.</param>
/// <param name="Status">Its state.</param>
/// <param name="OpenShardCount">How many of its shards are open (closed parents are not counted).</param>
/// <param name="RetentionPeriodHours">How long records are kept.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ConsumerCount">How many enhanced fan-out consumers it has, if reported.</param>
public sealed record KinesisStreamSummary(
    string StreamName,
    string? StreamArn,
    KinesisStreamStatus Status,
    int OpenShardCount,
    int RetentionPeriodHours,
    DateTimeOffset? CreatedAt,
    int? ConsumerCount);

namespace Reactive.Sources.Kinesis;

/// <summary>
/// A <see cref="KinesisLineSource"/> stopped: the stream is missing, the credentials are refused, a checkpoint does
/// not fit the stream, or retries ran out. The message says what to change and never holds a secret.
/// </summary>
public sealed class KinesisSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened and what to change.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="shardId">The shard concerned, if one.</param>
    /// <param name="innerException">The Kinesis call's failure, if any.</param>
    public KinesisSourceException(string message, string stream, string? shardId, Exception? innerException = null)
        : base(message, innerException)
    {
        Stream = stream;
        ShardId = shardId;
    }

    /// <summary>The stream.</summary>
    public string Stream { get; }

    /// <summary>The shard concerned, or null when the failure is the stream's (listing its shards).</summary>
    public string? ShardId { get; }

    /// <summary>Why the last Kinesis call failed, when one did.</summary>
    public KinesisErrorCode? Code => (InnerException as KinesisException)?.Code;
}

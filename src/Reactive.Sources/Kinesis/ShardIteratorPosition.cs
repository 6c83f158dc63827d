namespace Reactive.Sources.Kinesis;

/// <summary>The kinds of shard iterator (Kinesis' <c>ShardIteratorType</c>).</summary>
public enum ShardIteratorType
{
    /// <summary>The oldest record still kept (Spark's <c>earliest</c>/<c>trim_horizon</c>).</summary>
    TrimHorizon,

    /// <summary>Just after the newest record: only records put from now on.</summary>
    Latest,

    /// <summary>At a given sequence number.</summary>
    AtSequenceNumber,

    /// <summary>Just after a given sequence number (where a checkpoint resumes).</summary>
    AfterSequenceNumber,

    /// <summary>At the first record that arrived at or after a given time.</summary>
    AtTimestamp,
}

/// <summary>Where in a shard an iterator starts. Built with the static members, which check their arguments.</summary>
public sealed record ShardIteratorPosition
{
    private ShardIteratorPosition(ShardIteratorType type, string? sequenceNumber, DateTimeOffset? timestamp)
    {
        Type = type;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
    }

    /// <summary>The kind of iterator.</summary>
    public ShardIteratorType Type { get; }

    /// <summary>The sequence number, for <see cref="ShardIteratorType.AtSequenceNumber"/> and <see cref="ShardIteratorType.AfterSequenceNumber"/>.</summary>
    public string? SequenceNumber { get; }

    /// <summary>The time, for <see cref="ShardIteratorType.AtTimestamp"/>.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The oldest record still kept.</summary>
    public static ShardIteratorPosition TrimHorizon { get; } = new(ShardIteratorType.TrimHorizon, null, null);

    /// <summary>Only records put from now on.</summary>
    public static ShardIteratorPosition Latest { get; } = new(ShardIteratorType.Latest, null, null);

    /// <summary>At the record with this sequence number.</summary>
    public static ShardIteratorPosition AtSequenceNumber(string sequenceNumber) =>
        new(ShardIteratorType.AtSequenceNumber, CheckSequenceNumber(sequenceNumber), null);

    /// <summary>Just after the record with this sequence number.</summary>
    public static ShardIteratorPosition AfterSequenceNumber(string sequenceNumber) =>
        new(ShardIteratorType.AfterSequenceNumber, CheckSequenceNumber(sequenceNumber), null);

    /// <summary>At the first record that arrived at or after <paramref name="timestamp"/>.</summary>
    public static ShardIteratorPosition AtTimestamp(DateTimeOffset timestamp) =>
        new(ShardIteratorType.AtTimestamp, null, timestamp);

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        ShardIteratorType.AtSequenceNumber or ShardIteratorType.AfterSequenceNumber => $"{Type} {SequenceNumber}",
        ShardIteratorType.AtTimestamp => $"{Type} {Timestamp:O}",
        _ => Type.ToString(),
    };

    private static string CheckSequenceNumber(string sequenceNumber)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequenceNumber);
        if (!sequenceNumber.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"A sequence number is a decimal number (was '{sequenceNumber}').", nameof(sequenceNumber));
        }

        return sequenceNumber;
    }
}

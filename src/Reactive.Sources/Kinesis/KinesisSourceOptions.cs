using System.ComponentModel.DataAnnotations;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// Options of <see cref="KinesisLineSource"/>: which stream, where to start, how fast to poll and how to back off.
/// The names and defaults follow Spark's Kinesis source (<c>initialPosition</c> <c>latest</c>) and AWS's advice for
/// polling consumers (one GetRecords per shard per second).
/// </summary>
public sealed class KinesisSourceOptions
{
    /// <summary>The shortest time between two GetRecords calls to one shard: Kinesis allows 5 per shard per second.</summary>
    public static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The most records one GetRecords call may ask for (Kinesis' limit).</summary>
    public const int MaxRecordsPerCallLimit = 10_000;

    /// <summary>The largest record Kinesis stores, in bytes (10 MiB): the upper bound of <see cref="MaxRecordBytes"/>.</summary>
    public const int MaxRecordBytesLimit = 10 * 1024 * 1024;

    /// <summary>Where the client connects and how it signs (region, service URL, credentials, request timeout).</summary>
    /// <value>The default value is <see cref="KinesisOptions"/>' defaults: <c>us-east-1</c>, its public endpoint, the default credential chain.</value>
    [Required]
    public KinesisOptions Kinesis { get; set; } = new();

    /// <summary>The stream to read, such as <c>bitcoin-info</c>.</summary>
    /// <value>There is no default; the option is required.</value>
    [Required]
    public string Stream { get; set; } = string.Empty;

    /// <summary>
    /// Where the shards are read from when there is no <see cref="Resume"/>, as Spark names it:
    /// <c>latest</c> (records put from the start on; closed shards are skipped), <c>earliest</c> or its synonym
    /// <c>trim_horizon</c> (every record still kept), or <c>at_timestamp</c> (records that arrived at or after
    /// <see cref="AtTimestamp"/>). Case does not matter. Shards created after the start (children of a split or merge)
    /// are always read from their first record.
    /// </summary>
    /// <value>The default value is <c>"latest"</c> (as Spark).</value>
    [Required]
    public string StartingPosition { get; set; } = KinesisStartingPositions.Latest;

    /// <summary>With <see cref="StartingPosition"/> <c>at_timestamp</c>: the arrival time to start at.</summary>
    /// <value>The default value is <see langword="null"/>; required with <c>at_timestamp</c>, not allowed otherwise.</value>
    public DateTimeOffset? AtTimestamp { get; set; }

    /// <summary>
    /// A checkpoint: the sequence number of the last record taken, per shard id (<c>shardId-000000000000</c>, or the
    /// lines' <see cref="SourceLine.Origin"/>, <c>STREAM/shardId-000000000000</c>). When set it wins over
    /// <see cref="StartingPosition"/>: a shard in it is read from just after that record (<c>AFTER_SEQUENCE_NUMBER</c>);
    /// a listed shard not in it (one created later, or one that had no record yet) is read from its first record
    /// (<c>TRIM_HORIZON</c>). Entries for shards no longer listed (expired) are ignored, and said so in the status.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no checkpoint).</value>
    public IReadOnlyDictionary<string, string>? Resume { get; set; }

    /// <summary>
    /// The time between two GetRecords calls to one shard that has caught up. A shard that is behind (a full page, or
    /// more than this interval behind the tip by <c>MillisBehindLatest</c>) is polled again after
    /// <see cref="MinPollInterval"/>; never more often, so at most 5 calls per shard per second.
    /// </summary>
    /// <value>The default value is 1 second (AWS's advice).</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most records asked for in one GetRecords call (1 to 10 000).</summary>
    /// <value>The default value is 10 000 (Kinesis' maximum).</value>
    [Range(1, MaxRecordsPerCallLimit)]
    public int MaxRecordsPerCall { get; set; } = MaxRecordsPerCallLimit;

    /// <summary>
    /// The largest record data delivered as a line, in bytes; a larger record is dead-lettered
    /// (<c>record_too_large</c>) and the shard goes on past it.
    /// </summary>
    /// <value>The default value is 1 048 576 (1 MiB, Kinesis' usual record limit).</value>
    [Range(1, MaxRecordBytesLimit)]
    public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The wait before the first retry of a throttled or failed call (ProvisionedThroughputExceeded, LimitExceeded,
    /// server faults, network errors, timeouts). The retry reuses the same shard iterator.
    /// </summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two retries.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Factor applied to the wait after each failed attempt in a row (at least 1).</summary>
    /// <value>The default value is 2.0.</value>
    [Range(1.0, double.MaxValue)]
    public double BackoffMultiplier { get; set; } = 2.0;

    /// <summary>
    /// Part of each wait that is random: the wait is drawn uniformly from <c>[delay × (1 − JitterFraction), delay]</c>,
    /// so that shards throttled together do not retry together. 0 = no jitter, 1 = "full jitter".
    /// </summary>
    /// <value>The default value is 0.5 ("equal jitter").</value>
    [Range(0.0, 1.0)]
    public double JitterFraction { get; set; } = 0.5;

    /// <summary>
    /// Failed calls in a row tolerated for one shard (or for the shard listing) before the source stops with an error;
    /// <see langword="null"/> retries forever. A successful call resets the count.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (forever).</value>
    [Range(0, int.MaxValue)]
    public int? MaxRetries { get; set; }

    /// <summary>
    /// How often the stream's shards are listed (ListShards, every page) to find new ones. A shard read to its end
    /// also lists them at once, so its children do not wait for this interval.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ShardDiscoveryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first bad one (never showing a secret).</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (Kinesis is null)
        {
            throw new ArgumentException("KinesisSourceOptions.Kinesis must be set (the region, service URL and credentials of the client).", nameof(Kinesis));
        }

        Kinesis.Validate();

        if (string.IsNullOrWhiteSpace(Stream))
        {
            throw new ArgumentException("KinesisSourceOptions.Stream must name the Kinesis stream to read.", nameof(Stream));
        }

        if (Stream.Length > 128 || !Stream.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            throw new ArgumentException($"KinesisSourceOptions.Stream must be 1 to 128 letters, digits, '_', '.' or '-' (was '{Stream}').", nameof(Stream));
        }

        var start = KinesisStartingPositions.Parse(StartingPosition)
            ?? throw new ArgumentException(
                $"KinesisSourceOptions.StartingPosition must be one of latest, earliest, trim_horizon or at_timestamp (was '{StartingPosition}').",
                nameof(StartingPosition));

        if (start == ShardIteratorType.AtTimestamp && AtTimestamp is null)
        {
            throw new ArgumentException("KinesisSourceOptions.AtTimestamp must be set when KinesisSourceOptions.StartingPosition is at_timestamp.", nameof(AtTimestamp));
        }

        if (start != ShardIteratorType.AtTimestamp && AtTimestamp is not null)
        {
            throw new ArgumentException($"KinesisSourceOptions.AtTimestamp is only used with KinesisSourceOptions.StartingPosition at_timestamp (StartingPosition is '{StartingPosition}').", nameof(AtTimestamp));
        }

        var shards = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (shard, sequence) in Resume ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(shard) || string.IsNullOrWhiteSpace(ShardIdOf(shard)))
            {
                throw new ArgumentException("KinesisSourceOptions.Resume has an empty shard id.", nameof(Resume));
            }

            if (shard.Contains('/', StringComparison.Ordinal) && !shard.StartsWith(Stream + "/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"KinesisSourceOptions.Resume[{shard}] is a position in another stream (KinesisSourceOptions.Stream is '{Stream}'): a checkpoint of one stream cannot resume another.", nameof(Resume));
            }

            if (!shards.Add(ShardIdOf(shard)))
            {
                throw new ArgumentException($"KinesisSourceOptions.Resume names shard {ShardIdOf(shard)} twice (as a shard id and as {Stream}/{ShardIdOf(shard)}).", nameof(Resume));
            }

            if (string.IsNullOrEmpty(sequence) || sequence.Length > 128 || !sequence.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"KinesisSourceOptions.Resume[{shard}] must be a sequence number, a decimal number of up to 128 digits (was '{sequence}').", nameof(Resume));
            }
        }

        if (PollInterval < MinPollInterval)
        {
            throw new ArgumentException($"KinesisSourceOptions.PollInterval must be at least {MinPollInterval.TotalMilliseconds:0} ms: Kinesis allows 5 GetRecords per shard per second (was {PollInterval}).", nameof(PollInterval));
        }

        if (PollInterval == Timeout.InfiniteTimeSpan || PollInterval > TimeSpan.FromMinutes(4))
        {
            throw new ArgumentException($"KinesisSourceOptions.PollInterval must be under 4 minutes: a shard iterator expires 5 minutes after it is made (was {PollInterval}).", nameof(PollInterval));
        }

        if (MaxRecordsPerCall is < 1 or > MaxRecordsPerCallLimit)
        {
            throw new ArgumentException($"KinesisSourceOptions.MaxRecordsPerCall must be between 1 and {MaxRecordsPerCallLimit} (was {MaxRecordsPerCall}).", nameof(MaxRecordsPerCall));
        }

        if (MaxRecordBytes is < 1 or > MaxRecordBytesLimit)
        {
            throw new ArgumentException($"KinesisSourceOptions.MaxRecordBytes must be between 1 and {MaxRecordBytesLimit} (was {MaxRecordBytes}).", nameof(MaxRecordBytes));
        }

        if (MaxBackoff < TimeSpan.Zero || MaxBackoff == Timeout.InfiniteTimeSpan || MaxBackoff > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"KinesisSourceOptions.MaxBackoff must be between 0 and 1 hour (was {MaxBackoff}).", nameof(MaxBackoff));
        }

        if (InitialBackoff < TimeSpan.Zero || InitialBackoff > MaxBackoff)
        {
            throw new ArgumentException($"KinesisSourceOptions.InitialBackoff must be between 0 and KinesisSourceOptions.MaxBackoff ({MaxBackoff}) (was {InitialBackoff}).", nameof(InitialBackoff));
        }

        if (!(BackoffMultiplier >= 1.0) || double.IsInfinity(BackoffMultiplier))
        {
            throw new ArgumentException($"KinesisSourceOptions.BackoffMultiplier must be a finite number >= 1 (was {BackoffMultiplier}).", nameof(BackoffMultiplier));
        }

        if (!(JitterFraction is >= 0.0 and <= 1.0))
        {
            throw new ArgumentException($"KinesisSourceOptions.JitterFraction must be between 0 and 1 (was {JitterFraction}).", nameof(JitterFraction));
        }

        if (MaxRetries < 0)
        {
            throw new ArgumentException($"KinesisSourceOptions.MaxRetries must not be negative (was {MaxRetries}).", nameof(MaxRetries));
        }

        if (ShardDiscoveryInterval < MinPollInterval || ShardDiscoveryInterval == Timeout.InfiniteTimeSpan || ShardDiscoveryInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"KinesisSourceOptions.ShardDiscoveryInterval must be between {MinPollInterval.TotalMilliseconds:0} ms and 1 hour (was {ShardDiscoveryInterval}).", nameof(ShardDiscoveryInterval));
        }
    }

    /// <summary><see cref="Resume"/> by shard id (valid options only), or null.</summary>
    internal IReadOnlyDictionary<string, string>? ResumeByShard =>
        Resume?.ToDictionary(e => ShardIdOf(e.Key), e => e.Value, StringComparer.Ordinal);

    /// <summary>The kind of iterator <see cref="StartingPosition"/> names (valid options only).</summary>
    internal ShardIteratorType StartingType => KinesisStartingPositions.Parse(StartingPosition) ?? ShardIteratorType.Latest;

    /// <summary>The shard id of a <see cref="Resume"/> key: the key, or what follows <c>STREAM/</c>.</summary>
    private string ShardIdOf(string key) => key.StartsWith(Stream + "/", StringComparison.Ordinal) ? key[(Stream.Length + 1)..] : key;

    /// <summary>The wait before retry <paramref name="attempt"/> (1-based), before jitter.</summary>
    internal TimeSpan BaseBackoff(int attempt) => Backoff.Delay(InitialBackoff, MaxBackoff, BackoffMultiplier, attempt);
}

/// <summary>The values of <see cref="KinesisSourceOptions.StartingPosition"/>, as Spark's Kinesis source names them.</summary>
public static class KinesisStartingPositions
{
    /// <summary>Records put from the start on (Kinesis' <c>LATEST</c>).</summary>
    public const string Latest = "latest";

    /// <summary>Every record still kept (Kinesis' <c>TRIM_HORIZON</c>).</summary>
    public const string Earliest = "earliest";

    /// <summary>A synonym of <see cref="Earliest"/>.</summary>
    public const string TrimHorizon = "trim_horizon";

    /// <summary>Records that arrived at or after <see cref="KinesisSourceOptions.AtTimestamp"/>.</summary>
    public const string AtTimestamp = "at_timestamp";

    /// <summary>The kind of iterator a starting position names, or null when it names none.</summary>
    internal static ShardIteratorType? Parse(string? position) => position?.Trim().ToLowerInvariant() switch
    {
        Latest => ShardIteratorType.Latest,
        Earliest or TrimHorizon => ShardIteratorType.TrimHorizon,
        AtTimestamp => ShardIteratorType.AtTimestamp,
        _ => null,
    };
}

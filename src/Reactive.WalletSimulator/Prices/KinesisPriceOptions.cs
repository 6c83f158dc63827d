using Reactive.Sources.Kinesis;

namespace Reactive.WalletSimulator.Prices;

/// <summary>
/// The <c>kinesis</c> price feed (<c>Simulator:Price:Kinesis</c>): the course's bitcoin records read from a Kinesis stream
/// with the project's own consumer (<see cref="KinesisLineSource"/>); the newest record's <c>euro_rate</c> is the price.
/// </summary>
internal sealed class KinesisPriceOptions
{
    /// <summary>The stream of the course's JSON records (<c>{"timestamp":"…","euro_rate":…,…}</c>).</summary>
    /// <value>The default value is <c>bitcoin-info</c>, the course's stream.</value>
    public string Stream { get; set; } = "bitcoin-info";

    /// <summary>
    /// Where the shards are read from at start: <c>latest</c> (the records put from the start on: a simulator prices
    /// orders now, not at the stream's first rate), <c>earliest</c>/<c>trim_horizon</c> or <c>at_timestamp</c> (with
    /// <see cref="AtTimestamp"/>). The simulator keeps no checkpoint: each start reads from here again.
    /// </summary>
    /// <value>The default value is <c>latest</c>.</value>
    public string StartingPosition { get; set; } = KinesisStartingPositions.Latest;

    /// <summary>With <see cref="StartingPosition"/> <c>at_timestamp</c>: the arrival time to start at.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public DateTimeOffset? AtTimestamp { get; set; }

    /// <summary>The region requests are signed for.</summary>
    /// <value>The default value is <c>us-east-1</c> (kinesalite takes any).</value>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Another endpoint than the region's: kinesalite or LocalStack (<c>http://127.0.0.1:4567</c>), a VPC endpoint.</summary>
    /// <value>The default value is <see langword="null"/> (the region's endpoint).</value>
    public string? ServiceUrl { get; set; }

    /// <summary>An explicit access key id; with neither it nor <see cref="SecretAccessKey"/> AWS's default chain finds the credentials.</summary>
    /// <value>The default value is <see langword="null"/> (the default chain).</value>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret that goes with <see cref="AccessKeyId"/>: from the environment only, never logged nor shown.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SecretAccessKey { get; set; }

    /// <summary>The time between two reads of a shard that has caught up (at least 200 ms, Kinesis' limit).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The wait before the feed starts reading again after the consumer stopped on an error retrying cannot fix (the
    /// stream does not exist yet, credentials refused): the simulator goes on serving at the last price meanwhile.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The consumer's options for these settings (unchecked: see <see cref="Problems"/>).</summary>
    public KinesisSourceOptions ToSourceOptions() => new()
    {
        Stream = Stream,
        StartingPosition = StartingPosition,
        AtTimestamp = AtTimestamp,
        PollInterval = PollInterval,
        Kinesis = new KinesisOptions
        {
            Region = Region,
            ServiceUrl = ServiceUrl,
            AccessKeyId = AccessKeyId,
            SecretAccessKey = SecretAccessKey,
        },
    };

    /// <summary>What is wrong, each naming its key under <paramref name="prefix"/> (<c>Simulator:Price:Kinesis:</c>); never a secret.</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        string? problem = null;
        try
        {
            ToSourceOptions().Validate();
        }
        catch (ArgumentException ex)
        {
            // The consumer's messages name its options ("KinesisSourceOptions.Stream must …"): name our keys instead.
            problem = ex.Message
                .Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal)
                .Replace("KinesisSourceOptions.", prefix, StringComparison.Ordinal)
                .Replace("KinesisOptions.", prefix, StringComparison.Ordinal);
        }

        if (problem is not null)
        {
            yield return problem;
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > TimeSpan.FromHours(1))
        {
            yield return $"{prefix}RetryDelay must be between 0 and 1 hour, not 0 (got {RetryDelay})";
        }
    }

    /// <summary>Where the feed reads, for the start-up line (no secret: <see cref="KinesisOptions.ToString"/> hides it).</summary>
    public string Describe() =>
        $"kinesis stream {Stream} from {StartingPosition} at {(string.IsNullOrWhiteSpace(ServiceUrl) ? $"the {Region} endpoint" : ServiceUrl)}";
}

using Reactive.Sources.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

public sealed class KinesisSourceOptionsTests
{
    private static KinesisSourceOptions Valid() => new()
    {
        Kinesis = Options(new Uri("http://127.0.0.1:4567/")),
        Stream = "bitcoin-info",
    };

    [Fact]
    public void Defaults_AsDocumented()
    {
        var options = new KinesisSourceOptions();

        Assert.Equal(string.Empty, options.Stream);
        Assert.Equal("latest", options.StartingPosition);
        Assert.Null(options.AtTimestamp);
        Assert.Null(options.Resume);
        Assert.Equal(TimeSpan.FromSeconds(1), options.PollInterval);
        Assert.Equal(10_000, options.MaxRecordsPerCall);
        Assert.Equal(1024 * 1024, options.MaxRecordBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.InitialBackoff);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxBackoff);
        Assert.Equal(2.0, options.BackoffMultiplier);
        Assert.Equal(0.5, options.JitterFraction);
        Assert.Null(options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShardDiscoveryInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(200), KinesisSourceOptions.MinPollInterval);
        Assert.Equal("us-east-1", options.Kinesis.Region);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("LATEST")]
    [InlineData("earliest")]
    [InlineData("trim_horizon")]
    [InlineData(" Trim_Horizon ")]
    public void Validate_SparksStartingPositions_Accepted(string position)
    {
        var options = Valid();
        options.StartingPosition = position;

        options.Validate();
    }

    [Fact]
    public void Validate_ResumeByShardIdOrByOrigin_Accepted()
    {
        var options = Valid();
        options.Resume = new Dictionary<string, string> { ["shardId-000000000000"] = "1", ["bitcoin-info/shardId-000000000001"] = "2" };

        options.Validate();
    }

    [Fact]
    public void Validate_AtTimestampWithItsTime_Accepted()
    {
        var options = Valid();
        options.StartingPosition = "at_timestamp";
        options.AtTimestamp = DateTimeOffset.UnixEpoch;

        options.Validate();
    }

    [Theory]
    [InlineData("Stream", "", "KinesisSourceOptions.Stream must name")]
    [InlineData("Stream", "bad name", "KinesisSourceOptions.Stream must be 1 to 128")]
    [InlineData("StartingPosition", "oldest", "KinesisSourceOptions.StartingPosition must be one of latest, earliest, trim_horizon or at_timestamp (was 'oldest')")]
    [InlineData("AtTimestamp", "missing", "KinesisSourceOptions.AtTimestamp must be set")]
    [InlineData("AtTimestamp", "without at_timestamp", "KinesisSourceOptions.AtTimestamp is only used with")]
    [InlineData("Resume", "empty shard", "KinesisSourceOptions.Resume has an empty shard id")]
    [InlineData("Resume", "not a number", "KinesisSourceOptions.Resume[shardId-000000000000] must be a sequence number")]
    [InlineData("Resume", "other stream", "KinesisSourceOptions.Resume[other/shardId-000000000000] is a position in another stream (KinesisSourceOptions.Stream is 'bitcoin-info')")]
    [InlineData("Resume", "twice", "KinesisSourceOptions.Resume names shard shardId-000000000000 twice")]
    [InlineData("PollInterval", "00:00:00.199", "KinesisSourceOptions.PollInterval must be at least 200 ms")]
    [InlineData("PollInterval", "00:05:00", "KinesisSourceOptions.PollInterval must be under 4 minutes")]
    [InlineData("MaxRecordsPerCall", "0", "KinesisSourceOptions.MaxRecordsPerCall must be between 1 and 10000 (was 0)")]
    [InlineData("MaxRecordsPerCall", "10001", "KinesisSourceOptions.MaxRecordsPerCall must be between 1 and 10000 (was 10001)")]
    [InlineData("MaxRecordBytes", "0", "KinesisSourceOptions.MaxRecordBytes must be between 1 and 10485760")]
    [InlineData("InitialBackoff", "-00:00:01", "KinesisSourceOptions.InitialBackoff must be between 0 and KinesisSourceOptions.MaxBackoff")]
    [InlineData("InitialBackoff", "00:01:00", "KinesisSourceOptions.InitialBackoff must be between 0 and KinesisSourceOptions.MaxBackoff")]
    [InlineData("MaxBackoff", "02:00:00", "KinesisSourceOptions.MaxBackoff must be between 0 and 1 hour")]
    [InlineData("BackoffMultiplier", "0.5", "KinesisSourceOptions.BackoffMultiplier must be a finite number >= 1")]
    [InlineData("JitterFraction", "1.5", "KinesisSourceOptions.JitterFraction must be between 0 and 1")]
    [InlineData("MaxRetries", "-1", "KinesisSourceOptions.MaxRetries must not be negative")]
    [InlineData("ShardDiscoveryInterval", "00:00:00.1", "KinesisSourceOptions.ShardDiscoveryInterval must be between 200 ms and 1 hour")]
    public void Validate_BadOption_ThrowsNamingIt(string key, string value, string message)
    {
        var options = Valid();
        Apply(options, key, value);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(key, error.ParamName);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadClientOption_ThrowsNamingTheClientsKeyWithoutTheSecret()
    {
        var options = Valid();
        options.Kinesis.AccessKeyId = null;

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("AccessKeyId", error.ParamName);
        Assert.Contains("KinesisOptions.AccessKeyId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretAccessKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoClientOptions_ThrowsNamingThem()
    {
        var options = Valid();
        options.Kinesis = null!;

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("Kinesis", error.ParamName);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeAnyCall()
    {
        var options = Valid();
        options.MaxRecordsPerCall = 0;

        var error = Assert.Throws<ArgumentException>(() => new KinesisLineSource(options));

        Assert.Equal("MaxRecordsPerCall", error.ParamName);
    }

    private static void Apply(KinesisSourceOptions options, string key, string value)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        switch (key)
        {
            case "Stream":
                options.Stream = value;
                break;
            case "StartingPosition":
                options.StartingPosition = value;
                break;
            case "AtTimestamp" when value == "missing":
                options.StartingPosition = "at_timestamp";
                break;
            case "AtTimestamp":
                options.AtTimestamp = DateTimeOffset.UnixEpoch;
                break;
            case "Resume" when value == "empty shard":
                options.Resume = new Dictionary<string, string> { [" "] = "1" };
                break;
            case "Resume" when value == "other stream":
                options.Resume = new Dictionary<string, string> { ["other/shardId-000000000000"] = "1" };
                break;
            case "Resume" when value == "twice":
                options.Resume = new Dictionary<string, string> { ["shardId-000000000000"] = "1", ["bitcoin-info/shardId-000000000000"] = "2" };
                break;
            case "Resume":
                options.Resume = new Dictionary<string, string> { ["shardId-000000000000"] = "49x" };
                break;
            case "PollInterval":
                options.PollInterval = TimeSpan.Parse(value, culture);
                break;
            case "MaxRecordsPerCall":
                options.MaxRecordsPerCall = int.Parse(value, culture);
                break;
            case "MaxRecordBytes":
                options.MaxRecordBytes = int.Parse(value, culture);
                break;
            case "InitialBackoff":
                options.InitialBackoff = TimeSpan.Parse(value, culture);
                break;
            case "MaxBackoff":
                options.MaxBackoff = TimeSpan.Parse(value, culture);
                break;
            case "BackoffMultiplier":
                options.BackoffMultiplier = double.Parse(value, culture);
                break;
            case "JitterFraction":
                options.JitterFraction = double.Parse(value, culture);
                break;
            case "MaxRetries":
                options.MaxRetries = int.Parse(value, culture);
                break;
            case "ShardDiscoveryInterval":
                options.ShardDiscoveryInterval = TimeSpan.Parse(value, culture);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(key), key, null);
        }
    }
}

using Reactive.Sources.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

public sealed class KinesisOptionsTests
{
    [Fact]
    public void Defaults_Validate_PassWithTheRegionsEndpointAndTheDefaultChain()
    {
        var options = new KinesisOptions();

        options.Validate();

        Assert.Equal("us-east-1", options.Region);
        Assert.Equal(new Uri("https://kinesis.us-east-1.amazonaws.com/"), options.EffectiveServiceUrl);
        Assert.False(options.HasExplicitCredentials);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
    }

    [Theory]
    [InlineData("eu-west-1", "https://kinesis.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://kinesis.cn-north-1.amazonaws.com.cn/")]
    public void EffectiveServiceUrl_NoServiceUrl_TheRegionsPublicEndpoint(string region, string expected)
    {
        Assert.Equal(new Uri(expected), new KinesisOptions { Region = region }.EffectiveServiceUrl);
    }

    public static TheoryData<string, Action<KinesisOptions>, string> BadOptions() => new()
    {
        { "Region", o => o.Region = "", "KinesisOptions.Region" },
        { "Region", o => o.Region = "Europe", "KinesisOptions.Region" },
        { "ServiceUrl", o => o.ServiceUrl = "127.0.0.1:4567", "KinesisOptions.ServiceUrl" },
        { "ServiceUrl", o => o.ServiceUrl = "ftp://127.0.0.1/", "KinesisOptions.ServiceUrl" },
        { "SecretAccessKey", o => o.AccessKeyId = AccessKeyId, "KinesisOptions.SecretAccessKey must be set" },
        { "AccessKeyId", o => o.SecretAccessKey = SecretAccessKey, "KinesisOptions.AccessKeyId must be set" },
        { "SessionToken", o => o.SessionToken = SessionToken, "KinesisOptions.SessionToken" },
        { "AccessKeyId", o => (o.AccessKeyId, o.SecretAccessKey) = (SecretAccessKey, SecretAccessKey), "KinesisOptions.AccessKeyId must be letters and digits" },
        { "RequestTimeout", o => o.RequestTimeout = TimeSpan.Zero, "KinesisOptions.RequestTimeout" },
        { "RequestTimeout", o => o.RequestTimeout = Timeout.InfiniteTimeSpan, "KinesisOptions.RequestTimeout" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadOption_ThrowsNamingItWithoutShowingASecret(string key, Action<KinesisOptions> spoil, string message)
    {
        var options = new KinesisOptions();
        spoil(options);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(key, error.ParamName);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        KinesisErrorTests.AssertNoSecret(error.Message);
    }

    [Fact]
    public void Constructor_BadOptions_ThrowsBeforeAnyRequest()
    {
        var error = Assert.Throws<ArgumentException>(() => new KinesisClient(new KinesisOptions { Region = "nowhere" }));

        Assert.Equal("Region", error.ParamName);
    }

    [Fact]
    public void ToString_WithSecretAndSessionToken_ShowsNeither()
    {
        var options = Options(new Uri("http://127.0.0.1:4567/"), SessionToken);

        var text = options.ToString();

        KinesisErrorTests.AssertNoSecret(text);
        Assert.Contains(AccessKeyId, text, StringComparison.Ordinal);
        Assert.Contains("secret ***, session token ***", text, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:4567/", text, StringComparison.Ordinal);
        Assert.Contains("the default chain", new KinesisOptions().ToString(), StringComparison.Ordinal);
    }
}

using Reactive.Sources.Kinesis;
using static Reactive.Sources.Tests.Kinesis.StubKinesisServer;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>
/// Credentials from AWS's default chain. These tests set process-wide environment variables, which only
/// the default chain reads (every other Kinesis test configures its keys), so they run one after the other
/// in this class and put the variables back.
/// </summary>
public sealed class KinesisCredentialChainTests : IDisposable
{
    private static readonly string[] Variables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public KinesisCredentialChainTests()
    {
        // Nothing from the machine: no profile files, no instance metadata.
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    public void Dispose()
    {
        foreach (var (variable, value) in _saved)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }
    }

    [Fact]
    public async Task NoKeysConfigured_KeysInTheEnvironment_SignedWithThem()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "environment-secret-key");
        using var stub = new StubKinesisServer(Json(200, """{"ShardIterator":"it"}"""));
        using var client = new KinesisClient(new KinesisOptions { ServiceUrl = stub.Url.ToString(), Region = "ap-southeast-2" });

        await client.GetShardIteratorAsync("s", "shardId-000000000000", ShardIteratorPosition.Latest);

        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDFROMENVIRONMENT/", Assert.Single(stub.Requests).Header("Authorization"), StringComparison.Ordinal);
        Assert.Contains("/ap-southeast-2/kinesis/aws4_request", stub.Requests[0].Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKeysAnywhere_AnyCall_CredentialsUnavailableNamingTheOptions()
    {
        using var stub = new StubKinesisServer(Json(200, """{"ShardIterator":"it"}"""));
        using var client = new KinesisClient(new KinesisOptions { ServiceUrl = stub.Url.ToString() });

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("s"));

        Assert.Equal(KinesisErrorCode.CredentialsUnavailable, error.Code);
        Assert.True(error.IsAuthenticationFailure);
        Assert.False(error.IsRetryable);
        Assert.Contains("KinesisOptions.AccessKeyId", error.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }
}

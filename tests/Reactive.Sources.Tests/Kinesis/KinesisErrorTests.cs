using System.Net;
using Microsoft.Extensions.Logging.Testing;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Tests.Socket;
using Reactive.Testing.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>Errors as kinesalite really answers them, mapped to <see cref="KinesisErrorCode"/>, with no secret in them or in the log.</summary>
public sealed class KinesisErrorTests : IClassFixture<KinesaliteFixture>, IDisposable
{
    private readonly KinesaliteServer _server;
    private readonly FakeLogger<KinesisClient> _log = new();
    private readonly KinesisClient _client;

    public KinesisErrorTests(KinesaliteFixture kinesalite)
    {
        _server = kinesalite.Server;
        _client = Client(_server.Endpoint, _log, SessionToken);
    }

    public void Dispose()
    {
        _client.Dispose();

        // Every test here leaves its log lines and its failures: none may hold the secret key or the session token.
        Assert.NotEmpty(_log.Collector.GetSnapshot());
        Assert.All(_log.Collector.GetSnapshot(), r => AssertNoSecret(r.Message + r.Exception));
    }

    [Fact]
    public async Task DescribeStreamSummary_MissingStream_ResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.DescribeStreamSummaryAsync("no-such-stream"));

        Assert.Equal(KinesisErrorCode.ResourceNotFound, error.Code);
        Assert.Equal("ResourceNotFoundException", error.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("DescribeStreamSummary", error.Operation);
        Assert.NotNull(error.RequestId);
        Assert.Contains("no-such-stream", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsRetryable);
        Assert.False(error.IsAuthenticationFailure);
        AssertNoSecret(error.ToString());
    }

    [Fact]
    public async Task GetShardIteratorAndPutRecords_MissingStream_ResourceNotFound()
    {
        var iterator = await Assert.ThrowsAsync<KinesisException>(() => _client.GetShardIteratorAsync("no-such-stream", "shardId-000000000000", ShardIteratorPosition.TrimHorizon));
        var put = await Assert.ThrowsAsync<KinesisException>(() => _client.PutRecordsAsync("no-such-stream", [Entry("x", "k")]));

        Assert.Equal(KinesisErrorCode.ResourceNotFound, iterator.Code);
        Assert.Equal(KinesisErrorCode.ResourceNotFound, put.Code);
    }

    [Fact]
    public async Task CreateStream_NameTaken_ResourceInUse()
    {
        var stream = StreamName("taken");
        await CreateActiveStreamAsync(_client, stream, 1);

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.CreateStreamAsync(stream, 1));

        Assert.Equal(KinesisErrorCode.ResourceInUse, error.Code);
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStream_MoreShardsThanTheAccountLimit_LimitExceeded()
    {
        // The fixture's server allows 100 open shards in all.
        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.CreateStreamAsync(StreamName("huge"), 101));

        Assert.Equal(KinesisErrorCode.LimitExceeded, error.Code);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task CreateStream_NameWithSpaces_Validation()
    {
        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.CreateStreamAsync("no spaces allowed", 1));

        Assert.Equal(KinesisErrorCode.Validation, error.Code);
        Assert.Contains("streamName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_IteratorNotFromKinesis_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.GetRecordsAsync(Convert.ToBase64String(new byte[200])));

        Assert.Equal(KinesisErrorCode.InvalidArgument, error.Code);
        Assert.Contains("Invalid ShardIterator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetShardIterator_SequenceNumberOfAnotherShard_InvalidArgument()
    {
        var stream = StreamName("other-shard");
        await CreateActiveStreamAsync(_client, stream, 2);
        var put = await _client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 20).Select(i => Entry("x", $"k{i}"))]);
        var inShard1 = put.Records.First(r => r.ShardId == "shardId-000000000001").SequenceNumber!;

        var error = await Assert.ThrowsAsync<KinesisException>(() =>
            _client.GetShardIteratorAsync(stream, "shardId-000000000000", ShardIteratorPosition.AfterSequenceNumber(inShard1)));

        Assert.Equal(KinesisErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task GetRecords_IteratorOlderThanFiveMinutes_ExpiredIterator()
    {
        var stream = StreamName("expired");
        await CreateActiveStreamAsync(_client, stream, 1);
        var iterator = await _client.GetShardIteratorAsync(stream, "shardId-000000000000", ShardIteratorPosition.TrimHorizon);
        var old = await _server.AgeIteratorAsync(iterator, TimeSpan.FromMinutes(6));

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.GetRecordsAsync(old));

        Assert.Equal(KinesisErrorCode.ExpiredIterator, error.Code);
        Assert.False(error.IsRetryable); // a new iterator is needed, not the same call again
        Assert.Empty((await _client.GetRecordsAsync(iterator)).Records); // the fresh one still works
    }

    [Fact]
    public async Task AnyCall_NothingListening_NetworkRetryable()
    {
        using var client = new KinesisClient(Options(new Uri($"http://127.0.0.1:{TestServer.FreePort()}/"), SessionToken), _log);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("any"));

        Assert.Equal(KinesisErrorCode.Network, error.Code);
        Assert.True(error.IsRetryable);
        Assert.Null(error.StatusCode);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuccessfulCalls_WithSessionToken_LoggedAtDebugWithoutSecrets()
    {
        var stream = StreamName("logged");
        await CreateActiveStreamAsync(_client, stream, 1);
        await _client.PutRecordsAsync(stream, [Entry("x", "k")]);

        var lines = _log.Collector.GetSnapshot().Select(r => r.Message).ToArray();
        Assert.Contains(lines, l => l.StartsWith("Kinesis CreateStream " + stream + ": HTTP 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Kinesis PutRecords " + stream + ": HTTP 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("access key " + AccessKeyId, StringComparison.Ordinal));
    }

    internal static void AssertNoSecret(string? text)
    {
        Assert.DoesNotContain(SecretAccessKey, text ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(SessionToken, text ?? string.Empty, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Testing;
using Reactive.Sources.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;
using static Reactive.Sources.Tests.Kinesis.StubKinesisServer;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>
/// What goes over the wire, checked on a small real HTTP server (<see cref="StubKinesisServer"/>) for what
/// kinesalite cannot show or be made to answer: the signature's scope, throttling and server faults, other
/// error shapes, ListShards pages, per-record PutRecords failures, child shards, a server that does not answer.
/// </summary>
public sealed partial class KinesisWireTests
{
    private const string SummaryBody = """{"StreamDescriptionSummary":{"StreamName":"s","StreamARN":"arn:aws:kinesis:eu-west-1:123456789012:stream/s","StreamStatus":"UPDATING","OpenShardCount":2,"RetentionPeriodHours":48,"StreamCreationTimestamp":1733137200.5,"ConsumerCount":1}}""";

    [Fact]
    public async Task AnyCall_SignedWithSigV4ForTheRegionAndKinesis_WithTargetContentTypeAndSessionToken()
    {
        using var stub = new StubKinesisServer(Json(200, SummaryBody));
        var options = Options(stub.Url, SessionToken);
        options.Region = "eu-west-1";
        using var client = new KinesisClient(options);

        await client.DescribeStreamSummaryAsync("s");

        var request = Assert.Single(stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.Equal("application/x-amz-json-1.1", request.Header("Content-Type"));
        Assert.Equal("Kinesis_20131202.DescribeStreamSummary", request.Header("X-Amz-Target"));
        Assert.Equal(SessionToken, request.Header("X-Amz-Security-Token"));
        Assert.Equal("""{"StreamName":"s"}""", request.Body);
        var authorization = SigV4().Match(request.Header("Authorization"));
        Assert.True(authorization.Success, request.Header("Authorization"));
        Assert.Equal(AccessKeyId, authorization.Groups["key"].Value);
        Assert.Equal("eu-west-1", authorization.Groups["region"].Value);
        Assert.Equal("kinesis", authorization.Groups["service"].Value);
        Assert.Equal(request.Header("X-Amz-Date")[..8], authorization.Groups["date"].Value);
        var signed = authorization.Groups["headers"].Value.Split(';');
        Assert.Contains("host", signed);
        Assert.Contains("x-amz-date", signed);
        Assert.Contains("x-amz-target", signed);
        Assert.Contains("x-amz-security-token", signed);
    }

    [Fact]
    public async Task DescribeStreamSummary_FullAnswer_EveryFieldRead()
    {
        using var stub = new StubKinesisServer(Json(200, SummaryBody));
        using var client = Client(stub.Url);

        var summary = await client.DescribeStreamSummaryAsync("s");

        Assert.Equal(
            new KinesisStreamSummary("s", "arn:aws:kinesis:eu-west-1:123456789012:stream/s", KinesisStreamStatus.Updating, 2, 48, DateTimeOffset.FromUnixTimeMilliseconds(1_733_137_200_500), 1),
            summary);
    }

    public static TheoryData<int, string, string?, KinesisErrorCode, string?, bool> Errors() => new()
    {
        // status, body, x-amzn-ErrorType header, code, error type, retryable
        { 400, """{"__type":"com.amazonaws.kinesis.v20131202#ProvisionedThroughputExceededException","message":"Rate exceeded for shard shardId-000000000000"}""", null, KinesisErrorCode.ProvisionedThroughputExceeded, "ProvisionedThroughputExceededException", true },
        { 400, """{"__type":"LimitExceededException","message":"Rate exceeded for stream s"}""", null, KinesisErrorCode.LimitExceeded, "LimitExceededException", true },
        { 400, """{"__type":"ExpiredIteratorException","message":"Iterator expired."}""", null, KinesisErrorCode.ExpiredIterator, "ExpiredIteratorException", false },
        { 400, """{"__type":"ExpiredNextTokenException","message":"The token expired."}""", null, KinesisErrorCode.ExpiredNextToken, "ExpiredNextTokenException", false },
        { 400, """{"__type":"InvalidArgumentException","message":"bad"}""", null, KinesisErrorCode.InvalidArgument, "InvalidArgumentException", false },
        { 400, """{"__type":"ResourceInUseException","message":"Stream s is UPDATING"}""", null, KinesisErrorCode.ResourceInUse, "ResourceInUseException", false },
        { 400, """{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}""", null, KinesisErrorCode.UnrecognizedClient, "UnrecognizedClientException", false },
        { 400, """{"__type":"AccessDeniedException","Message":"User is not authorized to perform: kinesis:GetRecords"}""", null, KinesisErrorCode.AccessDenied, "AccessDeniedException", false },
        { 400, """{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}""", null, KinesisErrorCode.ExpiredToken, "ExpiredTokenException", false },
        { 400, """{"__type":"KMSThrottlingException","message":"KMS rate exceeded"}""", null, KinesisErrorCode.KmsThrottling, "KMSThrottlingException", true },
        { 400, """{"__type":"KMSDisabledException","message":"key disabled"}""", null, KinesisErrorCode.Kms, "KMSDisabledException", false },
        { 400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""", null, KinesisErrorCode.Throttling, "ThrottlingException", true },
        { 403, "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n", null, KinesisErrorCode.AccessDenied, "AccessDeniedException", false },
        { 400, "", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.kinesis/", KinesisErrorCode.ResourceNotFound, "ResourceNotFoundException", false },
        { 400, """{"__type":"SomethingNewException","message":"new"}""", null, KinesisErrorCode.Unknown, "SomethingNewException", false },
        { 500, "", null, KinesisErrorCode.InternalFailure, null, true },
        { 500, """{"__type":"InternalFailure"}""", null, KinesisErrorCode.InternalFailure, "InternalFailure", true },
        { 503, "", null, KinesisErrorCode.ServiceUnavailable, null, true },
        { 413, "", null, KinesisErrorCode.RequestTooLarge, null, false },
        { 429, "", null, KinesisErrorCode.Throttling, null, true },
        { 403, "", null, KinesisErrorCode.AccessDenied, null, false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task FailedCall_ErrorBodyOrStatus_MappedToCode(int status, string body, string? typeHeader, KinesisErrorCode code, string? errorType, bool retryable)
    {
        var headers = typeHeader is null ? null : new Dictionary<string, string> { ["x-amzn-ErrorType"] = typeHeader, ["x-amzn-RequestId"] = "req-1" };
        using var stub = new StubKinesisServer(body.StartsWith('{') ? Json(status, body, headers) : new StubResponse(status, body, headers));
        using var client = Client(stub.Url);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.GetRecordsAsync("iterator"));

        Assert.Equal((code, errorType, retryable, (HttpStatusCode)status), (error.Code, error.ErrorType, error.IsRetryable, error.StatusCode));
        Assert.Equal("GetRecords", error.Operation);
        Assert.StartsWith("Kinesis GetRecords failed with " + code, error.Message, StringComparison.Ordinal);
        if (typeHeader is not null)
        {
            Assert.Equal("req-1", error.RequestId);
        }
    }

    [Fact]
    public async Task FailedCall_ServerEchoesAuthorizationAndSecrets_NoneInTheExceptionOrTheLog()
    {
        // kinesalite echoes the Authorization header in an IncompleteSignatureException; a server could echo worse.
        using var stub = new StubKinesisServer(request => Task.FromResult(Json(400, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["__type"] = "IncompleteSignatureException",
            ["message"] = $"Authorization header requires 'Credential' parameter. Authorization={request.Header("Authorization")}\n"
                + $"secret was {SecretAccessKey}; X-Amz-Security-Token={request.Header("X-Amz-Security-Token")}; Signature={new string('a', 64)}",
        }))));
        var log = new FakeLogger<KinesisClient>();
        using var client = Client(stub.Url, log, SessionToken);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "s" }));

        var signature = SigV4().Match(Assert.Single(stub.Requests).Header("Authorization")).Groups["signature"].Value;
        Assert.Equal(KinesisErrorCode.IncompleteSignature, error.Code);
        Assert.True(error.IsAuthenticationFailure);
        foreach (var text in new[] { error.ToString(), error.ServerMessage!, log.Collector.LatestRecord.Message })
        {
            KinesisErrorTests.AssertNoSecret(text);
            Assert.DoesNotContain(signature, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Credential=", text, StringComparison.Ordinal);
            Assert.DoesNotContain(new string('a', 64), text, StringComparison.Ordinal);
            Assert.Contains("Authorization=***", text, StringComparison.Ordinal);
        }

        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, log.Collector.LatestRecord.Level);
    }

    [Fact]
    public async Task ListAllShards_SeveralPages_FollowsNextTokenWithoutTheStreamName()
    {
        static string Shard(int i) => $$$"""{"ShardId":"shardId-00000000000{{{i}}}","HashKeyRange":{"StartingHashKey":"{{{i}}}","EndingHashKey":"{{{i}}}"},"SequenceNumberRange":{"StartingSequenceNumber":"4{{{i}}}"}}""";
        using var stub = new StubKinesisServer(
            Json(200, $$"""{"Shards":[{{Shard(0)}}],"NextToken":"page-2"}"""),
            Json(200, $$"""{"Shards":[{{Shard(1)}}],"NextToken":"page-3"}"""),
            Json(200, $$"""{"Shards":[{{Shard(2)}}]}"""));
        using var client = Client(stub.Url);

        var shards = await client.ListAllShardsAsync("s", pageSize: 1);

        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"], shards.Select(s => s.ShardId));
        Assert.Equal(
            ["""{"StreamName":"s","MaxResults":1}""", """{"NextToken":"page-2","MaxResults":1}""", """{"NextToken":"page-3","MaxResults":1}"""],
            stub.Requests.Select(r => r.Body));
    }

    [Fact]
    public async Task PutRecords_SomeRecordsThrottled_FailuresSurfacedPerRecordWithoutThrowing()
    {
        using var stub = new StubKinesisServer(Json(200, """
            {"FailedRecordCount":1,"Records":[
              {"SequenceNumber":"49590338271490256608559692538361571095921575989136588898","ShardId":"shardId-000000000000"},
              {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard shardId-000000000001 in stream s under account 123456789012."}]}
            """));
        using var client = Client(stub.Url);

        var result = await client.PutRecordsAsync("s", [Entry("a", "k1"), Entry("b", "k2")]);

        Assert.Equal(1, result.FailedRecordCount);
        Assert.True(result.Records[0].Succeeded);
        Assert.Equal("shardId-000000000000", result.Records[0].ShardId);
        Assert.False(result.Records[1].Succeeded);
        Assert.Equal(KinesisErrorCode.ProvisionedThroughputExceeded, result.Records[1].Error);
        Assert.StartsWith("Rate exceeded for shard", result.Records[1].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("""{"StreamName":"s","Records":[{"Data":"YQ==","PartitionKey":"k1"},{"Data":"Yg==","PartitionKey":"k2"}]}""", Assert.Single(stub.Requests).Body);
    }

    [Fact]
    public async Task GetRecords_AtAClosedShardsEnd_ChildShardsAndMillisBehindLatestRead()
    {
        using var stub = new StubKinesisServer(Json(200, """
            {"Records":[{"SequenceNumber":"1","PartitionKey":"k","Data":"aGk=","ApproximateArrivalTimestamp":1733137200.123}],
             "MillisBehindLatest":1500,
             "ChildShards":[{"ShardId":"shardId-000000000001","ParentShards":["shardId-000000000000"],"HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"99"}}]}
            """));
        using var client = Client(stub.Url);

        var page = await client.GetRecordsAsync("iterator", 5);

        var record = Assert.Single(page.Records);
        Assert.Equal(("1", "k", "hi", DateTimeOffset.FromUnixTimeMilliseconds(1_733_137_200_123)), (record.SequenceNumber, record.PartitionKey, Text(record), record.ApproximateArrivalTimestamp));
        Assert.True(page.IsShardEnd);
        Assert.Equal(1500, page.MillisBehindLatest);
        var child = Assert.Single(page.ChildShards);
        Assert.Equal(("shardId-000000000001", "shardId-000000000000", "0", "99"), (child.ShardId, Assert.Single(child.ParentShards), child.HashKeyRange.StartingHashKey, child.HashKeyRange.EndingHashKey));
        Assert.Equal("""{"ShardIterator":"iterator","Limit":5}""", Assert.Single(stub.Requests).Body);
    }

    [Fact]
    public async Task GetShardIterator_AtTimestamp_SentAsEpochSecondsWithMilliseconds()
    {
        using var stub = new StubKinesisServer(Json(200, """{"ShardIterator":"it"}"""));
        using var client = Client(stub.Url);

        var iterator = await client.GetShardIteratorAsync("s", "shardId-000000000000", ShardIteratorPosition.AtTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1_733_137_200_250)));

        Assert.Equal("it", iterator);
        Assert.Equal("""{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1733137200.25}""", Assert.Single(stub.Requests).Body);
    }

    [Fact]
    public async Task SuccessfulCall_BodyNotJson_InvalidResponse()
    {
        using var stub = new StubKinesisServer(new StubResponse(200, "<html>captive portal</html>"));
        using var client = Client(stub.Url);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("s"));

        Assert.Equal(KinesisErrorCode.InvalidResponse, error.Code);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Fact]
    public async Task AnyCall_ServerNeverAnswers_TimeoutRetryable()
    {
        var release = new TaskCompletionSource<StubResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stub = new StubKinesisServer(_ => release.Task);
        var options = Options(stub.Url);
        options.RequestTimeout = TimeSpan.FromMilliseconds(300);
        using var client = new KinesisClient(options);

        try
        {
            var error = await Assert.ThrowsAsync<KinesisException>(() => client.GetRecordsAsync("iterator"));

            Assert.Equal(KinesisErrorCode.Timeout, error.Code);
            Assert.True(error.IsRetryable);
            Assert.Contains("KinesisOptions.RequestTimeout", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            release.SetResult(new StubResponse(500));
        }
    }

    [Fact]
    public async Task AnyCall_Cancelled_OperationCanceledNotAKinesisError()
    {
        var release = new TaskCompletionSource<StubResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stub = new StubKinesisServer(_ => release.Task);
        using var client = Client(stub.Url);
        using var cancel = new CancellationTokenSource();

        try
        {
            var call = client.GetRecordsAsync("iterator", cancellationToken: cancel.Token);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }
        finally
        {
            release.SetResult(new StubResponse(500));
        }
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[A-Z0-9]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9]+)/aws4_request, ?SignedHeaders=(?<headers>[a-z0-9;-]+), ?Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex SigV4();
}

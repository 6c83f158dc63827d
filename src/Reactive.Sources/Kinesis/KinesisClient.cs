using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// A thin Kinesis Data Streams client: the JSON 1.1 protocol (<c>POST /</c>,
/// <c>X-Amz-Target: Kinesis_20131202.&lt;Operation&gt;</c>, <c>application/x-amz-json-1.1</c>) over
/// <see cref="HttpClient"/>, signed with AWS Signature Version 4 by AWSSDK.Core's
/// <see cref="SigV4SigningHandler"/>. Thread-safe; one instance per service URL and credentials.
/// </summary>
public sealed partial class KinesisClient : IKinesisClient, IDisposable
{
    private const string TargetPrefix = "Kinesis_20131202.";
    private const string SigningService = "kinesis";
    private const int MaxPutRecords = 500;
    private const int MaxGetRecordsLimit = 10_000;

    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly Uri _serviceUrl;
    private readonly KinesisCredentials _credentials;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates a client; <paramref name="options"/> are validated and copied.</summary>
    /// <param name="options">Region, service URL, credentials and timeout.</param>
    /// <param name="logger">Receives one debug line per call and a line per failure (never a secret); null logs nothing.</param>
    /// <param name="timeProvider">Measures call durations for the log; the system's when null.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public KinesisClient(KinesisOptions options, ILogger<KinesisClient>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _serviceUrl = options.EffectiveServiceUrl;
        _credentials = new KinesisCredentials(options);

        // Redirects must not be followed below the signer: a redirected hop would carry a stale signature.
        var transport = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.RequestTimeout,
        };
        var signer = new SigV4SigningHandler(_credentials, RegionEndpoint.GetBySystemName(options.Region), SigningService, transport);
        _http = new HttpClient(signer) { Timeout = options.RequestTimeout };
        Log.Created(_logger, _serviceUrl, options.Region, options.HasExplicitCredentials ? $"access key {options.AccessKeyId}" : "the default chain");
    }

    /// <inheritdoc />
    public async Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        await SendAsync("CreateStream", streamName, new CreateStreamInput(streamName, shardCount), KinesisJsonContext.Default.CreateStreamInput, KinesisJsonContext.Default.EmptyOutput, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<KinesisStreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default)
    {
        const string Operation = "DescribeStreamSummary";
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var output = await SendAsync(Operation, streamName, new StreamNameInput(streamName), KinesisJsonContext.Default.StreamNameInput, KinesisJsonContext.Default.DescribeStreamSummaryOutput, cancellationToken).ConfigureAwait(false);
        var summary = output.StreamDescriptionSummary ?? throw Malformed(Operation, "StreamDescriptionSummary");
        return new KinesisStreamSummary(
            summary.StreamName ?? streamName,
            summary.StreamArn,
            ParseStatus(summary.StreamStatus),
            summary.OpenShardCount ?? 0,
            summary.RetentionPeriodHours ?? 0,
            FromEpochSeconds(summary.StreamCreationTimestamp),
            summary.ConsumerCount);
    }

    /// <inheritdoc />
    public async Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default)
    {
        const string Operation = "ListShards";
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.StreamName) == string.IsNullOrEmpty(request.NextToken))
        {
            throw new ArgumentException("ListShards takes either a stream name (the first page) or a NextToken (the next pages), not both.", nameof(request));
        }

        if (request.MaxResults is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(request));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 10_000, nameof(request));
        }

        var input = new ListShardsInput(NullIfEmpty(request.StreamName), NullIfEmpty(request.NextToken), request.MaxResults, NullIfEmpty(request.ExclusiveStartShardId));
        var output = await SendAsync(Operation, request.StreamName, input, KinesisJsonContext.Default.ListShardsInput, KinesisJsonContext.Default.ListShardsOutput, cancellationToken).ConfigureAwait(false);
        var shards = (output.Shards ?? []).Select(s => new KinesisShard(
            s.ShardId ?? throw Malformed(Operation, "ShardId"),
            s.ParentShardId,
            s.AdjacentParentShardId,
            ToRange(s.HashKeyRange, Operation),
            new SequenceNumberRange(
                s.SequenceNumberRange?.StartingSequenceNumber ?? throw Malformed(Operation, "SequenceNumberRange.StartingSequenceNumber"),
                s.SequenceNumberRange.EndingSequenceNumber))).ToArray();
        return new ListShardsResponse(shards, NullIfEmpty(output.NextToken));
    }

    /// <inheritdoc />
    public async Task<string> GetShardIteratorAsync(string streamName, string shardId, ShardIteratorPosition position, CancellationToken cancellationToken = default)
    {
        const string Operation = "GetShardIterator";
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        ArgumentNullException.ThrowIfNull(position);
        var type = position.Type switch
        {
            ShardIteratorType.TrimHorizon => "TRIM_HORIZON",
            ShardIteratorType.Latest => "LATEST",
            ShardIteratorType.AtSequenceNumber => "AT_SEQUENCE_NUMBER",
            ShardIteratorType.AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
            ShardIteratorType.AtTimestamp => "AT_TIMESTAMP",
            _ => throw new ArgumentOutOfRangeException(nameof(position), position.Type, "Unknown shard iterator type."),
        };
        double? timestamp = position.Timestamp is { } t ? t.ToUnixTimeMilliseconds() / 1000.0 : null;
        var input = new GetShardIteratorInput(streamName, shardId, type, position.SequenceNumber, timestamp);
        var output = await SendAsync(Operation, streamName, input, KinesisJsonContext.Default.GetShardIteratorInput, KinesisJsonContext.Default.GetShardIteratorOutput, cancellationToken).ConfigureAwait(false);
        return NullIfEmpty(output.ShardIterator) ?? throw Malformed(Operation, "ShardIterator");
    }

    /// <inheritdoc />
    public async Task<GetRecordsResponse> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default)
    {
        const string Operation = "GetRecords";
        ArgumentException.ThrowIfNullOrEmpty(shardIterator);
        if (limit is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(l, 1, nameof(limit));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(l, MaxGetRecordsLimit, nameof(limit));
        }

        var output = await SendAsync(Operation, null, new GetRecordsInput(shardIterator, limit), KinesisJsonContext.Default.GetRecordsInput, KinesisJsonContext.Default.GetRecordsOutput, cancellationToken).ConfigureAwait(false);
        var records = (output.Records ?? []).Select(r => new KinesisRecord(
            r.SequenceNumber ?? throw Malformed(Operation, "Records[].SequenceNumber"),
            r.PartitionKey ?? string.Empty,
            r.Data ?? [],
            FromEpochSeconds(r.ApproximateArrivalTimestamp))).ToArray();
        var children = (output.ChildShards ?? []).Select(c => new ChildShard(
            c.ShardId ?? throw Malformed(Operation, "ChildShards[].ShardId"),
            c.ParentShards ?? [],
            ToRange(c.HashKeyRange, Operation))).ToArray();
        return new GetRecordsResponse(records, NullIfEmpty(output.NextShardIterator), output.MillisBehindLatest, children);
    }

    /// <inheritdoc />
    public async Task<PutRecordsResponse> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken = default)
    {
        const string Operation = "PutRecords";
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count is 0 or > MaxPutRecords)
        {
            throw new ArgumentOutOfRangeException(nameof(records), records.Count, $"PutRecords takes 1 to {MaxPutRecords} records.");
        }

        var entries = new PutRecordsInputEntry[records.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"records[{i}] is null.", nameof(records));
            if (record.PartitionKey is not { Length: >= 1 and <= 256 })
            {
                throw new ArgumentException($"records[{i}].PartitionKey must have 1 to 256 characters.", nameof(records));
            }

            entries[i] = new PutRecordsInputEntry(record.Data, record.PartitionKey, NullIfEmpty(record.ExplicitHashKey));
        }

        var output = await SendAsync(Operation, streamName, new PutRecordsInput(streamName, entries), KinesisJsonContext.Default.PutRecordsInput, KinesisJsonContext.Default.PutRecordsOutput, cancellationToken).ConfigureAwait(false);
        var results = output.Records ?? [];
        if (results.Count != records.Count)
        {
            throw Malformed(Operation, $"Records (got {results.Count} results for {records.Count} records)");
        }

        var secrets = _credentials.Secrets;
        return new PutRecordsResponse(
            output.FailedRecordCount ?? results.Count(r => r.ErrorCode is not null),
            [.. results.Select(r => new PutRecordsResult(r.SequenceNumber, r.ShardId, NullIfEmpty(r.ErrorCode), SecretRedaction.Clean(r.ErrorMessage, secrets)))]);
    }

    /// <inheritdoc />
    public async Task SplitShardAsync(string streamName, string shardToSplit, string newStartingHashKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentException.ThrowIfNullOrEmpty(shardToSplit);
        ArgumentException.ThrowIfNullOrEmpty(newStartingHashKey);
        if (!newStartingHashKey.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"A hash key is a decimal number (was '{newStartingHashKey}').", nameof(newStartingHashKey));
        }

        await SendAsync("SplitShard", streamName, new SplitShardInput(streamName, shardToSplit, newStartingHashKey), KinesisJsonContext.Default.SplitShardInput, KinesisJsonContext.Default.EmptyOutput, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task MergeShardsAsync(string streamName, string shardToMerge, string adjacentShardToMerge, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentException.ThrowIfNullOrEmpty(shardToMerge);
        ArgumentException.ThrowIfNullOrEmpty(adjacentShardToMerge);
        await SendAsync("MergeShards", streamName, new MergeShardsInput(streamName, shardToMerge, adjacentShardToMerge), KinesisJsonContext.Default.MergeShardsInput, KinesisJsonContext.Default.EmptyOutput, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<TOut> SendAsync<TIn, TOut>(string operation, string? stream, TIn input, JsonTypeInfo<TIn> inputInfo, JsonTypeInfo<TOut> outputInfo, CancellationToken cancellationToken)
        where TOut : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _serviceUrl)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(input, inputInfo)),
        };
        request.Content.Headers.ContentType = AmzJson;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);

        var started = _time.GetTimestamp();
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (Find<KinesisCredentialsUnavailableException>(e) is { } missing)
        {
            throw Fail(operation, stream, KinesisErrorCode.CredentialsUnavailable, null, null, missing.Message, null, missing.InnerException);
        }
        catch (TaskCanceledException e)
        {
            throw Fail(operation, stream, KinesisErrorCode.Timeout, null, null, $"no answer from {_serviceUrl} within {_http.Timeout.TotalSeconds:0.###} s (KinesisOptions.RequestTimeout)", null, e);
        }
        catch (HttpRequestException e)
        {
            throw Fail(operation, stream, KinesisErrorCode.Network, null, null, $"{_serviceUrl}: {e.Message}", null, e);
        }

        using (response)
        {
            var requestId = Header(response, "x-amzn-RequestId");
            var elapsed = _time.GetElapsedTime(started);
            if (response.IsSuccessStatusCode)
            {
                Log.Called(_logger, operation, stream, (int)response.StatusCode, elapsed.TotalMilliseconds, requestId);
                try
                {
                    // CreateStream and SplitShard answer with an empty body.
                    var output = body.Length == 0 ? JsonSerializer.Deserialize("{}"u8, outputInfo) : JsonSerializer.Deserialize(body, outputInfo);
                    return output ?? throw Malformed(operation, "the response body (null)");
                }
                catch (JsonException e)
                {
                    throw Fail(operation, stream, KinesisErrorCode.InvalidResponse, null, response.StatusCode, $"the response is not the expected JSON: {e.Message}", requestId, e);
                }
            }

            var (type, message) = ReadError(response, body);
            var code = type is null ? KinesisErrorCode.Unknown : KinesisErrors.FromType(type);
            if (code == KinesisErrorCode.Unknown)
            {
                code = KinesisErrors.FromStatus(response.StatusCode);
            }

            throw Fail(operation, stream, code, type is null ? null : KinesisErrors.ShortType(type), response.StatusCode, message, requestId, null);
        }
    }

    private KinesisException Fail(string operation, string? stream, KinesisErrorCode code, string? errorType, HttpStatusCode? status, string? serverMessage, string? requestId, Exception? inner)
    {
        var message = SecretRedaction.Clean(serverMessage, _credentials.Secrets);
        var exception = new KinesisException(operation, code, errorType, status, message, requestId, inner);
        if (exception.IsRetryable)
        {
            Log.RetryableFailure(_logger, operation, stream, code, status, message ?? string.Empty);
        }
        else
        {
            Log.Failure(_logger, operation, stream, code, status, message ?? string.Empty);
        }

        return exception;
    }

    /// <summary>The error type and message of a failed response: a JSON body, an XML body, or the headers.</summary>
    private static (string? Type, string? Message) ReadError(HttpResponseMessage response, byte[] body)
    {
        string? type = null, message = null;
        var text = Encoding.UTF8.GetString(body).Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                var error = JsonSerializer.Deserialize(text, KinesisJsonContext.Default.ErrorOutput);
                type = NullIfEmpty(error?.Type);
                message = NullIfEmpty(error?.LowerMessage) ?? NullIfEmpty(error?.UpperMessage);
            }
            catch (JsonException)
            {
                message = text;
            }
        }
        else if (XmlError().Match(text) is { Success: true } xml)
        {
            type = xml.Groups["type"].Value;
            message = xml.Groups["message"].Success ? WebUtility.HtmlDecode(xml.Groups["message"].Value.Trim()) : null;
        }
        else if (text.Length > 0)
        {
            message = text;
        }

        type ??= Header(response, "x-amzn-ErrorType");
        message ??= Header(response, "x-amzn-ErrorMessage");
        return (type, message);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? NullIfEmpty(values.FirstOrDefault()) : null;

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private KinesisException Malformed(string operation, string field) =>
        Fail(operation, null, KinesisErrorCode.InvalidResponse, null, HttpStatusCode.OK, $"the response lacks {field}", null, null);

    private HashKeyRange ToRange(HashKeyRangeDto? range, string operation) => new(
        range?.StartingHashKey ?? throw Malformed(operation, "HashKeyRange.StartingHashKey"),
        range.EndingHashKey ?? throw Malformed(operation, "HashKeyRange.EndingHashKey"));

    private static KinesisStreamStatus ParseStatus(string? status) => status switch
    {
        "CREATING" => KinesisStreamStatus.Creating,
        "ACTIVE" => KinesisStreamStatus.Active,
        "UPDATING" => KinesisStreamStatus.Updating,
        "DELETING" => KinesisStreamStatus.Deleting,
        _ => KinesisStreamStatus.Unknown,
    };

    private static DateTimeOffset? FromEpochSeconds(double? seconds) =>
        seconds is { } s && double.IsFinite(s) ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000, MidpointRounding.AwayFromZero)) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // kinesalite and AWS's front ends answer some failures (a missing signature, an unknown action) in XML.
    [GeneratedRegex(@"^<(?<type>[A-Za-z][A-Za-z0-9]*)\b[^>]*>(?:.*?<Message>(?<message>.*?)</Message>)?", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex XmlError();
}

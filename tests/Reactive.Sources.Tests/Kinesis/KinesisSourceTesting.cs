using System.Collections.Concurrent;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Tests.Common;
using Reactive.Testing.Kinesis;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>Options, collectors and checks shared by the Kinesis source's tests.</summary>
internal static class KinesisSourceTesting
{
    /// <summary>How long a test waits for what it expects; generous, since two cores run the test classes in parallel.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Options for tests: the fastest pace Kinesis allows, short backoffs, frequent shard listing.</summary>
    public static KinesisSourceOptions SourceOptions(Uri endpoint, string stream, string start = KinesisStartingPositions.Earliest) => new()
    {
        Kinesis = KinesisTesting.Options(endpoint),
        Stream = stream,
        StartingPosition = start,
        PollInterval = KinesisSourceOptions.MinPollInterval,
        ShardDiscoveryInterval = TimeSpan.FromMilliseconds(300),
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    /// <summary>A record as the node producer or the test wrote it and as the source read it: shard and sequence number.</summary>
    public static (string Shard, string Sequence) Key(ProducedRecord record) => (record.ShardId, record.SequenceNumber);

    public static (string Shard, string Sequence) Key(KinesisLine line) => (line.ShardId, line.SequenceNumber);

    public static BigInteger Sequence(string sequenceNumber) => BigInteger.Parse(sequenceNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The <c>id</c> of a record the node producer wrote (<c>{"id":i,"key":"key-…"}</c>).</summary>
    public static int Id(string data) => JsonNode.Parse(data)!["id"]!.GetValue<int>();

    public static Task<IReadOnlyList<T>> WaitForCountAsync<T>(this Collector<T> collector, int count, string what) =>
        collector.WaitAsync(items => items.Count >= count, $"{count} {what}", Deadline);

    /// <summary>Polls <paramref name="condition"/> until it holds (a state the test can only observe, such as progress).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? Deadline);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
        }
    }

    /// <summary>
    /// The records once every shard being read has made two more GetRecords calls: whatever was there to read has come,
    /// so a duplicate or an extra record would be among them.
    /// </summary>
    public static async Task<IReadOnlyList<T>> SettledAsync<T>(KinesisLineSource source, Collector<T> collector)
    {
        var calls = source.Shards.ToDictionary(s => s.ShardId, s => s.GetRecordsCalls);
        await WaitUntilAsync(
            () => source.Shards.All(s => s.State is KinesisShardState.Closed or KinesisShardState.Skipped || s.GetRecordsCalls >= calls.GetValueOrDefault(s.ShardId) + 2),
            "two more calls on every shard");
        return collector.Items;
    }

    public static Task<IReadOnlyList<KinesisLine>> SettledAsync(SourceRun run) => SettledAsync(run.Source, run.Records);

    public static KinesisShardProgress Shard(this KinesisLineSource source, string shardId) =>
        source.Shards.Single(s => s.ShardId == shardId);

    /// <summary>Each shard's last sequence number in <paramref name="lines"/>: the checkpoint a consumer keeps.</summary>
    public static Dictionary<string, string> LastSequences(IEnumerable<KinesisLine> lines) =>
        lines.GroupBy(l => l.ShardId).ToDictionary(g => g.Key, g => g.MaxBy(l => Sequence(l.SequenceNumber))!.SequenceNumber);

    /// <summary>Puts records in one PutRecords call (each shard keeps their order) and returns where Kinesis put them.</summary>
    public static async Task<IReadOnlyList<ProducedRecord>> PutAsync(IKinesisClient client, string stream, params (string Key, byte[] Data)[] records)
    {
        var entries = records.Select(r => new PutRecordsEntry(r.Data, r.Key)).ToArray();
        var response = await client.PutRecordsAsync(stream, entries);
        Assert.Equal(0, response.FailedRecordCount);
        return [.. records.Zip(response.Records, (r, result) => new ProducedRecord(r.Key, Encoding.UTF8.GetString(r.Data), result.ShardId!, result.SequenceNumber!))];
    }

    /// <summary>Every text any of the source's outputs (statuses, dead letters, the error) holds, to look for secrets in.</summary>
    public static string Everything(Collector<SourceStatus> statuses, Collector<SourceRejected>? rejected = null, Exception? error = null) =>
        string.Join('\n', statuses.Items.Select(s => s.Message)
            .Concat(rejected?.Items.Select(r => $"{r.Reason} {r.Raw}") ?? [])
            .Append(error?.ToString() ?? string.Empty));
}

/// <summary>The tests of a class share one kinesalite (on its own port) and a client to it; each test makes its own stream.</summary>
public abstract class KinesaliteTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>, IDisposable
{
    protected KinesaliteServer Server { get; } = kinesalite.Server;

    protected KinesisClient Kinesis { get; } = KinesisTesting.Client(kinesalite.Server.Endpoint);

    public void Dispose()
    {
        Kinesis.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A source's outputs collected: statuses and dead letters first (so none is missed), then its records.</summary>
internal sealed class SourceRun : IDisposable
{
    private readonly IDisposable _subscriptions;

    public SourceRun(KinesisLineSource source)
    {
        Source = source;
        var statuses = source.Status.Subscribe(Statuses);
        var rejected = source.Rejected.Subscribe(Rejected);
        _subscriptions = new System.Reactive.Disposables.CompositeDisposable(statuses, rejected, source.ObserveRecords().Subscribe(Records));
    }

    public KinesisLineSource Source { get; }

    public Collector<KinesisLine> Records { get; } = new();

    public Collector<SourceStatus> Statuses { get; } = new();

    public Collector<SourceRejected> Rejected { get; } = new();

    /// <summary>Stops the run (the records subscription is the source's last).</summary>
    public void Dispose()
    {
        _subscriptions.Dispose();
        Records.Dispose();
        Statuses.Dispose();
        Rejected.Dispose();
    }
}

/// <summary>
/// A real HTTP server in front of kinesalite (on <see cref="StubKinesisServer"/>) that forwards every request, unless
/// the test's <see cref="Intercept"/> answers it itself (throttling) or changes it (an aged iterator): kinesalite keeps
/// the records and iterators, the test adds what kinesalite never does.
/// </summary>
internal sealed class KinesisProxy : IDisposable
{
    private static readonly string[] Forwarded = ["Authorization", "X-Amz-Date", "X-Amz-Target", "X-Amz-Security-Token", "X-Amz-Content-SHA256"];

    private readonly HttpClient _http = new();
    private readonly Uri _target;
    private readonly StubKinesisServer _stub;
    private readonly ConcurrentQueue<(string Operation, string Body, int Status)> _calls = new();

    public KinesisProxy(Uri target)
    {
        _target = target;
        _stub = new StubKinesisServer(AnswerAsync);
    }

    /// <summary>The proxy's URL, the source's service URL.</summary>
    public Uri Url => _stub.Url;

    /// <summary>
    /// Decides each request: given the operation (<c>GetRecords</c>…), the request and a function that forwards a body
    /// to kinesalite, returns the answer. Forwards the request as it is when null.
    /// </summary>
    public Func<string, StubRequest, Func<string, Task<StubResponse>>, Task<StubResponse>>? Intercept { get; set; }

    /// <summary>Every call: its operation, the body the source sent, and the status it got.</summary>
    public IReadOnlyList<(string Operation, string Body, int Status)> Calls => [.. _calls];

    public static StubResponse Error(int status, string type, string message) =>
        StubKinesisServer.Json(status, new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString());

    /// <summary>The <c>ShardIterator</c> of a GetRecords body.</summary>
    public static string Iterator(string body) => JsonNode.Parse(body)!["ShardIterator"]!.GetValue<string>();

    /// <summary>A GetRecords body with another iterator.</summary>
    public static string WithIterator(string body, string iterator)
    {
        var json = JsonNode.Parse(body)!;
        json["ShardIterator"] = iterator;
        return json.ToJsonString();
    }

    public void Dispose()
    {
        _stub.Dispose();
        _http.Dispose();
    }

    private async Task<StubResponse> AnswerAsync(StubRequest request)
    {
        var operation = request.Header("X-Amz-Target").Split('.').Last();
        var response = Intercept is { } intercept
            ? await intercept(operation, request, body => ForwardAsync(request, body))
            : await ForwardAsync(request, request.Body);
        _calls.Enqueue((operation, request.Body, response.Status));
        return response;
    }

    private async Task<StubResponse> ForwardAsync(StubRequest request, string body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new StringContent(body, Encoding.UTF8) };
        message.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        foreach (var name in Forwarded)
        {
            if (request.Header(name) is { Length: > 0 } value)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _http.SendAsync(message);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = response.Content.Headers.ContentType?.ToString() ?? "application/x-amz-json-1.1",
        };
        if (response.Headers.TryGetValues("x-amzn-RequestId", out var ids))
        {
            headers["x-amzn-RequestId"] = ids.First();
        }

        return new StubResponse((int)response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
    }
}

/// <summary>
/// A Kinesis client that records when each GetRecords call started and on which shard (it follows the iterators it
/// hands out), around a real one.
/// </summary>
internal sealed class RecordingKinesisClient(IKinesisClient inner, TimeProvider time) : IKinesisClient
{
    private readonly ConcurrentDictionary<string, string> _shardOfIterator = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Shard, long Timestamp)> _getRecords = new();

    /// <summary>Each GetRecords call: the shard and the <see cref="TimeProvider"/> timestamp at its start.</summary>
    public IReadOnlyList<(string Shard, long Timestamp)> GetRecordsCalls => [.. _getRecords];

    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default) =>
        inner.CreateStreamAsync(streamName, shardCount, cancellationToken);

    public Task<KinesisStreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default) =>
        inner.DescribeStreamSummaryAsync(streamName, cancellationToken);

    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) =>
        inner.ListShardsAsync(request, cancellationToken);

    public async Task<string> GetShardIteratorAsync(string streamName, string shardId, ShardIteratorPosition position, CancellationToken cancellationToken = default)
    {
        var iterator = await inner.GetShardIteratorAsync(streamName, shardId, position, cancellationToken);
        _shardOfIterator[iterator] = shardId;
        return iterator;
    }

    public async Task<GetRecordsResponse> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default)
    {
        var shard = _shardOfIterator.GetValueOrDefault(shardIterator, "?");
        _getRecords.Enqueue((shard, time.GetTimestamp()));
        var response = await inner.GetRecordsAsync(shardIterator, limit, cancellationToken);
        if (response.NextShardIterator is { } next)
        {
            _shardOfIterator[next] = shard;
        }

        return response;
    }

    public Task<PutRecordsResponse> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken = default) =>
        inner.PutRecordsAsync(streamName, records, cancellationToken);

    public Task SplitShardAsync(string streamName, string shardToSplit, string newStartingHashKey, CancellationToken cancellationToken = default) =>
        inner.SplitShardAsync(streamName, shardToSplit, newStartingHashKey, cancellationToken);

    public Task MergeShardsAsync(string streamName, string shardToMerge, string adjacentShardToMerge, CancellationToken cancellationToken = default) =>
        inner.MergeShardsAsync(streamName, shardToMerge, adjacentShardToMerge, cancellationToken);
}

/// <summary>
/// A Kinesis client in memory whose answers the test writes: the shard listings (by listing number) and each
/// GetRecords answer (by iterator), for what neither kinesalite nor a proxy can show in virtual time (exact backoff and
/// pace, AWS's child shards at a shard's end). Records each call with the clock's time.
/// </summary>
internal sealed class ScriptedKinesisClient(TimeProvider time) : IKinesisClient
{
    private readonly Lock _gate = new();
    private readonly List<(string Iterator, DateTimeOffset At)> _getRecords = [];
    private readonly List<(string Shard, ShardIteratorPosition Position)> _iterators = [];
    private int _listings;

    /// <summary>The shards of listing n (1-based).</summary>
    public Func<int, IReadOnlyList<KinesisShard>> Shards { get; set; } = _ => [];

    /// <summary>The answer to a GetRecords call with an iterator (its number among all GetRecords calls, 1-based); may throw a <see cref="KinesisException"/>.</summary>
    public Func<int, string, GetRecordsResponse> Records { get; set; } = (_, _) => Page(null);

    public int Listings => Volatile.Read(ref _listings);

    public IReadOnlyList<(string Iterator, DateTimeOffset At)> GetRecordsCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _getRecords];
            }
        }
    }

    public IReadOnlyList<(string Shard, ShardIteratorPosition Position)> IteratorRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _iterators];
            }
        }
    }

    public static KinesisShard Shard(string id, string? parent = null, bool closed = false, string? adjacentParent = null) =>
        new(id, parent, adjacentParent, new HashKeyRange("0", "1"), new SequenceNumberRange("1", closed ? "99" : null));

    public static GetRecordsResponse Page(string? next, params string[] records) => new(
        [.. records.Select(r => new KinesisRecord(r.Split(':')[0], "key", Encoding.UTF8.GetBytes(r.Split(':')[1]), DateTimeOffset.UnixEpoch))],
        next,
        0,
        []);

    public static KinesisException Error(KinesisErrorCode code) =>
        new("GetRecords", code, $"{code}Exception", System.Net.HttpStatusCode.BadRequest, "Rate exceeded", null);

    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ListShardsResponse(Shards(Interlocked.Increment(ref _listings)), null));

    public Task<string> GetShardIteratorAsync(string streamName, string shardId, ShardIteratorPosition position, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _iterators.Add((shardId, position));
        }

        return Task.FromResult($"{shardId}#0");
    }

    public Task<GetRecordsResponse> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default)
    {
        int number;
        lock (_gate)
        {
            _getRecords.Add((shardIterator, time.GetUtcNow()));
            number = _getRecords.Count;
        }

        try
        {
            return Task.FromResult(Records(number, shardIterator));
        }
        catch (KinesisException e)
        {
            return Task.FromException<GetRecordsResponse>(e);
        }
    }

    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<KinesisStreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PutRecordsResponse> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task SplitShardAsync(string streamName, string shardToSplit, string newStartingHashKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task MergeShardsAsync(string streamName, string shardToMerge, string adjacentShardToMerge, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}

using System.Text;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Tests.Common;
using Reactive.Testing.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisSourceTesting;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>
/// The Kinesis source under what kinesalite never does by itself: throttling, server faults and expired iterators,
/// injected by a real HTTP proxy in front of kinesalite; its pace, measured per shard; kinesalite stopped under it.
/// </summary>
public sealed class KinesisLineSourceFaultTests(KinesaliteFixture kinesalite) : KinesaliteTests(kinesalite)
{
    [Fact]
    public async Task GetRecords_ThrottledThenFaulty_RetriedWithTheSameIteratorNothingDuplicatedThrottlesCounted()
    {
        var stream = StreamName("throttled");
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        var put = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 10).Select(i => ("k", Encoding.UTF8.GetBytes($"r{i}")))]);
        using var proxy = new KinesisProxy(Server.Endpoint);
        var getRecords = 0;
        proxy.Intercept = (operation, request, forward) =>
        {
            if (operation != "GetRecords")
            {
                return forward(request.Body);
            }

            // The secret in the server's text must not come out of the source either.
            return Interlocked.Increment(ref getRecords) switch
            {
                2 or 3 => Task.FromResult(KinesisProxy.Error(400, "ProvisionedThroughputExceededException", $"Rate exceeded for shard; {SecretAccessKey}")),
                4 => Task.FromResult(KinesisProxy.Error(400, "LimitExceededException", "Rate exceeded")),
                5 => Task.FromResult(KinesisProxy.Error(500, "InternalFailure", "Internal service failure")),
                _ => forward(request.Body),
            };
        };
        var options = SourceOptions(proxy.Url, stream);
        options.MaxRecordsPerCall = 4;
        using var source = new KinesisLineSource(options);
        using var run = new SourceRun(source);

        await run.Records.WaitForCountAsync(10, "records");
        var got = await SettledAsync(run);

        Assert.Equal(put.Select(p => p.SequenceNumber), got.Select(r => r.SequenceNumber));
        var calls = proxy.Calls.Where(c => c.Operation == "GetRecords").ToList();
        Assert.Equal([200, 400, 400, 400, 500, 200], calls.Take(6).Select(c => c.Status));
        var retried = calls.Skip(1).Take(5).Select(c => KinesisProxy.Iterator(c.Body)).Distinct().ToList();
        Assert.Single(retried);
        Assert.NotEqual(KinesisProxy.Iterator(calls[0].Body), retried[0]);
        Assert.Single(proxy.Calls, c => c.Operation == "GetShardIterator");
        var progress = source.Shards[0];
        Assert.Equal(3, progress.ThrottleEvents);
        Assert.Equal(4, progress.Retries);
        Assert.Equal(0, progress.IteratorRenewals);
        var retries = run.Statuses.Items.Where(s => s.Kind == SourceStatusKind.Retrying).ToList();
        Assert.Equal([1, 2, 3, 4], retries.Select(s => s.Attempt));
        Assert.All(retries, s => Assert.NotNull(s.Delay));
        Assert.Contains("throttled (ProvisionedThroughputExceeded), retrying in", retries[0].Message, StringComparison.Ordinal);
        Assert.Contains("throttled (LimitExceeded)", retries[2].Message, StringComparison.Ordinal);
        Assert.Contains("GetRecords failed (InternalFailure)", retries[3].Message, StringComparison.Ordinal);
        Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardReading && s.Message.Contains("again after 4 retries", StringComparison.Ordinal));
        Assert.DoesNotContain(SecretAccessKey, Everything(run.Statuses), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_IteratorExpiredAfterSomeRecords_RenewedJustAfterTheLastRecordTaken()
    {
        var stream = StreamName("expired");
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        var put = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 5).Select(i => ("k", Encoding.UTF8.GetBytes($"r{i}")))]);
        using var proxy = ExpiringProxy(expireCall: 3);
        var options = SourceOptions(proxy.Url, stream);
        options.MaxRecordsPerCall = 2;
        using var source = new KinesisLineSource(options);
        using var run = new SourceRun(source);

        await run.Records.WaitForCountAsync(5, "records");
        var got = await SettledAsync(run);

        Assert.Equal(put.Select(p => p.SequenceNumber), got.Select(r => r.SequenceNumber));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), got.Select(r => r.LineNumber));
        Assert.Equal(400, proxy.Calls.Where(c => c.Operation == "GetRecords").ElementAt(2).Status);
        var iterators = proxy.Calls.Where(c => c.Operation == "GetShardIterator").Select(c => c.Body).ToList();
        Assert.Equal(2, iterators.Count);
        Assert.Contains("\"AFTER_SEQUENCE_NUMBER\"", iterators[1], StringComparison.Ordinal);
        Assert.Contains(put[3].SequenceNumber, iterators[1], StringComparison.Ordinal);
        Assert.Equal(1, source.Shards[0].IteratorRenewals);
        Assert.Equal(0, source.Shards[0].Retries);
        Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.IteratorRenewed && s.Message.Contains($"renewed from AfterSequenceNumber {put[3].SequenceNumber}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetRecords_IteratorExpiredBeforeAnyRecord_RenewedAtTheStartingPosition()
    {
        var stream = StreamName("expired-first");
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        var put = await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 3).Select(i => ("k", Encoding.UTF8.GetBytes($"r{i}")))]);
        using var proxy = ExpiringProxy(expireCall: 1);
        using var source = new KinesisLineSource(SourceOptions(proxy.Url, stream));
        using var run = new SourceRun(source);

        await run.Records.WaitForCountAsync(3, "records");
        var got = await SettledAsync(run);

        Assert.Equal(put.Select(p => p.SequenceNumber), got.Select(r => r.SequenceNumber));
        var iterators = proxy.Calls.Where(c => c.Operation == "GetShardIterator").Select(c => c.Body).ToList();
        Assert.Equal(2, iterators.Count);
        Assert.All(iterators, body => Assert.Contains("\"TRIM_HORIZON\"", body, StringComparison.Ordinal));
        Assert.Equal(1, source.Shards[0].IteratorRenewals);
    }

    [Fact]
    public async Task GetRecords_FullPagesOnTwoShards_AtMostFiveCallsPerShardInAnySecond()
    {
        var stream = StreamName("pace");
        await CreateActiveStreamAsync(Kinesis, stream, 2);
        await PutAsync(Kinesis, stream, [.. Enumerable.Range(0, 200).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"r{i}")))]);
        var time = TimeProvider.System;
        var recording = new RecordingKinesisClient(Kinesis, time);
        var options = SourceOptions(Server.Endpoint, stream);

        // One record per call: every page is full, so the source polls as fast as it may, not every PollInterval.
        options.MaxRecordsPerCall = 1;
        options.PollInterval = TimeSpan.FromSeconds(2);
        using var source = new KinesisLineSource(options, recording, time);
        using var run = new SourceRun(source);

        await WaitUntilAsync(() => recording.GetRecordsCalls.GroupBy(c => c.Shard).Count(g => g.Count() >= 16) == 2, "16 calls on each shard");

        // The client stamps a call a moment after the source does, a moment a loaded machine can stretch: 50 ms are
        // allowed for it (the virtual-time tests show the exact pace).
        foreach (var shard in recording.GetRecordsCalls.GroupBy(c => c.Shard))
        {
            var starts = shard.Select(c => c.Timestamp).ToList();
            for (var i = 1; i < starts.Count; i++)
            {
                Assert.True(time.GetElapsedTime(starts[i - 1], starts[i]) >= TimeSpan.FromMilliseconds(150), $"{shard.Key}: calls {i} and {i + 1} {time.GetElapsedTime(starts[i - 1], starts[i]).TotalMilliseconds} ms apart");
            }

            // A sixth call within a second of a first would break Kinesis' limit.
            for (var i = 5; i < starts.Count; i++)
            {
                Assert.True(time.GetElapsedTime(starts[i - 5], starts[i]) >= TimeSpan.FromMilliseconds(950), $"{shard.Key}: 6 calls within {time.GetElapsedTime(starts[i - 5], starts[i]).TotalMilliseconds} ms");
            }

            var gaps = starts.Zip(starts.Skip(1), (a, b) => time.GetElapsedTime(a, b)).Order().ToList();
            Assert.True(gaps[gaps.Count / 2] < TimeSpan.FromSeconds(1), $"{shard.Key}: the median gap is {gaps[gaps.Count / 2].TotalMilliseconds} ms, as if caught up");
        }

        Assert.Equal(run.Records.Items.Count, run.Records.Items.Select(Key).Distinct().Count());
    }

    [Fact]
    public async Task GetRecords_CaughtUp_OneCallPerPollInterval()
    {
        var stream = StreamName("idle");
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        var time = TimeProvider.System;
        var recording = new RecordingKinesisClient(Kinesis, time);
        var options = SourceOptions(Server.Endpoint, stream);
        options.PollInterval = TimeSpan.FromMilliseconds(600);
        using var source = new KinesisLineSource(options, recording, time);
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);

        await WaitUntilAsync(() => recording.GetRecordsCalls.Count >= 5, "5 calls");

        var starts = recording.GetRecordsCalls.Select(c => c.Timestamp).ToList();
        for (var i = 1; i < starts.Count; i++)
        {
            Assert.True(time.GetElapsedTime(starts[i - 1], starts[i]) >= TimeSpan.FromMilliseconds(550), $"calls {i} and {i + 1} {time.GetElapsedTime(starts[i - 1], starts[i]).TotalMilliseconds} ms apart");
        }

        Assert.Equal(0, source.Shards[0].MillisBehindLatest);
    }

    [Fact]
    public async Task ListShards_CredentialsRefused_FailsSayingWhatToCheckWithoutTheSecret()
    {
        using var stub = new StubKinesisServer(KinesisProxy.Error(400, "UnrecognizedClientException", $"The security token included in the request is invalid: {SecretAccessKey}"));
        using var source = new KinesisLineSource(SourceOptions(stub.Url, "refused"));
        using var run = new SourceRun(source);

        var error = Assert.IsType<KinesisSourceException>(await run.Records.WaitForErrorAsync(Deadline));

        Assert.Equal(KinesisErrorCode.UnrecognizedClient, error.Code);
        Assert.Contains("the credentials were refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("kinesis:GetRecords", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretAccessKey, Everything(run.Statuses, error: error), StringComparison.Ordinal);
        Assert.Equal(SourceStatusKind.GaveUp, source.Current.Kind);
    }

    [Fact]
    public async Task GetRecords_RetriesRunOut_FailsNamingMaxRetries()
    {
        var stream = StreamName("give-up");
        await CreateActiveStreamAsync(Kinesis, stream, 1);
        using var proxy = new KinesisProxy(Server.Endpoint)
        {
            Intercept = (operation, request, forward) => operation == "GetRecords"
                ? Task.FromResult(KinesisProxy.Error(400, "ProvisionedThroughputExceededException", "Rate exceeded"))
                : forward(request.Body),
        };
        var options = SourceOptions(proxy.Url, stream);
        options.MaxRetries = 2;
        using var source = new KinesisLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);

        var error = Assert.IsType<KinesisSourceException>(await lines.WaitForErrorAsync(Deadline));

        Assert.Equal("shardId-000000000000", error.ShardId);
        Assert.Equal(KinesisErrorCode.ProvisionedThroughputExceeded, error.Code);
        Assert.Contains("KinesisSourceOptions.MaxRetries = 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, proxy.Calls.Count(c => c.Operation == "GetRecords"));
    }

    [Fact]
    public async Task Kinesalite_StoppedAndRestartedUnderTheSource_BacksOffAndResumesNothingLostOrRepeated()
    {
        var data = System.IO.Directory.CreateTempSubdirectory("kinesalite-");
        try
        {
            await using var server = await KinesaliteServer.StartAsync(new KinesaliteOptions { DataPath = data.FullName });
            using var client = Client(server.Endpoint);
            var stream = StreamName("restart");
            await CreateActiveStreamAsync(client, stream, 2);
            var written = (await PutAsync(client, stream, [.. Enumerable.Range(0, 20).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"before-{i}")))])).ToList();
            using var source = new KinesisLineSource(SourceOptions(server.Endpoint, stream));
            using var run = new SourceRun(source);
            await run.Records.WaitForCountAsync(20, "records before the stop");

            await server.StopAsync();
            await run.Statuses.WaitAsync(s => s.Count(x => x.Kind == SourceStatusKind.Retrying) >= 2, "retries while kinesalite is down", Deadline);
            await server.RestartAsync();
            written.AddRange(await PutAsync(client, stream, [.. Enumerable.Range(0, 20).Select(i => ($"k{i}", Encoding.UTF8.GetBytes($"after-{i}")))]));
            await run.Records.WaitForCountAsync(40, "records after the restart");
            var got = await SettledAsync(run);

            Assert.Equal(written.Select(Key).Order(), got.Select(Key).Order());
            Assert.True(source.Shards.Sum(s => s.Retries) >= 1);
            Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.Retrying && s.Message.Contains("failed (Network)", StringComparison.Ordinal));
            Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.ShardReading && s.Message.Contains("again after", StringComparison.Ordinal));
            Assert.Null(run.Records.Error);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>A proxy to kinesalite that makes the <paramref name="expireCall"/>-th GetRecords call's iterator 400 s old: kinesalite answers ExpiredIteratorException.</summary>
    private KinesisProxy ExpiringProxy(int expireCall)
    {
        var proxy = new KinesisProxy(Server.Endpoint);
        var getRecords = 0;
        proxy.Intercept = async (operation, request, forward) =>
        {
            if (operation == "GetRecords" && Interlocked.Increment(ref getRecords) == expireCall)
            {
                var aged = await Server.AgeIteratorAsync(KinesisProxy.Iterator(request.Body), TimeSpan.FromSeconds(400));
                return await forward(KinesisProxy.WithIterator(request.Body, aged));
            }

            return await forward(request.Body);
        };
        return proxy;
    }
}

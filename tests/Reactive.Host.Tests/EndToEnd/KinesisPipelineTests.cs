using System.Numerics;
using System.Text;
using System.Text.Json;
using Reactive.Host.Tests.Kinds;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Tests.Kinesis;
using static Reactive.Host.Tests.EndToEnd.KinesisEndToEnd;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The built service's <c>bitcoin</c> pipeline on a Kinesis stream of kinesalite (started by the class on 127.0.0.1):
/// a stream of several shards written by the independent node producer, a shard split while the service reads, and
/// bad messages among good ones. Each time the table <c>bitcoin_window</c> equals the windows the test computes by brute
/// force over the records it wrote, so every record is counted once, none lost and none twice.
/// </summary>
public sealed class KinesisPipelineTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>
{
    private static readonly DateTime Start = new(2021, 1, 4, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Bitcoin_ThreeShardStreamFromTheNodeProducer_EveryRecordOnceWindowsEqualABruteForce()
    {
        var stream = StreamName("three");
        var rates = Rates(3000, seed: 1, Start);
        var produced = await ProduceAsync(kinesalite.Server, stream, Lines(rates), createShards: 3);
        Assert.Equal(3000, produced.Count);
        Assert.Equal(3, produced.Select(p => p.ShardId).Distinct().Count());

        var work = ServiceProcess.NewWorkingDirectory();
        await using var service = ServiceProcess.Start(work, Credentials(), BitcoinPipeline("btc", kinesalite.Server, stream, "--Reactive:StateDirectory", Path.Combine(work, "state")));
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        var last = LastSequences(stream, produced);
        var progress = await WaitForProgressAsync(http, "btc", p => Covers(p, last), "a batch ending at each shard's last record", service);

        // Every record read once: the input, the rows, each shard's count, and the windows.
        Assert.Equal(3000, progress.GetProperty("inputRows").GetInt64());
        Assert.Equal(3000, progress.GetProperty("rowsParsed").GetInt64());
        Assert.Equal(0, progress.GetProperty("deadLetters").GetInt64());
        Assert.Equal(0, progress.GetProperty("nulledFields").GetInt64());
        Assert.Equal("exactly-once", progress.GetProperty("delivery").GetString());
        var shards = Shards(progress);
        Assert.Equal(PerShard(produced).OrderBy(p => p.Key), shards.Select(s => KeyValuePair.Create(s.Key, s.Value.GetProperty("recordsRead").GetInt64())).OrderBy(p => p.Key));
        Assert.All(shards.Values, s => Assert.Equal("Reading", s.GetProperty("state").GetString()));
        await AssertTableAsync(http, Expected(rates));

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Bitcoin_ShardSplitWhileTheServiceReads_ParentReadBeforeItsChildrenNothingLost()
    {
        const string Parent = "shardId-000000000000";
        var stream = StreamName("split");
        var rates = Rates(2400, seed: 2, Start);
        var produced = (await ProduceAsync(kinesalite.Server, stream, Lines(rates.Take(1200)), createShards: 2)).ToList();
        var before = produced.Count(p => p.ShardId == Parent);

        // Small pages keep the parent being read (20 records per call, 5 calls a second) while its children are found.
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            Credentials(),
            BitcoinPipeline("split", kinesalite.Server, stream, "--Pipelines:split:Source:MaxRecordsPerCall", "20"));
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        var reading = await WaitForProgressAsync(http, "split", p => p.GetProperty("inputRows").GetInt64() > 0, "the first records", service);
        Assert.True(reading.GetProperty("inputRows").GetInt64() < before, $"the parent should still be being read when it is split: {reading}");

        using (var client = Client(kinesalite.Server))
        {
            var parent = (await client.ListAllShardsAsync(stream)).Single(s => s.ShardId == Parent).HashKeyRange;
            var middle = (BigInteger.Parse(parent.StartingHashKey) + BigInteger.Parse(parent.EndingHashKey)) / 2;
            await client.SplitShardAsync(stream, Parent, middle.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        }

        produced.AddRange(await ProduceAsync(kinesalite.Server, stream, Lines(rates.Skip(1200))));
        var children = produced.Select(p => p.ShardId).Where(s => s is not (Parent or "shardId-000000000001")).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["shardId-000000000002", "shardId-000000000003"], children);
        Assert.Equal(before, produced.Count(p => p.ShardId == Parent));

        var last = LastSequences(stream, produced);
        var progress = await WaitForProgressAsync(http, "split", p => Covers(p, last), "a batch ending at each shard's last record, the children's too", service);

        Assert.Equal(2400, progress.GetProperty("inputRows").GetInt64());
        var shards = Shards(progress);
        Assert.Equal(PerShard(produced).OrderBy(p => p.Key), shards.Select(s => KeyValuePair.Create(s.Key, s.Value.GetProperty("recordsRead").GetInt64())).OrderBy(p => p.Key));
        Assert.Equal("Closed", shards[Parent].GetProperty("state").GetString());
        Assert.All(children, c => Assert.Equal(Parent, shards[c].GetProperty("parentShardId").GetString()));
        Assert.All(children, c => Assert.Equal("TrimHorizon", shards[c].GetProperty("startingPosition").GetString()));

        // Parent before children, as the log tells it: each child waited, and started only once the parent was read to its end.
        var log = service.Stderr;
        var parentEnd = log.IndexOf($"{stream}/{Parent}: read to its end", StringComparison.Ordinal);
        Assert.True(parentEnd > 0, log);
        foreach (var child in children)
        {
            var waited = log.IndexOf($"{stream}/{child}: waiting for its parent shard(s) {Parent}", StringComparison.Ordinal);
            var started = log.IndexOf($"{stream}/{child}: reading from", StringComparison.Ordinal);
            Assert.True(waited > 0 && waited < parentEnd && parentEnd < started, $"{child}: waited at {waited}, parent ended at {parentEnd}, started at {started}\n{log}");
        }

        await AssertTableAsync(http, Expected(rates));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Bitcoin_BadMessagesAmongGoodOnes_DeadLettersByCodeNulledFieldsAndTheLaterRecordsInTheTable()
    {
        var stream = StreamName("bad");
        var rates = Rates(600, seed: 4, Start);
        var first = rates.Take(300).ToList();
        var later = rates.Skip(300).ToList();
        var stamp = first[^1].Time.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

        // Mistyped rates are nulled as from_json does; the rest are dead letters. The huge record would be a good row
        // but for its size (over MaxRecordBytes); the invalid UTF-8 one is a good row with one byte broken.
        var mistyped = new List<Rate>
        {
            new(first[^1].Time.AddSeconds(1), null, 32000.25, 27000.5),
            new(first[^1].Time.AddSeconds(2), 29000.75, null, 27000.5),
        };
        byte[][] bad =
        [
            Encoding.UTF8.GetBytes("not json at all"),
            Encoding.UTF8.GetBytes("[1,2,3]"),
            Encoding.UTF8.GetBytes($"{{\"timestamp\":\"{stamp}Z\",\"euro_rate\":1,\"usd_rate\":1,\"gbp_rate\":1}}"),
            Encoding.UTF8.GetBytes($"{{\"timestamp\":\"{stamp}\",\"euro_rate\":1,\"usd_rate\":1,\"gbp_rate\":1,\"note\":\"{new string('x', 5000)}\"}}"),
            [.. Encoding.UTF8.GetBytes($"{{\"timestamp\":\"{stamp}\",\"euro_rate\":1,\"usd_rate\":1,\"gbp_rate\":1,\"note\":\""), 0xC3, 0x28, .. "\"}"u8],
            Encoding.UTF8.GetBytes($"{{\"timestamp\":\"{mistyped[0].Time:yyyy-MM-dd'T'HH:mm:ss}\",\"euro_rate\":\"abc\",\"usd_rate\":32000.25,\"gbp_rate\":27000.5}}"),
            Encoding.UTF8.GetBytes($"{{\"timestamp\":\"{mistyped[1].Time:yyyy-MM-dd'T'HH:mm:ss}\",\"euro_rate\":29000.75,\"usd_rate\":{{\"value\":1}},\"gbp_rate\":27000.5}}"),
        ];

        var produced = (await ProduceAsync(kinesalite.Server, stream, Lines(first), createShards: 2)).ToList();
        using (var client = Client(kinesalite.Server))
        {
            var put = await client.PutRecordsAsync(stream, [.. bad.Select((data, i) => new PutRecordsEntry(data, $"bad-{i}"))]);
            Assert.Equal(0, put.FailedRecordCount);
        }

        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            Credentials(),
            BitcoinPipeline("bad", kinesalite.Server, stream, "--Pipelines:bad:Source:MaxRecordBytes", "4096"));
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        await WaitForProgressAsync(http, "bad", p => p.GetProperty("inputRows").GetInt64() >= 300 + bad.Length, "the first records and the bad ones", service);

        // The records after the bad ones arrive too: the pipeline went on.
        produced.AddRange(await ProduceAsync(kinesalite.Server, stream, Lines(later)));
        var progress = await WaitForProgressAsync(http, "bad", p => p.GetProperty("rowsParsed").GetInt64() == 600 + mistyped.Count, "the later records", service);

        Assert.Equal(600 + bad.Length, progress.GetProperty("inputRows").GetInt64());
        Assert.Equal(
            new Dictionary<string, long> { ["bad_date"] = 1, ["bad_json"] = 2, ["record_not_utf8"] = 1, ["record_too_large"] = 1 },
            ByCode(progress, "deadLettersByCode"));
        Assert.Equal(new Dictionary<string, long> { ["bad_number"] = 1, ["bad_value"] = 1 }, ByCode(progress, "nulledFieldsByCode"));
        Assert.Equal(5, progress.GetProperty("deadLetters").GetInt64());
        Assert.Equal(2, Shards(progress).Values.Sum(s => s.GetProperty("recordsRejected").GetInt64()));
        Assert.Equal("Running", progress.GetProperty("state").GetString());

        await AssertTableAsync(http, Expected([.. first, .. mistyped, .. later]));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Delivery_LatestWithoutACheckpointAtMostOnceEarliestAtLeastOnce_WithACheckpointBothExactlyOnce()
    {
        var stream = StreamName("delivery");
        await ProduceAsync(kinesalite.Server, stream, Lines(Rates(10, seed: 6, Start)), createShards: 1);
        foreach (var checkpointed in new[] { false, true })
        {
            var work = ServiceProcess.NewWorkingDirectory();
            string[] args =
            [
                "--urls", "http://127.0.0.1:0",
                "--pipelines", "tip,all",
                .. PipelineKeys("tip", kinesalite.Server, stream, "bitcoin_tip"),
                "--Pipelines:tip:Source:StartingPosition", "latest",
                .. PipelineKeys("all", kinesalite.Server, stream, "bitcoin_all"),
                .. checkpointed ? new[] { "--Reactive:StateDirectory", Path.Combine(work, "state") } : [],
            ];
            await using var service = ServiceProcess.Start(work, Credentials(), args);
            using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };

            // Latest without a checkpoint skips, at a restart, what was put while the service was down.
            var tip = await WaitForProgressAsync(http, "tip", p => p.GetProperty("delivery").ValueKind == JsonValueKind.String, "tip's source", service);
            var all = await WaitForProgressAsync(http, "all", p => p.GetProperty("inputRows").GetInt64() == 10, "all's records", service);
            Assert.Equal(checkpointed ? "exactly-once" : "at-most-once", tip.GetProperty("delivery").GetString());
            Assert.Equal(checkpointed ? "exactly-once" : "at-least-once", all.GetProperty("delivery").GetString());
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
    }
}

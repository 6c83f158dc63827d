using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reactive.Sources;
using Reactive.Sources.Kinesis;

namespace Reactive.Bench;

/// <summary>
/// <c>--kinesis</c>: records per second read from kinesalite by <see cref="KinesisLineSource"/> against the AWS SDK for
/// JavaScript (<c>bench/kinesis/read.js</c>) reading the same stream in the same run, both from TRIM_HORIZON, every
/// shard in parallel, at most one GetRecords per shard every 200 ms, 10 000 records per call. Needs <c>npm ci</c>.
/// </summary>
internal static class KinesisBench
{
    private const string Stream = "bench-bitcoin";

    public static async Task<bool> RunAsync(int shards, int records, int reps)
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDBENCH");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "bench-secret");
        var root = ServiceProcess.RepositoryRoot();
        using var kinesalite = StartKinesalite(root, out var endpoint);
        try
        {
            var options = new KinesisOptions { ServiceUrl = endpoint, AccessKeyId = "AKIDBENCH", SecretAccessKey = "bench-secret", RequestTimeout = TimeSpan.FromMinutes(2) };
            using var client = new KinesisClient(options);
            var clock = Stopwatch.StartNew();
            await client.CreateStreamAsync(Stream, shards);
            await client.WaitForStreamActiveAsync(Stream, TimeSpan.FromMinutes(1));
            await PutAsync(client, records);
            Console.WriteLine($"Kinesis: kinesalite {endpoint} (pid {kinesalite.Id}), stream {Stream} with {shards} shards, {records:N0} bitcoin JSON records put in {clock.Elapsed.TotalSeconds:F1} s (untimed); " +
                $"both readers from trim_horizon, all shards in parallel, ≥ 200 ms between GetRecords of a shard, 10 000 per call; {reps} rounds after one untimed warm-up round, the two interleaved");

            // One untimed round of each first: the JIT (tiered, PGO) and node's module loading are not what is compared.
            await OursAsync(options, records);
            await NodeAsync(root, endpoint, records);

            var ours = new List<double>();
            var node = new List<double>();
            var ratios = new List<double>();
            for (var rep = 0; rep < reps; rep++)
            {
                var (ourCount, ourSeconds, bytesPerRecord) = await OursAsync(options, records);
                var (nodeCount, nodeSeconds) = await NodeAsync(root, endpoint, records);
                if (ourCount != records || nodeCount != records)
                {
                    Console.Error.WriteLine($"  round {rep + 1}: read {ourCount} (ours) and {nodeCount} (node) of {records}");
                    return false;
                }

                ours.Add(records / ourSeconds);
                node.Add(records / nodeSeconds);
                ratios.Add(ours[^1] / node[^1]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {rep + 1}: ours {ours[^1],9:N0} records/s ({ourSeconds:F2} s, {bytesPerRecord:F0} B allocated/record)   node SDK {node[^1],9:N0} records/s ({nodeSeconds:F2} s)   ratio {ratios[^1]:F2}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  median: ours {Median(ours):N0} records/s, node SDK {Median(node):N0} records/s, ratio ours/node {Median(ratios):F2}"));
            return true;
        }
        finally
        {
            if (!kinesalite.HasExited)
            {
                kinesalite.Kill();
            }

            await kinesalite.WaitForExitAsync();
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<(long Count, double Seconds, double BytesPerRecord)> OursAsync(KinesisOptions kinesis, int expected)
    {
        var options = new KinesisSourceOptions
        {
            Kinesis = kinesis,
            Stream = Stream,
            StartingPosition = KinesisStartingPositions.TrimHorizon,
            PollInterval = KinesisSourceOptions.MinPollInterval,
            MaxRecordsPerCall = KinesisSourceOptions.MaxRecordsPerCallLimit,
        };
        using var source = new KinesisLineSource(options);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long count = 0;
        long chars = 0;
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        using (source.Subscribe(
            line =>
            {
                chars += line.Text.Length;
                if (++count == expected)
                {
                    done.TrySetResult();
                }
            },
            error => done.TrySetException(error)))
        {
            await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
            clock.Stop();
        }

        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return (count, clock.Elapsed.TotalSeconds, (double)bytes / count);
    }

    private static async Task<(long Count, double Seconds)> NodeAsync(string root, string endpoint, int expected)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { Path.Combine(root, "bench", "kinesis", "read.js"), "--endpoint", endpoint, "--stream", Stream, "--expect", expected.ToString(CultureInfo.InvariantCulture), "--limit", "10000" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench/kinesis/read.js failed ({process.ExitCode}): {await stderr}");
        }

        using var summary = JsonDocument.Parse((await stdout).Trim());
        return (summary.RootElement.GetProperty("records").GetInt64(), summary.RootElement.GetProperty("ms").GetDouble() / 1000);
    }

    /// <summary>Course-shaped bitcoin lines (timestamp, euro/usd/gbp rates), put 500 per PutRecords call, failed entries retried.</summary>
    private static async Task PutAsync(KinesisClient client, int records)
    {
        var random = new Random(12);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var first = 0; first < records; first += 500)
        {
            var batch = new List<PutRecordsEntry>();
            for (var i = first; i < Math.Min(records, first + 500); i++)
            {
                var usd = 90_000 + (random.NextDouble() * 1000);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{{\"timestamp\":\"{start.AddSeconds(i):yyyy-MM-dd'T'HH:mm:ss}\",\"euro_rate\":{usd * 0.86:F4},\"usd_rate\":{usd:F4},\"gbp_rate\":{usd * 0.75:F4}}}");
                batch.Add(new PutRecordsEntry(Encoding.UTF8.GetBytes(line), "k" + (i % 97).ToString(CultureInfo.InvariantCulture)));
            }

            for (var attempt = 1; batch.Count > 0; attempt++)
            {
                if (attempt > 20)
                {
                    throw new InvalidOperationException("PutRecords kept failing");
                }

                var response = await client.PutRecordsAsync(Stream, batch);
                batch = [.. batch.Where((_, i) => response.Records[i].ErrorCode is not null)];
            }
        }
    }

    private static Process StartKinesalite(string root, out string endpoint)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in new[] { Path.Combine(root, "tests", "kinesis", "kinesalite.js"), "--port", "0", "--shard-limit", "100", "--exit-with-stdin" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _ = process.StandardError.BaseStream.CopyToAsync(System.IO.Stream.Null);
        const string prefix = "kinesalite ready on ";
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                endpoint = line[prefix.Length..].Trim();
                _ = process.StandardOutput.BaseStream.CopyToAsync(System.IO.Stream.Null);
                return process;
            }
        }

        process.Dispose();
        throw new InvalidOperationException("kinesalite exited before its ready line (run `npm ci` at the repository root)");
    }
}

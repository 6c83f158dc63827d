using System.Globalization;
using System.Text;
using Reactive.Host.Configuration;
using Reactive.Host.Settings;
using Reactive.Sources.Generators;
using Reactive.Sources.Kinesis;

namespace Reactive.Host.Cli;

/// <summary>
/// <c>reactive produce kinesis</c>: writes a recorded or generated feed into a Kinesis stream (creating it if asked), at a
/// rate or as fast as possible — the course's <c>bitcoin-info</c> stream for the bitcoin pipeline, against AWS or a
/// local Kinesis (kinesalite, LocalStack). Credentials come from AWS's default chain (<c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c>, profiles, …), never from the command line.
/// </summary>
internal static class ProduceCommand
{
    public const string Usage = """
          reactive produce kinesis --stream NAME (--input FILE [--input-format lines|bitcoincharts] | --generate bitcoin [--rows N] [--seed S] [--start …] [--interval …])
                                   [--endpoint URL] [--region us-east-1] [--create-shards N] [--rate RECORDS_PER_SECOND] [--partition-key KEY] [--batch-size 500]
        Each line of --input is one record (blank lines skipped); --input-format bitcoincharts turns bitcoincharts.com
        trades (unix_seconds,price,amount) into the course's JSON ({"timestamp":"yyyy-MM-ddTHH:mm:ss","gbp_rate":price}).
        Without --rate the records go as fast as PutRecords takes them. Without --partition-key each record's number is
        its key (records spread over the shards). Credentials: AWS's default chain (environment, profile, …).
        """;

    /// <summary>The most records one PutRecords call takes (Kinesis' limit).</summary>
    public const int MaxBatchSize = 500;

    private const int MaxAttempts = 8;

    /// <summary><c>reactive produce kinesis</c>: its options made from its binding table and the bitcoin generator's.</summary>
    public static CliCommand Create(TextWriter stderr)
    {
        var produce = new CliCommand("produce", "reactive produce", Usage)
        {
            Description = "Writes a recorded or generated feed into a stream.",
            SubcommandNoun = "target",
        };
        var kinesis = new CliCommand("kinesis", "reactive produce kinesis", Usage) { Description = "into a Kinesis stream (AWS, kinesalite, LocalStack)" };
        CliOptions.AddTo(kinesis, CliOptions.From(Settings.Arguments, ""));
        CliOptions.AddTo(kinesis, CliOptions.From(SourceDefinitions.Bitcoin.Arguments, "Pipelines:NAME:Source:"));
        kinesis.SetAction(async (result, _) =>
        {
            // Ctrl+C stops a paced feed between two calls.
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler cancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += cancel;
            try
            {
                return await RunAsync(new ArgSettingSource(result), stderr, TimeProvider.System, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                Console.CancelKeyPress -= cancel;
            }
        });
        produce.Subcommands.Add(kinesis);
        return produce;
    }

    private static async Task<int> RunAsync(ArgSettingSource a, TextWriter stderr, TimeProvider time, CancellationToken cancellation)
    {
        var plan = Read(a);
        if (a.Errors.Count > 0 || plan is null)
        {
            foreach (var error in a.Errors)
            {
                await stderr.WriteLineAsync($"reactive produce kinesis: {error}").ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        try
        {
            using var client = new KinesisClient(plan.Client, timeProvider: time);
            var shards = await PrepareStreamAsync(client, plan, stderr, time, cancellation).ConfigureAwait(false);
            var result = await WriteAsync(client, plan, time, cancellation).ConfigureAwait(false);
            var seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-6);
            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"reactive produce kinesis: wrote {result.Records} records to {plan.Stream} ({shards} shards: {string.Join(", ", result.PerShard.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}) in {seconds:F1} s ({result.Records / seconds:F0} records/s), {result.Retried} retried")).ConfigureAwait(false);
            return 0;
        }
        catch (KinesisException ex)
        {
            // The client's messages never hold a secret.
            await stderr.WriteLineAsync($"reactive produce kinesis: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"reactive produce kinesis: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("reactive produce kinesis: stopped").ConfigureAwait(false);
            return 130;
        }
    }

    /// <summary>What to write where.</summary>
    private sealed record Plan(KinesisOptions Client, string Stream, int? CreateShards, Func<IEnumerable<string>> Records, double? Rate, string? PartitionKey, int BatchSize);

    private static readonly SettingsTable<Holder> Settings = new SettingsTable<Holder>()
        .Text("Stream", "stream", (o, v) => o.Stream = v)
        .Text("ServiceUrl", "endpoint", (o, v) => o.Client.ServiceUrl = v)
        .Text("Region", "region", (o, v) => o.Client.Region = v)
        .Int("CreateShards", "create-shards", (o, v) => o.CreateShards = v, 1, 10_000)
        .Double("Rate", "rate", (o, v) => o.Rate = v, 1e-3, 1e7)
        .Text("PartitionKey", "partition-key", (o, v) => o.PartitionKey = v)
        .Int("BatchSize", "batch-size", (o, v) => o.BatchSize = v, 1, MaxBatchSize)
        .Text("Input", "input", (o, v) => o.Input = v)
        .Text("InputFormat", "input-format", (o, v) => o.InputFormat = v)
        .Text("Generate", "generate", (o, v) => o.Generate = v);

    private sealed class Holder
    {
        public KinesisOptions Client { get; } = new();

        public string? Stream { get; set; }

        public int? CreateShards { get; set; }

        public double? Rate { get; set; }

        public string? PartitionKey { get; set; }

        public int BatchSize { get; set; } = MaxBatchSize;

        public string? Input { get; set; }

        public string InputFormat { get; set; } = "lines";

        public string? Generate { get; set; }
    }

    private static Plan? Read(ArgSettingSource a)
    {
        var h = Settings.Bind(a, new Holder());
        var stream = new SettingName("Stream", "stream");
        if (h.Stream is null)
        {
            a.Error(stream, "is required (the stream to write, e.g. --stream bitcoin-info)");
        }

        Settings.Validate(a, h.Client.Validate);
        Func<IEnumerable<string>>? records = null;
        if ((h.Input is null) == (h.Generate is null))
        {
            a.Error(new SettingName("Input", "input"), "give either --input FILE or --generate bitcoin");
        }
        else if (h.Input is { } input)
        {
            if (!File.Exists(input))
            {
                a.Error(new SettingName("Input", "input"), $"'{input}' is not a file");
            }

            records = h.InputFormat.ToLowerInvariant() switch
            {
                "lines" => () => Lines(input),
                "bitcoincharts" => () => Lines(input).Select((line, i) => Trade(line, i + 1, input)),
                _ => null,
            };
            if (records is null)
            {
                a.Error(new SettingName("InputFormat", "input-format"), $"'{h.InputFormat}' is not lines or bitcoincharts");
            }
        }
        else if (h.Generate != "bitcoin")
        {
            a.Error(new SettingName("Generate", "generate"), $"'{h.Generate}' cannot be generated into Kinesis (bitcoin can)");
        }
        else
        {
            var options = SourceDefinitions.Bitcoin.Bind(a, new BitcoinRateGeneratorOptions());
            if (SourceDefinitions.Bitcoin.Validate(a, options.Validate))
            {
                records = () => BitcoinRateGenerator.Generate(options).Select(l => l.Text);
            }
        }

        return a.Errors.Count > 0 || records is null || h.Stream is null
            ? null
            : new Plan(h.Client, h.Stream, h.CreateShards, records, h.Rate, h.PartitionKey, h.BatchSize);
    }

    private static IEnumerable<string> Lines(string path) => File.ReadLines(path, Encoding.UTF8).Where(l => l.Trim().Length > 0);

    /// <summary>A bitcoincharts trade (<c>unix_seconds,price,amount</c>) as the course's JSON, with only the GBP rate.</summary>
    internal static string Trade(string line, long number, string path)
    {
        var parts = line.Split(',');
        if (parts.Length < 2
            || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var price)
            || !double.IsFinite(price))
        {
            throw new IOException($"{path}:{number}: not a bitcoincharts trade (unix_seconds,price,amount): '{(line.Length > 80 ? line[..80] + "…" : line)}'");
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{{\"timestamp\":\"{time:yyyy-MM-dd'T'HH:mm:ss}\",\"gbp_rate\":{price.ToString("R", CultureInfo.InvariantCulture)}}}");
    }

    private static async Task<int> PrepareStreamAsync(KinesisClient client, Plan plan, TextWriter stderr, TimeProvider time, CancellationToken cancellation)
    {
        try
        {
            var summary = await client.DescribeStreamSummaryAsync(plan.Stream, cancellation).ConfigureAwait(false);
            if (summary.Status != KinesisStreamStatus.Active)
            {
                summary = await client.WaitForStreamActiveAsync(plan.Stream, TimeSpan.FromMinutes(5), timeProvider: time, cancellationToken: cancellation).ConfigureAwait(false);
            }

            return summary.OpenShardCount;
        }
        catch (KinesisException ex) when (ex.Code == KinesisErrorCode.ResourceNotFound)
        {
            if (plan.CreateShards is not { } shards)
            {
                throw new IOException($"the stream '{plan.Stream}' does not exist: create it with --create-shards N", ex);
            }

            await stderr.WriteLineAsync($"reactive produce kinesis: creating the stream {plan.Stream} with {shards} shard(s)").ConfigureAwait(false);
            await client.CreateStreamAsync(plan.Stream, shards, cancellation).ConfigureAwait(false);
            var summary = await client.WaitForStreamActiveAsync(plan.Stream, TimeSpan.FromMinutes(5), timeProvider: time, cancellationToken: cancellation).ConfigureAwait(false);
            return summary.OpenShardCount;
        }
    }

    private sealed record Written(long Records, long Retried, Dictionary<string, long> PerShard, TimeSpan Elapsed);

    /// <summary>
    /// Sends the records in PutRecords calls of up to the batch size, paced by the rate (the i-th record not before
    /// start + i / rate); records a call turned away (throttled) are sent again, with a growing pause, before the next ones.
    /// </summary>
    private static async Task<Written> WriteAsync(KinesisClient client, Plan plan, TimeProvider time, CancellationToken cancellation)
    {
        var started = time.GetTimestamp();
        var perShard = new Dictionary<string, long>(StringComparer.Ordinal);
        long sent = 0, retried = 0;
        var batch = new List<PutRecordsEntry>(plan.BatchSize);
        foreach (var text in plan.Records())
        {
            batch.Add(new PutRecordsEntry(Encoding.UTF8.GetBytes(text), plan.PartitionKey ?? (sent + batch.Count + 1).ToString(CultureInfo.InvariantCulture)));
            var due = plan.Rate is { } rate ? TimeSpan.FromSeconds((sent + batch.Count) / rate) : TimeSpan.Zero;
            var wait = due - time.GetElapsedTime(started);
            if (batch.Count == plan.BatchSize || wait > TimeSpan.Zero)
            {
                retried += await PutAsync(client, plan.Stream, batch, perShard, time, cancellation).ConfigureAwait(false);
                sent += batch.Count;
                batch.Clear();
                wait = due - time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellation).ConfigureAwait(false);
                }
            }
        }

        if (batch.Count > 0)
        {
            retried += await PutAsync(client, plan.Stream, batch, perShard, time, cancellation).ConfigureAwait(false);
            sent += batch.Count;
        }

        return new Written(sent, retried, perShard, time.GetElapsedTime(started));
    }

    private static async Task<long> PutAsync(KinesisClient client, string stream, List<PutRecordsEntry> batch, Dictionary<string, long> perShard, TimeProvider time, CancellationToken cancellation)
    {
        IReadOnlyList<PutRecordsEntry> pending = batch;
        long retried = 0;
        for (var attempt = 1; ; attempt++)
        {
            PutRecordsResponse response;
            try
            {
                response = await client.PutRecordsAsync(stream, pending, cancellation).ConfigureAwait(false);
            }
            catch (KinesisException ex) when (ex.IsRetryable && attempt < MaxAttempts)
            {
                await Task.Delay(Pause(attempt), time, cancellation).ConfigureAwait(false);
                continue;
            }

            var failed = new List<PutRecordsEntry>();
            for (var i = 0; i < response.Records.Count; i++)
            {
                var r = response.Records[i];
                if (r.Succeeded)
                {
                    perShard[r.ShardId ?? "?"] = perShard.GetValueOrDefault(r.ShardId ?? "?") + 1;
                }
                else
                {
                    failed.Add(pending[i]);
                }
            }

            if (failed.Count == 0)
            {
                return retried;
            }

            if (attempt == MaxAttempts)
            {
                throw new IOException($"{failed.Count} record(s) were still refused after {MaxAttempts} attempts ({response.Records.First(r => !r.Succeeded).ErrorCode})");
            }

            retried += failed.Count;
            pending = failed;
            await Task.Delay(Pause(attempt), time, cancellation).ConfigureAwait(false);
        }
    }

    private static TimeSpan Pause(int attempt) => TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * Math.Pow(2, attempt - 1)));
}

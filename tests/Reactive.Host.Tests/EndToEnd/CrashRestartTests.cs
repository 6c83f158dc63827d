using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Testing;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Issue 11's proof: the built service, checkpointed (<c>Reactive:StateDirectory</c>), killed with SIGKILL at 20+
/// random points while it replays a recorded feed — the real BTC trades into the aggregate, the course's quotes into the
/// spread — and started again each time; at the end its table and files equal those of a run never interrupted, row
/// for row, with no duplicate and no gap. The same with the newest checkpoint file truncated at a random byte.
/// </summary>
/// <remarks>
/// The aggregate's batches are cut by count only (<c>MaxRowsPerBatch</c>, a trigger of an hour), so every run plans
/// the same batches and the part files (one per batch) must be byte-equal. The spread processes each quote as it comes
/// and checkpoints every <c>CheckpointInterval</c>: its batches depend on timing, its rows do not, so its files are
/// compared concatenated in batch order.
/// </remarks>
public sealed class CrashRestartTests
{
    private const string BtcFile = "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv";
    private const string QuotesFile = "14081.csv";
    private const string PricesFile = "utility.csv";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [SharedDataTheory(BtcFile)]
    [InlineData(false, 11)]
    [InlineData(true, 12)]
    public async Task Aggregate_RealBtcTrades_KilledAt20RandomPoints_SameTableAndFilesAsUninterrupted(bool truncate, int seed)
    {
        var scenario = new Scenario("btc", "btc_window", Aggregate(SharedData.PathOf(BtcFile)), ConcatenateFiles: false);
        await RunAsync(scenario, truncate, seed);
    }

    [SharedDataTheory(QuotesFile)]
    [InlineData(false, 21)]
    [InlineData(true, 22)]
    public async Task Spread_CourseQuotes_KilledAt20RandomPoints_SameTableAndFilesAsUninterrupted(bool truncate, int seed)
    {
        var scenario = new Scenario("quotes", "spread", Spread(SharedData.PathOf(QuotesFile)), ConcatenateFiles: true);
        await RunAsync(scenario, truncate, seed);
    }

    [SharedDataTheory(PricesFile)]
    [InlineData(false, 31)]
    public async Task Anomaly_CourseHourlyPrices_KilledAt8RandomPoints_SameTableAndFilesAsUninterrupted(bool truncate, int seed)
    {
        // The anomaly's baselines (14 days of prices per hour of day) are its state: restored, not rebuilt.
        var scenario = new Scenario("prices", "anomalies", Anomaly(SharedData.PathOf(PricesFile)), ConcatenateFiles: true, Kills: 8);
        await RunAsync(scenario, truncate, seed);
    }

    private static string[] Anomaly(string input) =>
    [
        "--Pipelines:prices:Kind", "anomaly",
        "--Pipelines:prices:Source:Kind", "replay",
        "--Pipelines:prices:Source:Path", input,
        // Nine months of hourly prices in about 6 s.
        "--Pipelines:prices:Source:Speed", "4000000",
        "--Pipelines:prices:CheckpointInterval", "100 milliseconds",
        "--Pipelines:prices:MaxRowsPerBatch", "100",
        "--Pipelines:prices:Options:EmitEvaluations", "true",
        "--Pipelines:prices:Sinks:0:Kind", "table",
        "--Pipelines:prices:Sinks:0:Table", "anomalies",
        "--Pipelines:prices:Sinks:1:Kind", "jsonl",
    ];

    [Fact]
    public async Task Trading_GeneratedRates_KilledAt4RandomPoints_SameDecisionsAsUninterrupted()
    {
        // The trading rule's state (paper account, cooldown, hourly count), its averages' windows and its pending
        // orders are saved with the checkpoint: no decision is lost or repeated across a kill.
        var scenario = new Scenario("t", "trades", Trading(), ConcatenateFiles: true, Kills: 4);
        await RunAsync(scenario, truncate: false, seed: 41);
    }

    /// <summary>A trading pipeline on 20,000 generated rates (about 55 hours of event time in about 7 s).</summary>
    internal static string[] Trading() =>
    [
        "--Pipelines:t:Kind", "trading",
        "--Pipelines:t:Source:Kind", "generator",
        "--Pipelines:t:Source:Generator", "bitcoin",
        "--Pipelines:t:Source:Seed", "7",
        "--Pipelines:t:Source:Rows", "20000",
        "--Pipelines:t:Source:Speed", "30000",
        "--Pipelines:t:CheckpointInterval", "100 milliseconds",
        "--Pipelines:t:MaxRowsPerBatch", "200",
        "--Pipelines:t:Options:FeeRate", "0.001",
        "--Pipelines:t:Sinks:0:Kind", "table",
        "--Pipelines:t:Sinks:0:Table", "trades",
        "--Pipelines:t:Sinks:1:Kind", "jsonl",
    ];

    private sealed record Scenario(string Pipeline, string Table, string[] Args, bool ConcatenateFiles, int Kills = 20);

    private static string[] Aggregate(string input) =>
    [
        "--Pipelines:btc:Kind", "aggregate",
        "--Pipelines:btc:Source:Kind", "replay",
        "--Pipelines:btc:Source:Path", input,
        // 36 days of trades in about 6 s: slow enough to be killed anywhere, the batches still cut by count.
        "--Pipelines:btc:Source:Speed", "500000",
        "--Pipelines:btc:Source:TimeFormat", "unix:0",
        "--Pipelines:btc:MaxRowsPerBatch", "250",
        "--Pipelines:btc:Options:Format", "csv",
        "--Pipelines:btc:Options:CsvHeader", "false",
        "--Pipelines:btc:Options:Schema", "t timestamp, price double, amount double",
        "--Pipelines:btc:Options:TimeField", "t",
        "--Pipelines:btc:Options:TimeFormat", "unix_s",
        "--Pipelines:btc:Options:Window", "1 hour",
        "--Pipelines:btc:Options:Slide", "30 minutes",
        "--Pipelines:btc:Options:Watermark", "10 minutes",
        "--Pipelines:btc:Options:Trigger", "1 hour",
        "--Pipelines:btc:Options:Aggregates", "count,sum(amount),avg(price),max(price)",
        "--Pipelines:btc:Sinks:0:Kind", "table",
        "--Pipelines:btc:Sinks:0:Table", "btc_window",
        "--Pipelines:btc:Sinks:1:Kind", "jsonl",
    ];

    private static string[] Spread(string input) =>
    [
        "--Pipelines:quotes:Kind", "spread",
        "--Pipelines:quotes:Source:Kind", "replay",
        "--Pipelines:quotes:Source:Path", input,
        // Three trading days (with their nights) in about 6 s.
        "--Pipelines:quotes:Source:Speed", "30000",
        "--Pipelines:quotes:CheckpointInterval", "100 milliseconds",
        "--Pipelines:quotes:MaxRowsPerBatch", "1000",
        "--Pipelines:quotes:Options:TimeZone", "America/New_York",
        "--Pipelines:quotes:Options:WatermarkDelay", "0 seconds",
        "--Pipelines:quotes:Options:IncludeLockedAndCrossed", "true",
        "--Pipelines:quotes:Sinks:0:Kind", "table",
        "--Pipelines:quotes:Sinks:0:Table", "spread",
        "--Pipelines:quotes:Sinks:1:Kind", "jsonl",
    ];

    private static async Task RunAsync(Scenario scenario, bool truncate, int seed)
    {
        // The reference: one run, never interrupted (checkpointed too: the same sinks).
        var reference = ServiceProcess.NewWorkingDirectory();
        var whole = await RunOnceAsync(scenario, reference, kill: null);
        var (referenceBatches, referenceTime) = (whole.Batches, whole.Time);
        var expected = CheckpointedOutputs.Read(reference, scenario.Table, scenario.ConcatenateFiles);
        Assert.True(referenceBatches > 40, $"the feed should give many batches to kill in (gave {referenceBatches})");
        Assert.NotEmpty(expected.Rows);

        var random = new Random(seed);
        var work = ServiceProcess.NewWorkingDirectory();
        var kills = 0;
        var restarts = new List<string>();
        var logs = new List<string>();
        for (var attempt = 0; kills < scenario.Kills; attempt++)
        {
            Assert.True(attempt < 3 * scenario.Kills, $"{scenario.Kills} kills should happen within {3 * scenario.Kills} starts ({kills} so far): {string.Join("; ", restarts)}");

            // Half of the kill points by progress (a random batch still to come), half by time since the start
            // (recovery, the re-run batch, the first batches); a run that ends before its point is not a kill.
            var point = random.Next(2) == 0
                ? new KillPoint(Batch: random.Next(referenceBatches), After: null)
                : new KillPoint(Batch: null, After: TimeSpan.FromMilliseconds(random.Next((int)Math.Max(50, referenceTime.TotalMilliseconds))));
            var run = await RunOnceAsync(scenario, work, point);
            var killed = run.Killed;
            logs.Add(run.Stderr);
            restarts.Add($"{point} → {(killed ? "killed" : "ran to the end")}");
            if (!killed)
            {
                // It finished: start again from scratch so that the remaining kills still fall inside a run.
                CheckpointedOutputs.Read(work, scenario.Table, scenario.ConcatenateFiles).AssertSameAs(expected, () => $"{string.Join("; ", restarts)}\n--- this run's log ---\n{run.Stderr}");
                Directory.Delete(work, recursive: true);
                work = ServiceProcess.NewWorkingDirectory();
                continue;
            }

            kills++;
            if (truncate)
            {
                TruncateNewestCheckpointFile(Path.Combine(work, "state", scenario.Pipeline), random, restarts);
            }
        }

        // The last start runs to the end, from the checkpoint: it reads only what the last commit had not covered. (When
        // the last kill came before the first commit of a fresh start, which a loaded machine makes likelier, there is
        // nothing to resume from: it must say so and read the feed from its start.)
        var committed = Directory.Exists(Path.Combine(work, "state", scenario.Pipeline, "commits"))
            && Directory.EnumerateFiles(Path.Combine(work, "state", scenario.Pipeline, "commits")).Any(f => !Path.GetFileName(f).StartsWith('.'));
        var last = await RunOnceAsync(scenario, work, kill: null);
        logs.Add(last.Stderr);
        var actual = CheckpointedOutputs.Read(work, scenario.Table, scenario.ConcatenateFiles);
        if (last.Stderr.Contains("restored batch", StringComparison.Ordinal))
        {
            Assert.True(last.InputRows < whole.InputRows, $"the last start should resume, not read the whole feed again ({last.InputRows} of {whole.InputRows} lines): {string.Join("; ", restarts)}\n{last.Stderr}");
        }
        else
        {
            // Only a checkpoint without a commit (or, truncating, whose only commit was damaged) starts afresh.
            Assert.True(!committed || truncate, $"the last start should restore the committed batch: {string.Join("; ", restarts)}\n{last.Stderr}");
            Assert.Contains("no batch committed yet", last.Stderr, StringComparison.Ordinal);
            Assert.Equal(whole.InputRows, last.InputRows);
        }

        var resumed = logs.Count(l => l.Contains("checkpoint", StringComparison.Ordinal) && l.Contains("restored batch", StringComparison.Ordinal));
        Assert.True(resumed >= scenario.Kills / 2, $"most starts should restore a committed batch ({resumed} of {logs.Count} did): {string.Join("; ", restarts)}");
        if (truncate)
        {
            // The damaged files were noticed and set aside, never taken for good ones.
            Assert.Contains(logs, l => l.Contains("is damaged", StringComparison.Ordinal));
        }

        actual.AssertSameAs(expected, () => $"{string.Join("; ", restarts)}\n--- the last run's log ---\n{last.Stderr}");
        actual.AssertSameRowsAndFiles(expected);
    }

    /// <summary>One start of the service: how many batches its pipeline had run, for how long, whether it was killed, and its log.</summary>
    private sealed record Run(int Batches, TimeSpan Time, bool Killed, long InputRows, string Stderr);

    private sealed record KillPoint(int? Batch, TimeSpan? After)
    {
        public override string ToString() => Batch is { } b ? $"kill at batch {b}" : $"kill after {After!.Value.TotalMilliseconds:0} ms";
    }

    /// <summary>Runs the service until the pipeline stopped (end of the feed) or the kill point; returns the batches and time it ran.</summary>
    private static async Task<Run> RunOnceAsync(Scenario scenario, string work, KillPoint? kill)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--pipelines", scenario.Pipeline,
            "--Reactive:StateDirectory", Path.Combine(work, "state"),
            "--FileSinks:Directory", Path.Combine(work, "out"),
            .. scenario.Args,
        ];
        await using var service = ServiceProcess.Start(work, null, args);
        var started = Stopwatch.StartNew();
        if (kill?.After is { } after)
        {
            // The kill point is a moment: the process is killed then, whatever it is doing (even starting).
            using var timer = new CancellationTokenSource(after);
            try
            {
                await service.WaitForExitAsync(Deadline).WaitAsync(timer.Token);
            }
            catch (OperationCanceledException)
            {
                service.Signal("KILL");
                await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
                return new Run(0, started.Elapsed, true, 0, service.Stderr);
            }

            throw new InvalidOperationException($"the service exited by itself:\n{service.Stderr}");
        }

        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url };
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(10))
        {
            var progress = await http.GetFromJsonAsync<JsonElement>($"/api/pipelines/{scenario.Pipeline}");
            var state = progress.GetProperty("state").GetString();
            Assert.True(state != "Faulted", $"the pipeline faulted: {progress}\n{service.Stderr}");
            var batch = progress.TryGetProperty("lastProgress", out var last) && last.ValueKind == JsonValueKind.Object
                ? last.GetProperty("batchId").GetInt32()
                : -1;
            if (kill?.Batch is { } target && batch >= target && state != "Stopped")
            {
                service.Signal("KILL");
                await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
                return new Run(batch, started.Elapsed, true, 0, service.Stderr);
            }

            if (state == "Stopped")
            {
                var elapsed = started.Elapsed;
                var input = progress.GetProperty("inputRows").GetInt64();
                Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
                return new Run(batch + 1, elapsed, false, input, service.Stderr);
            }
        }

        throw new TimeoutException($"the pipeline did not stop within {Deadline}:\n{service.Stderr}");
    }

    /// <summary>Truncates the newest file of the checkpoint's logs at a random byte (a crash in the middle of a write, a bad disk).</summary>
    private static void TruncateNewestCheckpointFile(string checkpoint, Random random, List<string> log)
    {
        var newest = new[] { "commits", "state", "offsets" }
            .Select(d => Path.Combine(checkpoint, d))
            .Where(Directory.Exists)
            .SelectMany(Directory.GetFiles)
            .Where(f => long.TryParse(Path.GetFileName(f), out _))
            .OrderByDescending(f => long.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture))
            .ThenBy(f => random.Next())
            .FirstOrDefault();
        if (newest is null)
        {
            log.Add("nothing to truncate yet");
            return;
        }

        var length = new FileInfo(newest).Length;
        var at = random.NextInt64(length);
        using (var file = new FileStream(newest, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(at);
        }

        log.Add($"truncated {Path.GetRelativePath(checkpoint, newest)} at byte {at} of {length}");
    }
}

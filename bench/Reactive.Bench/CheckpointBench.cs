using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Text.Json;
using Reactive.Host.Analytics;
using Reactive.Host.Kinds;
using Reactive.Operators.EventTime;
using Reactive.Operators.Windows;

namespace Reactive.Bench;

/// <summary>
/// <c>--checkpoint</c>: rows/s of the micro-batch aggregate with and without a checkpoint per batch, what one
/// checkpoint costs, its state's size and the allocations per row; <c>--check</c> runs <see cref="Check"/>.
/// </summary>
internal static class CheckpointBench
{
    public static bool Run(string root, int batches, int repetitions, double warmupSeconds)
    {
        var total = Stopwatch.StartNew();
        var directory = CreateRoot(root);
        try
        {
            Console.WriteLine($"Reactive.Bench (--checkpoint): .NET {Environment.Version}, {Environment.ProcessorCount} cores; checkpoints under {directory} ({FileSystem(directory)}); " +
                $"{batches} batches per run, median of {repetitions} runs after at least {warmupSeconds:0.#} s of warm-up, with and without interleaved");
            Console.WriteLine("Query: 10 s tumbling windows, watermark 5 s, append, count/avg/max per key; batch i = event seconds [i, i+1) (so each batch is followed by a no-data batch, checkpointed too).");
            // B = 1k, 10k, 100k rows per batch at 100 and 1,000 keys; 10,000 keys once (a checkpoint of that state takes
            // about half a second here, so fewer batches and runs; its cost per batch does not depend on B).
            CheckpointConfig[] configs =
            [
                .. new[] { 100, 1_000 }.SelectMany(keys => new[] { 1_000, 10_000, 100_000 }.Select(rows => new CheckpointConfig(rows, keys, batches))),
                new CheckpointConfig(100_000, 10_000, Math.Min(batches, CheckpointCases.SteadyFromBatch + 5)),
            ];
            var results = new List<Result>();
            foreach (var config in configs)
            {
                var result = Measure(config, directory, config.Keys >= 10_000 ? Math.Min(repetitions, 3) : repetitions, warmupSeconds);
                if (result is null)
                {
                    return false;
                }

                results.Add(result);
                Console.WriteLine($"  done B={config.BatchRows:N0} K={config.Keys:N0} ({config.Batches} batches, {result.With.Repetitions} runs) at {total.Elapsed.TotalSeconds:F0} s");
            }

            Console.WriteLine();
            Console.WriteLine("| B rows/batch | K keys | state rows | state file | ckpt/batch | rows/s without | rows/s with | with ÷ without | ms/ckpt median | p95 | plan / snapshot / commit ms | ckpt share | B/row without | B/row with |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in results)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {r.Config.BatchRows:N0} | {r.Config.Keys:N0} | {r.StateRows:N0} | {Size(r.StateBytes)} | {r.CheckpointsPerBatch:F2} | {Rate(r.Without.ItemsPerSecond)} | {Rate(r.With.ItemsPerSecond)} | {r.With.PairedSpeedup(r.Without):F3} | {r.MedianMs:F2} | {r.P95Ms:F2} | {r.PlanMs:F2} / {r.SnapshotMs:F2} / {r.CommitMs:F2} | {r.Share:P0} | {r.Without.BytesPerItem:F1} | {r.With.BytesPerItem:F1} |"));
            }

            Console.WriteLine($"\nState rows, state file, ms/ckpt and phases: medians over the checkpoints from data batch {CheckpointCases.SteadyFromBatch} on (after the first window's eviction: steady state) of the timed runs; " +
                "with ÷ without: median over rounds of the paired throughput ratio; ckpt share: the checkpoints' time in a checkpointed run, median over runs; B/row: all allocations of a run ÷ its rows.");
            Console.WriteLine($"Total {total.Elapsed.TotalSeconds:F1} s");
            return true;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The smoke test: one small configuration, the results with checkpoints equal those without, and the state
    /// restored from the last checkpoint (through <see cref="Reactive.Host.Pipelines.PipelineCheckpoint.Open"/>, then
    /// into a new operator) equals the running operator's last snapshot.
    /// </summary>
    public static bool Check(string root)
    {
        var clock = Stopwatch.StartNew();
        var directory = CreateRoot(root);
        try
        {
            // 16 batches: the first window is evicted (emitted) at batch 15.
            var config = new CheckpointConfig(1_000, 500, CheckpointCases.SteadyFromBatch + 1);
            var without = CheckpointCases.Run(config, null);
            var stateDirectory = Path.Combine(directory, "check");
            WindowChecksum with;
            JsonElement last;
            long lastId;
            int checkpoints;
            using (var run = new CheckpointedRun(config, stateDirectory))
            {
                with = CheckpointCases.Run(config, run);
                last = run.LastSnapshot ?? throw new InvalidOperationException("no checkpoint was written");
                lastId = run.LastCommitted;
                checkpoints = run.Samples.Count;
            }

            Console.WriteLine($"\nCheckpoint: {config.Rows:N0} rows in {config.Batches} batches of {config.BatchRows:N0}, {config.Keys} keys, checkpoints under {directory} ({FileSystem(directory)})");
            Console.WriteLine($"  without: {without}");
            Console.WriteLine($"  with   : {with}, {checkpoints} checkpoints");
            if (!with.Equals(without) || checkpoints != with.Updates || lastId != with.Updates - 1)
            {
                Console.Error.WriteLine("CHECKPOINT MISMATCH: the results with checkpoints differ from those without, or not every batch was checkpointed.");
                return false;
            }

            using var reopened = CheckpointCases.OpenCheckpoint(stateDirectory);
            var restored = reopened.RestoredState;
            var state = new KindState(restored).Restore<WindowState<GroupKey>>() ?? throw new InvalidOperationException("the checkpoint restored no state");
            var handle = new StateHandle<WindowState<GroupKey>>(state);
            using var resumed = Observable.Never<IObservable<KeyedRow>>().WindowByEventTime(CheckpointCases.Options(handle)).Subscribe();
            var reloaded = JsonSerializer.SerializeToElement(handle.Save(), KindState.Json);
            if (restored is not { } r || !JsonElement.DeepEquals(r, last) || !JsonElement.DeepEquals(reloaded, last) || reopened.NextBatchId != lastId + 1 || reopened.Reruns.Count != 0 || state.Entries.Count == 0)
            {
                Console.Error.WriteLine($"CHECKPOINT MISMATCH: the state restored from {reopened.Directory} differs from the operator's last snapshot (batch {lastId}; next batch restored: {reopened.NextBatchId}).");
                return false;
            }

            Console.WriteLine($"  checks: results with = without; batch {lastId}'s state restored from the checkpoint and reloaded into a new operator = the running operator's last snapshot ({state.Entries.Count} state rows); {clock.Elapsed.TotalSeconds:F1} s");
            return true;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Result? Measure(CheckpointConfig config, string root, int repetitions, double warmupSeconds)
    {
        var runs = new List<CheckpointedRun>();
        CheckpointedRun? next = null;
        string? previous = null;
        var count = 0;
        var without = new BenchCase("without checkpoints", config.Rows, repetitions, () => CheckpointCases.Run(config, null));
        var with = new BenchCase("with a checkpoint per batch", config.Rows, repetitions, () =>
        {
            using var run = next!;
            CheckpointCases.Run(config, run);
            runs.Add(run);
        })
        {
            Setup = () =>
            {
                // A fresh checkpoint per run; the previous run's files are deleted here, untimed.
                if (previous is not null)
                {
                    Directory.Delete(previous, recursive: true);
                }

                previous = Path.Combine(root, $"B{config.BatchRows}-K{config.Keys}-{count++}");
                next = new CheckpointedRun(config, previous);
            },
        };

        // The results with checkpoints must be those without (this run is a warm-up run too).
        with.Setup();
        var expected = CheckpointCases.Run(config, null);
        using (var run = next!)
        {
            if (!CheckpointCases.Run(config, run).Equals(expected))
            {
                Console.Error.WriteLine($"CHECKPOINT MISMATCH (B={config.BatchRows}, K={config.Keys}): the results with checkpoints differ from those without.");
                return null;
            }
        }

        var measured = Harness.MeasureInterleaved(1, warmupSeconds, without, with);
        if (previous is not null)
        {
            Directory.Delete(previous, recursive: true);
        }

        var timed = runs.Skip(runs.Count - repetitions).ToList();
        var steady = timed.SelectMany(r => r.Samples).Where(s => s.DataBatch >= CheckpointCases.SteadyFromBatch).ToList();
        var shares = timed.Select((r, i) => r.Samples.Sum(s => s.Milliseconds) / 1000 / measured[1].Times[i]).ToList();
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        return new Result(
            config,
            measured[0],
            measured[1],
            (double)timed.Sum(r => r.Samples.Count) / timed.Count / config.Batches,
            Median(steady.Select(s => s.Milliseconds)),
            Percentile(steady.Select(s => s.Milliseconds), 0.95),
            Median(steady.Select(s => Ms(s.PlanTicks))),
            Median(steady.Select(s => Ms(s.SnapshotTicks))),
            Median(steady.Select(s => Ms(s.CommitTicks))),
            Median(steady.Select(s => (double)s.StateRows)),
            Median(steady.Select(s => (double)s.StateBytes)),
            Median(shares));
    }

    private static string CreateRoot(string root)
    {
        var directory = Path.Combine(Path.GetFullPath(root), $"reactive-bench-checkpoints-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string FileSystem(string directory)
    {
        try
        {
            return new DriveInfo(directory).DriveFormat;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return "file system unknown";
        }
    }

    private static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static string Rate(double perSecond) => perSecond >= 1e6
        ? string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e6:F2} M")
        : string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e3:F0} k");

    private static string Size(double bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):F1} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:F0} KB");

    private sealed record Result(
        CheckpointConfig Config,
        Measurement Without,
        Measurement With,
        double CheckpointsPerBatch,
        double MedianMs,
        double P95Ms,
        double PlanMs,
        double SnapshotMs,
        double CommitMs,
        double StateRows,
        double StateBytes,
        double Share);
}

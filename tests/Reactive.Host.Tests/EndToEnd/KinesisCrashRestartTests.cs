using System.Text.RegularExpressions;
using Reactive.Sources.Tests.Kinesis;
using Reactive.Testing.Kinesis;
using Xunit.Abstractions;
using static Reactive.Host.Tests.EndToEnd.KinesisEndToEnd;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The built service's checkpointed <c>bitcoin</c> pipeline on a Kinesis stream, stopped (SIGTERM) and killed (SIGKILL)
/// at random points while the node producer keeps writing, and started again each time: each start resumes from the
/// checkpoint's sequence numbers (the log says "restored batch"), and the final table equals the brute force over every
/// record written, row for row — none lost, none counted twice.
/// </summary>
public sealed partial class KinesisCrashRestartTests(KinesaliteFixture kinesalite, ITestOutputHelper output) : IClassFixture<KinesaliteFixture>
{
    private const string Name = "btc";
    private const int Kills = 6;

    [Fact]
    public async Task Bitcoin_StoppedAndKilledAtRandomPointsWhileTheProducerWrites_ResumesFromTheCheckpointWindowsEqualABruteForce()
    {
        var stream = StreamName("crash");
        var rates = Rates(5000, seed: 3, new DateTime(2021, 1, 4, 0, 0, 0, DateTimeKind.Utc));
        var produced = new List<ProducedRecord>(await ProduceAsync(kinesalite.Server, stream, Lines(rates.Take(1500)), createShards: 2));

        // The producer goes on writing, in chunks, while the service is started, stopped and killed.
        var producer = Task.Run(async () =>
        {
            foreach (var chunk in rates.Skip(1500).Chunk(500))
            {
                var written = await ProduceAsync(kinesalite.Server, stream, Lines(chunk));
                lock (produced)
                {
                    produced.AddRange(written);
                }
            }
        });

        var work = ServiceProcess.NewWorkingDirectory();
        var random = new Random(31);
        var runs = new List<string>();
        var logs = new List<string>();
        long? rerun = null;
        for (var kill = 0; kill < Kills; kill++)
        {
            var signal = kill % 2 == 0 ? "KILL" : "TERM";
            var run = await RunUntilSignalledAsync(work, stream, signal, random, () => Snapshot(stream, produced));
            rerun = CheckRecovery(run.Stderr, rerun, runs);
            if (signal == "KILL")
            {
                // The kill came between a batch's sinks and its commit, the window where a batch must run again.
                rerun = CrashBeforeCommit(work) ?? rerun;
            }

            runs.Add(run.What + (rerun is { } r ? $"; batch {r} left uncommitted" : string.Empty));
            logs.Add(run.Stderr);
            output.WriteLine(runs[^1]);
        }

        await producer;
        Assert.Equal(rates.Count, produced.Count);

        // The last start runs until a batch ends at every shard's last record.
        await using var service = ServiceProcess.Start(work, Credentials(), Arguments(work, stream));
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        var progress = await WaitForProgressAsync(http, Name, p => Covers(p, LastSequences(stream, produced)), "a batch ending at each shard's last record", service);
        Assert.Null(CheckRecovery(service.Stderr, rerun, runs));

        var history = string.Join("\n", runs);
        Assert.Contains("restored batch", service.Stderr, StringComparison.Ordinal);
        Assert.True(progress.GetProperty("inputRows").GetInt64() < rates.Count, $"the last start should resume, not read the stream again: {progress}\n{history}");
        Assert.True(logs.Count(l => l.Contains("restored batch", StringComparison.Ordinal)) >= Kills / 2, $"most starts should restore a committed batch:\n{history}");
        Assert.Contains(logs, l => l.Contains("re-running planned batch", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("Pipeline btc finished", StringComparison.Ordinal)); // a SIGTERM stopped it cleanly
        await AssertTableAsync(http, Expected(rates));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// Whether a start that recovered re-ran the batch left uncommitted (<paramref name="rerun"/>) over its logged range;
    /// returns what is still to check: nothing once a start has recovered, the same batch when the start was ended before
    /// it got that far.
    /// </summary>
    private static long? CheckRecovery(string stderr, long? rerun, List<string> runs)
    {
        if (!stderr.Contains("restored batch", StringComparison.Ordinal) && !stderr.Contains("no batch committed yet", StringComparison.Ordinal))
        {
            return rerun;
        }

        if (rerun is { } id)
        {
            // With no batch committed at all, every planned one is re-run "from the beginning" (the log gives no ids).
            var line = RerunLine().Match(stderr);
            Assert.True(
                (line.Success && line.Groups["ids"].Value.Split(", ").Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                || stderr.Contains("no batch committed yet: re-running", StringComparison.Ordinal),
                $"the start should re-run batch {id} over its logged range:\n{string.Join("\n", runs)}\n{stderr}");
        }

        return null;
    }

    /// <summary>
    /// Leaves the checkpoint as a kill between a batch's sinks and its commit does: the newest batch's commit file removed
    /// (its offsets, state and table rows kept). When the kill already came in the middle of a batch (planned, not
    /// committed) it is left as it is. Returns the batch a restart must re-run, or null before the first batch.
    /// </summary>
    private static long? CrashBeforeCommit(string work)
    {
        var checkpoint = Path.Combine(work, "state", Name);
        var committed = Newest(Path.Combine(checkpoint, "commits"));
        var planned = Newest(Path.Combine(checkpoint, "offsets"));
        if (planned is null || planned > committed)
        {
            return planned;
        }

        File.Delete(Path.Combine(checkpoint, "commits", planned.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return planned;

        static long? Newest(string folder) => Directory.Exists(folder)
            ? Directory.GetFiles(folder).Select(Path.GetFileName).Select(n => long.TryParse(n, out var id) ? id : (long?)null).Max()
            : null;
    }

    private static Dictionary<string, string> Snapshot(string stream, List<ProducedRecord> produced)
    {
        lock (produced)
        {
            return LastSequences(stream, produced);
        }
    }

    /// <summary>The pipeline checkpointed, its source slowed down (small pages and batches) so that a signal lands in the middle of the stream.</summary>
    private string[] Arguments(string work, string stream) => BitcoinPipeline(
        Name,
        kinesalite.Server,
        stream,
        "--Reactive:StateDirectory", Path.Combine(work, "state"),
        $"--Pipelines:{Name}:Source:MaxRecordsPerCall", "50",
        $"--Pipelines:{Name}:MaxRowsPerBatch", "100");

    private sealed record Run(string What, string Stderr);

    /// <summary>
    /// Starts the service and sends it <paramref name="signal"/> at a random point: half the time a moment after the
    /// start (in recovery, or before the first batch), half the time once this start has run a random number of batches
    /// (or has caught up with what was written).
    /// </summary>
    private async Task<Run> RunUntilSignalledAsync(string work, string stream, string signal, Random random, Func<Dictionary<string, string>> written)
    {
        await using var service = ServiceProcess.Start(work, Credentials(), Arguments(work, stream));
        string point;
        if (random.Next(2) == 0)
        {
            // SIGKILL from the process's start; SIGTERM from the moment it listens (a SIGTERM before the runtime has
            // even reached the service's code ends it with 143, as any process: nothing had started).
            var after = TimeSpan.FromMilliseconds(random.Next(signal == "KILL" ? 300 : 0, 3000));
            point = $"{signal} {after.TotalMilliseconds:0} ms after {(signal == "KILL" ? "the start" : "listening")}";
            if (signal != "KILL")
            {
                await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
            }

            var exited = service.WaitForExitAsync(TimeSpan.FromMinutes(5));
            Assert.NotSame(exited, await Task.WhenAny(exited, Task.Delay(after)));
        }
        else
        {
            var batches = random.Next(1, 8);
            point = $"{signal} after {batches} batches";
            using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
            await WaitForProgressAsync(
                http,
                Name,
                p => p.GetProperty("batches").GetInt64() >= batches || Covers(p, written()),
                $"{batches} batches",
                service);
        }

        service.Signal(signal);
        var exit = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
        if (signal == "TERM")
        {
            Assert.True(exit == 0, $"SIGTERM should stop the service cleanly (exit {exit}):\n{service.Stderr}");
        }

        var restored = string.Join("; ", RestoredLine().Matches(service.Stderr).Select(m => m.Value.TrimEnd(' ', ',')));
        return new Run($"{point}: {restored}; exit {exit}", service.Stderr);
    }

    [GeneratedRegex("restored batch [0-9]+; resuming after [0-9]+ records|re-running planned batch\\(es\\) [0-9, ]+|re-running [0-9]+ planned batch\\(es\\)|no batch committed yet")]
    private static partial Regex RestoredLine();

    [GeneratedRegex("re-running planned batch\\(es\\) (?<ids>[0-9]+(, [0-9]+)*)")]
    private static partial Regex RerunLine();
}

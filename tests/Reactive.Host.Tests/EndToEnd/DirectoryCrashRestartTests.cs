using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Issue 11's proof for the directory source: the built service, checkpointed (<c>Reactive:StateDirectory</c>), an
/// aggregate over files moved into its watched directory (some there at the first start, the others moved in while it
/// runs or while it is down), killed with SIGKILL at 20 random points and started again each time; at the end its table
/// and files equal those of a run never interrupted, row for row, with no duplicate and no gap.
/// </summary>
/// <remarks>
/// The batches are cut by count only (<c>MaxRowsPerBatch</c>, a trigger of an hour, the lines a multiple of the batch
/// size), so every run plans the same batches and the part files (one per batch) must be byte-equal. The source reads
/// files far ahead of the batches that commit them, so a kill leaves files recorded as read whose lines were not
/// committed: without the log's rollback they would be lost, without resuming at the committed byte counted twice. The
/// last line is an hour ahead of the rest: its batch moves the watermark past every other window, and the no-data batch
/// after it, committed at the end of the last file, is where a run is done (it is then stopped with SIGTERM).
/// </remarks>
public sealed class DirectoryCrashRestartTests
{
    private const string Pipeline = "dir";
    private const string Table = "dir_window";
    private const int RowsPerBatch = 100;
    private const int Kills = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Aggregate_FilesMovedIntoTheDirectory_KilledAt20RandomPoints_SameTableAndFilesAsUninterrupted()
    {
        var input = Generate(new Random(41), files: 24);
        var random = new Random(42);

        // The reference: one run, never interrupted (checkpointed too: the same sinks).
        var reference = NewWorkingDirectory(input);
        var whole = await RunOnceAsync(reference, input, kill: null);
        var expected = CheckpointedOutputs.Read(reference, Table, concatenateFiles: false);
        Assert.Equal("exactly-once", whole.Delivery);
        Assert.Equal(input.Sum(f => f.Lines), whole.InputRows);
        Assert.True(whole.Batches > 40, $"the input should give many batches to kill in (gave {whole.Batches})");
        Assert.NotEmpty(expected.Rows);

        var work = NewWorkingDirectory(input);
        var kills = 0;
        var restarts = new List<string>();
        var logs = new List<string>();
        var end = EndOf(work, input);

        // Until 20 kills, the last of them after a commit (so that the last start has something to resume from).
        for (var attempt = 0; kills < Kills || NewestCommit(Path.Combine(work, "state", Pipeline), end).Id < 0; attempt++)
        {
            Assert.True(attempt < 3 * Kills, $"{Kills} kills should happen within {3 * Kills} starts ({kills} so far): {string.Join("; ", restarts)}");

            // Half of the kill points by progress (a random batch still to come), half by time since the start, in its
            // first 60 % (the first files moving in, recovery, the re-run batch, the first batches: a start that resumes
            // has less to do than the reference); a run done before its point is no kill.
            var point = random.Next(2) == 0
                ? new KillPoint(Batch: random.Next(whole.Batches), After: null)
                : new KillPoint(Batch: null, After: TimeSpan.FromMilliseconds(random.Next(50, (int)Math.Max(100, 0.6 * whole.Time.TotalMilliseconds))));
            var run = await RunOnceAsync(work, input, point);
            logs.Add(run.Stderr);
            restarts.Add($"{point} → {(run.Killed ? "killed" : "ran to the end")}");
            if (!run.Killed)
            {
                // It finished: start again from scratch so that the remaining kills still fall inside a run.
                Assert.Equal(expected, CheckpointedOutputs.Read(work, Table, concatenateFiles: false));
                Directory.Delete(work, recursive: true);
                work = NewWorkingDirectory(input);
                end = EndOf(work, input);
                continue;
            }

            kills++;
        }

        // The last start runs to the end from the checkpoint: it reads only what the last commit had not covered.
        var last = await RunOnceAsync(work, input, kill: null);
        logs.Add(last.Stderr);
        var actual = CheckpointedOutputs.Read(work, Table, concatenateFiles: false);
        var story = string.Join("; ", restarts);
        Assert.True(last.InputRows < whole.InputRows, $"the last start should resume, not read every file again ({last.InputRows} of {whole.InputRows} lines): {story}\n{last.Stderr}");
        var resumed = logs.Count(l => l.Contains("restored batch", StringComparison.Ordinal));
        Assert.True(resumed >= Kills / 2, $"most starts should restore a committed batch ({resumed} of {logs.Count} did): {story}");
        Assert.Contains(logs, l => l.Contains("reading again", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Contains("file_lost", StringComparison.Ordinal));

        actual.AssertSameRowsAndFiles(expected);
    }

    /// <summary>One generated input file: its name, bytes, line count and modification time (the order it is read in).</summary>
    private sealed record InputFile(string Name, byte[] Content, int Lines, DateTime LastWriteUtc);

    /// <summary>
    /// Trades as CSV (<c>unix seconds,price,amount</c>) in files of 1 to 400 lines (some smaller than a batch, so that
    /// batches span files), one with a byte-order mark and one with CRLF line ends (offsets count them); now and then
    /// a trade up to half an hour late, which the watermark drops or not depending on the batch it falls in.
    /// </summary>
    private static List<InputFile> Generate(Random random, int files)
    {
        var time = new DateTimeOffset(2017, 6, 11, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var counts = Enumerable.Range(0, files - 1).Select(_ => random.Next(1, 401)).ToList();
        counts.Add(((RowsPerBatch - (counts.Sum() % RowsPerBatch)) % RowsPerBatch) + RowsPerBatch);
        var result = new List<InputFile>();
        for (var f = 0; f < files; f++)
        {
            var text = new StringBuilder();
            var end = f == 5 ? "\r\n" : "\n";
            for (var i = 0; i < counts[f]; i++)
            {
                time += random.Next(0, 90);
                var t = f == files - 1 && i == counts[f] - 1 ? time + 3600
                    : random.Next(25) == 0 ? time - random.Next(1800)
                    : time;
                text.Append(CultureInfo.InvariantCulture, $"{t},{2000 + (random.Next(10000) / 100.0)},{random.Next(20000) / 10000.0}{end}");
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            var content = f == 3 ? [.. Encoding.UTF8.Preamble, .. bytes] : bytes;
            result.Add(new InputFile($"trades-{f:D2}.csv", content, counts[f], new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(f)));
        }

        return result;
    }

    /// <summary>A working directory with every input file in <c>staging</c> and the first three already in <c>incoming</c>.</summary>
    private static string NewWorkingDirectory(List<InputFile> input)
    {
        var work = ServiceProcess.NewWorkingDirectory();
        Directory.CreateDirectory(Path.Combine(work, "incoming"));
        Directory.CreateDirectory(Path.Combine(work, "staging"));
        foreach (var file in input)
        {
            var staged = Path.Combine(work, "staging", file.Name);
            File.WriteAllBytes(staged, file.Content);
            File.SetLastWriteTimeUtc(staged, file.LastWriteUtc);
        }

        for (var i = 0; i < 3; i++)
        {
            MoveNextIn(work, input);
        }

        return work;
    }

    /// <summary>Moves the next input file from staging into the watched directory (in one rename, as a producer does).</summary>
    private static void MoveNextIn(string work, List<InputFile> input)
    {
        var next = input.FirstOrDefault(f => File.Exists(Path.Combine(work, "staging", f.Name)));
        if (next is not null)
        {
            File.Move(Path.Combine(work, "staging", next.Name), Path.Combine(work, "incoming", next.Name));
        }
    }

    private static string[] Args(string work) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--pipelines", Pipeline,
        "--Reactive:StateDirectory", Path.Combine(work, "state"),
        "--FileSinks:Directory", Path.Combine(work, "out"),
        "--Pipelines:dir:Kind", "aggregate",
        "--Pipelines:dir:Source:Kind", "directory",
        "--Pipelines:dir:Source:Path", Path.Combine(work, "incoming"),
        "--Pipelines:dir:Source:IncludeExisting", "true",
        "--Pipelines:dir:Source:PollInterval", "200 milliseconds",
        "--Pipelines:dir:MaxRowsPerBatch", RowsPerBatch.ToString(CultureInfo.InvariantCulture),
        "--Pipelines:dir:Options:Format", "csv",
        "--Pipelines:dir:Options:CsvHeader", "false",
        "--Pipelines:dir:Options:Schema", "t timestamp, price double, amount double",
        "--Pipelines:dir:Options:TimeField", "t",
        "--Pipelines:dir:Options:TimeFormat", "unix_s",
        "--Pipelines:dir:Options:Window", "1 hour",
        "--Pipelines:dir:Options:Slide", "30 minutes",
        "--Pipelines:dir:Options:Watermark", "10 minutes",
        "--Pipelines:dir:Options:Trigger", "1 hour",
        "--Pipelines:dir:Options:Aggregates", "count,sum(amount),avg(price),max(price)",
        "--Pipelines:dir:Sinks:0:Kind", "table",
        "--Pipelines:dir:Sinks:0:Table", Table,
        "--Pipelines:dir:Sinks:1:Kind", "jsonl",
    ];

    /// <summary>One start of the service: the batches committed by then, how long it ran, whether it was killed, its input rows, delivery and log.</summary>
    private sealed record Run(int Batches, TimeSpan Time, bool Killed, long InputRows, string? Delivery, string Stderr);

    private sealed record KillPoint(int? Batch, TimeSpan? After)
    {
        public override string ToString() => Batch is { } b ? $"kill at batch {b}" : $"kill after {After!.Value.TotalMilliseconds:0} ms";
    }

    /// <summary>
    /// Runs the service, moving one more file in every poll, until the kill point (SIGKILL) or until it is done (its last
    /// batch is committed: SIGTERM). The checkpoint's newest commit tells both, whether or not this start ran a batch.
    /// </summary>
    private static async Task<Run> RunOnceAsync(string work, List<InputFile> input, KillPoint? kill)
    {
        var end = EndOf(work, input);
        var before = NewestCommit(Path.Combine(work, "state", Pipeline), end).Id;
        await using var service = ServiceProcess.Start(work, null, Args(work));
        var started = Stopwatch.StartNew();
        while (started.Elapsed < Deadline)
        {
            Assert.False(service.HasExited, $"the service exited by itself:\n{service.Stderr}");
            var (committed, done) = NewestCommit(Path.Combine(work, "state", Pipeline), end);

            // A kill at a batch falls after this start committed one (as a progress point: the batch ids go on).
            if ((kill?.After is { } after && started.Elapsed >= after) || (kill?.Batch is { } target && committed > before && committed >= target && !done))
            {
                service.Signal("KILL");
                await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
                return new Run((int)committed + 1, started.Elapsed, true, 0, null, service.Stderr);
            }

            if (done)
            {
                var elapsed = started.Elapsed;
                using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
                var progress = await http.GetFromJsonAsync<JsonElement>($"/api/pipelines/{Pipeline}");
                Assert.True(progress.GetProperty("state").GetString() == "Running", $"the pipeline should be running: {progress}\n{service.Stderr}");
                Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
                return new Run((int)committed + 1, elapsed, false, progress.GetProperty("inputRows").GetInt64(), progress.GetProperty("delivery").GetString(), service.Stderr);
            }

            MoveNextIn(work, input);
            await Task.Delay(10);
        }

        throw new TimeoutException($"the pipeline was not done within {Deadline}:\n{service.Stderr}");
    }

    /// <summary>The end of the input: just past the last line of the last file.</summary>
    private static (string File, long Offset) EndOf(string work, List<InputFile> input) =>
        (Path.Combine(work, "incoming", input[^1].Name), input[^1].Content.Length);

    /// <summary>
    /// The newest committed batch of the checkpoint (-1: none), and whether it is the last one: the no-data batch at
    /// the end of the last file (<paramref name="end"/>).
    /// </summary>
    private static (long Id, bool Done) NewestCommit(string checkpoint, (string File, long Offset) end)
    {
        var commits = Path.Combine(checkpoint, "commits");
        var newest = Directory.Exists(commits)
            ? Directory.GetFiles(commits).Select(f => long.TryParse(Path.GetFileName(f), out var id) ? id : -1).DefaultIfEmpty(-1).Max()
            : -1;
        if (newest < 0)
        {
            return (-1, false);
        }

        // Each checkpoint file: its format version, the JSON, its CRC.
        var range = JsonNode.Parse(File.ReadAllLines(Path.Combine(checkpoint, "offsets", newest.ToString(CultureInfo.InvariantCulture)))[1])!;
        static (string?, long?) At(JsonNode? position) => ((string?)position?["origin"], (long?)position?["offset"]);
        var done = At(range["end"]) == (end.File, end.Offset) && At(range["start"]) == At(range["end"]);
        return (newest, done);
    }
}

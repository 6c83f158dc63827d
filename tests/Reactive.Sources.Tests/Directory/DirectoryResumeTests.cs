using Reactive.Sources.Directory;
using Reactive.Sources.Tests.Common;

namespace Reactive.Sources.Tests.Directory;

/// <summary>
/// A checkpointed directory source (<see cref="DirectorySourceOptions.ResumeAt"/>): at each start its processed log is
/// rolled back to the checkpoint's position, so the lines after it are given again exactly as before (same files in the
/// same order, same line numbers and offsets), and none before it.
/// </summary>
public sealed class DirectoryResumeTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static DirectorySourceOptions Options(TestDirectories dirs, DirectoryPosition resumeAt) => new()
    {
        Path = dirs.Watched,
        PollInterval = TimeSpan.FromMilliseconds(100),
        SettleInterval = TimeSpan.FromMilliseconds(300),
        ProcessedLogPath = Path.Combine(dirs.Root, "checkpoint", "sources", "0", "processed.log"),
        ResumeAt = resumeAt,
    };

    private static DirectoryPosition After(SourceLine line) => new(line.Origin, line.LineNumber, line.Offset);

    private static string Lines(string prefix, int count) =>
        string.Concat(Enumerable.Range(1, count).Select(i => $"{prefix}{i}\n"));

    /// <summary>One start of the source: its lines, statuses and dead letters until it is disposed.</summary>
    private sealed class Run : IDisposable
    {
        private readonly IDisposable _statusSubscription;
        private readonly IDisposable _rejectedSubscription;
        private readonly IDisposable _subscription;

        public Run(DirectorySourceOptions options)
        {
            var source = new DirectoryLineSource(options);
            _statusSubscription = source.Status.Subscribe(Statuses);
            _rejectedSubscription = source.Rejected.Subscribe(Rejected);
            _subscription = source.Subscribe(Lines);
        }

        public Collector<SourceLine> Lines { get; } = new();

        public Collector<SourceStatus> Statuses { get; } = new();

        public Collector<SourceRejected> Rejected { get; } = new();

        public Task WatchingAsync() =>
            Statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.Watching), "watching", Generous);

        public Task ReadAsync(string path) =>
            Statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.FileRead && x.Origin == path), $"{path} read", Generous);

        public void Dispose()
        {
            _subscription.Dispose();
            _rejectedSubscription.Dispose();
            _statusSubscription.Dispose();
            Lines.Dispose();
            Statuses.Dispose();
            Rejected.Dispose();
        }
    }

    /// <summary>
    /// A first start under a checkpoint that committed nothing: the files are moved in one after the other (each read
    /// before the next comes, with the given modification time); returns their lines and paths.
    /// </summary>
    private static async Task<(IReadOnlyList<SourceLine> Lines, string[] Paths)> FirstRunAsync(TestDirectories dirs, params (string Name, string Content, DateTime LastWrite)[] files)
    {
        using var run = new Run(Options(dirs, DirectoryPosition.BeforeFirstFile));
        await run.WatchingAsync();
        var paths = new List<string>();
        foreach (var (name, content, lastWrite) in files)
        {
            paths.Add(dirs.MoveIn(name, content, lastWrite));
            await run.ReadAsync(paths[^1]);
        }

        return (run.Lines.Items, [.. paths]);
    }

    [Fact]
    public async Task Resume_CommittedInTheMiddleOfAFile_ResumesThereThenFilesTakenLaterInTheirFirstOrder()
    {
        using var dirs = new TestDirectories();
        // z is older than a, but taken after it: a rollback must keep the order files were taken in, not sort them again.
        var (first, paths) = await FirstRunAsync(dirs, ("a.txt", Lines("a", 5), T0.AddMinutes(1)), ("z.txt", Lines("z", 2), T0), ("b.txt", Lines("b", 3), T0.AddMinutes(2)));
        var b = paths[2];

        Assert.Equal(10, first.Count);

        // The checkpoint committed up to a's second line: the rest of a, then z and b, exactly as they came the first time.
        var committed = After(first[1]);
        for (var start = 0; start < 2; start++)
        {
            // Twice: a start that committed nothing more rolls back to the same position and gives the same lines.
            using var again = new Run(Options(dirs, committed));
            var got = await again.Lines.WaitForCountAsync(8, Generous);
            await again.ReadAsync(b);
            Assert.Equal(first.Skip(2), got);
            Assert.Equal(8, again.Lines.Items.Count);
        }

        // New files come after those read again.
        using (var last = new Run(Options(dirs, committed)))
        {
            await last.ReadAsync(b);
            var c = dirs.MoveIn("c.txt", Lines("c", 1));
            await last.ReadAsync(c);
            Assert.Equal([.. first.Skip(2).Select(l => l.Text), "c1"], last.Lines.Items.Select(l => l.Text));
        }
    }

    [Fact]
    public async Task Resume_StoppedInTheMiddleOfAFile_ThatFileResumesAtTheCommittedByteWithItsLineNumbers()
    {
        using var dirs = new TestDirectories();
        var big = dirs.Put("big.txt", "\uFEFF" + Lines("line ", 300));
        var options = Options(dirs, DirectoryPosition.BeforeFirstFile);
        options.IncludeExisting = true;
        options.ReadBufferSize = 7;
        var stopped = await StopAt.FirstLinesAsync(new DirectoryLineSource(options), 40, Generous);

        // The checkpoint covers the first 25 lines; the log says big.txt was taken and not read to its end.
        using var again = new Run(Options(dirs, After(stopped[24])));
        await again.ReadAsync(big);

        var got = again.Lines.Items;
        Assert.Equal(275, got.Count);
        Assert.Equal(stopped.Skip(25), got.Take(15));
        Assert.Equal(Enumerable.Range(26, 275).Select(i => (big, (long)i, $"line {i}")), got.Select(l => (l.Origin, l.LineNumber, l.Text)));
        Assert.Equal(new FileInfo(big).Length, got[^1].Offset);
    }

    [Fact]
    public async Task Resume_NothingCommitted_EveryFileTakenUnderTheCheckpointReadAgainSkippedOnesStaySkipped()
    {
        using var dirs = new TestDirectories();
        var old = dirs.Put("old.txt", "old\n", T0);
        var (first, paths) = await FirstRunAsync(dirs, ("x.txt", Lines("x", 2), T0.AddMinutes(2)), ("y.txt", Lines("y", 2), T0.AddMinutes(1)));
        Assert.Equal(4, first.Count);
        Assert.DoesNotContain(first, l => l.Origin == old);

        using var again = new Run(Options(dirs, DirectoryPosition.BeforeFirstFile));
        var got = await again.Lines.WaitForCountAsync(4, Generous);
        await again.ReadAsync(paths[1]);

        Assert.Equal(first, got);
        Assert.DoesNotContain(again.Lines.Items, l => l.Origin == old);
        Assert.DoesNotContain(again.Statuses.Items, s => s.Kind == SourceStatusKind.FileSkipped);
    }

    [Fact]
    public async Task Resume_CommittedAtTheEndOfAFile_ThatFileStaysDoneTheNextIsReadAgain()
    {
        using var dirs = new TestDirectories();
        var (first, paths) = await FirstRunAsync(dirs, ("a.txt", "a1\na2", T0), ("b.txt", Lines("b", 2), T0.AddMinutes(1)));
        var b = paths[1];

        using var again = new Run(Options(dirs, After(first[1])));
        await again.ReadAsync(b);

        Assert.Equal(first.Skip(2), again.Lines.Items);
        Assert.Contains(File.ReadAllLines(Path.Combine(dirs.Root, "checkpoint", "sources", "0", "processed.log")), l => l.StartsWith("Read\t5\t", StringComparison.Ordinal) && l.EndsWith("\ta.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resume_FileToReadAgainIsGone_DeadLetterFileLostAndTheFilesAfterItRead()
    {
        using var dirs = new TestDirectories();
        var (first, paths) = await FirstRunAsync(dirs, ("a.txt", Lines("a", 3), T0), ("b.txt", Lines("b", 2), T0.AddMinutes(1)), ("c.txt", Lines("c", 4), T0.AddMinutes(2)));
        var (a, b, c) = (paths[0], paths[1], paths[2]);

        File.Delete(a);
        File.WriteAllText(b, "b");

        using var again = new Run(Options(dirs, After(first[0])));
        await again.ReadAsync(c);

        Assert.Equal(first.Where(l => l.Origin == c), again.Lines.Items);
        Assert.Null(again.Lines.Error);
        Assert.Equal([(a, "file_lost"), (b, "file_lost")], again.Rejected.Items.Select(r => (r.Origin, r.Code)));
        Assert.Contains("after line 1 (byte 3)", again.Rejected.Items[0].Reason, StringComparison.Ordinal);
        Assert.Contains("gone", again.Rejected.Items[0].Reason, StringComparison.Ordinal);
        Assert.Contains("shorter now (1 byte(s), 6 when taken)", again.Rejected.Items[1].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("outside")]
    [InlineData("no line")]
    [InlineData("no file")]
    [InlineData("negative")]
    public void Constructor_ResumeAtNotAPositionOfThisDirectory_ThrowsNamingResumeAt(string problem)
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs, problem switch
        {
            "outside" => new DirectoryPosition(Path.Combine(dirs.Staging, "a.txt"), 1, 3),
            "no line" => new DirectoryPosition(dirs.InWatched("a.txt"), 0, 3),
            "no file" => new DirectoryPosition(string.Empty, 1, 3),
            _ => new DirectoryPosition(dirs.InWatched("a.txt"), -1, 3),
        });

        var error = Assert.Throws<ArgumentException>(() => new DirectoryLineSource(options));

        Assert.Equal("ResumeAt", error.ParamName);
    }
}

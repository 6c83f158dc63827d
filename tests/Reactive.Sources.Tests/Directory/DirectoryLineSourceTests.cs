using System.Text;
using Reactive.Sources.Directory;
using Reactive.Sources.Tests.Common;

namespace Reactive.Sources.Tests.Directory;

public sealed class DirectoryLineSourceTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    private static DirectorySourceOptions Options(TestDirectories dirs) => new()
    {
        Path = dirs.Watched,
        PollInterval = TimeSpan.FromMilliseconds(100),
        SettleInterval = TimeSpan.FromMilliseconds(300),
    };

    private static Task WatchingAsync(Collector<SourceStatus> statuses) =>
        statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.Watching), "watching");

    private static Task FileDoneAsync(Collector<SourceStatus> statuses, string path, SourceStatusKind kind = SourceStatusKind.FileRead) =>
        statuses.WaitAsync(s => s.Any(x => x.Kind == kind && x.Origin == path), $"{kind} {path}");

    [Fact]
    public async Task Subscribe_FilesMovedIn_EachLineOnceWithFileAndLineNumber()
    {
        using var dirs = new TestDirectories();
        var source = new DirectoryLineSource(Options(dirs));
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);

        var a = dirs.MoveIn("a.txt", "dog cat\nowl\n");
        await FileDoneAsync(statuses, a);
        var b = dirs.MoveIn("b.csv", "x,1\r\ny,2");
        await FileDoneAsync(statuses, b);

        Assert.Equal(
            [
                new SourceLine(a, 1, "dog cat") { Offset = 8 },
                new SourceLine(a, 2, "owl") { Offset = 12 },
                new SourceLine(b, 1, "x,1") { Offset = 5 },
                new SourceLine(b, 2, "y,2") { Offset = 8 },
            ],
            lines.Items);
        Assert.True(source.CanReplay);
    }

    [Fact]
    public async Task Subscribe_SeveralFilesAtOnce_ReadInModificationTimeOrderThenByName()
    {
        using var dirs = new TestDirectories();
        var c = dirs.Put("c.txt", "c1\n", T0);
        var a = dirs.Put("a.txt", "a1\n", T0.AddMinutes(1));
        var b = dirs.Put("b.txt", "b1\n", T0.AddMinutes(1));
        var options = Options(dirs);
        options.IncludeExisting = true;
        var source = new DirectoryLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);

        var got = await lines.WaitForCountAsync(3);

        Assert.Equal([(c, "c1"), (a, "a1"), (b, "b1")], got.Select(l => (l.Origin, l.Text)));
    }

    [Fact]
    public async Task Subscribe_FileWrittenSlowlyElsewhereThenMovedIn_ReadWhole()
    {
        using var dirs = new TestDirectories();
        var source = new DirectoryLineSource(Options(dirs));
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);

        // Slowly inside the watched directory under a .tmp name (ignored), and slowly in staging.
        var tmp = dirs.InWatched("slow.csv.tmp");
        var staged = Path.Combine(dirs.Staging, "slow2.csv");
        await using (var inPlace = new StreamWriter(tmp, false, new UTF8Encoding(false)))
        await using (var elsewhere = new StreamWriter(staged, false, new UTF8Encoding(false)))
        {
            for (var i = 1; i <= 5; i++)
            {
                await inPlace.WriteAsync($"row {i}\n");
                await inPlace.FlushAsync();
                await elsewhere.WriteAsync($"line {i}\n");
                await elsewhere.FlushAsync();
                await Task.Delay(60); // longer than half a poll: scans run while the files grow
            }
        }

        var final = dirs.InWatched("slow.csv");
        File.Move(tmp, final);
        await FileDoneAsync(statuses, final);
        var final2 = dirs.InWatched("slow2.csv");
        File.Move(staged, final2);
        await FileDoneAsync(statuses, final2);

        Assert.Equal(
            [.. Enumerable.Range(1, 5).Select(i => new SourceLine(final, i, $"row {i}")), .. Enumerable.Range(1, 5).Select(i => new SourceLine(final2, i, $"line {i}"))],
            lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_HiddenAndCopyingFiles_Ignored()
    {
        using var dirs = new TestDirectories();
        var source = new DirectoryLineSource(Options(dirs));
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);

        dirs.MoveIn(".hidden", "no\n");
        dirs.MoveIn("part._COPYING_", "no\n");
        dirs.MoveIn("part.TMP", "no\n");
        var ok = dirs.MoveIn("ok.txt", "yes\n");
        await FileDoneAsync(statuses, ok);
        await Task.Delay(250); // two more polls

        Assert.Equal([new SourceLine(ok, 1, "yes")], lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_PatternGiven_OnlyMatchingFilesRead()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        options.Pattern = "*.csv";
        var source = new DirectoryLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);

        dirs.MoveIn("notes.txt", "no\n");
        var csv = dirs.MoveIn("data.csv", "yes\n");
        await FileDoneAsync(statuses, csv);
        await Task.Delay(250);

        Assert.Equal([new SourceLine(csv, 1, "yes")], lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_FilesPresentAtFirstStart_SkippedAndRecorded()
    {
        using var dirs = new TestDirectories();
        var old = dirs.Put("old.txt", "old\n");
        var source = new DirectoryLineSource(Options(dirs));
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await FileDoneAsync(statuses, old, SourceStatusKind.FileSkipped);
        await WatchingAsync(statuses);

        var fresh = dirs.MoveIn("new.txt", "new\n");
        await FileDoneAsync(statuses, fresh);

        Assert.Equal([new SourceLine(fresh, 1, "new")], lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_FilesPresentAtFirstStartWithIncludeExisting_Read()
    {
        using var dirs = new TestDirectories();
        var old = dirs.Put("old.txt", "old\n");
        var options = Options(dirs);
        options.IncludeExisting = true;
        var source = new DirectoryLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);

        Assert.Equal([new SourceLine(old, 1, "old")], (await lines.WaitForCountAsync(1)).IgnoringOffsets());
    }

    [Fact]
    public async Task Restart_SameDirectoryAndLog_ReadsOnlyFilesNotReadBefore()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        var a = string.Empty;
        {
            var first = new DirectoryLineSource(options);
            using var lines = new Collector<SourceLine>();
            using var statuses = new Collector<SourceStatus>();
            using var statusSubscription = first.Status.Subscribe(statuses);
            using var subscription = first.Subscribe(lines);
            await WatchingAsync(statuses);
            a = dirs.MoveIn("a.txt", "a1\na2\n");
            await FileDoneAsync(statuses, a);
            Assert.Equal(["a1", "a2"], lines.Items.Select(l => l.Text));
        }

        // Arrives while the service is down.
        var c = dirs.MoveIn("c.txt", "c1\n", T0);

        var second = new DirectoryLineSource(options);
        using var again = new Collector<SourceLine>();
        using var againStatuses = new Collector<SourceStatus>();
        using var againStatusSubscription = second.Status.Subscribe(againStatuses);
        using var againSubscription = second.Subscribe(again);
        await FileDoneAsync(againStatuses, c);
        var d = dirs.MoveIn("d.txt", "d1\n");
        await FileDoneAsync(againStatuses, d);

        Assert.Equal([new SourceLine(c, 1, "c1"), new SourceLine(d, 1, "d1")], again.Items.IgnoringOffsets());
        Assert.DoesNotContain(againStatuses.Items, s => s.Kind == SourceStatusKind.FileSkipped);
        Assert.True(File.Exists(dirs.InWatched(".reactive-processed.log")));
    }

    [Fact]
    public async Task Restart_StoppedInTheMiddleOfAFile_ReadsThatFileAgain()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        options.IncludeExisting = true;
        options.ReadBufferSize = 4;
        var big = dirs.Put("big.txt", string.Concat(Enumerable.Range(1, 200).Select(i => $"{i}\n")));
        await StopAt.FirstLinesAsync(new DirectoryLineSource(options), 3);

        var second = new DirectoryLineSource(options);
        using var again = new Collector<SourceLine>();
        using var againSubscription = second.Subscribe(again);
        var got = await again.WaitForCountAsync(200);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => new SourceLine(big, i, i.ToString(System.Globalization.CultureInfo.InvariantCulture))), got.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_FileDeletedBetweenDetectionAndReading_ReportedAndSkipped()
    {
        using var dirs = new TestDirectories();
        var first = dirs.Put("1-first.txt", "one\n", T0);
        var doomed = dirs.Put("2-doomed.txt", "never\n", T0.AddMinutes(1));
        var options = Options(dirs);
        options.IncludeExisting = true;
        var source = new DirectoryLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var rejected = new Collector<SourceRejected>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var rejectedSubscription = source.Rejected.Subscribe(rejected);

        // The scan listed both files; the doomed one disappears while the first is being read.
        using var subscription = source.Subscribe(new OnFirst(lines, () => File.Delete(doomed)));
        await FileDoneAsync(statuses, doomed, SourceStatusKind.FileUnreadable);

        var letter = Assert.Single(rejected.Items);
        Assert.Equal("file_vanished", letter.Code);
        Assert.Equal(doomed, letter.Origin);

        // The source goes on.
        var later = dirs.MoveIn("3-later.txt", "three\n");
        await FileDoneAsync(statuses, later);
        Assert.Equal([new SourceLine(first, 1, "one"), new SourceLine(later, 1, "three")], lines.Items.IgnoringOffsets());
        Assert.Null(lines.Error);
    }

    [Fact]
    public async Task Subscribe_OverLongLineInFile_DeadLetteredAndRestRead()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        options.MaxLineLength = 10;
        var source = new DirectoryLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var rejected = new Collector<SourceRejected>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var rejectedSubscription = source.Rejected.Subscribe(rejected);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);

        var file = dirs.MoveIn("f.txt", "short\r\nthis line is too long\r\nend\r\n");
        await FileDoneAsync(statuses, file);

        Assert.Equal([new SourceLine(file, 1, "short"), new SourceLine(file, 3, "end")], lines.Items.IgnoringOffsets());
        Assert.Equal(new SourceRejected(file, 2, "line_too_long", rejected.Items[0].Reason, "this line is too long"), Assert.Single(rejected.Items));
    }

    [Fact]
    public async Task Subscribe_WatcherDisabled_PollingFindsFiles()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        options.UseFileSystemWatcher = false;
        var source = new DirectoryLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);

        var file = dirs.MoveIn("polled.txt", "found\n");

        Assert.Equal([new SourceLine(file, 1, "found")], (await lines.WaitForCountAsync(1)).IgnoringOffsets());
        Assert.Contains("polling only", statuses.Items.First(s => s.Kind == SourceStatusKind.Watching).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_WatcherDisabledWithManualClock_ScansOnlyWhenThePollIntervalElapses()
    {
        using var dirs = new TestDirectories();
        var clock = new ManualTimeProvider();
        var options = Options(dirs);
        options.UseFileSystemWatcher = false;
        options.PollInterval = TimeSpan.FromMinutes(10);
        var source = new DirectoryLineSource(options, clock);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);
        await WaitUntilAsync(() => clock.PendingTimers == 1); // the first scan is done, the poll timer runs

        var file = dirs.MoveIn("later.txt", "tick\n");
        clock.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(300);
        Assert.Empty(lines.Items);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([new SourceLine(file, 1, "tick")], (await lines.WaitForCountAsync(1)).IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_WatcherEnabledAndPollClockStopped_WatcherFindsFiles()
    {
        using var dirs = new TestDirectories();
        var clock = new ManualTimeProvider(); // never advanced: no poll ever fires
        var options = Options(dirs);
        options.PollInterval = TimeSpan.FromHours(1);
        var source = new DirectoryLineSource(options, clock);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);
        await WaitUntilAsync(() => clock.PendingTimers == 1);

        var file = dirs.MoveIn("watched.txt", "seen\n");

        Assert.Equal([new SourceLine(file, 1, "seen")], (await lines.WaitForCountAsync(1)).IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_CustomLogPath_LogWrittenThere()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        options.ProcessedLogPath = Path.Combine(dirs.Root, "state", "processed.log");
        var source = new DirectoryLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);
        await WatchingAsync(statuses);

        var file = dirs.MoveIn("x.txt", "1\n");
        await FileDoneAsync(statuses, file);

        var log = File.ReadAllLines(options.ProcessedLogPath);
        var entry = Assert.Single(log, l => !l.StartsWith('#'));
        Assert.StartsWith("Read\t2\t", entry, StringComparison.Ordinal);
        Assert.EndsWith("\tx.txt", entry, StringComparison.Ordinal);
        Assert.False(File.Exists(dirs.InWatched(".reactive-processed.log")));
    }

    [Fact]
    public void Constructor_DirectoryMissing_ThrowsNamingPath()
    {
        using var dirs = new TestDirectories();
        var missing = Path.Combine(dirs.Root, "missing");

        var error = Assert.Throws<ArgumentException>(() => new DirectoryLineSource(new DirectorySourceOptions { Path = missing }));

        Assert.Equal("Path", error.ParamName);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DirectoryMissingWithCreateIfMissing_CreatesIt()
    {
        using var dirs = new TestDirectories();
        var missing = Path.Combine(dirs.Root, "created");

        _ = new DirectoryLineSource(new DirectorySourceOptions { Path = missing, CreateIfMissing = true });

        Assert.True(System.IO.Directory.Exists(missing));
    }

    [Theory]
    [InlineData("Path")]
    [InlineData("Pattern")]
    [InlineData("PollInterval")]
    [InlineData("MaxLineLength")]
    [InlineData("ReadBufferSize")]
    [InlineData("SettleInterval")]
    [InlineData("MaxFileBytes")]
    public void Constructor_InvalidOption_ThrowsArgumentExceptionNamingIt(string option)
    {
        using var dirs = new TestDirectories();
        var options = new DirectorySourceOptions { Path = dirs.Watched };
        switch (option)
        {
            case "Path": options.Path = ""; break;
            case "Pattern": options.Pattern = "sub/*.txt"; break;
            case "PollInterval": options.PollInterval = TimeSpan.Zero; break;
            case "MaxLineLength": options.MaxLineLength = 0; break;
            case "ReadBufferSize": options.ReadBufferSize = 0; break;
            case "SettleInterval": options.SettleInterval = TimeSpan.FromSeconds(-1); break;
            case "MaxFileBytes": options.MaxFileBytes = 0; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new DirectoryLineSource(options));
        Assert.Equal(option, error.ParamName);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>Runs an action when the first line arrives (inside the source's scan, before the next file opens).</summary>
    private sealed class OnFirst(IObserver<SourceLine> inner, Action action) : IObserver<SourceLine>
    {
        private bool _done;

        public void OnNext(SourceLine value)
        {
            if (!_done)
            {
                _done = true;
                action();
            }

            inner.OnNext(value);
        }

        public void OnError(Exception error) => inner.OnError(error);

        public void OnCompleted() => inner.OnCompleted();
    }
}

using System.Text;
using Reactive.Sources.Directory;
using Reactive.Sources.Tests.Common;

namespace Reactive.Sources.Tests.Directory;

/// <summary>
/// Issue 16: only regular files are read (FIFOs, devices, links are dead letters and recorded), a file has a byte
/// bound, files in progress are not taken, and a file that changes or vanishes is reported, never silent.
/// </summary>
public sealed class DirectorySpecialFileTests
{
    private static DirectorySourceOptions Options(TestDirectories dirs) => new()
    {
        Path = dirs.Watched,
        PollInterval = TimeSpan.FromMilliseconds(100),
        SettleInterval = TimeSpan.FromMilliseconds(300),
    };

    private static Task FileDoneAsync(Collector<SourceStatus> statuses, string path, SourceStatusKind kind = SourceStatusKind.FileRead) =>
        statuses.WaitAsync(s => s.Any(x => x.Kind == kind && x.Origin == path), $"{kind} {path}", TimeSpan.FromSeconds(30));

    private static Task<IReadOnlyList<SourceRejected>> LetterAsync(Collector<SourceRejected> rejected, string path, string code) =>
        rejected.WaitAsync(r => r.Any(x => x.Origin == path && x.Code == code), $"{code} for {path}", TimeSpan.FromSeconds(30));

    /// <summary>A running source and what it says.</summary>
    private sealed class Run : IDisposable
    {
        private readonly IDisposable[] _subscriptions;

        public Run(DirectorySourceOptions options, TimeProvider? clock = null, Func<IObserver<SourceLine>, IObserver<SourceLine>>? wrap = null)
        {
            Source = new DirectoryLineSource(options, clock);
            _subscriptions =
            [
                Source.Status.Subscribe(Statuses),
                Source.Rejected.Subscribe(Rejected),
                Source.Subscribe(wrap is null ? Lines : wrap(Lines)),
            ];
        }

        public DirectoryLineSource Source { get; }

        public Collector<SourceLine> Lines { get; } = new();

        public Collector<SourceStatus> Statuses { get; } = new();

        public Collector<SourceRejected> Rejected { get; } = new();

        public Task WatchingAsync() =>
            Statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.Watching), "watching", TimeSpan.FromSeconds(30));

        public void Dispose()
        {
            foreach (var subscription in _subscriptions.Reverse())
            {
                subscription.Dispose();
            }

            Lines.Dispose();
            Statuses.Dispose();
            Rejected.Dispose();
        }
    }

    [Fact]
    public async Task Subscribe_FifoMovedIn_DeadLetterNeverOpenedAndLaterFilesRead()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        using (var run = new Run(options))
        {
            await run.WatchingAsync();

            var fifo = dirs.MoveInEntry("pipe.csv", TestDirectories.MakeFifo);
            var letter = (await LetterAsync(run.Rejected, fifo, "file_not_regular")).Single(r => r.Origin == fifo);
            Assert.Contains("FIFO", letter.Reason, StringComparison.Ordinal);

            // Opening the FIFO would block the scan forever: the next file is read.
            var after = dirs.MoveIn("after.csv", "ok\n");
            await FileDoneAsync(run.Statuses, after);
            Assert.Equal([new SourceLine(after, 1, "ok")], run.Lines.Items.IgnoringOffsets());
            Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.FileUnreadable && s.Origin == fifo);
        }

        // Recorded as processed: a restart neither opens it nor reports it again.
        using var again = new Run(options);
        await again.WatchingAsync();
        var later = dirs.MoveIn("later.csv", "later\n");
        await FileDoneAsync(again.Statuses, later);
        Assert.Equal([new SourceLine(later, 1, "later")], again.Lines.Items.IgnoringOffsets());
        Assert.Empty(again.Rejected.Items);
    }

    [Fact]
    public async Task Subscribe_RegularFileSwappedForFifoAfterItWasListed_NeverOpenedAndReported()
    {
        using var dirs = new TestDirectories();
        var first = dirs.Put("1-first.csv", "one\n", new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc));
        var swapped = dirs.Put("2-swapped.csv", "two\n", new DateTime(2026, 11, 1, 12, 1, 0, DateTimeKind.Utc));
        var options = Options(dirs);
        options.IncludeExisting = true;

        // The scan took both as regular files; the second becomes a FIFO while the first is being read.
        using var run = new Run(options, wrap: lines => new OnFirst(lines, () =>
        {
            File.Delete(swapped);
            TestDirectories.MakeFifo(swapped);
        }));
        var letter = (await LetterAsync(run.Rejected, swapped, "file_not_regular")).Single();
        Assert.Contains("became a FIFO", letter.Reason, StringComparison.Ordinal);

        var later = dirs.MoveIn("3-later.csv", "three\n");
        await FileDoneAsync(run.Statuses, later);
        Assert.Equal([new SourceLine(first, 1, "one"), new SourceLine(later, 1, "three")], run.Lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_LinkToDevZeroMovedIn_DeadLetterAndLaterFilesRead()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        using (var run = new Run(options))
        {
            await run.WatchingAsync();

            var zero = dirs.MoveInEntry("zero.csv", p => File.CreateSymbolicLink(p, "/dev/zero"));
            await LetterAsync(run.Rejected, zero, "file_link");

            var after = dirs.MoveIn("after.csv", "ok\n");
            await FileDoneAsync(run.Statuses, after);
            Assert.Equal([new SourceLine(after, 1, "ok")], run.Lines.Items.IgnoringOffsets());
            Assert.Single(run.Rejected.Items);
        }

        using var again = new Run(options);
        await again.WatchingAsync();
        var later = dirs.MoveIn("later.csv", "later\n");
        await FileDoneAsync(again.Statuses, later);
        Assert.Empty(again.Rejected.Items);
    }

    [Fact]
    public async Task Subscribe_FollowLinks_LinkToDeviceRefusedLinkToRegularFileRead()
    {
        using var dirs = new TestDirectories();
        var outside = Path.Combine(dirs.Root, "outside.txt");
        File.WriteAllText(outside, "from outside\n", new UTF8Encoding(false));
        var options = Options(dirs);
        options.FollowLinks = true;
        using var run = new Run(options);
        await run.WatchingAsync();

        var zero = dirs.MoveInEntry("zero.csv", p => File.CreateSymbolicLink(p, "/dev/zero"));
        var letter = (await LetterAsync(run.Rejected, zero, "file_not_regular")).Single();
        Assert.Contains("character device", letter.Reason, StringComparison.Ordinal);
        var linked = dirs.MoveInEntry("linked.csv", p => File.CreateSymbolicLink(p, outside));
        await FileDoneAsync(run.Statuses, linked);

        Assert.Equal([new SourceLine(linked, 1, "from outside")], run.Lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_LinkToRegularFileWithoutFollowLinks_DeadLetterNotRead()
    {
        using var dirs = new TestDirectories();
        var outside = Path.Combine(dirs.Root, "secret.txt");
        File.WriteAllText(outside, "secret\n", new UTF8Encoding(false));
        using var run = new Run(Options(dirs));
        await run.WatchingAsync();

        var linked = dirs.MoveInEntry("linked.csv", p => File.CreateSymbolicLink(p, outside));
        var letter = (await LetterAsync(run.Rejected, linked, "file_link")).Single();
        Assert.Contains("FollowLinks", letter.Reason, StringComparison.Ordinal);
        var after = dirs.MoveIn("after.csv", "ok\n");
        await FileDoneAsync(run.Statuses, after);

        Assert.Equal([new SourceLine(after, 1, "ok")], run.Lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_FileOverMaxFileBytes_DeadLetterNotReadAndRecorded()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        options.MaxFileBytes = 10;
        using (var run = new Run(options))
        {
            await run.WatchingAsync();

            var big = dirs.MoveIn("big.csv", "0123456789\n"); // 11 bytes
            var letter = (await LetterAsync(run.Rejected, big, "file_too_large")).Single();
            Assert.Contains("11 byte(s)", letter.Reason, StringComparison.Ordinal);
            var fits = dirs.MoveIn("fits.csv", "012345678\n"); // 10 bytes: at the bound
            await FileDoneAsync(run.Statuses, fits);

            Assert.Equal([new SourceLine(fits, 1, "012345678")], run.Lines.Items.IgnoringOffsets());
        }

        using var again = new Run(options);
        await again.WatchingAsync();
        var later = dirs.MoveIn("later.csv", "x\n");
        await FileDoneAsync(again.Statuses, later);
        Assert.Empty(again.Rejected.Items);
        Assert.Equal([new SourceLine(later, 1, "x")], again.Lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_FileWrittenSlowlyInPlace_TakenOnlyOnceStableForTheSettleInterval()
    {
        using var dirs = new TestDirectories();
        var clock = new ManualTimeProvider();
        var options = Options(dirs);
        options.UseFileSystemWatcher = false;
        options.PollInterval = TimeSpan.FromHours(1);
        options.SettleInterval = TimeSpan.FromSeconds(10);
        using var run = new Run(options, clock);
        await run.WatchingAsync();
        await WaitUntilAsync(() => clock.PendingTimers == 1);

        var slow = dirs.InWatched("slow.csv");
        await using var writer = new FileStream(slow, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        writer.Write("part 1\npart"u8);
        writer.Flush();

        // A scan sees it (the moved-in marker is read by that scan) and leaves it: it is still being written.
        var marker1 = dirs.MoveIn("marker1.csv", "m1\n");
        clock.Advance(TimeSpan.FromHours(1));
        await FileDoneAsync(run.Statuses, marker1);
        Assert.Equal([new SourceLine(marker1, 1, "m1")], run.Lines.Items.IgnoringOffsets());

        // It grows before it settled: a later scan starts the settle interval again.
        writer.Write(" 2\n"u8);
        writer.Flush();
        await WaitUntilAsync(() => clock.PendingTimers == 1);
        var marker2 = dirs.MoveIn("marker2.csv", "m2\n");
        clock.Advance(TimeSpan.FromSeconds(10));
        await FileDoneAsync(run.Statuses, marker2);
        Assert.DoesNotContain(run.Lines.Items, l => l.Origin == slow);

        // Stable for the settle interval: read whole.
        await WaitUntilAsync(() => clock.PendingTimers == 1);
        clock.Advance(TimeSpan.FromSeconds(10));
        await FileDoneAsync(run.Statuses, slow);

        Assert.Equal([new SourceLine(slow, 1, "part 1"), new SourceLine(slow, 2, "part 2")], run.Lines.Items.Where(l => l.Origin == slow).IgnoringOffsets());
        Assert.Empty(run.Rejected.Items);
    }

    [Fact]
    public async Task Subscribe_FileGrowsAfterItWasRead_ReportedOnceAsChangedAndNotReadAgain()
    {
        using var dirs = new TestDirectories();
        var options = Options(dirs);
        using (var run = new Run(options))
        {
            await run.WatchingAsync();
            var file = dirs.MoveIn("grows.csv", "one\n");
            await FileDoneAsync(run.Statuses, file);

            File.AppendAllText(file, "two\n");
            var letter = (await LetterAsync(run.Rejected, file, "file_changed")).Single();
            Assert.Contains("from 4 to 8 byte(s)", letter.Reason, StringComparison.Ordinal);

            var after = dirs.MoveIn("after.csv", "ok\n");
            await FileDoneAsync(run.Statuses, after);
            Assert.Equal([new SourceLine(file, 1, "one"), new SourceLine(after, 1, "ok")], run.Lines.Items.IgnoringOffsets());
            Assert.Single(run.Rejected.Items);
        }

        // The change is recorded: a restart does not report it again.
        using var again = new Run(options);
        await again.WatchingAsync();
        var later = dirs.MoveIn("later.csv", "x\n");
        await FileDoneAsync(again.Statuses, later);
        Assert.Empty(again.Rejected.Items);
    }

    [Fact]
    public async Task Subscribe_FileMovedInAndDeletedBeforeAnyScanListedIt_ReportedAsVanished()
    {
        using var dirs = new TestDirectories();
        var first = dirs.MoveIn("1-first.csv", "one\n");
        var options = Options(dirs);
        options.IncludeExisting = true;
        var doomed = dirs.InWatched("2-doomed.csv");
        var tmp = dirs.InWatched("3-part.tmp");
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        // The scan is held inside the first file's first line while a file comes and goes (and a .tmp one too).
        using var run = new Run(options, wrap: lines => new OnFirst(lines, () =>
        {
            inside.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));
        dirs.MoveIn("2-doomed.csv", "never\n");
        File.WriteAllText(tmp, "partial\n");
        File.Delete(doomed);
        File.Delete(tmp);
        await WaitUntilAsync(() => !File.Exists(doomed) && !File.Exists(tmp));
        release.Set();

        var letter = (await LetterAsync(run.Rejected, doomed, "file_vanished")).Single();
        Assert.Contains("vanished", letter.Reason, StringComparison.Ordinal);
        Assert.Contains(run.Statuses.Items, s => s.Kind == SourceStatusKind.FileUnreadable && s.Origin == doomed);

        var later = dirs.MoveIn("4-later.csv", "four\n");
        await FileDoneAsync(run.Statuses, later);
        Assert.Equal([new SourceLine(first, 1, "one"), new SourceLine(later, 1, "four")], run.Lines.Items.IgnoringOffsets());
        Assert.Single(run.Rejected.Items); // the .tmp one is ignored, as Spark does
    }

    [Fact]
    public async Task Subscribe_FileInProgressDeletedBeforeItSettled_ReportedAsVanished()
    {
        using var dirs = new TestDirectories();
        var clock = new ManualTimeProvider();
        var options = Options(dirs);
        options.UseFileSystemWatcher = false;
        options.PollInterval = TimeSpan.FromHours(1);
        options.SettleInterval = TimeSpan.FromSeconds(10);
        using var run = new Run(options, clock);
        await run.WatchingAsync();
        await WaitUntilAsync(() => clock.PendingTimers == 1);

        var inPlace = dirs.Put("in-place.csv", "half");
        var marker = dirs.MoveIn("marker.csv", "m\n");
        clock.Advance(TimeSpan.FromHours(1));
        await FileDoneAsync(run.Statuses, marker);
        File.Delete(inPlace);
        await WaitUntilAsync(() => clock.PendingTimers == 1);
        clock.Advance(TimeSpan.FromSeconds(10));

        var letter = (await LetterAsync(run.Rejected, inPlace, "file_vanished")).Single();
        Assert.Equal(0, letter.LineNumber);
        Assert.Equal([new SourceLine(marker, 1, "m")], run.Lines.Items.IgnoringOffsets());
    }

    [Fact]
    public async Task Subscribe_HiddenTmpAndCopyingNamesWrittenInPlace_NeverTakenNorReported()
    {
        using var dirs = new TestDirectories();
        using var run = new Run(Options(dirs));
        await run.WatchingAsync();

        dirs.Put(".hidden.csv", "no\n");
        dirs.Put("part.csv.tmp", "no\n");
        dirs.Put("part.csv._COPYING_", "no\n");
        File.Delete(dirs.InWatched("part.csv.tmp"));
        var ok = dirs.MoveIn("ok.csv", "yes\n");
        await FileDoneAsync(run.Statuses, ok);

        // Longer than the settle interval (300 ms): the in-place ones would have settled by now.
        var settledMarker = dirs.Put("settled.csv", "s\n");
        await FileDoneAsync(run.Statuses, settledMarker);

        Assert.Equal([new SourceLine(ok, 1, "yes"), new SourceLine(settledMarker, 1, "s")], run.Lines.Items.IgnoringOffsets());
        Assert.Empty(run.Rejected.Items);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>Runs an action when the first line arrives (inside the source's scan).</summary>
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

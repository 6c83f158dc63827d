using System.Buffers;
using System.Collections.Concurrent;

namespace Reactive.Sources.Directory;

/// <summary>
/// Lines of the new files that appear in a directory, like Spark's <c>textFileStream</c>: each
/// file moved into <see cref="DirectorySourceOptions.Path"/> is read once, line by line, in
/// modification-time order (ties by name).
/// </summary>
/// <remarks>
/// <para>Only regular files are read. A FIFO, a device, a socket (or, with <see cref="DirectorySourceOptions.FollowLinks"/>,
/// a link to one) is never opened: it is told apart with an lstat (<see cref="FileStat"/>), reported
/// (<c>file_not_regular</c>) and recorded, so a restart does not meet it again. A symbolic link is not followed unless
/// <see cref="DirectorySourceOptions.FollowLinks"/> is set (<c>file_link</c>). A file larger than
/// <see cref="DirectorySourceOptions.MaxFileBytes"/> is not read (<c>file_too_large</c>), and no file is read past the
/// size it had when it was taken.</para>
/// <para>Files in progress are not taken. A file is taken once it was moved in (its status-change time is later than its
/// last write, as a rename leaves it) or once its size and modification time stayed the same for
/// <see cref="DirectorySourceOptions.SettleInterval"/> (on the source's clock). Hidden files (names starting with a
/// dot) and names ending in <c>.tmp</c> or <c>._COPYING_</c> are ignored, as Spark does. A file that changes after it
/// was taken is reported once per change (<c>file_changed</c>; the change is not read); a file that vanishes after it
/// was seen (listed, or announced by the watcher) and before it was read is reported (<c>file_vanished</c>) and not
/// recorded, so a new file under its name is read. Every such report is a dead letter in
/// <see cref="LoopLineSource.Rejected"/> and a <see cref="SourceStatusKind.FileUnreadable"/> status.</para>
/// <para>A file is recorded in the processed log only after all its lines were emitted
/// (at-least-once): a stop in the middle of a file reads it again, from its first line, on the next
/// start. Under a checkpoint (<see cref="DirectorySourceOptions.ResumeAt"/>) the log is rolled back to the
/// checkpoint's position instead and reading resumes exactly there, so that each line is taken once with the
/// checkpoint. Files already present at the very first start (no log yet) are recorded as skipped unless
/// <see cref="DirectorySourceOptions.IncludeExisting"/> is set; files that arrive while the service is
/// stopped are read at the next start. A file is identified by its name: a processed file that is
/// changed or replaced later is not read again (it is reported as changed).</para>
/// <para>A <see cref="FileSystemWatcher"/> and a poll every <see cref="DirectorySourceOptions.PollInterval"/>
/// both trigger one serialized scan (sooner when a file may have settled). A file that cannot be read is reported in
/// <see cref="LoopLineSource.Rejected"/> (<c>file_unreadable</c>) and <see cref="LoopLineSource.Status"/>, recorded, and skipped.</para>
/// <para>Subscriptions share one scan loop, started by the first subscriber and stopped when the last
/// one is disposed.</para>
/// </remarks>
internal sealed class DirectoryLineSource : LoopLineSource
{
    private const string CopyingSuffix = "._COPYING_";
    private const string TempSuffix = ".tmp";

    private readonly DirectorySourceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly string _logPath;
    private int _rolledBack;

    /// <summary>Creates the source; nothing is read before the first subscription.</summary>
    /// <param name="options">The directory and how to watch it; validated here.</param>
    /// <param name="timeProvider">Clock for the poll timer; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">An option is invalid or the directory is missing; the message names the option.</exception>
    public DirectoryLineSource(DirectorySourceOptions options, TimeProvider? timeProvider = null)
        : base(Validated(options))
    {
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        DirectoryPath = System.IO.Path.GetFullPath(options.Path);
        _logPath = options.EffectiveProcessedLogPath;
    }

    private static string Validated(DirectorySourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return System.IO.Path.GetFullPath(options.Path);
    }

    /// <summary>The full path of the watched directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>Always <see langword="true"/>: files that arrive while stopped are read at the next start.</summary>
    public override bool CanReplay => true;

    /// <summary>Whether a file name is never read (hidden, or still being copied).</summary>
    internal static bool IsIgnoredName(string name) =>
        name.StartsWith('.')
        || name.EndsWith(CopyingSuffix, StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(TempSuffix, StringComparison.OrdinalIgnoreCase);

    private protected override Task RunAsync(IObserver<SourceLine> observer, CancellationToken cancellation) =>
        new Session(this, observer, cancellation).RunAsync();

    /// <summary>One subscription's scan loop; its fields are touched by that loop only (and the wake signal by the watcher).</summary>
    private sealed class Session : ILineSink
    {
        private readonly DirectoryLineSource _source;
        private readonly DirectorySourceOptions _options;
        private readonly IObserver<SourceLine> _observer;
        private readonly CancellationToken _cancellation;
        private readonly SemaphoreSlim _wake = new(0, 1);

        // Names the watcher saw created or renamed in (the only other thread that touches the session).
        private readonly ConcurrentDictionary<string, byte> _announced = new(StringComparer.Ordinal);

        // Regular files seen but not settled yet: what they looked like and since when (on the source's clock).
        private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
        private string _file = string.Empty;

        public Session(DirectoryLineSource source, IObserver<SourceLine> observer, CancellationToken cancellation)
        {
            _source = source;
            _options = source._options;
            _observer = observer;
            _cancellation = cancellation;
        }

        public async Task RunAsync()
        {
            FileSystemWatcher? watcher = null;
            try
            {
                var log = ProcessedLog.Open(_source._logPath);

                // Under a checkpoint the log is made to agree with its position (once per source: a later subscription
                // goes on from where the first one stopped).
                IReadOnlyList<ReplayFile> replay = [];
                if (_options.ResumeAt is { } resume && Interlocked.Exchange(ref _source._rolledBack, 1) == 0)
                {
                    replay = log.RollBack(resume.IsBeforeFirstFile ? null : System.IO.Path.GetFileName(resume.File), resume.Line, resume.Offset);
                }

                if (!log.Existed && !_options.IncludeExisting)
                {
                    foreach (var file in NewFiles(log).Where(f => !replay.Any(r => r.Name == f.Name)))
                    {
                        log.Append(ProcessedState.Skipped, file.Name, file.Length, file.LastWriteTimeUtc);
                        Publish(SourceStatusKind.FileSkipped, file.FullName, $"{file.FullName}: skipped, it was there before the first start (set IncludeExisting to read such files).");
                    }
                }

                if (_options.UseFileSystemWatcher)
                {
                    watcher = StartWatcher();
                }

                Publish(SourceStatusKind.Watching, _source.DirectoryPath, $"{_source.DirectoryPath}: watching for new files matching '{_options.Pattern}' ({(watcher is null ? "polling only" : "watcher and polling")} every {_options.PollInterval.TotalMilliseconds:0} ms); {log.Count} file(s) already processed{Resuming(replay)}.");
                foreach (var file in replay)
                {
                    _cancellation.ThrowIfCancellationRequested();
                    await ReadAgainAsync(log, file).ConfigureAwait(false);
                }

                while (!_cancellation.IsCancellationRequested)
                {
                    await ScanAsync(log).ConfigureAwait(false);
                    await WaitAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // The loop runs detached: anything unexpected must reach the subscriber as OnError.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!_cancellation.IsCancellationRequested)
                {
                    _observer.OnError(ex);
                }

                return;
            }
            finally
            {
                watcher?.Dispose();
                _wake.Dispose();
            }

            Publish(SourceStatusKind.Stopped, _source.DirectoryPath, $"{_source.DirectoryPath}: stopped.");
        }

        public void OnLine(long lineNumber, string text, long offset)
        {
            if (!_cancellation.IsCancellationRequested)
            {
                _observer.OnNext(new SourceLine(_file, lineNumber, text) { Offset = offset });
            }
        }

        public void OnLineTooLong(long lineNumber, string head) =>
            _source.Signals.Reject(new SourceRejected(
                _file,
                lineNumber,
                LineLimits.LineTooLongCode,
                $"Line {lineNumber} of {_file} is longer than {_options.MaxLineLength} characters; it was skipped. Raise DirectorySourceOptions.MaxLineLength to accept it.",
                head));

        private FileSystemWatcher? StartWatcher()
        {
            try
            {
                var watcher = new FileSystemWatcher(_source.DirectoryPath, _options.Pattern)
                {
                    IncludeSubdirectories = false,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                // Writes to the processed log (a dotfile) and to .tmp files must not wake the scan.
                FileSystemEventHandler onEvent = (_, e) =>
                {
                    if (e.Name is null || !IsIgnoredName(System.IO.Path.GetFileName(e.Name)))
                    {
                        Wake();
                    }
                };
                watcher.Created += (sender, e) =>
                {
                    Announce(e.Name);
                    onEvent(sender, e);
                };
                watcher.Changed += onEvent;
                watcher.Renamed += (sender, e) =>
                {
                    if (e.OldName is not null)
                    {
                        _announced.TryRemove(System.IO.Path.GetFileName(e.OldName), out _);
                    }

                    Announce(e.Name);
                    onEvent(sender, e);
                };
                watcher.Error += (_, e) =>
                {
                    Publish(SourceStatusKind.WatcherFailed, _source.DirectoryPath, $"{_source.DirectoryPath}: the file system watcher failed ({e.GetException().Message}); polling goes on.");
                    Wake();
                };
                watcher.EnableRaisingEvents = true;
                return watcher;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                Publish(SourceStatusKind.WatcherFailed, _source.DirectoryPath, $"{_source.DirectoryPath}: no file system watcher ({ex.Message}); polling only.");
                return null;
            }
        }

        private void Announce(string? name)
        {
            if (name is not null)
            {
                var file = System.IO.Path.GetFileName(name);
                if (file.Length > 0 && !IsIgnoredName(file)
                    && !string.Equals(System.IO.Path.Combine(_source.DirectoryPath, file), _source._logPath, StringComparison.Ordinal))
                {
                    _announced.TryAdd(file, 0);
                }
            }
        }

        private List<string> DrainAnnounced()
        {
            var names = new List<string>();
            foreach (var name in _announced.Keys)
            {
                if (_announced.TryRemove(name, out _))
                {
                    names.Add(name);
                }
            }

            return names;
        }

        private void Wake()
        {
            try
            {
                if (_wake.CurrentCount == 0)
                {
                    _wake.Release();
                }
            }
            catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
            {
                // A scan is already due, or the session ended.
            }
        }

        private async Task WaitAsync()
        {
            // The next poll, or sooner when a file being written may have settled by then.
            var delay = _options.PollInterval;
            if (_pending.Count > 0)
            {
                var now = _source._timeProvider.GetUtcNow();
                foreach (var pending in _pending.Values)
                {
                    var due = pending.Since + _options.SettleInterval - now;
                    delay = due < delay ? due : delay;
                }

                delay = delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay;
            }

            using var poll = new CancellationTokenSource(delay, _source._timeProvider);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_cancellation, poll.Token);
            try
            {
                await _wake.WaitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested)
            {
                // Poll interval elapsed.
            }
        }

        private List<FileInfo> NewFiles(ProcessedLog log, bool includeProcessed = false)
        {
            var enumeration = new EnumerationOptions
            {
                MatchType = MatchType.Simple,
                RecurseSubdirectories = false,
                IgnoreInaccessible = true,
                AttributesToSkip = FileAttributes.Directory,
            };
            var files = new List<FileInfo>();
            foreach (var file in new DirectoryInfo(_source.DirectoryPath).EnumerateFiles(_options.Pattern, enumeration))
            {
                if (!IsIgnoredName(file.Name)
                    && (includeProcessed || !log.Contains(file.Name))
                    && !string.Equals(file.FullName, _source._logPath, StringComparison.Ordinal))
                {
                    files.Add(file);
                }
            }

            files.Sort(static (a, b) =>
            {
                var byTime = a.LastWriteTimeUtc.CompareTo(b.LastWriteTimeUtc);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Name, b.Name);
            });
            return files;
        }

        private async Task ScanAsync(ProcessedLog log)
        {
            var announced = DrainAnnounced();
            List<FileInfo> files;
            try
            {
                files = NewFiles(log, includeProcessed: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Publish(SourceStatusKind.WatcherFailed, _source.DirectoryPath, $"{_source.DirectoryPath}: cannot list the directory ({ex.Message}); retrying at the next poll.");
                return;
            }

            var now = _source._timeProvider.GetUtcNow();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var taken = new List<(FileInfo File, FileStat Stat)>();
            foreach (var file in files)
            {
                _cancellation.ThrowIfCancellationRequested();
                listed.Add(file.Name);
                try
                {
                    Classify(log, file, now, taken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    var reason = $"{file.FullName} could not be examined ({ex.Message}); it was skipped.";
                    _pending.Remove(file.Name);
                    _source.Signals.Reject(new SourceRejected(file.FullName, 0, LineLimits.FileUnreadableCode, reason, string.Empty));
                    Publish(SourceStatusKind.FileUnreadable, file.FullName, reason);
                    log.Append(ProcessedState.Unreadable, file.Name, 0, file.LastWriteTimeUtc);
                }
            }

            // Seen before, not taken yet, and gone now: it vanished before it was read.
            foreach (var name in _pending.Keys.Where(n => !listed.Contains(n)).ToList())
            {
                _pending.Remove(name);
                if (!log.Contains(name))
                {
                    Vanished(System.IO.Path.Combine(_source.DirectoryPath, name), "before it was read (it was still settling)");
                }
            }

            // Announced by the watcher, never listed: it came and went between two scans.
            foreach (var name in announced)
            {
                if (!listed.Contains(name) && !log.Contains(name) && IsMissing(System.IO.Path.Combine(_source.DirectoryPath, name)))
                {
                    Vanished(System.IO.Path.Combine(_source.DirectoryPath, name), "before it was read (it was there only between two scans)");
                }
            }

            taken.Sort(static (a, b) =>
            {
                var byTime = a.Stat.LastWriteUtc.CompareTo(b.Stat.LastWriteUtc);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.File.Name, b.File.Name);
            });
            foreach (var (file, stat) in taken)
            {
                _cancellation.ThrowIfCancellationRequested();
                await ReadFileAsync(log, file, stat).ConfigureAwait(false);
            }
        }

        private static bool IsMissing(string path)
        {
            try
            {
                return FileStat.Of(path).Kind == FileKind.Missing;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>Checks one listed file: a processed one for changes, a new one for its kind and whether it settled (then into <paramref name="taken"/>).</summary>
        private void Classify(ProcessedLog log, FileInfo file, DateTimeOffset now, List<(FileInfo File, FileStat Stat)> taken)
        {
            if (log.TryGet(file.Name, out var entry))
            {
                CheckUnchanged(log, file, entry);
                return;
            }

            var stat = FileStat.Of(file.FullName);
            if (stat.Kind == FileKind.Link && _options.FollowLinks)
            {
                stat = FileStat.Of(file.FullName, followLinks: true);
                if (stat.Kind == FileKind.Missing)
                {
                    Refuse(log, file, LineLimits.FileNotRegularCode, $"{file.FullName} is a symbolic link to nothing (its target is missing); it was not read.");
                    return;
                }
            }

            switch (stat.Kind)
            {
                case FileKind.Missing:
                    _pending.Remove(file.Name);
                    Vanished(file.FullName, "before it was read");
                    return;
                case FileKind.Link:
                    var target = FileStat.Of(file.FullName, followLinks: true).Kind;
                    Refuse(log, file, LineLimits.FileLinkCode, target == FileKind.Regular
                        ? $"{file.FullName} is a symbolic link; it was not followed (set FollowLinks to read the regular file it points to)."
                        : $"{file.FullName} is a symbolic link to {Describe(target)}; it was not followed.");
                    return;
                case FileKind.Directory:
                    return;
                case FileKind.Regular:
                    break;
                default:
                    Refuse(log, file, LineLimits.FileNotRegularCode, $"{file.FullName} is not a regular file ({Describe(stat.Kind)}{(FileStat.Of(file.FullName).Kind == FileKind.Link ? ", through a symbolic link" : string.Empty)}); it was not opened.");
                    return;
            }

            if (IsSettled(file.Name, stat, now))
            {
                _pending.Remove(file.Name);
                taken.Add((file, stat));
            }
        }

        /// <summary>
        /// Whether a regular file may be read now: it was moved in (its ctime is later than its last write), or its size
        /// and modification time have been the same for the settle interval (measured on the source's clock).
        /// </summary>
        private bool IsSettled(string name, FileStat stat, DateTimeOffset now)
        {
            var settle = _options.SettleInterval;
            if (settle == TimeSpan.Zero || stat.ChangedAfterLastWrite)
            {
                return true;
            }

            if (_pending.TryGetValue(name, out var pending) && pending.Stat.SameContentAs(stat))
            {
                return now - pending.Since >= settle;
            }

            _pending[name] = new Pending(stat, now);
            return false;
        }

        /// <summary>A processed file whose size or modification time moved since its log entry: its change is not read, and said once.</summary>
        private void CheckUnchanged(ProcessedLog log, FileInfo file, ProcessedEntry entry)
        {
            if (entry.State is not (ProcessedState.Read or ProcessedState.Changed or ProcessedState.Taken)
                || (file.Length == entry.Size && file.LastWriteTimeUtc == entry.LastWriteUtc))
            {
                return;
            }

            var now = FileStat.Of(file.FullName, _options.FollowLinks);
            if (now.Kind != FileKind.Regular || (now.Size == entry.Size && now.LastWriteUtc == entry.LastWriteUtc))
            {
                return;
            }

            Changed(log, file, now, $"{file.FullName} changed after it was read (from {entry.Size} to {now.Size} byte(s), modified {now.LastWriteUtc:O}); a file is read once, so the change is not read (move new data in as a new file).");
        }

        private void Changed(ProcessedLog log, FileInfo file, FileStat now, string reason)
        {
            _source.Signals.Reject(new SourceRejected(file.FullName, 0, LineLimits.FileChangedCode, reason, string.Empty));
            Publish(SourceStatusKind.FileUnreadable, file.FullName, reason);
            log.Append(ProcessedState.Changed, file.Name, now.Size, now.LastWriteUtc);
        }

        private void Refuse(ProcessedLog log, FileInfo file, string code, string reason)
        {
            _pending.Remove(file.Name);
            _source.Signals.Reject(new SourceRejected(file.FullName, 0, code, reason, string.Empty));
            Publish(SourceStatusKind.FileUnreadable, file.FullName, reason);
            log.Append(ProcessedState.Refused, file.Name, 0, DateTime.UnixEpoch);
        }

        /// <summary>A file seen (listed or announced) that is gone before it was read: not recorded, so a new file under its name is read.</summary>
        private void Vanished(string path, string when)
        {
            var reason = $"{path} vanished {when}; none of its lines were read.";
            _source.Signals.Reject(new SourceRejected(path, 0, LineLimits.FileVanishedCode, reason, string.Empty));
            Publish(SourceStatusKind.FileUnreadable, path, reason);
        }

        private static string Describe(FileKind kind) => kind switch
        {
            FileKind.Fifo => "a FIFO",
            FileKind.CharacterDevice => "a character device",
            FileKind.BlockDevice => "a block device",
            FileKind.Socket => "a socket or other special file",
            FileKind.Missing => "nothing (its target is missing)",
            FileKind.Directory => "a directory",
            FileKind.Regular => "a regular file",
            FileKind.Link => "a symbolic link",
            _ => kind.ToString(),
        };

        private static string Resuming(IReadOnlyList<ReplayFile> replay) =>
            replay.Count == 0 ? string.Empty
            : $"; reading again {replay.Count} file(s) taken before the restart whose lines were not all committed, first {replay[0].Name}" + (replay[0].StartOffset > 0 ? $" after line {replay[0].LinesBefore} (byte {replay[0].StartOffset})" : string.Empty);

        /// <summary>Reads a file of a rollback again: the bytes it had when first taken, from the resume position.</summary>
        private async Task ReadAgainAsync(ProcessedLog log, ReplayFile again)
        {
            var path = System.IO.Path.Combine(_source.DirectoryPath, again.Name);
            var now = FileStat.Of(path, _options.FollowLinks);
            var after = again.StartOffset > 0 ? $" after line {again.LinesBefore} (byte {again.StartOffset})" : string.Empty;
            if (now.Kind != FileKind.Regular)
            {
                Lost(path, $"{path} was being read when the service stopped, and its lines{after} were not all committed, but it is {(now.Kind == FileKind.Missing ? "gone" : Describe(now.Kind))} now: they cannot be read again.");
                return;
            }

            var size = again.Size < 0 ? now.Size : again.Size;
            if (now.Size < size || again.StartOffset > size)
            {
                Lost(path, $"{path} was being read when the service stopped, and its lines{after} were not all committed, but it is shorter now ({now.Size} byte(s), {size} when taken): they cannot be read again.");
                log.Append(ProcessedState.Changed, again.Name, now.Size, now.LastWriteUtc);
                return;
            }

            var taken = again.Size < 0 ? now : new FileStat(FileKind.Regular, again.Size, again.LastWriteUtc, null);
            await ReadFileAsync(log, new FileInfo(path), taken, again.StartOffset, again.LinesBefore, recordTaken: again.Size < 0).ConfigureAwait(false);
        }

        /// <summary>A file of a rollback that cannot be read again: its uncommitted lines are lost, said in a dead letter.</summary>
        private void Lost(string path, string reason)
        {
            _source.Signals.Reject(new SourceRejected(path, 0, LineLimits.FileLostCode, reason, string.Empty));
            Publish(SourceStatusKind.FileUnreadable, path, reason);
        }

        private Task ReadFileAsync(ProcessedLog log, FileInfo file, FileStat taken) =>
            ReadFileAsync(log, file, taken, 0, 0, recordTaken: _options.ResumeAt is not null);

        private async Task ReadFileAsync(ProcessedLog log, FileInfo file, FileStat taken, long startOffset, long linesBefore, bool recordTaken)
        {
            if (taken.Size > _options.MaxFileBytes)
            {
                Refuse(log, file, LineLimits.FileTooLargeCode, $"{file.FullName} has {taken.Size} byte(s), more than MaxFileBytes ({_options.MaxFileBytes}); it was not read.");
                return;
            }

            _file = file.FullName;
            var buffer = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
            long lines;
            long size = startOffset;
            try
            {
                // Opened only if it is still a regular file (not swapped for a FIFO or a link since it was listed).
                var stream = FileStat.OpenRegular(file.FullName, _options.FollowLinks, out var found);
                if (stream is null)
                {
                    Refuse(log, file, found == FileKind.Link ? LineLimits.FileLinkCode : LineLimits.FileNotRegularCode, $"{file.FullName} became {Describe(found)} before it was opened; it was not read.");
                    return;
                }

                using var framer = new LineFramer(_options.MaxLineLength, startOffset, linesBefore);
                await using (stream.ConfigureAwait(false))
                {
                    if (recordTaken)
                    {
                        // Before its first line: a rollback reads the files again in this order, up to this size.
                        log.Append(ProcessedState.Taken, file.Name, taken.Size, taken.LastWriteUtc);
                    }

                    stream.Seek(startOffset, SeekOrigin.Begin);

                    // Never past the size it had when taken (at most MaxFileBytes): what is written later is a change, reported below.
                    while (size < taken.Size)
                    {
                        var want = (int)Math.Min(_options.ReadBufferSize, taken.Size - size);
                        var read = await stream.ReadAsync(buffer.AsMemory(0, want), _cancellation).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        size += read;
                        framer.Feed(buffer.AsSpan(0, read), this);
                    }
                }

                framer.Complete(this);
                lines = framer.LineNumber;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                Vanished(file.FullName, "before it was read");
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var reason = $"{file.FullName} could not be read ({ex.Message}); it was skipped.";
                _source.Signals.Reject(new SourceRejected(file.FullName, 0, LineLimits.FileUnreadableCode, reason, string.Empty));
                Publish(SourceStatusKind.FileUnreadable, file.FullName, reason);
                log.Append(ProcessedState.Unreadable, file.Name, 0, file.LastWriteTimeUtc);
                return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _cancellation.ThrowIfCancellationRequested();
            var after = FileStat.Of(file.FullName, _options.FollowLinks);
            if (after.Kind == FileKind.Regular && (size != taken.Size || !after.SameContentAs(taken)))
            {
                Changed(log, file, after, $"{file.FullName} changed while it was read (taken at {taken.Size} byte(s), now {after.Size}); {lines} line(s) of the first {size} byte(s) were read, the rest is not read (move new data in as a new file).");
                return;
            }

            log.Append(ProcessedState.Read, file.Name, size, taken.LastWriteUtc);
            Publish(SourceStatusKind.FileRead, file.FullName, startOffset == 0
                ? $"{file.FullName}: read {lines} line(s), {size} byte(s)."
                : $"{file.FullName}: read lines {linesBefore + 1} to {lines}, bytes {startOffset} to {size} (resumed after a restart).");
        }

        private void Publish(SourceStatusKind kind, string origin, string message) =>
            _source.Signals.Publish(new SourceStatus(kind, origin, message));

        private readonly record struct Pending(FileStat Stat, DateTimeOffset Since);
    }
}

using System.Buffers;

namespace Reactive.Sources.Directory;

/// <summary>
/// Lines of the new files that appear in a directory, like Spark's <c>textFileStream</c>: each
/// file moved into <see cref="DirectorySourceOptions.Path"/> is read once, line by line, in
/// modification-time order (ties by name).
/// </summary>
/// <remarks>
/// <para>Files must appear complete (written elsewhere, then moved in). Hidden files (names starting
/// with a dot) and names ending in <c>.tmp</c> or <c>._COPYING_</c> are ignored.</para>
/// <para>A file is recorded in the processed log only after all its lines were emitted
/// (at-least-once): a stop in the middle of a file reads it again, from its first line, on the next
/// start. Files already present at the very first start (no log yet) are recorded as skipped unless
/// <see cref="DirectorySourceOptions.IncludeExisting"/> is set; files that arrive while the service is
/// stopped are read at the next start. A file is identified by its name: a processed file that is
/// changed or replaced later is not read again.</para>
/// <para>A <see cref="FileSystemWatcher"/> and a poll every <see cref="DirectorySourceOptions.PollInterval"/>
/// both trigger one serialized scan. A file that vanishes or cannot be read is reported in
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
                if (!log.Existed && !_options.IncludeExisting)
                {
                    foreach (var file in NewFiles(log))
                    {
                        log.Append(ProcessedState.Skipped, file.Name, file.Length, file.LastWriteTimeUtc);
                        Publish(SourceStatusKind.FileSkipped, file.FullName, $"{file.FullName}: skipped, it was there before the first start (set IncludeExisting to read such files).");
                    }
                }

                if (_options.UseFileSystemWatcher)
                {
                    watcher = StartWatcher();
                }

                Publish(SourceStatusKind.Watching, _source.DirectoryPath, $"{_source.DirectoryPath}: watching for new files matching '{_options.Pattern}' ({(watcher is null ? "polling only" : "watcher and polling")} every {_options.PollInterval.TotalMilliseconds:0} ms); {log.Count} file(s) already processed.");

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

        public void OnLine(long lineNumber, string text)
        {
            if (!_cancellation.IsCancellationRequested)
            {
                _observer.OnNext(new SourceLine(_file, lineNumber, text));
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
                watcher.Created += onEvent;
                watcher.Changed += onEvent;
                watcher.Renamed += (sender, e) => onEvent(sender, e);
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
            using var poll = new CancellationTokenSource(_options.PollInterval, _source._timeProvider);
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

        private List<FileInfo> NewFiles(ProcessedLog log)
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
                    && !log.Contains(file.Name)
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
            List<FileInfo> files;
            try
            {
                files = NewFiles(log);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Publish(SourceStatusKind.WatcherFailed, _source.DirectoryPath, $"{_source.DirectoryPath}: cannot list the directory ({ex.Message}); retrying at the next poll.");
                return;
            }

            foreach (var file in files)
            {
                _cancellation.ThrowIfCancellationRequested();
                await ReadFileAsync(log, file).ConfigureAwait(false);
            }
        }

        private async Task ReadFileAsync(ProcessedLog log, FileInfo file)
        {
            _file = file.FullName;
            var buffer = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
            long lines;
            long size;
            try
            {
                using var framer = new LineFramer(_options.MaxLineLength);
                var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (stream.ConfigureAwait(false))
                {
                    size = stream.Length;
                    while (true)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(0, _options.ReadBufferSize), _cancellation).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        framer.Feed(buffer.AsSpan(0, read), this);
                    }
                }

                framer.Complete(this);
                lines = framer.LineNumber;
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
            log.Append(ProcessedState.Read, file.Name, size, file.LastWriteTimeUtc);
            Publish(SourceStatusKind.FileRead, file.FullName, $"{file.FullName}: read {lines} line(s), {size} byte(s).");
        }

        private void Publish(SourceStatusKind kind, string origin, string message) =>
            _source.Signals.Publish(new SourceStatus(kind, origin, message));
    }
}

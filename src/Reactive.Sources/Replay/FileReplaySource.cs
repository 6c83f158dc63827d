using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Reactive.Sources.Replay;

/// <summary>
/// Replays a recorded line file (any format) at its original pace × a speed factor, or as fast as possible,
/// on an <see cref="IScheduler"/>. On a virtual-time scheduler a replay is a backtest: the scheduler's clock
/// follows the data. Cold: each subscription reads the file again from the start (or from
/// <see cref="FileReplayOptions.ResumeAtByte"/>, or after <see cref="FileReplayOptions.ResumeAfterLine"/>), so the source can replay.
/// Each line carries in <see cref="SourceLine.Offset"/> the byte position just past its terminator: a checkpoint to
/// resume at (<see cref="FileReplayOptions.ResumeAtByte"/> and <see cref="FileReplayOptions.ResumeAtLine"/>).
/// </summary>
/// <remarks>
/// The first line goes out at subscription; a line with event time <c>t</c> goes out at
/// <c>subscription + (t − first event time) / Speed</c>, never before the line before it; lines without an event
/// time (a header, a bad line) and lines whose time goes backwards follow the previous line at once. Lines due at
/// the same time go out in one scheduled action (no timer per line of a burst). A line longer than
/// <see cref="FileReplayOptions.MaxLineLength"/> is skipped and reported on <see cref="Rejected"/>
/// (<c>line_too_long</c>). A file that cannot be opened or read ends the sequence with the I/O error
/// (status <see cref="SourceStatusKind.FileUnreadable"/>); the end of the file completes it (status <see cref="SourceStatusKind.FileRead"/>).
/// The file is read as UTF-8, as the directory and socket sources read theirs (a UTF-8 byte-order mark is dropped;
/// a UTF-16 or UTF-32 one ends the replay with an <see cref="InvalidDataException"/>, since its lines have no UTF-8 offsets).
/// </remarks>
internal sealed class FileReplaySource : ILineSource
{
    private readonly FileReplayOptions _options;
    private readonly IScheduler _scheduler;
    private readonly SourceSignals _signals;

    /// <summary>Creates a replay of the file at <paramref name="path"/>; the options are validated now.</summary>
    /// <param name="path">The file to replay.</param>
    /// <param name="options">Pacing, resume position and limits.</param>
    /// <param name="scheduler">The scheduler that paces the lines (a virtual-time one for backtests and tests).</param>
    public FileReplaySource(string path, FileReplayOptions options, IScheduler scheduler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);
        options.Validate();
        Path = path;
        _options = options;
        _scheduler = scheduler;
        _signals = new SourceSignals(path);
    }

    /// <summary>The file replayed.</summary>
    public string Path { get; }

    /// <summary>Always true: a file can be read again from any line.</summary>
    public bool CanReplay => true;

    /// <inheritdoc />
    public IObservable<SourceRejected> Rejected => _signals.Rejected;

    /// <inheritdoc />
    public IObservable<SourceStatus> Status => _signals.Status;

    /// <inheritdoc />
    public SourceStatus Current => _signals.Current;

    /// <summary>Replays the file into <paramref name="observer"/> (see the remarks of the class).</summary>
    public IDisposable Subscribe(IObserver<SourceLine> observer) => ReadLines().Subscribe(observer);

    /// <summary>The file's lines with their line numbers, paced on the scheduler.</summary>
    public IObservable<SourceLine> ReadLines()
    {
        var timeOf = _options.TimeOf;
        var paced = PacedEmitter.Create(
            () => Read().GetEnumerator(),
            line => timeOf!(line.Text),
            _scheduler,
            _options.Speed,
            _options.AsFastAsPossible);
        return Observable.Create<SourceLine>(observer =>
        {
            var subscription = paced.Subscribe(
                observer.OnNext,
                error =>
                {
                    if (error is IOException or UnauthorizedAccessException)
                    {
                        Publish(SourceStatusKind.FileUnreadable, $"{Path}: cannot be read ({error.Message}).");
                    }

                    observer.OnError(error);
                },
                observer.OnCompleted);
            return System.Reactive.Disposables.Disposable.Create(() =>
            {
                subscription.Dispose();
                Publish(SourceStatusKind.Stopped, $"{Path}: replay stopped.");
            });
        });
    }

    /// <summary>The text of each line; see <see cref="ReadLines"/>.</summary>
    public IObservable<string> Lines() => ReadLines().Select(line => line.Text);

    private IEnumerable<SourceLine> Read()
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.SequentialScan);
        long resumeAt = _options.ResumeAtByte;
        if (resumeAt > 0)
        {
            long length = stream.Length;
            if (resumeAt > length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(FileReplayOptions.ResumeAtByte),
                    resumeAt,
                    $"ResumeAtByte ({resumeAt}) is past the end of {Path} ({length} byte(s)): the checkpoint is not of this file, or the file was cut since.");
            }

            stream.Seek(resumeAt, SeekOrigin.Begin);
        }

        using var reader = new BoundedLineReader(stream, _options.MaxLineLength, resumeAt, _options.ResumeAtLine);
        long emitted = 0;
        while (reader.TryReadLine(out string text, out bool tooLong))
        {
            if (reader.LineNumber <= _options.ResumeAfterLine)
            {
                continue;
            }

            if (tooLong)
            {
                _signals.Reject(new SourceRejected(
                    Path,
                    reader.LineNumber,
                    LineLimits.LineTooLongCode,
                    $"Line {reader.LineNumber} is longer than {_options.MaxLineLength} characters; raise MaxLineLength.",
                    text.Length > SourceRejected.MaxRawLength ? text[..SourceRejected.MaxRawLength] : text));
                continue;
            }

            emitted++;
            yield return new SourceLine(Path, reader.LineNumber, text) { Offset = reader.Offset };
        }

        Publish(SourceStatusKind.FileRead, $"{Path}: replayed {emitted} line(s) up to line {reader.LineNumber}.");
    }

    private void Publish(SourceStatusKind kind, string message) => _signals.Publish(new SourceStatus(kind, Path, message));
}

using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Reactive.Sources.Replay;

/// <summary>
/// Replays a recorded line file (any format) as an observable, at its original pace × a speed factor or
/// as fast as possible, on an <see cref="IScheduler"/>. On a virtual-time scheduler a replay is a backtest:
/// the scheduler's clock follows the data. Each subscription reads the file again from the start (or
/// from <see cref="FileReplayOptions.ResumeAfterLine"/>), so the source can replay.
/// </summary>
public sealed class FileReplaySource
{
    private readonly FileReplayOptions _options;

    /// <summary>Creates a replay of the file at <paramref name="path"/>; the options are validated now.</summary>
    public FileReplaySource(string path, FileReplayOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Path = path;
        _options = options;
    }

    /// <summary>The file replayed.</summary>
    public string Path { get; }

    /// <summary>Always true: a file can be read again from any line.</summary>
    public bool CanReplay => true;

    /// <summary>
    /// The file's lines with their line numbers, paced on <paramref name="scheduler"/>. The first line goes out at
    /// subscription; a line with event time <c>t</c> goes out at <c>subscription + (t − first event time) / Speed</c>
    /// (never before the line before it). A line longer than <see cref="FileReplayOptions.MaxLineLength"/> goes to
    /// <paramref name="rejected"/> (code <c>line_too_long</c>); without that observer, it ends the sequence with an error.
    /// A file that cannot be opened or read ends the sequence with the I/O error.
    /// </summary>
    public IObservable<ReplayLine> ReadLines(IScheduler scheduler, IObserver<SourceRejected>? rejected = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var timeOf = _options.TimeOf;
        return PacedEmitter.Create(
            () => Read(rejected).GetEnumerator(),
            line => timeOf!(line.Text),
            scheduler,
            _options.Speed,
            _options.AsFastAsPossible);
    }

    /// <summary>The file's lines as text; see <see cref="ReadLines"/>.</summary>
    public IObservable<string> Lines(IScheduler scheduler, IObserver<SourceRejected>? rejected = null) =>
        ReadLines(scheduler, rejected).Select(line => line.Text);

    private IEnumerable<ReplayLine> Read(IObserver<SourceRejected>? rejected)
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
        using var reader = new BoundedLineReader(stream, _options.MaxLineLength);
        while (reader.TryReadLine(out string text, out bool tooLong))
        {
            if (reader.LineNumber <= _options.ResumeAfterLine)
            {
                continue;
            }

            if (tooLong)
            {
                string reason = $"Line {reader.LineNumber} is longer than {_options.MaxLineLength} characters; raise MaxLineLength.";
                if (rejected is null)
                {
                    throw new InvalidDataException(reason);
                }

                rejected.OnNext(new SourceRejected(Path, reader.LineNumber, "line_too_long", reason, text.Length > SourceRejected.MaxRawLength ? text[..SourceRejected.MaxRawLength] : text));
                continue;
            }

            yield return new ReplayLine(reader.LineNumber, text);
        }
    }
}

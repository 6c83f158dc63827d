using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Sources;

namespace Reactive.Host.Analytics;

/// <summary>
/// Where a composition's records come from: it names the parser (one per subscription) and where rejected lines go,
/// the record source decides how lines reach the parser.
/// </summary>
internal interface IRecordSource
{
    /// <summary>The parsed records, each with its position (source, line); each rejected line goes to <paramref name="deadLetters"/>.</summary>
    IObservable<Located<T>> Parse<T>(Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters);

    /// <summary>
    /// The parsed records in micro-batches (Spark's execution model): each inner observable is one batch, subscribed
    /// after the previous one completed. A live source's batch is what arrived in one <paramref name="trigger"/>
    /// interval (none when nothing arrived); a one-shot run's batch is one input file (an empty file too).
    /// One parser reads every batch of one input, so a CSV header is read once per file.
    /// </summary>
    IObservable<IObservable<Located<T>>> ParseBatches<T>(Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters, TimeSpan trigger);

    /// <summary>The lines as they are, for pipelines of text (word count, file rows, raw tables).</summary>
    IObservable<SourceLine> TextLines();

    /// <summary>
    /// The raw text of the line at <paramref name="position"/>, for the dead letter of a row an operator turned away:
    /// its <see cref="LinePosition.Text"/> when the source gave text, else read again from the input, or null.
    /// </summary>
    string? RawText(in LinePosition position);
}

/// <summary>
/// Told what the parse stage did with each line, so that the lines read add up: a row parsed (or a line taken as
/// text), a skipped line (blank or header), or a line rejected by the parser (after its dead letter was sent on).
/// </summary>
internal sealed record LineCounters(Action Parsed, Action<SkipReason> Skipped, Action Rejected);

/// <summary>Told when a source's read (one batch of lines on the byte path) starts being parsed and when it is done.</summary>
internal interface IReadScope
{
    /// <summary>Lines of one read are about to be parsed on this thread.</summary>
    void ReadStarted();

    /// <summary>The read's lines were parsed and their results went out.</summary>
    void ReadEnded();
}

/// <summary>The lines of a live source (socket, directory, replay, generator), parsed as they come: the service's case.</summary>
/// <param name="lines">The source's lines.</param>
/// <param name="counters">Told of each line's fate at the parse stage, or null.</param>
/// <param name="batches">
/// How the lines are cut into micro-batches (the trigger, the checkpoint's planned ranges); null: by the trigger on
/// <see cref="System.Reactive.Concurrency.DefaultScheduler"/>, without checkpoints.
/// </param>
internal sealed class LineRecordSource(IObservable<SourceLine> lines, LineCounters? counters = null, LineBatcher? batches = null) : IRecordSource
{
    // The batch being parsed on the byte path, and the thread parsing it: a row turned away while it is (the operators
    // run on that thread, in the batch's OnNext) finds its line's text there.
    private Utf8LineBatch? _current;
    private int _currentThread;

    /// <summary>
    /// The same lines as UTF-8 batches, one per read (a socket's, <see cref="Pipelines.LineSources.OpenUtf8"/>), or null:
    /// when set, <see cref="Parse{T}"/> without a checkpoint parses them as bytes, with no string or object per line.
    /// </summary>
    public IObservable<Utf8LineBatch>? Utf8 { get; init; }

    public IObservable<Located<T>> Parse<T>(Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters)
    {
        if (Utf8 is { } utf8 && batches is not { Checkpointed: true })
        {
            return Observable.Create<Located<T>>(observer =>
                utf8.Subscribe(new Utf8ParseObserver<T>(this, observer, parser() ?? throw new InvalidOperationException("The parser factory returned null."), deadLetters)));
        }

        if (batches is { Checkpointed: true } batcher)
        {
            // Checkpointed per-row kinds: the rows still flow one by one, but in the batches the checkpoint plans;
            // the end of each batch is told after its last row went through the operators (state saved, batch committed).
            return Observable.Defer(() =>
            {
                var shared = parser();
                return batcher.Cut(batcher.CheckpointInterval)
                    .Select(batch => Observable.Defer(() =>
                    {
                        batcher.Starting(batch);
                        return ParseLines(batch.Lines.ToObservable(ImmediateScheduler.Instance), () => shared, deadLetters);
                    }).Concat(Observable.Defer(() =>
                    {
                        batcher.Ended(batch);
                        return Observable.Empty<Located<T>>();
                    })))
                    .Concat();
            });
        }

        return ParseLines(lines, parser, deadLetters);
    }

    public IObservable<IObservable<Located<T>>> ParseBatches<T>(Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters, TimeSpan trigger)
    {
        var batcher = batches ?? new LineBatcher(lines, System.Reactive.Concurrency.DefaultScheduler.Instance);
        return Observable.Defer(() =>
        {
            var shared = parser();
            return batcher.Cut(trigger).Select(batch => Observable.Defer(() =>
            {
                batcher.Starting(batch);
                return ParseLines(batch.Lines.ToObservable(ImmediateScheduler.Instance), () => shared, deadLetters);
            }));
        });
    }

    public IObservable<SourceLine> TextLines() => counters is null ? lines : lines.Do(_ => counters.Parsed());

    /// <summary>Told of each line's fate at the parse stage, or null.</summary>
    internal LineCounters? Counters => counters;

    /// <summary>
    /// Told when the byte path starts parsing one read's lines (before the first) and when it is done with them (after the
    /// last one's results went out, on the same thread), or null: the pipeline's console gathers a read's rows into one write.
    /// </summary>
    internal IReadScope? Reads { get; init; }

    /// <summary>The byte path's batch being parsed now, on this thread (null: none).</summary>
    internal void Parsing(Utf8LineBatch? batch)
    {
        _currentThread = Environment.CurrentManagedThreadId;
        Volatile.Write(ref _current, batch);
        if (batch is not null)
        {
            Reads?.ReadStarted();
        }
        else
        {
            Reads?.ReadEnded();
        }
    }

    public string? RawText(in LinePosition position)
    {
        if (position.Text is { } text)
        {
            return text;
        }

        if (Volatile.Read(ref _current) is { } batch && _currentThread == Environment.CurrentManagedThreadId
            && string.Equals(batch.Origin, position.Source, StringComparison.Ordinal) && batch.IndexOf(position.Line) is >= 0 and var index)
        {
            return Encoding.UTF8.GetString(batch.Line(index));
        }

        return null;
    }

    private IObservable<Located<T>> ParseLines<T>(IObservable<SourceLine> from, Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters)
    {
        if (counters is null)
        {
            return from.ParseLines(l => l.Text, l => l.Origin, l => l.LineNumber, parser, deadLetters);
        }

        var rejected = Observer.Create<DeadLetter>(
            d =>
            {
                deadLetters.OnNext(d);
                counters.Rejected();
            },
            deadLetters.OnError,
            deadLetters.OnCompleted);
        var skipped = Observer.Create<SkippedLine>(s => counters.Skipped(s.Reason));
        return from.ParseLines(l => l.Text, l => l.Origin, l => l.LineNumber, parser, rejected, skipped).Do(_ => counters.Parsed());
    }
}

/// <summary>
/// Parses each line of each batch from its bytes: a row goes on with its position (no text: <see
/// cref="LineRecordSource.RawText"/> finds it in the batch while the batch is parsed), a rejected line becomes a dead
/// letter with its text, a header or blank line is counted as skipped. A parser that throws ends the rows with OnError.
/// </summary>
internal sealed class Utf8ParseObserver<T>(LineRecordSource owner, IObserver<Located<T>> rows, ILineParser<T> parser, IObserver<DeadLetter> deadLetters) : IObserver<Utf8LineBatch>
{
    private readonly LineCounters? _counters = owner.Counters;
    private bool _stopped;

    public void OnNext(Utf8LineBatch value)
    {
        owner.Parsing(value);
        try
        {
            for (var i = 0; i < value.Count && !_stopped; i++)
            {
                Line(value, i);
            }
        }
        finally
        {
            owner.Parsing(null);
        }
    }

    public void OnError(Exception error)
    {
        if (!_stopped)
        {
            _stopped = true;
            rows.OnError(error);
        }
    }

    public void OnCompleted()
    {
        if (!_stopped)
        {
            _stopped = true;
            rows.OnCompleted();
        }
    }

    private void Line(Utf8LineBatch batch, int index)
    {
        var line = batch.Line(index);
        ParseStatus status;
        T row;
        DeadLetterReason reason;
        try
        {
            status = parser.Parse(line, out row, out reason);
        }
        catch (Exception e)
        {
            _stopped = true;
            rows.OnError(e);
            return;
        }

        var number = batch.LineNumber(index);
        switch (status)
        {
            case ParseStatus.Parsed:
                _counters?.Parsed();
                rows.OnNext(new Located<T>(row, new LinePosition(batch.Origin, number, null)));
                break;
            case ParseStatus.Rejected:
                deadLetters.OnNext(reason.ToDeadLetter(batch.Origin, number, line));
                _counters?.Rejected();
                break;
            default:
                _counters?.Skipped(SkippedLine.IsBlank(line) ? SkipReason.Blank : SkipReason.Header);
                break;
        }
    }
}

/// <summary>
/// Whole files parsed straight from their bytes, as fast as possible, on the subscribing thread (one-shot runs and
/// backtests): no string per line, one compiled line loop per record type (<see cref="LineParsing.ParseFile{T}"/>,
/// the path the benchmark measures). Dead letters name the file and the line, as a replay's would. Several files are
/// read in order: as one sequence (<see cref="Parse{T}"/>) or one micro-batch each (<see cref="ParseBatches{T}"/>).
/// </summary>
/// <param name="paths">The files, in order; <c>-</c> for standard input.</param>
/// <param name="stop">Cancelled by a consumer that failed: reading stops before the next line.</param>
/// <param name="maxLineLength">The longest line parsed, in bytes; a longer one is a <c>line_too_long</c> dead letter.</param>
/// <remarks>
/// No string is made per line, so a row that an operator turns away after the parser (late, bad price, out of order)
/// has no text with it: <see cref="RawText"/> reads its line again from the file, with a second reader that only moves
/// forward (rows are turned away in file order), so dead letters cost one more pass over the file at most and a run
/// without them costs nothing.
/// </remarks>
internal sealed class FileRecordSource(IReadOnlyList<string> paths, CancellationToken stop = default, int maxLineLength = LineParsing.DefaultMaxLineLength) : IRecordSource
{
    /// <summary>The path that means standard input (read as UTF-8, like a pipe; dead letters name it <c>stdin</c>).</summary>
    public const string StandardInput = "-";

    private readonly Dictionary<string, LineFinder> _finders = new(StringComparer.Ordinal);

    public FileRecordSource(string path, CancellationToken stop = default, int maxLineLength = LineParsing.DefaultMaxLineLength)
        : this([path], stop, maxLineLength)
    {
    }

    /// <summary>Lines read so far (header, blank and rejected lines included), over all files.</summary>
    public long Lines { get; private set; }

    /// <summary>Header and blank lines skipped so far (not rows), over all files.</summary>
    public long Skipped { get; private set; }

    /// <summary>Bytes and rows read so far, readable from another thread (a progress display) while the files are read.</summary>
    public ReadCounts Counts { get; } = new();

    /// <summary>Told after each file was read: its path and its lines.</summary>
    public Action<string, long>? FileRead { get; init; }

    /// <summary>
    /// Called before each read of an input, once what the previous read held went through the composition: an output
    /// that gathers rows (standard output) writes them here, so that a row is not held while the run waits for input.
    /// </summary>
    public Action? BeforeRead { get; init; }

    public IObservable<Located<T>> Parse<T>(Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters) =>
        paths.Select(path => ParseFile(path, parser, deadLetters)).Concat();

    public IObservable<IObservable<Located<T>>> ParseBatches<T>(Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters, TimeSpan trigger) =>
        paths.Select(path => ParseFile(path, parser, deadLetters)).ToObservable(ImmediateScheduler.Instance);

    private IObservable<Located<T>> ParseFile<T>(string path, Func<ILineParser<T>> parser, IObserver<DeadLetter> deadLetters) =>
        Observable.Create<Located<T>>(observer =>
        {
            if (stop.IsCancellationRequested)
            {
                observer.OnCompleted();
                return Disposable.Empty;
            }

            // What the previous file's end made goes out before this file is opened (a FIFO waits for its writer).
            BeforeRead?.Invoke();
            Stream stream;
            try
            {
                stream = path == StandardInput ? Console.OpenStandardInput() : LineParsing.OpenUtf8(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                observer.OnError(ex);
                return Disposable.Empty;
            }

            // An exception thrown while reading (a disk error) or by a consumer (a sink that cannot write) leaves
            // Subscribe as it is: Rx has detached this observer by then, so OnError would be lost.
            long lines;
            using (stream)
            using (var counted = new CountingStream(stream, Counts) { BeforeRead = BeforeRead })
            {
                var rows = new IntoObservers<T>(observer, deadLetters, Counts);
                var counts = LineParsing.ParseStream(counted, parser(), path == StandardInput ? "stdin" : path, ref rows, maxLineLength, stop);
                lines = counts.Lines;
                Lines += lines;
                Skipped += counts.Skipped;
            }

            FileRead?.Invoke(path, lines);
            observer.OnCompleted();
            if (_finders.Remove(path, out var finder))
            {
                finder.Dispose();
            }

            return Disposable.Empty;
        });

    public string? RawText(in LinePosition position)
    {
        if (position.Text is { } text)
        {
            return text;
        }

        var path = position.Source;
        if (path is null or "stdin" || !paths.Contains(path))
        {
            return null;
        }

        if (!_finders.TryGetValue(path, out var finder))
        {
            finder = new LineFinder(path, maxLineLength);
            _finders[path] = finder;
        }

        return finder.Find(position.Line);
    }

    public IObservable<SourceLine> TextLines() =>
        Observable.Defer(() => paths.SelectMany(path => (path == StandardInput ? ReadLines(Console.In) : File.ReadLines(path))
            .Select((text, i) => new SourceLine(path == StandardInput ? "stdin" : path, i + 1, text)))
            .ToObservable());

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private readonly struct IntoObservers<T>(IObserver<Located<T>> rows, IObserver<DeadLetter> deadLetters, ReadCounts counts) : IRowHandler<T>
    {
        public void OnRow(in T row, in LinePosition position)
        {
            counts.Rows++;
            rows.OnNext(new Located<T>(row, position));
        }

        public void OnDeadLetter(DeadLetter deadLetter) => deadLetters.OnNext(deadLetter);
    }
}

/// <summary>
/// What a <see cref="FileRecordSource"/> has read so far: written by the reading thread only, read by a progress display
/// on another (a long is never torn on a 64-bit runtime; a value a moment old is fine there).
/// </summary>
internal sealed class ReadCounts
{
    /// <summary>Bytes read from the files.</summary>
    public long Bytes;

    /// <summary>Rows parsed.</summary>
    public long Rows;
}

/// <summary>
/// A stream that adds the bytes read or written to <see cref="ReadCounts.Bytes"/> (and the lines written to
/// <see cref="ReadCounts.Rows"/>: what a generator writes is one row a line); leaves the inner stream open.
/// </summary>
internal sealed class CountingStream(Stream inner, ReadCounts counts) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    /// <summary>Called before each read (<see cref="FileRecordSource.BeforeRead"/>).</summary>
    public Action? BeforeRead { get; init; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        BeforeRead?.Invoke();
        return Count(inner.Read(buffer, offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        BeforeRead?.Invoke();
        return Count(inner.Read(buffer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        BeforeRead?.Invoke();
        return Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        counts.Bytes += buffer.Length;
        counts.Rows += buffer.Count((byte)'\n');
    }

    private int Count(int read)
    {
        counts.Bytes += read;
        return read;
    }
}

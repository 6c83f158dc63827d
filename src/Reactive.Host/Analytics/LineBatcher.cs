using System.Runtime.CompilerServices;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Reactive.Sources;

namespace Reactive.Host.Analytics;

/// <summary>
/// Where a source stands: the origin (file) and the line and byte offset just past the last line taken; for a
/// partitioned source (Kinesis), the last sequence number taken from each partition (<see cref="Partitions"/>).
/// </summary>
/// <param name="Origin">The line's origin (the file, for a replay or directory; the generator's name); empty for a partitioned source.</param>
/// <param name="Line">The 1-based number of the last line taken (0: none yet); for a partitioned source, the records taken in all.</param>
/// <param name="Offset">The source's offset just past that line (<see cref="SourceLine.Offset"/>; 0: none yet).</param>
internal sealed record SourcePosition(string Origin, long Line, long Offset)
{
    /// <summary>The position before the first line of a source.</summary>
    public static readonly SourcePosition Start = new(string.Empty, 0, 0);

    /// <summary>A partitioned source's position per partition, or null for a source of one ordered stream of lines.</summary>
    public PartitionOffsets? Partitions { get; init; }

    /// <summary>The position just past <paramref name="line"/>.</summary>
    public static SourcePosition After(in SourceLine line) => new(line.Origin, line.LineNumber, line.Offset);

    /// <summary>The position just past <paramref name="lines"/>, taken after <paramref name="previous"/>.</summary>
    public static SourcePosition After(SourcePosition previous, IReadOnlyList<SourceLine> lines)
    {
        if (lines[^1].Sequence is null)
        {
            return After(lines[^1]);
        }

        var partitions = previous.Partitions ?? PartitionOffsets.Empty;
        foreach (var line in lines)
        {
            if (line.Sequence is { } sequence)
            {
                partitions = partitions.With(line.Origin, sequence);
            }
        }

        return new SourcePosition(string.Empty, previous.Line + lines.Count, 0) { Partitions = partitions };
    }

    /// <summary>Whether <paramref name="line"/> of a partitioned source comes after this position and up to <paramref name="end"/>.</summary>
    public bool Holds(SourcePosition end, in SourceLine line) =>
        line.Sequence is { } s
        && end.Partitions?.Of(line.Origin) is { } last
        && PartitionOffsets.CompareSequences(s, last) <= 0
        && (Partitions?.Of(line.Origin) is not { } first || PartitionOffsets.CompareSequences(s, first) > 0);

    /// <summary>For a partitioned source: what it is, for messages.</summary>
    public override string ToString() => Partitions is { } p ? $"{Line} records ({p})" : $"line {Line} of {Origin} (offset {Offset})";
}

/// <summary>One micro-batch of a live source's lines and the range it covers (<c>(Start, End]</c>, Spark's offsets).</summary>
/// <param name="Lines">The lines, in order; empty for a no-data batch re-run from the checkpoint.</param>
/// <param name="Start">The position before its first line.</param>
/// <param name="End">The position after its last line (= <paramref name="Start"/> when it has none).</param>
/// <param name="PlannedId">The batch id the checkpoint planned it under (a re-run), or null for a new batch.</param>
internal sealed record LineBatch(IReadOnlyList<SourceLine> Lines, SourcePosition Start, SourcePosition End, long? PlannedId = null);

/// <summary>A batch the checkpoint planned and did not commit: re-run over exactly its range.</summary>
/// <param name="Id">Its batch id.</param>
/// <param name="Start">The position before its first line.</param>
/// <param name="End">The position after its last line.</param>
internal sealed record PlannedBatch(long Id, SourcePosition Start, SourcePosition End);

/// <summary>
/// Cuts a live source's lines into micro-batches: first the batches a checkpoint planned and did not commit, each
/// over exactly its logged range, then one batch per trigger interval (Rx <c>Buffer</c> on the pipeline's scheduler:
/// what arrived in the interval, at most <see cref="MaxRowsPerBatch"/> lines; an interval without lines is no
/// batch). The pipeline is told when each batch starts (before any of its lines is processed: the checkpoint's
/// offsets log) and, for per-row kinds, when it ended.
/// </summary>
/// <param name="lines">The source's lines (resumed after the last committed position).</param>
/// <param name="scheduler">Processing time.</param>
internal sealed class LineBatcher(IObservable<SourceLine> lines, IScheduler scheduler)
{
    /// <summary>The most lines in one batch (Spark's <c>maxOffsetsPerTrigger</c>); a full batch is cut before its interval ends.</summary>
    public int MaxRowsPerBatch { get; init; } = 100_000;

    /// <summary>Batches to re-run first, in order, each over exactly its range.</summary>
    public IReadOnlyList<PlannedBatch> Reruns { get; init; } = [];

    /// <summary>Whether a checkpoint records the batches (per-row kinds then run in batches too).</summary>
    public bool Checkpointed { get; init; }

    /// <summary>The batch length of per-row kinds (spread, anomaly) when checkpointed: their checkpoint interval.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the first new batch starts: the last committed position.</summary>
    public SourcePosition ResumedAt { get; init; } = SourcePosition.Start;

    /// <summary>
    /// Origins the source cannot give again after the last committed position (a directory source's file gone since the
    /// stop): a re-run batch ending in one ends with the lines it got, since the rest of its range is lost.
    /// </summary>
    public IObservable<string>? Lost { get; init; }

    /// <summary>Told as a batch starts, before its lines are processed.</summary>
    public Action<LineBatch>? OnStarting { get; init; }

    /// <summary>Told when a per-row kind's batch ended (its last row went through the operators).</summary>
    public Action<LineBatch>? OnEnded { get; init; }

    public void Starting(LineBatch batch) => OnStarting?.Invoke(batch);

    public void Ended(LineBatch batch) => OnEnded?.Invoke(batch);

    /// <summary>The batches: the re-runs, then one per <paramref name="interval"/>.</summary>
    public IObservable<LineBatch> Cut(TimeSpan interval) =>
        lines.Publish(shared =>
        {
            var last = Reruns.Count > 0 ? Reruns[^1].End : ResumedAt;
            IObservable<LineBatch> Live(IObservable<SourceLine> input) => input
                .Buffer(interval, MaxRowsPerBatch, scheduler)
                .Where(buffer => buffer.Count > 0)
                .Scan(
                    new LineBatch([], last, last),
                    (previous, buffer) =>
                    {
                        var taken = buffer as IReadOnlyList<SourceLine> ?? [.. buffer];
                        return new LineBatch(taken, previous.End, SourcePosition.After(previous.End, taken));
                    });
            if (Reruns.Count == 0)
            {
                return Live(shared);
            }

            if (Reruns.Any(r => r.End.Partitions is not null))
            {
                // A partitioned source's partitions interleave in any order: the lines past the planned ranges that
                // came during the re-runs go first into the live batches.
                var held = new List<SourceLine>();
                return PartitionedRerunPhase(shared, held)
                    .Concat(Observable.Defer(() => Live(held.ToObservable(ImmediateScheduler.Instance).Concat(shared))));
            }

            return RerunPhase(shared).Concat(Live(shared));
        });

    /// <summary>The planned batches over exactly their ranges: lines up to each one's end offset; empty ones at once.</summary>
    private IObservable<LineBatch> RerunPhase(IObservable<SourceLine> shared) =>
        Observable.Create<LineBatch>(observer =>
        {
            var index = 0;
            var pending = new List<SourceLine>();

            // Planned batches without lines (no-data batches, the end of the input) are not cut again: the operator,
            // restored to the state before them, runs them again itself, with the same ids.
            bool EmitEmpty()
            {
                while (index < Reruns.Count && Reruns[index].End == Reruns[index].Start)
                {
                    index++;
                }

                if (index == Reruns.Count)
                {
                    observer.OnCompleted();
                    return true;
                }

                return false;
            }

            if (EmitEmpty())
            {
                return System.Reactive.Disposables.Disposable.Empty;
            }

            var done = new StrongBox<bool>();

            // Both come from the source's loop, one after the other.
            var lost = Lost?.Subscribe(origin =>
            {
                while (!done.Value && Reruns[index].End.Origin == origin)
                {
                    var planned = Reruns[index];
                    index++;
                    observer.OnNext(new LineBatch(pending, planned.Start, planned.End, planned.Id));
                    pending = [];
                    done.Value = EmitEmpty();
                }
            });
            var lines = SubscribeRerun(shared, observer, done, () => index, line =>
            {
                var planned = Reruns[index];
                pending.Add(line);
                if (line.Origin != planned.End.Origin || line.Offset < planned.End.Offset)
                {
                    return;
                }

                if (line.Offset > planned.End.Offset)
                {
                    done.Value = true;
                    observer.OnError(new InvalidDataException(
                        $"the source does not give the lines of the planned batch {planned.Id} again: a line ends at offset {line.Offset} of {line.Origin}, past its planned end {planned.End.Offset} (was the input changed since?)"));
                    return;
                }

                index++;
                observer.OnNext(new LineBatch(pending, planned.Start, planned.End, planned.Id));
                pending = [];
                done.Value = EmitEmpty();
            });
            return lost is null ? lines : new System.Reactive.Disposables.CompositeDisposable(lines, lost);
        });

    /// <summary>
    /// A partitioned source's planned batches over exactly their ranges: a batch holds, of each partition, the lines
    /// after its start and up to its end; it is complete when every partition it read reached its end. Lines of other
    /// partitions, or past a batch's end, wait in <paramref name="held"/> for the next planned batch, then the live ones.
    /// </summary>
    private IObservable<LineBatch> PartitionedRerunPhase(IObservable<SourceLine> shared, List<SourceLine> held) =>
        Observable.Create<LineBatch>(observer =>
        {
            var index = -1;
            var pending = new List<SourceLine>();
            var open = new HashSet<string>(StringComparer.Ordinal);
            var done = new StrongBox<bool>();

            // The next planned batches with lines, each offered the held lines first, until one waits for more lines
            // or the re-runs are over (the held lines then go to the live batches).
            void Next()
            {
                while (true)
                {
                    index++;
                    while (index < Reruns.Count && Reruns[index].End == Reruns[index].Start)
                    {
                        index++;
                    }

                    if (index == Reruns.Count)
                    {
                        done.Value = true;
                        observer.OnCompleted();
                        return;
                    }

                    var planned = Reruns[index];
                    open.Clear();
                    foreach (var (partition, last) in planned.End.Partitions?.Map ?? new Dictionary<string, string>())
                    {
                        if (planned.Start.Partitions?.Of(partition) != last)
                        {
                            open.Add(partition);
                        }
                    }

                    var waiting = held.ToList();
                    held.Clear();
                    var complete = false;
                    foreach (var line in waiting)
                    {
                        if (complete)
                        {
                            held.Add(line);
                        }
                        else if (!Offer(line, out complete))
                        {
                            return;
                        }
                    }

                    if (!complete)
                    {
                        return;
                    }
                }
            }

            // Takes the line into the current batch or holds it; false when the source did not give the range again.
            bool Offer(SourceLine line, out bool complete)
            {
                complete = false;
                var planned = Reruns[index];
                if (!planned.Start.Holds(planned.End, line))
                {
                    if (line.Sequence is { } s && open.Contains(line.Origin)
                        && PartitionOffsets.CompareSequences(s, planned.End.Partitions!.Of(line.Origin)!) > 0)
                    {
                        done.Value = true;
                        observer.OnError(new InvalidDataException(
                            $"the source does not give the records of the planned batch {planned.Id} again: {line.Origin} gave {s}, past the planned end {planned.End.Partitions.Of(line.Origin)} (were the records trimmed by the stream's retention?)"));
                        return false;
                    }

                    held.Add(line);
                    return true;
                }

                pending.Add(line);
                if (PartitionOffsets.CompareSequences(line.Sequence!, planned.End.Partitions!.Of(line.Origin)!) == 0)
                {
                    open.Remove(line.Origin);
                }

                if (open.Count == 0)
                {
                    observer.OnNext(new LineBatch(pending, planned.Start, planned.End, planned.Id));
                    pending = [];
                    complete = true;
                }

                return true;
            }

            Next();
            if (done.Value)
            {
                return System.Reactive.Disposables.Disposable.Empty;
            }

            return SubscribeRerun(shared, observer, done, () => index, line =>
            {
                if (Offer(line, out var complete) && complete)
                {
                    Next();
                }
            });
        });

    // A re-run phase's subscription to the source: each line while it runs; an error, or the end of the source before
    // the end of the planned batch, ends it.
    private IDisposable SubscribeRerun(IObservable<SourceLine> shared, IObserver<LineBatch> observer, StrongBox<bool> done, Func<int> index, Action<SourceLine> onLine) =>
        shared.Subscribe(
            line =>
            {
                if (!done.Value)
                {
                    onLine(line);
                }
            },
            error =>
            {
                done.Value = true;
                observer.OnError(error);
            },
            () =>
            {
                if (!done.Value)
                {
                    done.Value = true;
                    var planned = Reruns[index()];
                    observer.OnError(new InvalidDataException(
                        $"the source ended before the end of the planned batch {planned.Id} ({planned.End}; was the input changed since?)"));
                }
            });
}

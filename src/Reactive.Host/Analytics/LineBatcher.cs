using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Reactive.Sources;

namespace Reactive.Host.Analytics;

/// <summary>Where a source stands: the origin (file) and the line and byte offset just past the last line taken.</summary>
/// <param name="Origin">The line's origin (the file, for a replay or directory; the generator's name).</param>
/// <param name="Line">The 1-based number of the last line taken (0: none yet).</param>
/// <param name="Offset">The source's offset just past that line (<see cref="SourceLine.Offset"/>; 0: none yet).</param>
internal sealed record SourcePosition(string Origin, long Line, long Offset)
{
    /// <summary>The position before the first line of a source.</summary>
    public static readonly SourcePosition Start = new(string.Empty, 0, 0);

    /// <summary>The position just past <paramref name="line"/>.</summary>
    public static SourcePosition After(in SourceLine line) => new(line.Origin, line.LineNumber, line.Offset);
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
            var live = shared
                .Buffer(interval, MaxRowsPerBatch, scheduler)
                .Where(buffer => buffer.Count > 0)
                .Scan(
                    new LineBatch([], last, last),
                    (previous, buffer) => new LineBatch(buffer as IReadOnlyList<SourceLine> ?? [.. buffer], previous.End, SourcePosition.After(buffer[^1])))
                ;
            return Reruns.Count == 0 ? live : RerunPhase(shared).Concat(live);
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

            var done = false;

            // Both come from the source's loop, one after the other.
            var lost = Lost?.Subscribe(origin =>
            {
                while (!done && Reruns[index].End.Origin == origin)
                {
                    var planned = Reruns[index];
                    index++;
                    observer.OnNext(new LineBatch(pending, planned.Start, planned.End, planned.Id));
                    pending = [];
                    done = EmitEmpty();
                }
            });
            var lines = shared.Subscribe(
                line =>
                {
                    if (done)
                    {
                        return;
                    }

                    var planned = Reruns[index];
                    pending.Add(line);
                    if (line.Origin != planned.End.Origin || line.Offset < planned.End.Offset)
                    {
                        return;
                    }

                    if (line.Offset > planned.End.Offset)
                    {
                        done = true;
                        observer.OnError(new InvalidDataException(
                            $"the source does not give the lines of the planned batch {planned.Id} again: a line ends at offset {line.Offset} of {line.Origin}, past its planned end {planned.End.Offset} (was the input changed since?)"));
                        return;
                    }

                    index++;
                    observer.OnNext(new LineBatch(pending, planned.Start, planned.End, planned.Id));
                    pending = [];
                    done = EmitEmpty();
                },
                error =>
                {
                    done = true;
                    observer.OnError(error);
                },
                () =>
                {
                    if (!done)
                    {
                        done = true;
                        observer.OnError(new InvalidDataException(
                            $"the source ended before the end of the planned batch {Reruns[index].Id} (offset {Reruns[index].End.Offset}; was the input changed since?)"));
                    }
                });
            return lost is null ? lines : new System.Reactive.Disposables.CompositeDisposable(lines, lost);
        });
}

using System.Reactive.Disposables;
using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Configuration;
using Reactive.Host.Progress;
using Reactive.Sources;
using Reactive.Sources.Directory;
using Reactive.Sources.Generators;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Replay;
using Reactive.Sources.Samples;
using Reactive.Sources.Socket;

namespace Reactive.Host.Pipelines;

/// <summary>Opens the configured line source of a pipeline, counting input and reporting what it rejects.</summary>
internal static class LineSources
{
    /// <summary>
    /// The pipeline's lines until <paramref name="stop"/>: each counted as input; what the source
    /// rejects goes to the dead letters; its status changes are logged and shown in progress.
    /// </summary>
    /// <param name="ctx">The pipeline.</param>
    /// <param name="stop">Stops the source.</param>
    /// <param name="checkpoint">The pipeline's checkpoint: the source resumes after its last committed position; null reads from the start.</param>
    /// <param name="lost">Told the origins whose lines after the checkpoint's position the source cannot give again (a file gone since).</param>
    public static IObservable<SourceLine> Open(PipelineRunContext ctx, CancellationToken stop, PipelineCheckpoint? checkpoint = null, IObserver<string>? lost = null)
    {
        var resume = checkpoint?.ResumeAt is { Offset: > 0 } or { Partitions: not null } ? checkpoint.ResumeAt : null;
        // A socket loses what it sent while the service was down; the others give it again: from a checkpoint
        // (replay, generator, directory), the files not yet done (directory without a checkpoint), or the start.
        ctx.Progress.SourceCanReplay = ctx.Definition.Source is not SocketSourceDefinition;
        ctx.Progress.SourceStartsAtTip = ctx.Definition.Source is KinesisSourceDefinition k
            && string.Equals(k.Options.StartingPosition.Trim(), KinesisStartingPositions.Latest, StringComparison.OrdinalIgnoreCase);
        IObservable<SourceLine> lines = ctx.Definition.Source switch
        {
            SampleSourceDefinition s => SampleTextSource.Create(s.Interval, ctx.Scheduler, s.Count)
                .Select((text, i) => new SourceLine("sample", i + 1, text)),
            SocketSourceDefinition s => Observe(ctx, LineSource.Socket(s.Options, ctx.Time)),
            DirectorySourceDefinition s => Observe(ctx, LineSource.Directory(checkpoint is null ? s.Options : Checkpointed(s.Options, checkpoint), ctx.Time), lost),
            ReplaySourceDefinition s => Observe(ctx, LineSource.Replay(
                s.Path,
                new FileReplayOptions
                {
                    Speed = s.Options.Speed,
                    AsFastAsPossible = s.Options.AsFastAsPossible,
                    MaxLineLength = s.Options.MaxLineLength,
                    TimeOf = ReplayTimeFormats.Resolve(s.TimeFormat ?? ctx.Definition.Kind.ReplayTimeFormat ?? ReplayTimeFormats.Default)!,
                    ResumeAtByte = resume?.Offset ?? 0,
                    ResumeAtLine = resume?.Line ?? 0,
                },
                ctx.Scheduler)),
            GeneratorSourceDefinition s => Generated(s, ctx, resume?.Offset ?? 0),
            KinesisSourceDefinition s => Kinesis(s, ctx, resume?.Partitions),
            _ => throw new NotSupportedException($"source kind {ctx.Definition.Source.Kind} is not wired"),
        };
        return lines
            .TakeUntil(PipelineRunContext.WhenCancelled(stop))
            .Do(_ => ctx.Progress.RecordInput());
    }

    /// <summary>
    /// The pipeline's lines as UTF-8 bytes, a batch per read, when its source can give them so (a socket: no string or
    /// object per line, for the record parsers); null for the other sources. Counted as input, dead letters and status
    /// as <see cref="Open"/>'s; the source is opened only when this is subscribed (instead of <see cref="Open"/>'s lines).
    /// </summary>
    public static IObservable<Utf8LineBatch>? OpenUtf8(PipelineRunContext ctx, CancellationToken stop)
    {
        if (ctx.Definition.Source is not SocketSourceDefinition s || LineSource.Socket(s.Options, ctx.Time) is not IUtf8LineSource source)
        {
            return null;
        }

        return Observe(ctx, source, source.Utf8Lines)
            .TakeUntil(PipelineRunContext.WhenCancelled(stop))
            .Do(batch => ctx.Progress.RecordInput(batch.Count));
    }

    /// <summary>The text of each line.</summary>
    public static IObservable<string> OpenText(PipelineRunContext ctx, CancellationToken stop) =>
        Open(ctx, stop).Select(l => l.Text);

    /// <summary>Whether the source can give its lines again from a position (a checkpoint can resume it); a socket cannot.</summary>
    public static bool CanReplay(SourceDefinition source) => source is ReplaySourceDefinition or GeneratorSourceDefinition or DirectorySourceDefinition or KinesisSourceDefinition;

    /// <summary>
    /// A directory source under a checkpoint: its processed log lives in the checkpoint (Spark's <c>sources/0</c>), so
    /// that both are reset together, and is rolled back to the last committed position at start.
    /// </summary>
    private static DirectorySourceOptions Checkpointed(DirectorySourceOptions options, PipelineCheckpoint checkpoint)
    {
        var copy = Copy(options);
        copy.ProcessedLogPath = Path.Combine(checkpoint.SourceDirectory, "processed.log");
        var at = checkpoint.ResumeAt;
        copy.ResumeAt = at.Offset > 0 ? new DirectoryPosition(at.Origin, at.Line, at.Offset) : DirectoryPosition.BeforeFirstFile;
        return copy;
    }

    /// <summary>
    /// A generator's lines from row <paramref name="startRow"/> (a checkpoint's position: it is seeded, so they are the
    /// rows an uninterrupted run gives). A line's <see cref="SourceLine.Offset"/> is the number of rows up to and
    /// including it (0 for the BBO header, which comes before row 0); its line number is that of an uninterrupted run.
    /// </summary>
    private static IObservable<SourceLine> Generated(GeneratorSourceDefinition s, PipelineRunContext ctx, long startRow)
    {
        var origin = $"generator:{s.Generator}";
        var header = s.Options is BboQuoteGeneratorOptions ? 1 : 0;
        IObservable<string> lines = s.Options switch
        {
            BboQuoteGeneratorOptions o => BboQuoteGenerator.Observe(WithStart(o, startRow), ctx.Scheduler, s.Pacing),
            HourlyPriceGeneratorOptions o => HourlyPriceGenerator.Observe(WithStart(o, startRow), ctx.Scheduler, s.Pacing),
            BitcoinRateGeneratorOptions o => BitcoinRateGenerator.Observe(WithStart(o, startRow), ctx.Scheduler, s.Pacing),
            _ => throw new NotSupportedException($"generator {s.Generator} is not wired"),
        };
        var headerShown = startRow == 0 ? header : 0;
        return lines.Select((text, i) =>
        {
            var rows = startRow + i + 1 - headerShown;
            return new SourceLine(origin, rows + header, text) { Offset = rows };
        });
    }

    /// <summary>
    /// A Kinesis stream's records, each shard from just after its checkpointed sequence number when there is a
    /// checkpoint (<paramref name="resume"/>: per partition <c>STREAM/SHARD</c>, the last sequence number taken), else
    /// from the configured starting position; each shard's progress is shown with the pipeline's.
    /// </summary>
    private static IObservable<SourceLine> Kinesis(KinesisSourceDefinition s, PipelineRunContext ctx, PartitionOffsets? resume) =>
        Observable.Using(
            () => new KinesisLineSource(WithResume(s.Options, resume), timeProvider: ctx.Time),
            source =>
            {
                ctx.Progress.Shards = () => source.Shards;
                return Observe(ctx, source);
            });

    private static KinesisSourceOptions WithResume(KinesisSourceOptions options, PartitionOffsets? resume)
    {
        var copy = Copy(options);
        copy.Resume = resume is null ? null : resume.Map.ToDictionary(p => p.Key[(p.Key.LastIndexOf('/') + 1)..], p => p.Value, StringComparer.Ordinal);
        return copy;
    }

    // A generator's options from row startRow on.
    private static T WithStart<T>(T options, long startRow)
        where T : class
    {
        var copy = Copy(options);
        typeof(T).GetProperty("StartRow")!.SetValue(copy, startRow);
        return copy;
    }

    // The configured options are shared by the pipeline's runs: each run starts from its own copy.
    private static T Copy<T>(T options)
        where T : class =>
        (T)typeof(T).GetMethod("MemberwiseClone", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.Invoke(options, null)!;

    private static IObservable<SourceLine> Observe(PipelineRunContext ctx, ILineSource source, IObserver<string>? lost = null) =>
        Observe(ctx, source, source, lost);

    // The items of a source (its lines, or its batches of lines), with its status and dead letters told to the pipeline.
    private static IObservable<T> Observe<T>(PipelineRunContext ctx, ILineSource source, IObservable<T> items, IObserver<string>? lost = null) =>
        Observable.Create<T>(observer =>
        {
            var status = source.Status.Subscribe(s => OnStatus(ctx, source, s));
            var rejected = source.Rejected.Subscribe(r =>
            {
                // Input the source turned away itself (a too-long line, ...) was read all the same: it counts as input
                // and as a dead letter of a line, so that lines read = rows parsed + skipped + dead letters of lines.
                ctx.Progress.RecordInput();
                ctx.Reject(r.Origin, r.LineNumber, r.Code, r.Reason, r.Raw);
                ctx.Progress.RecordLineDeadLetter();
                if (r.Code == LineLimits.FileLostCode)
                {
                    lost?.OnNext(r.Origin);
                }
            });
            var lines = items.Subscribe(observer);
            return new CompositeDisposable(lines, status, rejected);
        });

    /// <summary>
    /// What a status means for health: a lost connection is <see cref="SourceCondition.Retrying"/> until the source is
    /// connected again (connecting after a loss is still retrying; a first connection is not), a Kinesis shard's call
    /// retried after throttling or a fault <see cref="SourceCondition.Retrying"/> until it reads again, out of retries
    /// <see cref="SourceCondition.GaveUp"/>; a directory's unreadable file (a dead letter) or failed watcher (polling goes
    /// on) leave it as it was.
    /// </summary>
    internal static SourceCondition Condition(SourceStatusKind kind, SourceCondition previous) => kind switch
    {
        SourceStatusKind.Disconnected or SourceStatusKind.Reconnecting or SourceStatusKind.Retrying => SourceCondition.Retrying,
        SourceStatusKind.GaveUp => SourceCondition.GaveUp,
        SourceStatusKind.Connecting => previous == SourceCondition.Ok ? SourceCondition.Ok : SourceCondition.Retrying,
        SourceStatusKind.FileUnreadable or SourceStatusKind.WatcherFailed => previous,
        _ => SourceCondition.Ok,
    };

    private static void OnStatus(PipelineRunContext ctx, ILineSource source, SourceStatus status)
    {
        var text = status.Message;
        ctx.Progress.SetSourceStatus(source.CanReplay ? text : $"{text} (cannot replay)", Condition(status.Kind, ctx.Progress.SourceCondition));
        if (status.Kind is SourceStatusKind.Disconnected or SourceStatusKind.Reconnecting or SourceStatusKind.Retrying or SourceStatusKind.GaveUp
            or SourceStatusKind.FileUnreadable or SourceStatusKind.WatcherFailed)
        {
            Log.SourceWarning(ctx.Logger, ctx.Name, text);
        }
        else
        {
            Log.SourceStatus(ctx.Logger, ctx.Name, text);
        }
    }
}

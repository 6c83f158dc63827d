using Reactive.Host.Progress;

namespace Reactive.Host.Http;

/// <summary>The body of <c>POST /api/sql</c>.</summary>
/// <param name="Sql">One SELECT statement.</param>
public sealed record SqlRequest(string? Sql);

/// <summary>
/// A pipeline's progress as <c>GET /api/pipelines</c> shows it (like Spark's StreamingQueryProgress). The lines read add
/// up: <c>inputRows = rowsParsed + skippedBlank + skippedHeader + deadLetters − rowsRejected</c> (rowsRejected: rows an
/// operator turned away after parsing, in deadLetters by code too).
/// </summary>
public sealed record PipelineProgressView(
    string Name,
    string Kind,
    string State,
    string? SourceStatus,
    long InputRows,
    double InputRowsPerSecond,
    double ProcessedRowsPerSecond,
    long Batches,
    long OutputRows,
    DateTimeOffset? MaxEventTime,
    DateTimeOffset? Watermark,
    long StateRows,
    long LateRows,
    long DeadLetters,
    IReadOnlyDictionary<string, long> DeadLettersByCode,
    long QueueLength,
    long SinkDroppedRows,
    double SinkWaitMs,
    int Restarts,
    string? LastError,
    long RowsParsed,
    long SkippedBlank,
    long SkippedHeader,
    long RowsRejected,
    string? StopReason)
{
    /// <summary>The last micro-batch's progress (Spark's <c>lastProgress</c>), or null.</summary>
    public QueryProgress? LastProgress { get; init; }

    /// <summary>The last batches' progress, oldest first (Spark's <c>recentProgress</c>).</summary>
    public IReadOnlyList<QueryProgress> RecentProgress { get; init; } = [];

    /// <summary>Whether a restart loses nothing and repeats nothing: <c>exactly-once</c> (a replayable source with a checkpoint), <c>at-least-once</c> (replayable, no checkpoint) or <c>at-most-once</c> (a socket, or a Kinesis stream read from <c>latest</c> without a checkpoint).</summary>
    public string? Delivery { get; init; }

    /// <summary>The checkpoint directory, or null.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Mistyped fields the parser made null in rows it kept (a pipeline whose <c>MistypedFields</c> is <c>null</c>).</summary>
    public long NulledFields { get; init; }

    /// <summary><see cref="NulledFields"/> by the code the value would have been rejected with.</summary>
    public IReadOnlyDictionary<string, long> NulledFieldsByCode { get; init; } = new Dictionary<string, long>();

    /// <summary>The last hour's average of each rate (the bitcoin pipeline), or null.</summary>
    public PeriodAverage? LastHourAverage { get; init; }

    /// <summary>A Kinesis source's shards: state, records read, milliseconds behind the tip, throttling events, retries; null for other sources.</summary>
    public IReadOnlyList<Reactive.Sources.Kinesis.KinesisShardProgress>? Shards { get; init; }

    /// <summary>Takes a snapshot of <paramref name="p"/>.</summary>
    public static PipelineProgressView From(PipelineProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(
            p.Name,
            p.Kind,
            p.State.ToString(),
            p.SourceStatus,
            p.InputRows,
            Math.Round(p.InputRowsPerSecond, 3),
            Math.Round(p.ProcessedRowsPerSecond, 3),
            p.Batches,
            p.OutputRows,
            p.MaxEventTime,
            p.Watermark,
            p.StateRows,
            p.LateRows,
            p.DeadLetters,
            p.DeadLettersByCode,
            p.QueueLength,
            p.SinkDroppedRows,
            Math.Round(p.SinkWaitTime.TotalMilliseconds, 3),
            p.Restarts,
            p.LastError,
            p.RowsParsed,
            p.SkippedBlank,
            p.SkippedHeader,
            p.RowsRejected,
            p.StopReason == PipelineStopReason.None ? null : p.StopReason.ToString())
        {
            LastProgress = p.LastProgress,
            RecentProgress = p.RecentProgress,
            Delivery = p.SourceCanReplay switch
            {
                false => "at-most-once",
                true when p.Checkpoint is not null => "exactly-once",
                true when p.SourceStartsAtTip => "at-most-once",
                true => "at-least-once",
                _ => null,
            },
            Checkpoint = p.Checkpoint,
            NulledFields = p.NulledFields,
            NulledFieldsByCode = p.NulledFieldsByCode,
            LastHourAverage = p.LastHourAverage,
            Shards = p.Shards?.Invoke(),
        };
    }
}

/// <summary>The body of a successful <c>POST /api/sql</c>.</summary>
public sealed record SqlResponse(
    IReadOnlyList<SqlResponseColumn> Columns,
    IReadOnlyList<object?[]> Rows,
    int RowCount,
    bool Truncated,
    double ElapsedMs);

/// <summary>A column of <see cref="SqlResponse"/>.</summary>
public sealed record SqlResponseColumn(string Name, string Type);

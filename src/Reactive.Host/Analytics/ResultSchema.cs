namespace Reactive.Host.Analytics;

/// <summary>The type of a result field, as sinks store it.</summary>
internal enum ResultType
{
    /// <summary>Text.</summary>
    Text,

    /// <summary>A whole number (<see cref="long"/>).</summary>
    Integer,

    /// <summary>A number (<see cref="double"/>).</summary>
    Real,

    /// <summary>true/false (stored as 0/1 in tables).</summary>
    Bool,

    /// <summary>An instant (<see cref="DateTimeOffset"/>, ISO-8601 UTC text in tables).</summary>
    Time,

    /// <summary>A calendar date (<see cref="DateOnly"/>, <c>yyyy-MM-dd</c> in tables).</summary>
    Date,
}

/// <summary>A declared result field: its name (as in the JSON line) and type.</summary>
internal sealed record ResultColumn(string Name, ResultType Type);

/// <summary>
/// The columns of one kind of result row (<see cref="ResultRow.Kind"/>), declared by the pipeline kind that writes it,
/// so that sinks create their tables before the first result.
/// </summary>
/// <param name="Kind">The rows' <see cref="ResultRow.Kind"/> (<c>second</c>, <c>window</c>, …).</param>
/// <param name="HasWindow">Whether the rows carry an event-time window.</param>
/// <param name="Columns">The fields, in the order the rows hold them.</param>
/// <param name="Keys">
/// In an append-mode pipeline, the columns that with the window identify a result that may come again: a later row with
/// the same window and keys replaces the earlier one in a table (the spread's provisional windows of an idle flush, then
/// final); null: every row is added.
/// </param>
internal sealed record ResultSchema(string Kind, bool HasWindow, IReadOnlyList<ResultColumn> Columns, IReadOnlyList<string>? Keys = null)
{
    /// <summary>The name of the window's JSON object in file sinks (Spark's <c>window(…).alias(…)</c>); tables keep <c>window_start</c> and <c>window_end</c>.</summary>
    /// <value>The default is <c>window</c>.</value>
    public string WindowName { get; init; } = "window";
}

/// <summary>How sinks take a pipeline's results (Spark's output modes).</summary>
internal enum ResultMode
{
    /// <summary>Each row is added.</summary>
    Append,

    /// <summary>A row replaces the row with the same window and keys.</summary>
    Update,

    /// <summary>Each batch is the whole result table.</summary>
    Complete,
}

/// <summary>What a pipeline writes: the schemas of its rows, its output mode and, in update mode, its key columns.</summary>
internal sealed record ResultShape(IReadOnlyList<ResultSchema> Schemas, ResultMode Mode = ResultMode.Append, IReadOnlyList<string>? Keys = null);

/// <summary>
/// Results handed to the sinks together: one row of a per-row pipeline (spread, anomaly), or one trigger's batch
/// (<see cref="IsTrigger"/>: an aggregate's update — in complete mode the whole result table —, a processing-time
/// batch of word count or file rows with its time and the number of records it held; the rows may be the first ones).
/// </summary>
internal sealed record ResultBatch(IReadOnlyList<ResultRow> Rows, DateTimeOffset? Time = null, long? Total = null, bool IsTrigger = false)
{
    /// <summary>A batch of one row.</summary>
    public static ResultBatch Of(ResultRow row) => new([row]);

    /// <summary>
    /// A micro-batch kind (aggregate): the id of the batch these rows end (one such result per batch that ran, rows
    /// or not: the pipeline commits its checkpoint on it). Null for per-row results.
    /// </summary>
    public long? BatchId { get; init; }

    /// <summary>The operator's progress of that batch (Spark's <c>StreamingQueryProgress</c> fields it knows).</summary>
    public Reactive.Operators.Windows.BatchProgress? Progress { get; init; }

    /// <summary>A batch without data, run because the previous one moved the watermark (Spark's no-data batch).</summary>
    public bool NoDataBatch { get; init; }

    /// <summary>The batch at the end of a finite input, where every window became final.</summary>
    public bool FinalBatch { get; init; }

    /// <summary>The last hour's average of each rate after this batch (the bitcoin pipeline), shown in the pipeline's progress; else null.</summary>
    public Progress.PeriodAverage? LastHourAverage { get; init; }

    /// <summary>Lines a one-shot run prints on standard error after its summary (the trading backtest's report), or null.</summary>
    public string? Summary { get; init; }
}

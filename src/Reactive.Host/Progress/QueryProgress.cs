namespace Reactive.Host.Progress;

/// <summary>
/// The progress of one micro-batch, with the fields and names of Spark's <c>StreamingQueryProgress</c> (shown at
/// <c>GET /api/pipelines</c> as <c>lastProgress</c> and <c>recentProgress</c>, logged as one JSON line per batch, and
/// written by <c>reactive run</c> to standard error).
/// </summary>
/// <param name="Id">The pipeline's name (Spark: the query's id and name).</param>
/// <param name="BatchId">The batch's id: 0, 1, 2, … continuing across restarts when checkpointed.</param>
/// <param name="Timestamp">When the batch started (processing time).</param>
/// <param name="NumInputRows">Rows the batch read.</param>
/// <param name="InputRowsPerSecond">Rows read per second since the previous batch started.</param>
/// <param name="ProcessedRowsPerSecond">Rows read per second of the batch's own duration.</param>
/// <param name="DurationMs">Milliseconds by phase: <c>walCommit</c> (offsets log), <c>addBatch</c> (operators and sinks), <c>commitOffsets</c> (state and commit log), <c>triggerExecution</c> (all).</param>
/// <param name="EventTime">The batch's event times: <c>min</c>, <c>max</c>, <c>avg</c> of its rows and the <c>watermark</c> it ran with (ISO-8601 UTC), when known.</param>
/// <param name="StateOperators">The stateful operator's rows after the batch.</param>
/// <param name="Sources">The source's range in the batch.</param>
/// <param name="Sink">The rows written.</param>
public sealed record QueryProgress(
    string Id,
    long BatchId,
    DateTimeOffset Timestamp,
    long NumInputRows,
    double InputRowsPerSecond,
    double ProcessedRowsPerSecond,
    IReadOnlyDictionary<string, long> DurationMs,
    IReadOnlyDictionary<string, string> EventTime,
    IReadOnlyList<StateOperatorProgress> StateOperators,
    IReadOnlyList<SourceProgress> Sources,
    SinkProgress Sink);

/// <summary>A stateful operator's rows (Spark's <c>StateOperatorProgress</c>).</summary>
/// <param name="OperatorName">The operator (<c>eventTimeWindow</c>, <c>spread</c>, <c>anomaly</c>).</param>
/// <param name="NumRowsTotal">State rows after the batch.</param>
/// <param name="NumRowsUpdated">State rows the batch created or changed.</param>
/// <param name="NumRowsDroppedByWatermark">Rows the batch dropped as late (per window).</param>
public sealed record StateOperatorProgress(string OperatorName, long NumRowsTotal, long NumRowsUpdated, long NumRowsDroppedByWatermark);

/// <summary>A source's part of a batch (Spark's <c>SourceProgress</c>): the offsets are JSON objects, <c>null</c> before the first.</summary>
/// <param name="Description">The source (<c>replay:FILE</c>, <c>socket:HOST:PORT</c>, …) and whether it can replay.</param>
/// <param name="StartOffset">The position before the batch's first line: <c>{"origin":…,"line":…,"offset":…}</c>.</param>
/// <param name="EndOffset">The position after its last line.</param>
/// <param name="NumInputRows">Rows read.</param>
/// <param name="InputRowsPerSecond">As the batch's.</param>
/// <param name="ProcessedRowsPerSecond">As the batch's.</param>
public sealed record SourceProgress(
    string Description,
    System.Text.Json.Nodes.JsonObject? StartOffset,
    System.Text.Json.Nodes.JsonObject? EndOffset,
    long NumInputRows,
    double InputRowsPerSecond,
    double ProcessedRowsPerSecond);

/// <summary>The sinks' part of a batch (Spark's <c>SinkProgress</c>).</summary>
/// <param name="Description">The sinks.</param>
/// <param name="NumOutputRows">Rows written by the batch.</param>
public sealed record SinkProgress(string Description, long NumOutputRows);

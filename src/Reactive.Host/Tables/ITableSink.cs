namespace Reactive.Host.Tables;

/// <summary>
/// Writes one pipeline's results into a named memory table. Each table has its own bounded queue
/// between the pipeline and the table's writer (<see cref="TableQueueOptions"/>): a write returns as
/// soon as the row is queued; when the queue is full, policy <see cref="TableFullPolicy.Wait"/> makes the
/// caller wait for room (measured in <see cref="WaitTime"/>) and <see cref="TableFullPolicy.Drop"/> drops
/// the row and counts it (<see cref="DroppedRows"/>). Rows reach the table in the order written. Thread-safe.
/// </summary>
public interface ITableSink
{
    /// <summary>The table name.</summary>
    string Table { get; }

    /// <summary>The table's output mode.</summary>
    OutputMode Mode { get; }

    /// <summary>
    /// Adds a row (append) or upserts it by window and key columns (update). The row's values are copied before the call
    /// returns: the caller may reuse its values array.
    /// </summary>
    /// <exception cref="InvalidOperationException">In complete mode; use <see cref="ReplaceAll"/>.</exception>
    void Write(TableRow row);

    /// <summary>Writes rows as <see cref="Write"/> does, in order; each row takes one place in the queue.</summary>
    void WriteBatch(IReadOnlyList<TableRow> rows);

    /// <summary>
    /// Replaces the whole content of the table with <paramref name="rows"/> (complete mode; allowed in
    /// every mode). The result table takes one place in the queue; when dropped, its rows are counted.
    /// </summary>
    void ReplaceAll(IReadOnlyList<TableRow> rows);

    /// <summary>Completes when every write queued before the call is in the table (the queue drained up to it).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until every row written so far is in the database (the queue drained up to the call),
    /// then returns the table's commit mark: its largest row id, 0 when it is empty. Row ids only grow
    /// (a row written later always has a larger id, even after rows were deleted or the table cleared),
    /// and an update-mode upsert keeps the id of the row it updates. A checkpointed pipeline records the
    /// mark with batch <c>n</c>'s commit; after a crash, <see cref="MemoryTableStore.Resume"/> with that
    /// mark deletes what the uncommitted batch <c>n + 1</c> added, and its re-run writes it again.
    /// In complete mode, <see cref="ReplaceAll"/> clears the table and inserts the result with new ids in
    /// one transaction, so after a crash the table holds either the committed result (every id at or
    /// below the mark, kept by Resume) or the uncommitted one (every id above it, deleted by Resume,
    /// which leaves the table empty until the re-run batch's ReplaceAll writes its whole result).
    /// Call it between batches: rows written by other threads during the call may be counted in.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table's writer failed on a batch (its rows were dropped).</exception>
    /// <exception cref="ObjectDisposedException">The store is stopped.</exception>
    long CommitMark();

    /// <summary>Writes queued and not applied yet.</summary>
    long QueueLength { get; }

    /// <summary>Rows dropped because the queue was full (policy <see cref="TableFullPolicy.Drop"/>).</summary>
    long DroppedRows { get; }

    /// <summary>Time writers spent waiting for room in the queue (policy <see cref="TableFullPolicy.Wait"/>).</summary>
    TimeSpan WaitTime { get; }
}

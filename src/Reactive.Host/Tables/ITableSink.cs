namespace Reactive.Host.Tables;

/// <summary>
/// Writes one pipeline's results into a named memory table. Writes are queued and applied in
/// batched transactions by the store's writer; they never block on readers. Thread-safe.
/// </summary>
public interface ITableSink
{
    /// <summary>The table name.</summary>
    string Table { get; }

    /// <summary>The table's output mode.</summary>
    OutputMode Mode { get; }

    /// <summary>Adds a row (append) or upserts it by window and key columns (update).</summary>
    /// <exception cref="InvalidOperationException">In complete mode; use <see cref="ReplaceAll"/>.</exception>
    void Write(TableRow row);

    /// <summary>Writes rows as <see cref="Write"/> does, in one transaction.</summary>
    void WriteBatch(IReadOnlyList<TableRow> rows);

    /// <summary>Replaces the whole content of the table with <paramref name="rows"/> (complete mode; allowed in every mode).</summary>
    void ReplaceAll(IReadOnlyList<TableRow> rows);

    /// <summary>Completes when every write queued before the call is in the table.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}

namespace Reactive.Host.Tables;

/// <summary>What <c>GET /api/tables</c> shows of one table.</summary>
/// <param name="Name">The table name.</param>
/// <param name="Mode">The output mode.</param>
/// <param name="Rows">Rows in the table now.</param>
/// <param name="MaxRows">The row bound.</param>
/// <param name="EvictedRows">Rows evicted so far to keep the bound.</param>
/// <param name="PendingWrites">Writes queued or being applied, not in the table yet.</param>
/// <param name="Columns">Columns with their SQL types, window columns first.</param>
public sealed record TableInfo(
    string Name,
    OutputMode Mode,
    long Rows,
    int MaxRows,
    long EvictedRows,
    long PendingWrites,
    IReadOnlyList<TableColumnInfo> Columns)
{
    /// <summary>Writes in the table's queue now.</summary>
    public long QueueLength { get; init; }

    /// <summary>Writes the table's queue holds at most.</summary>
    public int QueueCapacity { get; init; }

    /// <summary>What a write does when the queue is full.</summary>
    public TableFullPolicy WhenFull { get; init; }

    /// <summary>Rows dropped because the queue was full (policy <see cref="TableFullPolicy.Drop"/>).</summary>
    public long DroppedRows { get; init; }

    /// <summary>Time writers waited for room in the queue (policy <see cref="TableFullPolicy.Wait"/>).</summary>
    public TimeSpan WaitTime { get; init; }
}

/// <summary>A column as <c>GET /api/tables</c> shows it.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The SQL type (TEXT, INTEGER, REAL).</param>
public sealed record TableColumnInfo(string Name, string Type);

using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Reactive.Host.Tables;

/// <summary>One memory table: its DDL, its prepared insert or upsert, its bound. Used by the store's writer only.</summary>
internal sealed class MemoryTable : ITableSink
{
    private readonly MemoryTableStore _store;
    private readonly IReadOnlyList<string> _keyColumns;
    private readonly int _valueOffset;
    private SqliteCommand? _insert;
    private SqliteCommand? _clear;
    private SqliteCommand? _count;
    private SqliteCommand? _evict;
    private long _rows;
    private long _evicted;
    private long _pending;

    public MemoryTable(MemoryTableStore store, string table, TableSchema schema, OutputMode mode, IReadOnlyList<string> keyColumns, int maxRows)
    {
        _store = store;
        Table = table;
        Schema = schema;
        Mode = mode;
        _keyColumns = keyColumns;
        MaxRows = maxRows;
        _valueOffset = schema.HasWindow ? 4 : 0;
    }

    public string Table { get; }

    public OutputMode Mode { get; }

    public TableSchema Schema { get; }

    public int MaxRows { get; }

    /// <summary>Update mode with something to upsert on (window and/or keys); otherwise rows are appended.</summary>
    private bool Upserts => Mode == OutputMode.Update && (Schema.HasWindow || _keyColumns.Count > 0);

    public void Write(TableRow row)
    {
        EnsureNotComplete();
        Validate(row);
        _store.Enqueue(new MemoryTableStore.WriteOp(MemoryTableStore.WriteKind.Row, this, row, null, null));
    }

    public void WriteBatch(IReadOnlyList<TableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        EnsureNotComplete();
        foreach (var row in rows)
        {
            Validate(row);
        }

        _store.Enqueue(new MemoryTableStore.WriteOp(MemoryTableStore.WriteKind.Rows, this, default, [.. rows], null));
    }

    public void ReplaceAll(IReadOnlyList<TableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            Validate(row);
        }

        _store.Enqueue(new MemoryTableStore.WriteOp(MemoryTableStore.WriteKind.Replace, this, default, [.. rows], null));
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => _store.FlushAsync(cancellationToken);

    internal long EvictedRows => Interlocked.Read(ref _evicted);

    internal void AddPending(long n) => Interlocked.Add(ref _pending, n);

    internal bool Matches(TableSchema schema, OutputMode mode, IReadOnlyList<string> keyColumns) =>
        mode == Mode
        && schema.HasWindow == Schema.HasWindow
        && schema.Columns.SequenceEqual(Schema.Columns)
        && keyColumns.SequenceEqual(_keyColumns, StringComparer.OrdinalIgnoreCase);

    internal TableInfo Info()
    {
        var columns = new List<TableColumnInfo>();
        if (Schema.HasWindow)
        {
            columns.Add(new("window_start", "TEXT"));
            columns.Add(new("window_end", "TEXT"));
            columns.Add(new("window_start_ms", "INTEGER"));
            columns.Add(new("window_end_ms", "INTEGER"));
        }

        columns.AddRange(Schema.Columns.Select(c => new TableColumnInfo(c.Name, SqlType(c.Type))));
        return new TableInfo(Table, Mode, Interlocked.Read(ref _rows), MaxRows, Interlocked.Read(ref _evicted), Interlocked.Read(ref _pending), columns);
    }

    internal void Create(SqliteConnection connection)
    {
        var names = Schema.AllColumnNames;
        var ddl = new StringBuilder();
        ddl.Append("CREATE TABLE ").Append(Quote(Table)).Append(" (");
        var first = true;
        if (Schema.HasWindow)
        {
            ddl.Append("window_start TEXT, window_end TEXT, window_start_ms INTEGER, window_end_ms INTEGER");
            first = false;
        }

        foreach (var column in Schema.Columns)
        {
            ddl.Append(first ? string.Empty : ", ").Append(Quote(column.Name)).Append(' ').Append(SqlType(column.Type));
            first = false;
        }

        ddl.Append(')');
        using (var create = connection.CreateCommand())
        {
            create.CommandText = ddl.ToString();
            create.ExecuteNonQuery();
        }

        var conflict = new List<string>();
        if (Upserts)
        {
            if (Schema.HasWindow)
            {
                conflict.Add("window_start_ms");
                conflict.Add("window_end_ms");
            }

            conflict.AddRange(_keyColumns.Select(k => Quote(Schema.Columns.First(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase)).Name)));
            using var index = connection.CreateCommand();
            index.CommandText = $"CREATE UNIQUE INDEX {Quote("ux_" + Table)} ON {Quote(Table)} ({string.Join(", ", conflict)})";
            index.ExecuteNonQuery();
        }

        var insert = new StringBuilder();
        insert.Append("INSERT INTO ").Append(Quote(Table)).Append(" (")
            .AppendJoin(", ", names.Select(Quote)).Append(") VALUES (")
            .AppendJoin(", ", names.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture))).Append(')');
        if (Upserts)
        {
            var updates = Schema.Columns.Select(c => Quote(c.Name)).Where(c => !conflict.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
            if (Schema.HasWindow)
            {
                updates.Add("window_start");
                updates.Add("window_end");
            }

            insert.Append(" ON CONFLICT (").AppendJoin(", ", conflict).Append(") DO ");
            if (updates.Count == 0)
            {
                insert.Append("NOTHING");
            }
            else
            {
                insert.Append("UPDATE SET ").AppendJoin(", ", updates.Select(u => u + " = excluded." + u));
            }
        }

        _insert = connection.CreateCommand();
        _insert.CommandText = insert.ToString();
        for (var i = 0; i < names.Count; i++)
        {
            _insert.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), DBNull.Value));
        }

        _clear = connection.CreateCommand();
        _clear.CommandText = "DELETE FROM " + Quote(Table);
        _count = connection.CreateCommand();
        _count.CommandText = "SELECT COUNT(*) FROM " + Quote(Table);
        _evict = connection.CreateCommand();
        _evict.CommandText = $"DELETE FROM {Quote(Table)} WHERE rowid IN (SELECT rowid FROM {Quote(Table)} ORDER BY rowid LIMIT $n)";
        _evict.Parameters.Add(new SqliteParameter("$n", 0L));
    }

    internal void Insert(SqliteConnection connection, SqliteTransaction transaction, in TableRow row)
    {
        var insert = _insert!;
        insert.Transaction = transaction;
        var parameters = insert.Parameters;
        if (Schema.HasWindow)
        {
            var start = row.WindowStart!.Value;
            var end = row.WindowEnd!.Value;
            parameters[0].Value = FormatInstant(start);
            parameters[1].Value = FormatInstant(end);
            parameters[2].Value = start.ToUnixTimeMilliseconds();
            parameters[3].Value = end.ToUnixTimeMilliseconds();
        }

        for (var i = 0; i < Schema.Columns.Count; i++)
        {
            parameters[_valueOffset + i].Value = ToSqlValue(row.Values[i]);
        }

        insert.ExecuteNonQuery();
    }

    internal void Replace(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<TableRow> rows)
    {
        _clear!.Transaction = transaction;
        _clear.ExecuteNonQuery();
        var skip = Math.Max(0, rows.Count - MaxRows);
        if (skip > 0)
        {
            Interlocked.Add(ref _evicted, skip);
        }

        for (var i = skip; i < rows.Count; i++)
        {
            Insert(connection, transaction, rows[i]);
        }
    }

    /// <summary>Deletes the oldest rows over the bound; returns how many.</summary>
    internal long Evict(SqliteConnection connection, SqliteTransaction transaction)
    {
        _count!.Transaction = transaction;
        var rows = Convert.ToInt64(_count.ExecuteScalar(), CultureInfo.InvariantCulture);
        long evicted = 0;
        if (rows > MaxRows)
        {
            evicted = rows - MaxRows;
            _evict!.Transaction = transaction;
            _evict.Parameters[0].Value = evicted;
            _evict.ExecuteNonQuery();
            Interlocked.Add(ref _evicted, evicted);

            rows = MaxRows;
        }

        Interlocked.Exchange(ref _rows, rows);
        return evicted;
    }

    internal void RefreshCount(SqliteConnection connection)
    {
        _count!.Transaction = null;
        Interlocked.Exchange(ref _rows, Convert.ToInt64(_count.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    internal void DisposeCommands()
    {
        _insert?.Dispose();
        _clear?.Dispose();
        _count?.Dispose();
        _evict?.Dispose();
    }

    internal static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static object ToSqlValue(object? value) => value switch
    {
        null => DBNull.Value,
        string s => s,
        long l => l,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        bool b => b ? 1L : 0L,
        double d => double.IsFinite(d) ? d : DBNull.Value,
        float f => float.IsFinite(f) ? (double)f : DBNull.Value,
        decimal m => (double)m,
        DateTimeOffset t => FormatInstant(t),
        DateTime t => t.Kind == DateTimeKind.Unspecified
            ? t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)
            : FormatInstant(new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero)),
        TimeSpan t => t.TotalSeconds,
        Enum e => e.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? (object)DBNull.Value,
    };

    internal static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Integer => "INTEGER",
        ColumnType.Real => "REAL",
        _ => "TEXT",
    };

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private void EnsureNotComplete()
    {
        if (Mode == OutputMode.Complete)
        {
            throw new InvalidOperationException($"Table '{Table}' is in complete mode: write each result table with ReplaceAll.");
        }
    }

    private void Validate(in TableRow row)
    {
        if (row.Values is null || row.Values.Count != Schema.Columns.Count)
        {
            throw new ArgumentException($"A row of table '{Table}' needs {Schema.Columns.Count} values, got {row.Values?.Count ?? 0}.", nameof(row));
        }

        if (Schema.HasWindow && (row.WindowStart is null || row.WindowEnd is null))
        {
            throw new ArgumentException($"Table '{Table}' has a window: give the row its window start and end.", nameof(row));
        }
    }
}

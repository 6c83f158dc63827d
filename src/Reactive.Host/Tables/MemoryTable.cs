using System.Buffers;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Reactive.Host.Analytics;

namespace Reactive.Host.Tables;

/// <summary>
/// One memory table: its bounded queue and writer, its DDL, its prepared insert or upsert, its bound.
/// The SQL commands are used by the table's writer only, under the store's writer lock.
/// </summary>
internal sealed class MemoryTable : ITableSink
{
    private readonly MemoryTableStore _store;
    private readonly IReadOnlyList<string> _keyColumns;
    private readonly int _valueOffset;
    private readonly Channel<WriteOp> _queue;
    private readonly TableQueueOptions _queueOptions;

    // Writers waiting for room (policy Wait) wait on this monitor; the writer pulses it after taking
    // a batch. A monitor, not a task: no thread-pool thread is needed to wake a waiting pipeline.
    private readonly object _room = new();

    // Rows are encoded into chunks as they are written (see RowChunk): the chunk being filled, and the free ones.
    private readonly object _encodeGate = new();
    private readonly Stack<RowChunk> _freeChunks = new();
    private RowChunk? _chunk;
    private int _chunksCreated;

    /// <summary>The most free chunks a table keeps (4 MB); more go to the garbage collector.</summary>
    internal const int MaxFreeChunks = 64;
    private int _waiting;
    private volatile bool _closed;
    private Task _loop = Task.CompletedTask;
    private long _dropped;
    private long _waitTicks;
    private long _lastDropWarning = long.MinValue;
    private PreparedInsert? _insert;
    private PreparedStatement? _clear;
    private SqliteCommand? _countRows;
    private PreparedStatement? _evict;
    private int _evictCount;
    private SqliteCommand? _maxRowid;
    private SqliteCommand? _deleteAbove;
    private long _lastRowid;
    private Exception? _failure;
    private long _rows;

    // The rows in the table as the writer's open transaction sees them; the writer's alone (under the store's writer
    // lock). Counted as rows go in, so that the bound is checked without a COUNT(*) per batch: SQLite counts by walking
    // every page of the table, which at the bound (100,000 rows) cost more than the batch's inserts.
    private long _count;
    private long _evicted;
    private long _pending;

    // Writes (rows, result tables; not flushes) in the queue and not taken by the writer yet: the queue's bound.
    private long _queued;

    // Flushes queued and not reached by the writer yet, and the signal that cuts the writer's gathering wait short
    // (set while it waits; see TablesOptions.CommitInterval).
    private int _flushesQueued;

    /// <summary>The writer gathers rows for its next commit only after a commit of fewer writes than this.</summary>
    internal const int GatherBelow = 64;
    private TaskCompletionSource? _wake;

    public MemoryTable(MemoryTableStore store, string table, TableSchema schema, OutputMode mode, IReadOnlyList<string> keyColumns, int maxRows, TableQueueOptions queue)
    {
        _store = store;
        Table = table;
        Schema = schema;
        Mode = mode;
        _keyColumns = keyColumns;
        MaxRows = maxRows;
        _valueOffset = schema.HasWindow ? 4 : 0;
        _queueOptions = queue;
        // Unbounded, with the bound kept by _queued: a single-reader unbounded channel's reader takes writes without the
        // lock its writers take, where a bounded channel's reader takes that lock for each write it takes — and the live
        // pipeline writing a row then waits while the writer holds it (measured at 100 k rows/s: 56 waits in 10 s of up
        // to 0.4 ms on the thread that reads the socket; bench/Reactive.Bench/README.md).
        _queue = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    }

    public string Table { get; }

    public OutputMode Mode { get; }

    public TableSchema Schema { get; }

    public int MaxRows { get; }

    /// <summary>Update mode with something to upsert on (window and/or keys); otherwise rows are appended.</summary>
    private bool Upserts => Mode == OutputMode.Update && (Schema.HasWindow || _keyColumns.Count > 0);

    public TableQueueOptions QueueOptions => _queueOptions;

    public long QueueLength => Volatile.Read(ref _queued);

    public long DroppedRows => Interlocked.Read(ref _dropped);

    public TimeSpan WaitTime => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));

    /// <summary>Writes queued or being applied.</summary>
    internal long PendingWrites => Interlocked.Read(ref _pending);

    /// <summary>Whether the writer is waiting for the rest of the commit interval to gather more rows (for tests).</summary>
    internal bool IsGathering => Volatile.Read(ref _wake) is not null;

    /// <summary>Writers waiting for room in the queue now.</summary>
    internal int WaitingWriters => Volatile.Read(ref _waiting);

    /// <summary>Completes when the writer has drained the queue after <see cref="Close"/>.</summary>
    internal Task Completion => _loop;

    public void Write(TableRow row)
    {
        EnsureNotComplete();
        Validate(row);
        Enqueue(Encode(row), 1);
    }

    public void WriteBatch(IReadOnlyList<TableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        EnsureNotComplete();

        // Index loops: foreach over the interface would box an enumerator per batch (a batch is one row for per-row kinds).
        for (var i = 0; i < rows.Count; i++)
        {
            Validate(rows[i]);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            Enqueue(Encode(rows[i]), 1);
        }
    }

    public void ReplaceAll(IReadOnlyList<TableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            Validate(row);
        }

        Enqueue(new WriteOp(WriteKind.Replace, [.. rows], null), rows.Count);
    }

    /// <inheritdoc />
    public long CommitMark()
    {
        FlushAsync().GetAwaiter().GetResult();
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new InvalidOperationException($"Table '{Table}': the writer failed on a batch and dropped its writes, so the table cannot be marked as holding every row written.", failure);
        }

        return _store.MaxRowid(this);
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _flushesQueued);
        // A flush is never dropped, and takes no room: it goes in whatever the policy and however full the queue.
        if (!_queue.Writer.TryWrite(new WriteOp(WriteKind.Flush, null, done)))
        {
            Interlocked.Decrement(ref _flushesQueued);

            // Closed: the writer drains what is queued; wait for that instead.
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // A writer gathering rows for its next commit does not keep a flush waiting.
        Volatile.Read(ref _wake)?.TrySetResult();

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Remembers the first failed batch: <see cref="CommitMark"/> throws from then on.</summary>
    internal void Failed(Exception exception) => Interlocked.CompareExchange(ref _failure, exception, null);

    internal long EvictedRows => Interlocked.Read(ref _evicted);

    internal void Start() => _loop = Task.Run(RunWriterAsync);

    /// <summary>Takes no more writes; the writer drains what is queued, and waiting writers give up.</summary>
    internal void Close()
    {
        lock (_room)
        {
            _closed = true;
            _queue.Writer.TryComplete();
            Monitor.PulseAll(_room);
        }

        Volatile.Read(ref _wake)?.TrySetResult();
    }

    /// <summary>
    /// The row, encoded into the chunk being filled (a new one when it is full): the queue keeps its bytes, not the row's
    /// objects, so <see cref="Write"/>'s caller may reuse the row's values array once it returns.
    /// </summary>
    private WriteOp Encode(in TableRow row)
    {
        // Values of other types are converted once, so that what is measured is what is appended.
        var values = RowChunk.Converted(row.Values);
        var fields = ArrayPool<FieldValue>.Shared.Rent(values.Count);
        try
        {
            for (var i = 0; i < values.Count; i++)
            {
                fields[i] = RowChunk.ToField(values[i]);
            }

            return Encode(fields.AsSpan(0, values.Count), row.WindowStart, row.WindowEnd, trimmedTimes: false);
        }
        finally
        {
            // Cleared: the pool keeps no strings of the table's alive.
            ArrayPool<FieldValue>.Shared.Return(fields, clearArray: true);
        }
    }

    /// <summary>
    /// Writes one row given as unboxed values, in the table's column order, each as a result row's sink gives it (times
    /// become ISO text with the precision they need): what <see cref="Write"/> does for a result row, with nothing
    /// allocated for it. The values are copied before the call returns.
    /// </summary>
    /// <exception cref="ArgumentException">The number of values is not the table's, or a windowed table's row has no window.</exception>
    internal void Write(ReadOnlySpan<FieldValue> values, DateTimeOffset? windowStart, DateTimeOffset? windowEnd)
    {
        EnsureNotComplete();
        Validate(values.Length, windowStart, windowEnd, nameof(values));
        Enqueue(Encode(values, windowStart, windowEnd, trimmedTimes: true), 1);
    }

    private WriteOp Encode(ReadOnlySpan<FieldValue> values, DateTimeOffset? windowStart, DateTimeOffset? windowEnd, bool trimmedTimes)
    {
        var window = Schema.HasWindow;
        var most = RowChunk.MaxLength(values, window);
        lock (_encodeGate)
        {
            var chunk = _chunk;
            if (chunk is null || !chunk.Fits(most))
            {
                var next = most > RowChunk.Size ? NewChunk(most) : TakeChunk();
                if (chunk is not null)
                {
                    // The encoder's own reference (only once the next chunk exists): the chunk goes back to the free
                    // list when the writer is done with its rows.
                    Release(chunk);
                }

                chunk = next;
                _chunk = chunk;
            }

            var offset = chunk.Append(values, windowStart, windowEnd, window, trimmedTimes);
            if (!chunk.Pooled)
            {
                // A large row's own chunk: nothing else goes into it.
                Release(chunk);
                _chunk = null;
            }

            return new WriteOp(WriteKind.Row, null, null, chunk, offset, chunk.Used - offset);
        }
    }

    private RowChunk TakeChunk()
    {
        lock (_freeChunks)
        {
            if (_freeChunks.TryPop(out var free))
            {
                free.Reset();
                return free;
            }
        }

        return NewChunk(RowChunk.Size);
    }

    private RowChunk NewChunk(int size)
    {
        Interlocked.Increment(ref _chunksCreated);
        return new RowChunk(size);
    }

    /// <summary>Chunks allocated so far, not taken from the free list (for tests).</summary>
    internal int ChunksCreated => Volatile.Read(ref _chunksCreated);

    /// <summary>Drops a reference to <paramref name="chunk"/> (a row applied or dropped, or the encoder's); the last one frees it.</summary>
    internal void Release(RowChunk chunk)
    {
        if (chunk.Release() && chunk.Pooled)
        {
            lock (_freeChunks)
            {
                if (_freeChunks.Count < MaxFreeChunks)
                {
                    _freeChunks.Push(chunk);
                }
            }
        }
    }

    /// <summary>Free chunks kept for reuse (for tests).</summary>
    internal int FreeChunks
    {
        get
        {
            lock (_freeChunks)
            {
                return _freeChunks.Count;
            }
        }
    }

    private void Enqueue(WriteOp op, int rows)
    {
        if (_closed)
        {
            // Shutting down: the tables are going away with the process.
            ReleaseRow(op);
            return;
        }

        Interlocked.Increment(ref _pending);
        if (TryReserve())
        {
            Put(op);
            return;
        }

        if (_queueOptions.WhenFull == TableFullPolicy.Drop || _closed)
        {
            Interlocked.Decrement(ref _pending);
            ReleaseRow(op);
            Drop(rows);
            return;
        }

        WaitForRoom(op);
    }

    /// <summary>Takes room for one write in the queue; false when it holds <see cref="TableQueueOptions.Capacity"/> already.</summary>
    private bool TryReserve()
    {
        // Compare-and-swap, not increment-then-undo: the count (QueueLength, in progress and metrics) never shows more
        // than the capacity, not even for a moment.
        var queued = Volatile.Read(ref _queued);
        while (queued < _queueOptions.Capacity)
        {
            var seen = Interlocked.CompareExchange(ref _queued, queued + 1, queued);
            if (seen == queued)
            {
                return true;
            }

            queued = seen;
        }

        return false;
    }

    /// <summary>Queues a write that has its room; one that finds the queue closed (the store stopping) gives it back.</summary>
    private void Put(in WriteOp op)
    {
        if (!_queue.Writer.TryWrite(op))
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Decrement(ref _pending);
            ReleaseRow(op);
        }
    }

    private void ReleaseRow(in WriteOp op)
    {
        if (op.Chunk is { } chunk)
        {
            Release(chunk);
        }
    }

    private void WaitForRoom(WriteOp op)
    {
        var time = _store.Time;
        var started = time.GetTimestamp();
        lock (_room)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                while (true)
                {
                    if (TryReserve())
                    {
                        Put(op);
                        break;
                    }

                    if (_closed)
                    {
                        Interlocked.Decrement(ref _pending);
                        ReleaseRow(op);
                        break;
                    }

                    Monitor.Wait(_room);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        Interlocked.Add(ref _waitTicks, time.GetElapsedTime(started).Ticks);
    }

    private void Drop(int rows)
    {
        if (_closed)
        {
            return;
        }

        var dropped = Interlocked.Add(ref _dropped, rows);
        var time = _store.Time;
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropWarning);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= _store.Options.DropWarningInterval)
            && Interlocked.CompareExchange(ref _lastDropWarning, now, last) == last)
        {
            Log.RowsDropped(_store.Logger, Table, _queueOptions.Capacity, dropped);
        }
    }

    private async Task RunWriterAsync()
    {
        var maxBatch = _store.Options.MaxBatchRows;
        var batch = new List<WriteOp>(Math.Min(maxBatch, 4096));
        var reader = _queue.Reader;
        var stopping = _store.Stopping;
        var interval = _store.Options.CommitInterval;
        var time = _store.Time;
        long? lastCommit = null;
        var lastBatch = 0;
        try
        {
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                // Only while writes trickle in: a large last batch means the writer is busy anyway, and rows kept waiting
                // would outlive the GC's youngest generation (measured: at 100 k rows/s, gen1 collections 0 → 12 a second).
                if (lastCommit is { } last && lastBatch < GatherBelow && interval > TimeSpan.Zero && interval - time.GetElapsedTime(last) is { Ticks: > 0 } wait)
                {
                    await GatherAsync(wait, time, stopping).ConfigureAwait(false);
                }

                if (_store.BeforeBatch is { } before)
                {
                    await before(stopping).ConfigureAwait(false);
                }

                var taken = 0;
                while (batch.Count < maxBatch && reader.TryRead(out var op))
                {
                    batch.Add(op);
                    if (op.Kind != WriteKind.Flush)
                    {
                        taken++;
                    }
                }

                // Room for as many writes as were taken, before waiting writers are woken to take it.
                Interlocked.Add(ref _queued, -taken);

                if (Volatile.Read(ref _waiting) > 0)
                {
                    lock (_room)
                    {
                        Monitor.PulseAll(_room);
                    }
                }

                _store.Apply(this, batch);
                foreach (var op in batch)
                {
                    if (op.Kind == WriteKind.Flush)
                    {
                        op.Done!.TrySetResult();
                    }
                    else
                    {
                        ReleaseRow(op);
                    }
                }

                // The writes taken are the ones applied; the rest of the batch were flushes.
                Interlocked.Add(ref _pending, -taken);
                if (taken < batch.Count)
                {
                    Interlocked.Add(ref _flushesQueued, taken - batch.Count);
                }

                var full = batch.Count >= maxBatch;
                lastBatch = batch.Count;
                batch.Clear();
                lastCommit = time.GetTimestamp();
                if (full)
                {
                    // More is queued: a thread woken on this core meanwhile (the live pipeline whose rows these are, the
                    // source feeding it) runs before the next commit, not when the writer's time slice ends.
                    Thread.Yield();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Flushes still queued (the store stopped before the writer reached them) must not hang.
            while (reader.TryRead(out var op))
            {
                op.Done?.TrySetResult();
            }

            foreach (var op in batch)
            {
                op.Done?.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Waits <paramref name="wait"/> (the rest of <see cref="TablesOptions.CommitInterval"/> since the last commit) for more
    /// rows to gather into the next commit; a queued flush, <see cref="Close"/> or the store's stopping ends the wait early.
    /// </summary>
    private async Task GatherAsync(TimeSpan wait, TimeProvider time, CancellationToken stopping)
    {
        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _wake, wake);
        try
        {
            // Read after the signal is published: a flush queued before it is seen here, one queued after it sets it.
            if (Volatile.Read(ref _flushesQueued) == 0 && !_closed)
            {
                await Task.WhenAny(Task.Delay(wait, time, stopping), wake.Task).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _wake, null);
        }
    }

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
        return new TableInfo(Table, Mode, Interlocked.Read(ref _rows), MaxRows, Interlocked.Read(ref _evicted), PendingWrites, columns)
        {
            QueueLength = QueueLength,
            QueueCapacity = _queueOptions.Capacity,
            WhenFull = _queueOptions.WhenFull,
            DroppedRows = DroppedRows,
            WaitTime = WaitTime,
        };
    }

    /// <summary>
    /// The table's <c>CREATE TABLE</c> statement as SQLite keeps it in <c>sqlite_schema</c>. A comment
    /// records the output mode and key columns, so that a durable table reopened by
    /// <see cref="MemoryTableStore.Resume"/> is kept only when columns, types, window, mode and keys are all the same.
    /// </summary>
    internal string Ddl()
    {
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

        ddl.Append(" /* reactive: ").Append(Mode.ToString());
        if (_keyColumns.Count > 0)
        {
            ddl.Append(" by ").AppendJoin(", ", _keyColumns.Select(k => Schema.Columns.First(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase)).Name));
        }

        return ddl.Append(" */)").ToString();
    }

    /// <summary>The <c>CREATE UNIQUE INDEX</c> statement that upserts rely on; null when the table does not upsert.</summary>
    internal string? IndexDdl() =>
        Upserts ? $"CREATE UNIQUE INDEX {Quote("ux_" + Table)} ON {Quote(Table)} ({string.Join(", ", ConflictColumns())})" : null;

    /// <summary>Drops a table of that name if there is one, creates the table empty, and prepares its commands.</summary>
    internal void Create(SqliteConnection connection)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"DROP TABLE IF EXISTS {Quote(Table)}; {Ddl()}";
            create.ExecuteNonQuery();
        }

        if (IndexDdl() is { } indexDdl)
        {
            using var index = connection.CreateCommand();
            index.CommandText = indexDdl;
            index.ExecuteNonQuery();
        }

        Interlocked.Exchange(ref _lastRowid, 0);
        _count = 0;
        Interlocked.Exchange(ref _rows, 0);
        Prepare(connection);
    }

    /// <summary>
    /// Keeps the table as it is in the database, deletes its rows above <paramref name="mark"/> and
    /// returns how many; row ids go on above the mark and above every row id in the table, never
    /// reusing one at or below a mark. Under the store's writer lock.
    /// </summary>
    internal long Reopen(SqliteConnection connection, long mark)
    {
        if (_insert is null)
        {
            Prepare(connection);
        }

        var deleted = DeleteAbove(mark);
        Interlocked.Exchange(ref _lastRowid, Math.Max(mark, MaxRowid()));
        RefreshCount(connection);
        return deleted;
    }

    /// <summary>The largest row id in the table; 0 when it is empty. Under the store's writer lock.</summary>
    internal long MaxRowid()
    {
        _maxRowid!.Transaction = null;
        return Convert.ToInt64(_maxRowid.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private long DeleteAbove(long mark)
    {
        _deleteAbove!.Transaction = null;
        _deleteAbove.Parameters[0].Value = mark;
        return _deleteAbove.ExecuteNonQuery();
    }

    private List<string> ConflictColumns()
    {
        var conflict = new List<string>();
        if (Upserts)
        {
            if (Schema.HasWindow)
            {
                conflict.Add("window_start_ms");
                conflict.Add("window_end_ms");
            }

            conflict.AddRange(_keyColumns.Select(k => Quote(Schema.Columns.First(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase)).Name)));
        }

        return conflict;
    }

    private void Prepare(SqliteConnection connection)
    {
        var names = Schema.AllColumnNames;
        var conflict = ConflictColumns();
        var insert = new StringBuilder();
        // An explicit row id from a counter that only grows (as AUTOINCREMENT would, without a visible
        // column): rows written after a mark always have ids above it, even in complete mode after a
        // clear. An upsert that updates keeps the row's id.
        insert.Append("INSERT INTO ").Append(Quote(Table)).Append(" (rowid, ")
            .AppendJoin(", ", names.Select(Quote)).Append(") VALUES ($rowid, ")
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

        _insert = new PreparedInsert(connection, insert.ToString(), names.Count);

        _clear = new PreparedStatement(connection, "DELETE FROM " + Quote(Table));
        _countRows = connection.CreateCommand();
        _countRows.CommandText = "SELECT COUNT(*) FROM " + Quote(Table);
        _evict = new PreparedStatement(connection, $"DELETE FROM {Quote(Table)} WHERE rowid IN (SELECT rowid FROM {Quote(Table)} ORDER BY rowid LIMIT $n)");
        _evictCount = _evict.Parameter("$n");
        _maxRowid = connection.CreateCommand();
        _maxRowid.CommandText = "SELECT COALESCE(MAX(rowid), 0) FROM " + Quote(Table);
        _deleteAbove = connection.CreateCommand();
        _deleteAbove.CommandText = $"DELETE FROM {Quote(Table)} WHERE rowid > $mark";
        _deleteAbove.Parameters.Add(new SqliteParameter("$mark", 0L));
    }

    /// <summary>Inserts (or upserts) one written row, from its encoded bytes. Under the store's writer lock, in its transaction.</summary>
    internal void Insert(SqliteConnection connection, in WriteOp op)
    {
        var chunk = op.Chunk!;
        RowChunk.Bind(chunk.Bytes.AsSpan(op.Offset, op.Length), _insert!, Schema.HasWindow, Schema.Columns.Count);
        Run(connection);
    }

    internal void Insert(SqliteConnection connection, in TableRow row)
    {
        // The open transaction is the connection's: the prepared insert runs inside it.
        var insert = _insert!;
        if (Schema.HasWindow)
        {
            var start = row.WindowStart!.Value;
            var end = row.WindowEnd!.Value;
            insert.Bind(0, FormatInstant(start));
            insert.Bind(1, FormatInstant(end));
            insert.Bind(2, start.ToUnixTimeMilliseconds());
            insert.Bind(3, end.ToUnixTimeMilliseconds());
        }

        for (var i = 0; i < Schema.Columns.Count; i++)
        {
            insert.Bind(_valueOffset + i, ToSqlValue(row.Values[i]));
        }

        Run(connection);
    }

    /// <summary>Runs the insert with the values bound, under the next row id; counts the row when it added one.</summary>
    private void Run(SqliteConnection connection)
    {
        var rowid = Interlocked.Increment(ref _lastRowid);
        var changed = _insert!.Run(rowid);
        // An upsert that updated a row (or did nothing) added none; SQLite leaves the last inserted row id as it was then.
        if (Upserts ? SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle) == rowid : changed > 0)
        {
            _count++;
        }
    }

    /// <summary>Replaces the table's rows (<see cref="ReplaceAll"/>). Under the store's writer lock, in the batch's transaction (begun by the store on the connection, with no transaction object).</summary>
    internal void Replace(SqliteConnection connection, IReadOnlyList<TableRow> rows)
    {
        _clear!.Run();
        _count = 0;
        var skip = Math.Max(0, rows.Count - MaxRows);
        if (skip > 0)
        {
            Interlocked.Add(ref _evicted, skip);
        }

        for (var i = skip; i < rows.Count; i++)
        {
            Insert(connection, rows[i]);
        }
    }

    /// <summary>Deletes the oldest rows over the bound; returns how many.</summary>
    internal long Evict()
    {
        long evicted = 0;
        if (_count > MaxRows)
        {
            evicted = _count - MaxRows;
            _evict!.Bind(_evictCount, evicted);
            _evict.Run();
            Interlocked.Add(ref _evicted, evicted);
            _count = MaxRows;
        }

        Interlocked.Exchange(ref _rows, _count);
        return evicted;
    }

    /// <summary>Counts the table's rows in the database (at start, and after a failed batch rolled back). Under the store's writer lock.</summary>
    internal void RefreshCount(SqliteConnection connection)
    {
        _countRows!.Transaction = null;
        _count = Convert.ToInt64(_countRows.ExecuteScalar(), CultureInfo.InvariantCulture);
        Interlocked.Exchange(ref _rows, _count);
    }

    internal void DisposeCommands()
    {
        _insert?.Dispose();
        _clear?.Dispose();
        _countRows?.Dispose();
        _evict?.Dispose();
        _maxRowid?.Dispose();
        _deleteAbove?.Dispose();
    }

    /// <summary>An instant as ISO-8601 UTC to the millisecond (<c>2014-03-03T14:30:00.000Z</c>): window bounds and times in tables and files.</summary>
    internal static string FormatInstant(DateTimeOffset instant)
    {
        Span<char> text = stackalloc char[Analytics.IsoTime.MaxLength];
        return new string(text[..Analytics.IsoTime.FormatMilliseconds(instant, text)]);
    }

    /// <remarks>A string, long or finite double is passed on as the object it is: re-boxing it would allocate per value per insert.</remarks>
    internal static object ToSqlValue(object? value) => value switch
    {
        null or DBNull => DBNull.Value,
        string or long => value,
        double d => double.IsFinite(d) ? value : DBNull.Value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        bool b => b ? 1L : 0L,
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
        if (row.Values is null)
        {
            throw new ArgumentException($"A row of table '{Table}' needs {Schema.Columns.Count} values, got none.", nameof(row));
        }

        Validate(row.Values.Count, row.WindowStart, row.WindowEnd, nameof(row));
    }

    private void Validate(int values, DateTimeOffset? windowStart, DateTimeOffset? windowEnd, string parameter)
    {
        if (values != Schema.Columns.Count)
        {
            throw new ArgumentException($"A row of table '{Table}' needs {Schema.Columns.Count} values, got {values}.", parameter);
        }

        if (Schema.HasWindow && (windowStart is null || windowEnd is null))
        {
            throw new ArgumentException($"Table '{Table}' has a window: give the row its window start and end.", parameter);
        }
    }

    internal enum WriteKind
    {
        Row,
        Replace,
        Flush,
    }

    /// <summary>A queued write: a row (its bytes in <paramref name="Chunk"/>), a whole result table, or a flush.</summary>
    internal readonly record struct WriteOp(WriteKind Kind, IReadOnlyList<TableRow>? Rows, TaskCompletionSource? Done, RowChunk? Chunk = null, int Offset = 0, int Length = 0);
}

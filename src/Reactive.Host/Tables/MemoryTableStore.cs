using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Reactive.Host.Tables;

/// <summary>
/// The named memory tables of the service: one SQLite database that the tables' writers fill in
/// batched transactions (one at a time) and that read-only SQL connections query at the same time.
/// Each table has a bounded queue between the pipeline and its writer (<see cref="TableQueueOptions"/>). It lives in a file on a
/// memory file system (<c>/dev/shm</c> on Linux) in WAL mode, so a long query never blocks the writer
/// (SQLite's pure in-memory databases share data only through shared-cache mode, where a reader
/// blocks the writer); the file is deleted when the store stops. One per host.
/// </summary>
public sealed class MemoryTableStore : IDisposable, IAsyncDisposable
{
    private readonly TablesOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteConnection _writer;
    private readonly Lock _writerLock = new();

    // A batch's transaction, prepared once on the writer connection (see PreparedStatement).
    private readonly PreparedStatement _begin;
    private readonly PreparedStatement _commit;
    private readonly PreparedStatement _rollback;
    private readonly ConcurrentDictionary<string, MemoryTable> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private ImmutableArray<ITableStoreObserver> _observers = [];
    private int _disposed;

    // Set under the writer lock when the writer connection is closed: a writer that still holds a batch then drops it.
    private bool _writerClosed;

    // Tables:WriterYieldInterval in the time provider's timestamp units (0: off).
    private readonly long _yieldTicks;

    // The progress handler (kept alive: SQLite holds only a handle to it), the last yield's timestamp (under the writer
    // lock) and the yields so far.
    private readonly SQLitePCL.delegate_progress? _onProgress;
    private long _lastYield;
    private long _yields;

    /// <summary>Creates the store.</summary>
    public MemoryTableStore(IOptions<TablesOptions> options, ILogger<MemoryTableStore>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _yieldTicks = (long)(_options.WriterYieldInterval.TotalSeconds * _timeProvider.TimestampFrequency);
        if (string.IsNullOrWhiteSpace(_options.DurableDirectory))
        {
            var directory = string.IsNullOrWhiteSpace(_options.Directory) ? DefaultDirectory() : _options.Directory;
            Directory.CreateDirectory(directory);
            DeleteStaleFiles(directory);
            DatabasePath = Path.Combine(directory, $"{FilePrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.db");
        }
        else
        {
            Directory.CreateDirectory(_options.DurableDirectory);
            DatabasePath = Path.Combine(_options.DurableDirectory, DurableFileName);
            IsDurable = true;
        }

        WriterConnectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
        ReaderConnectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString();
        _writer = new SqliteConnection(WriterConnectionString);
        _writer.Open();
        using (var setup = _writer.CreateCommand())
        {
            // WAL: readers see the last commit and never block the writer, nor the writer them.
            // In memory nothing has to survive a crash, so no fsync; durable tables survive a killed
            // process (synchronous NORMAL in WAL mode: a commit is lost only with the machine's power).
            setup.CommandText = IsDurable
                ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;"
                : "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;";
            setup.ExecuteNonQuery();
        }

        _begin = new PreparedStatement(_writer, "BEGIN");
        _commit = new PreparedStatement(_writer, "COMMIT");
        _rollback = new PreparedStatement(_writer, "ROLLBACK");
        if (_yieldTicks > 0)
        {
            _onProgress = YieldWhenDue;
            SQLitePCL.raw.sqlite3_progress_handler(_writer.Handle, ProgressInstructions, _onProgress, null);
        }
    }

    /// <summary>SQLite's virtual-machine instructions between two calls of the writer's progress handler (a row's insert takes a few dozen).</summary>
    internal const int ProgressInstructions = 1000;

    /// <summary>
    /// The writer connection's progress handler: yields the core once <see cref="TablesOptions.WriterYieldInterval"/> has
    /// passed since the last yield (or since the batch took the writer). SQLite calls it inside any statement the writer
    /// connection runs — a batch's inserts, an eviction's delete, the tables' DDL — on the thread that runs it; not
    /// while a commit appends its pages to the WAL (that is the pager's work, not the virtual machine's instructions).
    /// </summary>
    private int YieldWhenDue(object user)
    {
        try
        {
            if (_timeProvider.GetTimestamp() - _lastYield >= _yieldTicks)
            {
                Thread.Yield();
                Interlocked.Increment(ref _yields);
                _lastYield = _timeProvider.GetTimestamp();
            }
        }
        catch (Exception)
        {
            // Nothing may unwind through SQLite's native frames (it would end the process): a clock that throws only
            // costs the yield, and the statement goes on.
        }

        // 0: go on (non-zero would interrupt the statement).
        return 0;
    }

    /// <summary>How many times the writer yielded inside a batch (for tests).</summary>
    internal long WriterYields => Interlocked.Read(ref _yields);

    /// <summary>The file name of the durable tables' database in <see cref="TablesOptions.DurableDirectory"/>.</summary>
    public const string DurableFileName = "tables.db";

    private const string FilePrefix = "reactive-tables-";

    /// <summary>
    /// The database file: on a memory file system when there is one, deleted when the store stops; or
    /// <c>tables.db</c> in <see cref="TablesOptions.DurableDirectory"/>, kept.
    /// </summary>
    public string DatabasePath { get; }

    /// <summary>Whether the tables live in <see cref="TablesOptions.DurableDirectory"/> and survive the process.</summary>
    public bool IsDurable { get; }

    /// <summary>The connection string for read-only query connections.</summary>
    internal string ReaderConnectionString { get; }

    internal string WriterConnectionString { get; }

    /// <summary>Writes queued and not applied yet, over all tables.</summary>
    public long PendingWrites => _tables.Values.Sum(t => t.PendingWrites);

    internal TablesOptions Options => _options;

    internal ILogger Logger => _logger;

    internal TimeProvider Time => _timeProvider;

    internal CancellationToken Stopping => _stopping.Token;

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Awaited by each table's writer before it takes a batch from its queue (tests make a slow writer with it).</summary>
    internal Func<CancellationToken, ValueTask>? BeforeBatch { get; set; }

    /// <summary>Adds an observer of what the writers do (metrics).</summary>
    public void AddObserver(ITableStoreObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ImmutableInterlocked.Update(ref _observers, static (list, o) => list.Add(o), observer);
    }

    /// <summary>
    /// Returns the sink of table <paramref name="table"/>, creating the table on first use. A second
    /// call with the same schema and mode returns the same sink (a restarted pipeline keeps its table).
    /// A durable store drops a table of that name left in its database by an earlier process and
    /// creates it empty; <see cref="Resume"/> keeps it instead.
    /// </summary>
    /// <param name="table">The table name (a plain identifier).</param>
    /// <param name="schema">The columns.</param>
    /// <param name="mode">The output mode.</param>
    /// <param name="keyColumns">In update mode, the columns that with the window identify a row.</param>
    /// <param name="maxRows">The row bound; <see cref="TablesOptions.MaxRowsPerTable"/> when null.</param>
    /// <param name="queue">
    /// The table's queue; <see cref="TablesOptions.QueueCapacity"/> and <see cref="TablesOptions.WhenFull"/>
    /// when null. A table that exists keeps its queue.
    /// </param>
    /// <exception cref="ArgumentException">A bad name, or the table exists with another schema or mode.</exception>
    public ITableSink GetOrCreate(string table, TableSchema schema, OutputMode mode, IReadOnlyList<string>? keyColumns = null, int? maxRows = null, TableQueueOptions? queue = null)
    {
        var (keys, queueOptions) = CheckArguments(table, schema, keyColumns, maxRows, queue);
        lock (_writerLock)
        {
            if (Registered(table, schema, mode, keys) is { } existing)
            {
                return existing;
            }

            var created = new MemoryTable(this, table, schema, mode, keys, maxRows ?? _options.MaxRowsPerTable, queueOptions);
            created.Create(_writer);
            return Register(created);
        }
    }

    /// <summary>
    /// Returns the sink of table <paramref name="table"/> for a checkpointed pipeline that restarts after
    /// the batch whose commit recorded <paramref name="mark"/> (<see cref="ITableSink.CommitMark"/>; 0
    /// before any commit). When the durable database holds the table with the same columns, types,
    /// window, output mode and key columns, the table is kept and its rows above the mark (what an
    /// uncommitted batch wrote before the crash) are deleted; otherwise it is created empty, with a
    /// warning that earlier results are not in it. Without <see cref="TablesOptions.DurableDirectory"/>,
    /// the same as <see cref="GetOrCreate"/>.
    /// </summary>
    /// <param name="table">The table name (a plain identifier).</param>
    /// <param name="schema">The columns.</param>
    /// <param name="mode">The output mode.</param>
    /// <param name="keyColumns">In update mode, the columns that with the window identify a row.</param>
    /// <param name="maxRows">The row bound; <see cref="TablesOptions.MaxRowsPerTable"/> when null.</param>
    /// <param name="queue">The table's queue; <see cref="TablesOptions.QueueCapacity"/> and <see cref="TablesOptions.WhenFull"/> when null.</param>
    /// <param name="mark">The commit mark recorded with the last committed batch.</param>
    /// <exception cref="ArgumentException">A bad name, or the table is open in this store with another schema or mode.</exception>
    public ITableSink Resume(string table, TableSchema schema, OutputMode mode, IReadOnlyList<string>? keyColumns = null, int? maxRows = null, TableQueueOptions? queue = null, long mark = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mark);
        if (!IsDurable)
        {
            return GetOrCreate(table, schema, mode, keyColumns, maxRows, queue);
        }

        var (keys, queueOptions) = CheckArguments(table, schema, keyColumns, maxRows, queue);
        MemoryTable? open;
        lock (_writerLock)
        {
            open = Registered(table, schema, mode, keys);
            if (open is null)
            {
                var resumed = new MemoryTable(this, table, schema, mode, keys, maxRows ?? _options.MaxRowsPerTable, queueOptions);
                if (SameDefinition(resumed))
                {
                    var deleted = resumed.Reopen(_writer, mark);
                    Log.TableResumed(_logger, table, mark, deleted, resumed.Info().Rows);
                }
                else
                {
                    Log.TableRecreated(_logger, table, mark);
                    resumed.Create(_writer);
                }

                return Register(resumed);
            }
        }

        // Open in this store already: what is queued goes in first, then the rows above the mark go.
        open.FlushAsync().GetAwaiter().GetResult();
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var deleted = open.Reopen(_writer, mark);
            Log.TableResumed(_logger, table, mark, deleted, open.Info().Rows);
            return open;
        }
    }

    /// <summary>The tables, by name.</summary>
    public IReadOnlyList<TableInfo> Tables =>
        [.. _tables.Values.OrderBy(t => t.Table, StringComparer.Ordinal).Select(t => t.Info())];

    /// <summary>Whether a table of that name exists (case-insensitive, as in SQL).</summary>
    public bool Exists(string table) => _tables.ContainsKey(table);

    /// <summary>Whether a table with window columns exists.</summary>
    public bool AnyWindowed => _tables.Values.Any(t => t.Schema.HasWindow);

    /// <summary>The window columns' names of the windowed tables (<see cref="TableSchema.WindowName"/>).</summary>
    public IEnumerable<string> WindowNames => _tables.Values.Where(t => t.Schema.HasWindow).Select(t => t.Schema.WindowName);

    /// <summary>Completes when every write queued before the call is applied, in every table.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_tables.Values.Select(t => t.FlushAsync(cancellationToken)));

    /// <summary>The largest row id of <paramref name="table"/> (see <see cref="ITableSink.CommitMark"/>).</summary>
    internal long MaxRowid(MemoryTable table)
    {
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return table.MaxRowid();
        }
    }

    private (IReadOnlyList<string> Keys, TableQueueOptions Queue) CheckArguments(string table, TableSchema schema, IReadOnlyList<string>? keyColumns, int? maxRows, TableQueueOptions? queue)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        TableSchema.ValidateName(table, "table");
        ArgumentNullException.ThrowIfNull(schema);
        if (maxRows is { } m)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m, nameof(maxRows));
        }

        queue ??= _options.Queue;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queue.Capacity, nameof(queue));

        keyColumns ??= [];
        foreach (var key in keyColumns)
        {
            if (!schema.Columns.Any(c => string.Equals(c.Name, key, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"Key column '{key}' is not a column of table '{table}'.", nameof(keyColumns));
            }
        }

        return (keyColumns, queue);
    }

    /// <summary>The table of that name open in this store, if any; under the writer lock.</summary>
    /// <exception cref="ArgumentException">It is open with another schema or mode.</exception>
    private MemoryTable? Registered(string table, TableSchema schema, OutputMode mode, IReadOnlyList<string> keyColumns)
    {
        if (!_tables.TryGetValue(table, out var existing))
        {
            return null;
        }

        if (!existing.Matches(schema, mode, keyColumns))
        {
            throw new ArgumentException($"Table '{table}' exists already with other columns or another output mode; give this pipeline another table name.", nameof(table));
        }

        return existing;
    }

    /// <summary>Starts the writer of a table just created or reopened; under the writer lock.</summary>
    private MemoryTable Register(MemoryTable table)
    {
        _tables[table.Table] = table;
        table.Start();
        Log.TableCreated(_logger, table.Table, table.Mode, table.MaxRows, table.QueueOptions.Capacity, table.QueueOptions.WhenFull);
        return table;
    }

    /// <summary>Whether the database holds the table with exactly the definition (table and index) <paramref name="table"/> would create.</summary>
    private bool SameDefinition(MemoryTable table)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = "SELECT type, sql FROM sqlite_schema WHERE tbl_name = $name COLLATE NOCASE AND sql IS NOT NULL";
        command.Parameters.AddWithValue("$name", table.Table);
        var found = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                found.Add(reader.GetString(1));
            }
        }

        string[] expected = table.IndexDdl() is { } index ? [table.Ddl(), index] : [table.Ddl()];
        return found.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>Opens a new read-only connection on the tables (the caller disposes it).</summary>
    internal SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(ReaderConnectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA query_only = 1; PRAGMA temp_store = MEMORY;";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Applies one batch of a table's queued writes in one transaction (the tables' writers take turns).</summary>
    internal void Apply(MemoryTable table, List<MemoryTable.WriteOp> batch)
    {
        var started = _timeProvider.GetTimestamp();
        var rows = 0;
        long evicted = 0;
        lock (_writerLock)
        {
            if (_writerClosed)
            {
                // The store stopped before this writer drained its queue (its 10 seconds ran out): the tables are gone.
                return;
            }

            try
            {
                // The batch's first yield is due an interval after it holds the writer (not after it began to wait).
                _lastYield = _timeProvider.GetTimestamp();

                // A transaction still open here is an earlier batch's whose rollback failed (that batch's failure was
                // logged): its rows go, and this batch begins afresh instead of failing on BEGIN as every later one would.
                RollBack();
                _begin.Run();
                try
                {
                    foreach (var op in batch)
                    {
                        switch (op.Kind)
                        {
                            case MemoryTable.WriteKind.Row:
                                table.Insert(_writer, op);
                                rows++;
                                break;
                            case MemoryTable.WriteKind.Replace:
                                table.Replace(_writer, op.Rows!);
                                rows += op.Rows!.Count;
                                break;
                            default:
                                break;
                        }
                    }

                    if (rows > 0)
                    {
                        evicted = table.Evict();
                    }

                    _commit.Run();
                }
                catch
                {
                    // Whatever failed, the batch's transaction ends here: none of its rows stay, and the next batch can begin.
                    RollBack();
                    throw;
                }
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException or ArgumentException or FormatException)
            {
                Log.BatchFailed(_logger, table.Table, batch.Count, ex);
                table.Failed(ex);
                try
                {
                    table.RefreshCount(_writer);
                }
                catch (SqliteException)
                {
                    // The table itself is broken (dropped behind the store's back): the count stays as it was.
                }
                rows = 0;
                evicted = 0;
            }
        }

        if (evicted > 0)
        {
            if (table.EvictedRows == evicted)
            {
                Log.FirstEviction(_logger, table.Table, table.MaxRows);
            }
            else
            {
                Log.RowsEvicted(_logger, table.Table, evicted, table.MaxRows);
            }
        }

        var observers = _observers;
        if (observers.IsEmpty || rows == 0)
        {
            return;
        }

        var elapsed = _timeProvider.GetElapsedTime(started);
        foreach (var observer in observers)
        {
            observer.BatchApplied(table.Table, rows, elapsed);
            if (evicted > 0)
            {
                observer.RowsEvicted(table.Table, evicted);
            }
        }
    }

    /// <summary>Ends the writer connection's transaction if one is open (a statement of the batch failed before its commit, or the commit did): none of its rows stay.</summary>
    private void RollBack()
    {
        if (SQLitePCL.raw.sqlite3_get_autocommit(_writer.Handle) != 0)
        {
            return; // none is open (SQLite may have ended it itself)
        }

        try
        {
            _rollback.Run();
        }
        catch (SqliteException)
        {
            // The batch's own failure is what gets logged; a transaction still open makes the next batch's BEGIN fail, logged then.
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops taking writes, lets each table's writer drain its queue (at most 10 seconds), then deletes the database (unless durable).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var tables = _tables.Values.ToList();
        foreach (var table in tables)
        {
            table.Close();
        }

        try
        {
            await Task.WhenAll(tables.Select(t => t.Completion)).WaitAsync(TimeSpan.FromSeconds(10), _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        lock (_writerLock)
        {
            foreach (var table in tables)
            {
                table.DisposeCommands();
            }

            _writerClosed = true;
            _begin.Dispose();
            _commit.Dispose();
            _rollback.Dispose();
            _writer.Dispose();
        }

        _stopping.Dispose();
        if (!IsDurable)
        {
            DeleteDatabaseFiles(DatabasePath);
        }
    }

    private static string DefaultDirectory() =>
        OperatingSystem.IsLinux() && Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    private static void DeleteDatabaseFiles(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Deletes the files of stores whose process is gone (a crash leaves them behind).</summary>
    private static void DeleteStaleFiles(string directory)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, FilePrefix + "*.db"))
            {
                var name = Path.GetFileName(file)[FilePrefix.Length..];
                var dash = name.IndexOf('-', StringComparison.Ordinal);
                if (dash > 0 && int.TryParse(name.AsSpan(0, dash), out var pid) && !IsAlive(pid))
                {
                    DeleteDatabaseFiles(file);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

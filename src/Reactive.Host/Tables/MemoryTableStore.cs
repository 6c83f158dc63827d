using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Reactive.Host.Metrics;

namespace Reactive.Host.Tables;

/// <summary>
/// The named memory tables of the service: one SQLite database that one writer fills in batched
/// transactions and that read-only SQL connections query at the same time. It lives in a file on a
/// memory file system (<c>/dev/shm</c> on Linux) in WAL mode, so a long query never blocks the writer
/// (SQLite's pure in-memory databases share data only through shared-cache mode, where a reader
/// blocks the writer); the file is deleted when the store stops. One per host.
/// </summary>
public sealed class MemoryTableStore : IDisposable, IAsyncDisposable
{
    private readonly TablesOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ReactiveMetrics? _metrics;
    private readonly SqliteConnection _writer;
    private readonly Lock _writerLock = new();
    private readonly ConcurrentDictionary<string, MemoryTable> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<WriteOp> _queue;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stopping = new();
    private long _pending;
    private int _disposed;

    /// <summary>Creates the store and starts its writer.</summary>
    public MemoryTableStore(IOptions<TablesOptions> options, ILogger<MemoryTableStore>? logger = null, TimeProvider? timeProvider = null, ReactiveMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        var directory = string.IsNullOrWhiteSpace(_options.Directory) ? DefaultDirectory() : _options.Directory;
        Directory.CreateDirectory(directory);
        DeleteStaleFiles(directory);
        DatabasePath = Path.Combine(directory, $"{FilePrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.db");
        WriterConnectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
        ReaderConnectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString();
        _writer = new SqliteConnection(WriterConnectionString);
        _writer.Open();
        using (var setup = _writer.CreateCommand())
        {
            // WAL: readers see the last commit and never block the writer, nor the writer them.
            // Nothing has to survive a crash, so no fsync.
            setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;";
            setup.ExecuteNonQuery();
        }

        _queue = Channel.CreateBounded<WriteOp>(new BoundedChannelOptions(_options.MaxPendingWrites)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _metrics?.AttachTables(this);
        _loop = Task.Factory.StartNew(RunWriterAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private const string FilePrefix = "reactive-tables-";

    /// <summary>The database file (on a memory file system when there is one); deleted when the store stops.</summary>
    public string DatabasePath { get; }

    /// <summary>The connection string for read-only query connections.</summary>
    internal string ReaderConnectionString { get; }

    internal string WriterConnectionString { get; }

    /// <summary>Writes queued and not applied yet, over all tables.</summary>
    public long PendingWrites => Interlocked.Read(ref _pending);

    /// <summary>
    /// Returns the sink of table <paramref name="table"/>, creating the table on first use. A second
    /// call with the same schema and mode returns the same sink (a restarted pipeline keeps its table).
    /// </summary>
    /// <param name="table">The table name (a plain identifier).</param>
    /// <param name="schema">The columns.</param>
    /// <param name="mode">The output mode.</param>
    /// <param name="keyColumns">In update mode, the columns that with the window identify a row.</param>
    /// <param name="maxRows">The row bound; <see cref="TablesOptions.MaxRowsPerTable"/> when null.</param>
    /// <exception cref="ArgumentException">A bad name, or the table exists with another schema or mode.</exception>
    public ITableSink GetOrCreate(string table, TableSchema schema, OutputMode mode, IReadOnlyList<string>? keyColumns = null, int? maxRows = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        TableSchema.ValidateName(table, "table");
        ArgumentNullException.ThrowIfNull(schema);
        if (maxRows is { } m)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m, nameof(maxRows));
        }

        keyColumns ??= [];
        foreach (var key in keyColumns)
        {
            if (!schema.Columns.Any(c => string.Equals(c.Name, key, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"Key column '{key}' is not a column of table '{table}'.", nameof(keyColumns));
            }
        }

        lock (_writerLock)
        {
            if (_tables.TryGetValue(table, out var existing))
            {
                if (!existing.Matches(schema, mode, keyColumns))
                {
                    throw new ArgumentException($"Table '{table}' exists already with other columns or another output mode; give this pipeline another table name.", nameof(table));
                }

                return existing;
            }

            var created = new MemoryTable(this, table, schema, mode, keyColumns, maxRows ?? _options.MaxRowsPerTable);
            created.Create(_writer);
            _tables[table] = created;
            Log.TableCreated(_logger, table, mode, created.MaxRows);
            return created;
        }
    }

    /// <summary>The tables, by name.</summary>
    public IReadOnlyList<TableInfo> Tables =>
        [.. _tables.Values.OrderBy(t => t.Table, StringComparer.Ordinal).Select(t => t.Info())];

    /// <summary>Whether a table of that name exists (case-insensitive, as in SQL).</summary>
    public bool Exists(string table) => _tables.ContainsKey(table);

    /// <summary>Whether a table with window columns exists.</summary>
    public bool AnyWindowed => _tables.Values.Any(t => t.Schema.HasWindow);

    /// <summary>Completes when every write queued before the call is applied.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new WriteOp(WriteKind.Flush, null, default, null, done), countPending: false);
        return done.Task.WaitAsync(cancellationToken);
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

    internal void Enqueue(in WriteOp op, bool countPending = true)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Shutting down: the tables are going away with the process.
            op.Done?.TrySetResult();
            return;
        }

        if (countPending)
        {
            Interlocked.Increment(ref _pending);
            op.Table!.AddPending(1);
        }

        if (!_queue.Writer.TryWrite(op))
        {
            // Back-pressure: the writer is behind by MaxPendingWrites; the producer waits for room.
            try
            {
                _queue.Writer.WriteAsync(op).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException)
            {
                op.Done?.TrySetResult();
            }
        }
    }

    private async Task RunWriterAsync()
    {
        var batch = new List<WriteOp>(Math.Min(_options.MaxBatchRows, 4096));
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < _options.MaxBatchRows && reader.TryRead(out var op))
                {
                    batch.Add(op);
                }

                Apply(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    private void Apply(List<WriteOp> batch)
    {
        var started = _timeProvider.GetTimestamp();
        var touched = new HashSet<MemoryTable>();
        var rows = 0;
        lock (_writerLock)
        {
            try
            {
                using var transaction = _writer.BeginTransaction();
                foreach (var op in batch)
                {
                    switch (op.Kind)
                    {
                        case WriteKind.Row:
                            op.Table!.Insert(_writer, transaction, op.Row);
                            touched.Add(op.Table);
                            rows++;
                            break;
                        case WriteKind.Rows:
                            foreach (var row in op.Rows!)
                            {
                                op.Table!.Insert(_writer, transaction, row);
                            }

                            touched.Add(op.Table!);
                            rows += op.Rows!.Count;
                            break;
                        case WriteKind.Replace:
                            op.Table!.Replace(_writer, transaction, op.Rows!);
                            touched.Add(op.Table);
                            rows += op.Rows!.Count;
                            break;
                        default:
                            break;
                    }
                }

                foreach (var table in touched)
                {
                    var evicted = table.Evict(_writer, transaction);
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

                        _metrics?.RecordEvicted(table.Table, evicted);
                    }
                }

                transaction.Commit();
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException or ArgumentException or FormatException)
            {
                Log.BatchFailed(_logger, batch.Count, ex);
                foreach (var table in touched)
                {
                    table.RefreshCount(_writer);
                }
            }
        }

        var applied = 0;
        foreach (var op in batch)
        {
            if (op.Kind == WriteKind.Flush)
            {
                op.Done!.TrySetResult();
            }
            else
            {
                op.Table!.AddPending(-1);
                applied++;
            }
        }

        Interlocked.Add(ref _pending, -applied);
        if (rows > 0)
        {
            _metrics?.RecordTableFlush(_timeProvider.GetElapsedTime(started).TotalSeconds, rows);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10), _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        lock (_writerLock)
        {
            foreach (var table in _tables.Values)
            {
                table.DisposeCommands();
            }

            _writer.Dispose();
        }

        _stopping.Dispose();
        DeleteDatabaseFiles(DatabasePath);
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

    internal enum WriteKind
    {
        Row,
        Rows,
        Replace,
        Flush,
    }

    internal readonly record struct WriteOp(WriteKind Kind, MemoryTable? Table, TableRow Row, IReadOnlyList<TableRow>? Rows, TaskCompletionSource? Done);
}

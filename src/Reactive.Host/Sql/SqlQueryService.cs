using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Reactive.Host.Tables;
using SQLitePCL;

namespace Reactive.Host.Sql;

/// <summary>
/// Runs read-only SQL over the memory tables. A query must be one SELECT (or WITH … SELECT); it is
/// checked three ways before it runs: SQLite prepares it on a connection whose authorizer allows
/// only reading, the prepared statement must be read-only, and nothing but comments may follow it.
/// It runs within budgets (<see cref="SqlOptions"/>): a time limit (<c>sqlite3_interrupt</c>) that also covers writing
/// the answer, a row limit, a byte budget for the result and for any one value (<c>SQLITE_LIMIT_LENGTH</c>), a share
/// of memory (SQLite's heap limits and a progress handler), and a number of slots with a short queue.
/// </summary>
public sealed class SqlQueryService : IDisposable
{
    private const int SqliteOk = 0;
    private const int SqliteDeny = 1;
    private const int SqliteInterrupt = 9;
    private const int SqliteAuth = 23;
    private const int ActionRead = 20;
    private const int ActionSelect = 21;
    private const int ActionFunction = 31;
    private const int ActionRecursive = 33;

    private static readonly HashSet<string> DeniedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "sqlite_compileoption_get",
    };

    private static readonly string[] ActionNames = BuildActionNames();

    private const int SqliteNoMem = 7;
    private const int SqliteTooBig = 18;
    private const int ProgressInstructions = 1000;

    private readonly MemoryTableStore _store;
    private readonly SqlOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private int _admitted;

    /// <summary>Creates the service.</summary>
    public SqlQueryService(MemoryTableStore store, IOptions<SqlOptions> options, TimeProvider? timeProvider = null, ILogger<SqlQueryService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(_options.MaxConcurrentQueries, _options.MaxConcurrentQueries);
    }

    /// <summary>The options the service runs with.</summary>
    internal SqlOptions Options => _options;

    /// <summary>Queries running or waiting for a slot now.</summary>
    internal int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Seconds a client refused for lack of a slot should wait (<c>Retry-After</c>): the time limit, rounded up.</summary>
    internal int RetryAfterSeconds => (int)Math.Max(1, Math.Ceiling(_options.TimeLimit.TotalSeconds));

    /// <summary>Runs <paramref name="sql"/> and returns its rows.</summary>
    /// <exception cref="SqlQueryException">The query is refused, invalid, over a budget, stopped at its time limit, or there is no slot for it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SqlResult> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        CheckText(sql);
        using var lease = await EnterAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(sql, lease, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    /// <summary>Refuses an empty or too long query before it waits for a slot.</summary>
    internal void CheckText(string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new SqlQueryException(SqlErrorKind.Refused, "The query is empty: give one SELECT statement.");
        }

        if (sql.Length > _options.MaxSqlLength)
        {
            throw new SqlQueryException(SqlErrorKind.Refused, $"The query is longer than {_options.MaxSqlLength} characters (Sql:MaxSqlLength).", "Sql:MaxSqlLength");
        }
    }

    /// <summary>
    /// Takes a slot to run a query: at once when one is free, else after waiting in the queue. A full queue, or a wait
    /// as long as the time limit, is refused (<see cref="SqlErrorKind.Busy"/>) rather than waited out. The slot's
    /// time limit starts when it is taken and covers running the query and writing its answer.
    /// </summary>
    internal async Task<SqlQueryLease> EnterAsync(CancellationToken cancellationToken)
    {
        var capacity = _options.MaxConcurrentQueries + _options.QueueLength;
        if (Interlocked.Increment(ref _admitted) > capacity)
        {
            Interlocked.Decrement(ref _admitted);
            Log.QueueFull(_logger, _options.MaxConcurrentQueries, _options.QueueLength);
            throw new SqlQueryException(
                SqlErrorKind.Busy,
                $"{_options.MaxConcurrentQueries} queries are running and {_options.QueueLength} waiting already (Sql:MaxConcurrentQueries, Sql:QueueLength); try again in {RetryAfterSeconds} s.",
                "Sql:MaxConcurrentQueries");
        }

        try
        {
            if (!_slots.Wait(0, CancellationToken.None))
            {
                using var waited = new CancellationTokenSource(_options.TimeLimit, _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(waited.Token, cancellationToken);
                try
                {
                    await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.QueueTimedOut(_logger, _options.TimeLimit);
                    throw new SqlQueryException(
                        SqlErrorKind.Busy,
                        $"No query slot was free within the time limit of {_options.TimeLimit.TotalSeconds:0.###} s (Sql:MaxConcurrentQueries, Sql:TimeLimit); try again in {RetryAfterSeconds} s.",
                        "Sql:MaxConcurrentQueries");
                }
            }
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }

        return new SqlQueryLease(Release, new CancellationTokenSource(_options.TimeLimit, _timeProvider));
    }

    /// <summary>Runs <paramref name="sql"/> in the slot <paramref name="lease"/>, within its time limit.</summary>
    internal async Task<SqlResult> ExecuteAsync(string sql, SqlQueryLease lease, CancellationToken cancellationToken)
    {
        CheckText(sql);
        ArgumentNullException.ThrowIfNull(lease);

        // SQLite runs synchronously; keep it off the request thread.
        return await Task.Run(() => Execute(sql, lease, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws when an answer of <paramref name="bytes"/> bytes passes the result budget, or the slot's time is up.</summary>
    internal void CheckAnswer(long bytes, SqlQueryLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (bytes > _options.MaxResultBytes)
        {
            throw OverResultBudget();
        }

        if (lease.Deadline.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    /// <summary>The time limit passed while the answer was written: logged once, without a stack trace.</summary>
    internal void AnswerTimedOut() => Log.AnswerTimedOut(_logger, _options.TimeLimit);

    private void Release()
    {
        _slots.Release();
        Interlocked.Decrement(ref _admitted);
    }

    /// <summary>
    /// The names a query may give the window column (<c>NAME.start</c>): <c>window</c>, <c>time_window</c> and the
    /// windowed tables' aliases, less any that is also a table's name.
    /// </summary>
    private string[] WindowNames() =>
        [.. SqlRewriter.DefaultWindowNames.Concat(_store.WindowNames).Distinct(StringComparer.OrdinalIgnoreCase).Where(name => !_store.Exists(name))];

    private SqlResult Execute(string sql, SqlQueryLease lease, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        if (lease.Deadline.IsCancellationRequested)
        {
            throw TimedOut();
        }

        var rewritten = SqlRewriter.Rewrite(sql, WindowNames());
        CheckFirstKeyword(rewritten);

        // SQLite's own budgets: its memory in the whole process (soft limit: caches are given back; hard limit:
        // allocations fail) and, for this connection, the longest string, blob or row it may make.
        raw.sqlite3_soft_heap_limit64(_options.MaxMemoryBytes);
        raw.sqlite3_hard_heap_limit64(2 * _options.MaxMemoryBytes);

        using var connection = _store.OpenReader();
        SqlFunctions.Register(connection);
        var denied = new List<string>();
        var db = connection.Handle!;
        raw.sqlite3_limit(db, raw.SQLITE_LIMIT_LENGTH, _options.MaxValueBytes);
        raw.sqlite3_set_authorizer(db, (object? _, int action, string? p0, string? p1, string? _, string? _) => Authorize(action, p0, p1, denied), null);
        var guard = new InterruptGuard(db, _options.MaxMemoryBytes);
        raw.sqlite3_progress_handler(db, ProgressInstructions, static s => ((InterruptGuard)s!).CheckMemory(), guard);
        try
        {
            var declaredTypes = CheckStatement(db, rewritten, denied);
            using var deadline = lease.Deadline.Register(static s => ((InterruptGuard)s!).Interrupt(StopReason.TimeLimit), guard);
            using var registration = cancellationToken.Register(static s => ((InterruptGuard)s!).Interrupt(StopReason.Cancelled), guard);
            return Read(connection, rewritten, declaredTypes, started, lease);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteInterrupt || guard.Reason != StopReason.None)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw guard.Reason == StopReason.Memory ? OverMemoryBudget() : TimedOut();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteTooBig)
        {
            throw OverValueBudget();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteNoMem)
        {
            throw OverMemoryBudget();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteAuth || denied.Count > 0)
        {
            throw Refused(denied);
        }
        catch (SqliteException ex)
        {
            throw new SqlQueryException(SqlErrorKind.Invalid, Clean(ex));
        }
        finally
        {
            guard.Close();
            raw.sqlite3_progress_handler(db, 0, null, null);
        }
    }

    private SqlResult Read(SqliteConnection connection, string sql, string?[] declaredTypes, long started, SqlQueryLease lease)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var columns = new SqlColumn[reader.FieldCount];

        // The answer's size as its JSON counts it, near enough: the budget stops a result before it is all in memory.
        long bytes = 64;
        for (var i = 0; i < columns.Length; i++)
        {
            bytes += reader.GetName(i).Length + 32;
        }

        var rows = new List<object?[]>();
        var truncated = false;
        while (reader.Read())
        {
            if (rows.Count == _options.MaxRows)
            {
                truncated = true;
                break;
            }

            var row = new object?[reader.FieldCount];
            bytes += 2;
            for (var i = 0; i < row.Length; i++)
            {
                var value = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    byte[] blob => Convert.ToBase64String(blob),
                    double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
                    var v => v,
                };
                row[i] = value;
                bytes += 1 + value switch
                {
                    null => 4,
                    string text => 2 + System.Text.Encoding.UTF8.GetByteCount(text),
                    _ => 24,
                };
            }

            if (bytes > _options.MaxResultBytes)
            {
                throw OverResultBudget();
            }

            rows.Add(row);
        }

        if (lease.Deadline.IsCancellationRequested)
        {
            throw TimedOut();
        }

        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new SqlColumn(reader.GetName(i), ColumnType(i < declaredTypes.Length ? declaredTypes[i] : null, i, rows));
        }

        return new SqlResult(columns, rows, truncated, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    private SqlQueryException TimedOut()
    {
        Log.QueryTimedOut(_logger, _options.TimeLimit);
        return new SqlQueryException(
            SqlErrorKind.TimedOut,
            $"The query ran longer than its time limit of {_options.TimeLimit.TotalSeconds:0.###} s (Sql:TimeLimit) and was stopped.",
            "Sql:TimeLimit");
    }

    private SqlQueryException OverResultBudget() => OverBudget(
        "Sql:MaxResultBytes",
        $"The result is larger than {Bytes(_options.MaxResultBytes)} (Sql:MaxResultBytes): the query was stopped. Select fewer rows or columns (LIMIT, WHERE), or shorter values (substr).");

    private SqlQueryException OverValueBudget() => OverBudget(
        "Sql:MaxValueBytes",
        $"The query made a value (a string, a blob or a row) longer than {Bytes(_options.MaxValueBytes)} (Sql:MaxValueBytes) and was stopped.");

    private SqlQueryException OverMemoryBudget() => OverBudget(
        "Sql:MaxMemoryBytes",
        $"The query needed more memory than SQLite may hold ({Bytes(_options.MaxMemoryBytes)}, Sql:MaxMemoryBytes) and was stopped. Sort, group or select distinct fewer rows.");

    private SqlQueryException OverBudget(string setting, string message)
    {
        Log.QueryOverBudget(_logger, setting);
        return new SqlQueryException(SqlErrorKind.OverBudget, message, setting);
    }

    private static string Bytes(long bytes) =>
        bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB"
        : bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";

    private static string ColumnType(string? declared, int i, List<object?[]> rows)
    {
        if (!string.IsNullOrEmpty(declared))
        {
            return declared.ToUpperInvariant();
        }

        var first = rows.Select(r => r[i]).FirstOrDefault(v => v is not null);
        return first switch
        {
            long => "INTEGER",
            double => "REAL",
            string => "TEXT",
            _ => string.Empty,
        };
    }

    private static void CheckFirstKeyword(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]) || sql[i] == '(')
            {
                i++;
                continue;
            }

            var skip = SqlRewriter.SkipLexeme(sql, i, sql.Length);
            if (skip > i && (sql[i] == '-' || sql[i] == '/'))
            {
                i = skip;
                continue;
            }

            break;
        }

        var end = i;
        while (end < sql.Length && char.IsAsciiLetter(sql[end]))
        {
            end++;
        }

        var word = sql[i..end];
        if (!word.Equals("SELECT", StringComparison.OrdinalIgnoreCase) && !word.Equals("WITH", StringComparison.OrdinalIgnoreCase)
            && !word.Equals("VALUES", StringComparison.OrdinalIgnoreCase))
        {
            throw new SqlQueryException(SqlErrorKind.Refused, $"Only a single read-only SELECT (or WITH … SELECT) may run; this query starts with '{(word.Length == 0 ? sql.Trim() : word.ToUpperInvariant())}'.");
        }
    }

    /// <summary>Prepares the query to check it; returns the declared types of its result columns.</summary>
    private static string?[] CheckStatement(sqlite3 db, string sql, List<string> denied)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail);
        using (statement)
        {
            if (rc != SqliteOk)
            {
                if (rc == SqliteAuth || denied.Count > 0)
                {
                    throw Refused(denied);
                }

                if (rc is SqliteTooBig or SqliteNoMem)
                {
                    throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
                }

                throw new SqlQueryException(SqlErrorKind.Invalid, raw.sqlite3_errmsg(db).utf8_to_string() ?? "The query is not valid SQL.");
            }

            if (statement is null || statement.IsInvalid)
            {
                throw new SqlQueryException(SqlErrorKind.Refused, "The query holds no statement: give one SELECT statement.");
            }

            if (!IsOnlyCommentsOrSpace(tail))
            {
                throw new SqlQueryException(SqlErrorKind.Refused, "Only one statement may run: remove what follows the first ';'.");
            }

            if (raw.sqlite3_stmt_readonly(statement) == 0)
            {
                throw new SqlQueryException(SqlErrorKind.Refused, "Only read-only queries may run.");
            }

            var types = new string?[raw.sqlite3_column_count(statement)];
            for (var i = 0; i < types.Length; i++)
            {
                types[i] = raw.sqlite3_column_decltype(statement, i).utf8_to_string();
            }

            return types;
        }
    }

    private static bool IsOnlyCommentsOrSpace(string? tail)
    {
        if (string.IsNullOrEmpty(tail))
        {
            return true;
        }

        var i = 0;
        while (i < tail.Length)
        {
            if (char.IsWhiteSpace(tail[i]) || tail[i] == ';')
            {
                i++;
                continue;
            }

            var skip = SqlRewriter.SkipLexeme(tail, i, tail.Length);
            if (skip > i && (tail[i] == '-' || tail[i] == '/'))
            {
                i = skip;
                continue;
            }

            return false;
        }

        return true;
    }

    private static int Authorize(int action, string? p0, string? p1, List<string> denied)
    {
        switch (action)
        {
            case ActionSelect:
            case ActionRead:
            case ActionRecursive:
                return SqliteOk;
            case ActionFunction when p1 is not null && !DeniedFunctions.Contains(p1):
                return SqliteOk;
            default:
                lock (denied)
                {
                    var name = action >= 0 && action < ActionNames.Length ? ActionNames[action] : "action " + action.ToString(CultureInfo.InvariantCulture);
                    denied.Add(action == ActionFunction ? $"function {p1}" : p0 is null ? name : $"{name} {p0}");
                }

                return SqliteDeny;
        }
    }

    private static SqlQueryException Refused(List<string> denied)
    {
        string what;
        lock (denied)
        {
            what = denied.Count == 0 ? "an operation that is not reading" : string.Join(", ", denied.Distinct(StringComparer.Ordinal));
        }

        return new SqlQueryException(SqlErrorKind.Refused, $"Only read-only queries may run; refused: {what}.");
    }

    private static string Clean(SqliteException ex)
    {
        // "SQLite Error 1: 'no such table: x'." → "no such table: x"
        var message = ex.Message;
        var open = message.IndexOf('\'', StringComparison.Ordinal);
        var close = message.LastIndexOf('\'');
        return open >= 0 && close > open ? message[(open + 1)..close] : message;
    }

    private static string[] BuildActionNames()
    {
        var names = new string[34];
        string[] known =
        [
            "CREATE INDEX", "CREATE TABLE", "CREATE TEMP INDEX", "CREATE TEMP TABLE", "CREATE TEMP TRIGGER", "CREATE TEMP VIEW",
            "CREATE TRIGGER", "CREATE VIEW", "DELETE", "DROP INDEX", "DROP TABLE", "DROP TEMP INDEX", "DROP TEMP TABLE",
            "DROP TEMP TRIGGER", "DROP TEMP VIEW", "DROP TRIGGER", "DROP VIEW", "INSERT", "PRAGMA", "READ", "SELECT",
            "TRANSACTION", "UPDATE", "ATTACH", "DETACH", "ALTER TABLE", "REINDEX", "ANALYZE", "CREATE VTABLE", "DROP VTABLE",
            "FUNCTION", "SAVEPOINT", "RECURSIVE",
        ];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = i >= 1 && i <= known.Length ? known[i - 1] : "COPY";
        }

        return names;
    }

    private enum StopReason
    {
        None,
        TimeLimit,
        Cancelled,
        Memory,
    }

    /// <summary>
    /// Stops a running query: <c>sqlite3_interrupt</c> at the time limit or on cancellation (only while the connection
    /// is open), and the progress handler's answer when SQLite's memory passes the budget.
    /// </summary>
    private sealed class InterruptGuard(sqlite3 db, long maxMemoryBytes)
    {
        private readonly Lock _lock = new();
        private bool _closed;
        private int _reason;

        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        public void Interrupt(StopReason reason)
        {
            lock (_lock)
            {
                if (!_closed)
                {
                    Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None);
                    raw.sqlite3_interrupt(db);
                }
            }
        }

        /// <summary>Called by SQLite every few instructions: non-zero stops the query.</summary>
        public int CheckMemory()
        {
            if (raw.sqlite3_memory_used() <= maxMemoryBytes)
            {
                return Reason == StopReason.None ? 0 : 1;
            }

            Interlocked.CompareExchange(ref _reason, (int)StopReason.Memory, (int)StopReason.None);
            return 1;
        }

        public void Close()
        {
            lock (_lock)
            {
                _closed = true;
            }
        }
    }
}

/// <summary>A query's slot: its time limit runs from when it was taken; disposing it frees the slot.</summary>
internal sealed class SqlQueryLease : IDisposable
{
    private readonly Action _release;
    private readonly CancellationTokenSource _deadline;
    private int _disposed;

    internal SqlQueryLease(Action release, CancellationTokenSource deadline)
    {
        _release = release;
        _deadline = deadline;
    }

    /// <summary>Cancelled when the time limit has passed.</summary>
    public CancellationToken Deadline => _deadline.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _deadline.Dispose();
            _release();
        }
    }
}

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
/// It runs with a time limit (<c>sqlite3_interrupt</c>) and a row limit.
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

    private readonly MemoryTableStore _store;
    private readonly SqlOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;

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

    /// <summary>Runs <paramref name="sql"/> and returns its rows.</summary>
    /// <exception cref="SqlQueryException">The query is refused, invalid, or stopped at its time limit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SqlResult> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new SqlQueryException(SqlErrorKind.Refused, "The query is empty: give one SELECT statement.");
        }

        if (sql.Length > _options.MaxSqlLength)
        {
            throw new SqlQueryException(SqlErrorKind.Refused, $"The query is longer than {_options.MaxSqlLength} characters (Sql:MaxSqlLength).");
        }

        if (!await _slots.WaitAsync(_options.TimeLimit, cancellationToken).ConfigureAwait(false))
        {
            throw new SqlQueryException(SqlErrorKind.Busy, $"{_options.MaxConcurrentQueries} queries are running already (Sql:MaxConcurrentQueries); try again.");
        }

        try
        {
            // SQLite runs synchronously; keep it off the request thread.
            return await Task.Run(() => Execute(sql, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private SqlResult Execute(string sql, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var rewritten = SqlRewriter.Rewrite(sql, rewriteWindowFields: !_store.Exists("window") && !_store.Exists("time_window"));
        CheckFirstKeyword(rewritten);

        using var connection = _store.OpenReader();
        SqlFunctions.Register(connection);
        var denied = new List<string>();
        var db = connection.Handle!;
        raw.sqlite3_set_authorizer(db, (object? _, int action, string? p0, string? p1, string? _, string? _) => Authorize(action, p0, p1, denied), null);
        var declaredTypes = CheckStatement(db, rewritten, denied);

        var guard = new InterruptGuard(db);
        using var timer = _timeProvider.CreateTimer(static s => ((InterruptGuard)s!).Interrupt(timedOut: true), guard, _options.TimeLimit, Timeout.InfiniteTimeSpan);
        using var registration = cancellationToken.Register(static s => ((InterruptGuard)s!).Interrupt(timedOut: false), guard);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = rewritten;
            using var reader = command.ExecuteReader();
            var columns = new SqlColumn[reader.FieldCount];
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
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                    {
                        byte[] bytes => Convert.ToBase64String(bytes),
                        double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
                        var v => v,
                    };
                }

                rows.Add(row);
            }

            for (var i = 0; i < columns.Length; i++)
            {
                columns[i] = new SqlColumn(reader.GetName(i), ColumnType(i < declaredTypes.Length ? declaredTypes[i] : null, i, rows));
            }

            return new SqlResult(columns, rows, truncated, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteInterrupt)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Log.QueryTimedOut(_logger, _options.TimeLimit);
            throw new SqlQueryException(SqlErrorKind.TimedOut, $"The query ran longer than its time limit of {_options.TimeLimit.TotalSeconds:0.###} s (Sql:TimeLimit) and was stopped.");
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
        }
    }

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

    /// <summary>Calls <c>sqlite3_interrupt</c> only while the connection is open.</summary>
    private sealed class InterruptGuard(sqlite3 db)
    {
        private readonly Lock _lock = new();
        private bool _closed;

        public bool TimedOut { get; private set; }

        public void Interrupt(bool timedOut)
        {
            lock (_lock)
            {
                if (!_closed)
                {
                    TimedOut |= timedOut;
                    raw.sqlite3_interrupt(db);
                }
            }
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

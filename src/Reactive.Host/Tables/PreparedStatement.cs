using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Reactive.Host.Tables;

/// <summary>
/// A statement the table writer runs again and again (<c>BEGIN</c>, <c>COMMIT</c>, <c>ROLLBACK</c>, a table's eviction or
/// clear, and under <see cref="PreparedInsert"/> each row's insert), prepared once on the writer's connection, its
/// parameters bound by position and run through SQLite's own API. Through Microsoft.Data.Sqlite, each
/// transaction made two commands (<c>BEGIN;</c>, <c>COMMIT;</c>), prepared each statement anew and set a rollback hook:
/// ≈ 1.4 KB and an object for the finalizer per batch (measured), which every young collection then had to resurrect
/// and promote.
/// </summary>
/// <remarks>Used by the table writer only, under the store's writer lock.</remarks>
internal sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <param name="connection">The writer's open connection.</param>
    /// <param name="sql">One statement.</param>
    /// <exception cref="SqliteException">SQLite refused it.</exception>
    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the writer's connection is not open");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    /// <summary>The position of parameter <paramref name="name"/> (<c>$n</c>), for <see cref="Bind"/>.</summary>
    /// <exception cref="ArgumentException">The statement has no such parameter.</exception>
    public int Parameter(string name)
    {
        var position = raw.sqlite3_bind_parameter_index(_statement, name);
        return position > 0 ? position : throw new ArgumentException($"the statement has no parameter {name}", nameof(name));
    }

    /// <summary>Binds the parameter at <paramref name="position"/> (from <see cref="Parameter"/>) to a number.</summary>
    public void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    /// <summary>Binds the parameter at <paramref name="position"/> to a number.</summary>
    public void Bind(int position, double value) => Check(raw.sqlite3_bind_double(_statement, position, value));

    /// <summary>Binds the parameter at <paramref name="position"/> to a text given as UTF-8 (SQLite copies it).</summary>
    public void BindText(int position, ReadOnlySpan<byte> utf8) => Check(utf8.IsEmpty
        // An empty span has no address, which SQLite would bind as NULL.
        ? raw.sqlite3_bind_text(_statement, position, string.Empty)
        : raw.sqlite3_bind_text(_statement, position, utf8));

    /// <summary>Binds the parameter at <paramref name="position"/> to NULL.</summary>
    public void BindNull(int position) => Check(raw.sqlite3_bind_null(_statement, position));

    /// <summary>The rows the last INSERT, UPDATE or DELETE run on the connection changed.</summary>
    public int Changes => raw.sqlite3_changes(_db);

    /// <summary>Runs the statement to its end.</summary>
    /// <exception cref="SqliteException">SQLite refused it.</exception>
    public void Run()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc is not raw.SQLITE_DONE and not raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}

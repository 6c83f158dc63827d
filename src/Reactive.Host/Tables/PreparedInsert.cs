using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Reactive.Host.Tables;

/// <summary>
/// A table's insert, prepared once on the writer's connection and run once per row with its values bound by position
/// through SQLite's own API. A Microsoft.Data.Sqlite command, run per row, looked each parameter up by name and made a
/// binder per parameter and a data reader per execution: the largest share of the table writer's allocations.
/// </summary>
/// <remarks>Used by the table's writer only, under the store's writer lock, inside the transaction it opened.</remarks>
internal sealed class PreparedInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _rowid;
    private readonly int[] _values;
    private byte[] _utf8 = new byte[256];

    /// <param name="connection">The writer's open connection.</param>
    /// <param name="sql">The statement: parameters <c>$rowid</c> and <c>$p0</c> … <c>$p(values − 1)</c>.</param>
    /// <param name="values">How many <c>$p</c> parameters it has.</param>
    public PreparedInsert(SqliteConnection connection, string sql, int values)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the writer's connection is not open");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
        _rowid = raw.sqlite3_bind_parameter_index(_statement, "$rowid");
        _values = new int[values];
        for (var i = 0; i < values; i++)
        {
            _values[i] = raw.sqlite3_bind_parameter_index(_statement, "$p" + i.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Binds value <paramref name="index"/>: what <see cref="MemoryTable.ToSqlValue"/> gives (null, string, long or double).</summary>
    public void Bind(int index, object value)
    {
        var position = _values[index];
        Check(value switch
        {
            long l => raw.sqlite3_bind_int64(_statement, position, l),
            double d => raw.sqlite3_bind_double(_statement, position, d),
            string s => BindText(position, s),
            _ => raw.sqlite3_bind_null(_statement, position),
        });
    }

    /// <summary>Binds value <paramref name="index"/> to a number.</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, _values[index], value));

    /// <summary>Binds value <paramref name="index"/> to a number.</summary>
    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, _values[index], value));

    /// <summary>Binds value <paramref name="index"/> to a text.</summary>
    public void Bind(int index, string value) => Check(BindText(_values[index], value));

    /// <summary>Binds value <paramref name="index"/> to a text.</summary>
    public void Bind(int index, ReadOnlySpan<char> value) => Check(BindText(_values[index], value));

    /// <summary>Binds value <paramref name="index"/> to a text given as UTF-8 (SQLite copies it).</summary>
    public void BindUtf8(int index, ReadOnlySpan<byte> value) => Check(value.IsEmpty
        ? raw.sqlite3_bind_text(_statement, _values[index], string.Empty)
        : raw.sqlite3_bind_text(_statement, _values[index], value));

    /// <summary>Binds value <paramref name="index"/> to NULL.</summary>
    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_statement, _values[index]));

    /// <summary>Runs the insert with the values bound and row id <paramref name="rowid"/>; returns the rows it changed.</summary>
    /// <exception cref="SqliteException">SQLite refused it.</exception>
    public int Run(long rowid)
    {
        Check(raw.sqlite3_bind_int64(_statement, _rowid, rowid));
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    public void Dispose() => _statement.Dispose();

    /// <summary>The text as UTF-8 in a buffer kept from one row to the next (SQLite copies it).</summary>
    private int BindText(int position, ReadOnlySpan<char> text)
    {
        if (text.Length == 0)
        {
            // An empty span has no address, which SQLite would bind as NULL.
            return raw.sqlite3_bind_text(_statement, position, string.Empty);
        }

        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < most)
        {
            _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(text, _utf8);
        return raw.sqlite3_bind_text(_statement, position, _utf8.AsSpan(0, length));
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}

using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Reactive.Host.Tables;

/// <summary>
/// A table's insert, prepared once on the writer's connection and run once per row with its values bound by position
/// through SQLite's own API (a <see cref="PreparedStatement"/>). A Microsoft.Data.Sqlite command, run per row, looked each
/// parameter up by name and made a binder per parameter and a data reader per execution: the largest share of the table
/// writer's allocations.
/// </summary>
/// <remarks>Used by the table's writer only, under the store's writer lock, inside the transaction it opened.</remarks>
internal sealed class PreparedInsert : IDisposable
{
    private readonly PreparedStatement _statement;
    private readonly int _rowid;
    private readonly int[] _values;
    private byte[] _utf8 = new byte[256];

    /// <param name="connection">The writer's open connection.</param>
    /// <param name="sql">The statement: parameters <c>$rowid</c> and <c>$p0</c> … <c>$p(values − 1)</c>.</param>
    /// <param name="values">How many <c>$p</c> parameters it has.</param>
    public PreparedInsert(SqliteConnection connection, string sql, int values)
    {
        _statement = new PreparedStatement(connection, sql);
        _rowid = _statement.Parameter("$rowid");
        _values = new int[values];
        for (var i = 0; i < values; i++)
        {
            _values[i] = _statement.Parameter("$p" + i.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Binds value <paramref name="index"/>: what <see cref="MemoryTable.ToSqlValue"/> gives (null, string, long or double).</summary>
    public void Bind(int index, object value)
    {
        switch (value)
        {
            case long l:
                Bind(index, l);
                break;
            case double d:
                Bind(index, d);
                break;
            case string s:
                Bind(index, s.AsSpan());
                break;
            default:
                BindNull(index);
                break;
        }
    }

    /// <summary>Binds value <paramref name="index"/> to a number.</summary>
    public void Bind(int index, long value) => _statement.Bind(_values[index], value);

    /// <summary>Binds value <paramref name="index"/> to a number.</summary>
    public void Bind(int index, double value) => _statement.Bind(_values[index], value);

    /// <summary>Binds value <paramref name="index"/> to a text.</summary>
    public void Bind(int index, string value) => Bind(index, value.AsSpan());

    /// <summary>Binds value <paramref name="index"/> to a text.</summary>
    public void Bind(int index, ReadOnlySpan<char> value) => _statement.BindText(_values[index], Utf8(value));

    /// <summary>Binds value <paramref name="index"/> to a text given as UTF-8 (SQLite copies it).</summary>
    public void BindUtf8(int index, ReadOnlySpan<byte> value) => _statement.BindText(_values[index], value);

    /// <summary>Binds value <paramref name="index"/> to NULL.</summary>
    public void BindNull(int index) => _statement.BindNull(_values[index]);

    /// <summary>Runs the insert with the values bound and row id <paramref name="rowid"/>; returns the rows it changed.</summary>
    /// <exception cref="SqliteException">SQLite refused it.</exception>
    public int Run(long rowid)
    {
        _statement.Bind(_rowid, rowid);
        _statement.Run();
        return _statement.Changes;
    }

    public void Dispose() => _statement.Dispose();

    /// <summary>The text as UTF-8 in a buffer kept from one row to the next (SQLite copies it).</summary>
    private ReadOnlySpan<byte> Utf8(ReadOnlySpan<char> text)
    {
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < most)
        {
            _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        }

        return _utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, _utf8));
    }
}

using System.Text.RegularExpressions;

namespace Reactive.Host.Tables;

/// <summary>The SQL type of a table column.</summary>
public enum ColumnType
{
    /// <summary>Text (strings, timestamps as ISO-8601).</summary>
    Text,

    /// <summary>64-bit integer (also booleans as 0/1).</summary>
    Integer,

    /// <summary>Double-precision number (decimals are stored as doubles).</summary>
    Real,
}

/// <summary>One column of a memory table.</summary>
/// <param name="Name">The column name: letters, digits and underscores, not starting with a digit.</param>
/// <param name="Type">The SQL type.</param>
public sealed record TableColumn(string Name, ColumnType Type);

/// <summary>
/// The columns of a memory table. When <see cref="HasWindow"/> is set, the table also has the columns
/// <c>window_start</c>, <c>window_end</c> (ISO-8601 text, UTC) and <c>window_start_ms</c>,
/// <c>window_end_ms</c> (epoch milliseconds) before the value columns.
/// </summary>
public sealed partial class TableSchema
{
    /// <summary>The names of the window columns added when a schema has a window.</summary>
    public static readonly IReadOnlyList<string> WindowColumnNames = ["window_start", "window_end", "window_start_ms", "window_end_ms"];

    /// <summary>Creates a schema.</summary>
    /// <param name="columns">The value columns, in the order rows give their values.</param>
    /// <param name="hasWindow">Whether rows carry an event-time window.</param>
    public TableSchema(IReadOnlyList<TableColumn> columns, bool hasWindow = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(columns));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in columns)
        {
            ValidateName(column.Name, "column");
            if (!seen.Add(column.Name))
            {
                throw new ArgumentException($"Column '{column.Name}' appears twice.", nameof(columns));
            }

            if (hasWindow && WindowColumnNames.Contains(column.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Column '{column.Name}' is reserved for the window.", nameof(columns));
            }
        }

        Columns = columns;
        HasWindow = hasWindow;
    }

    /// <summary>The value columns.</summary>
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>Whether rows carry a window (and the table has the four window columns).</summary>
    public bool HasWindow { get; }

    /// <summary>The window column's name in queries (<c>NAME.start</c>, <c>NAME.end</c>; Spark's <c>window(…).alias(…)</c>).</summary>
    /// <value>The default is <c>window</c>.</value>
    public string WindowName { get; init; } = "window";

    /// <summary>The schema of a raw-lines table: one text column <c>value</c>.</summary>
    public static TableSchema RawLines { get; } = new([new TableColumn("value", ColumnType.Text)]);

    /// <summary>All column names of the table, window columns first.</summary>
    public IReadOnlyList<string> AllColumnNames =>
        HasWindow ? [.. WindowColumnNames, .. Columns.Select(c => c.Name)] : [.. Columns.Select(c => c.Name)];

    /// <summary>Throws when <paramref name="name"/> is not a plain SQL identifier.</summary>
    public static void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128 || !IdentifierRegex().IsMatch(name))
        {
            throw new ArgumentException($"The {what} name '{name}' is not valid: use letters, digits and underscores, not starting with a digit.", nameof(name));
        }

        if (name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The {what} name '{name}' is reserved by SQLite.", nameof(name));
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();
}

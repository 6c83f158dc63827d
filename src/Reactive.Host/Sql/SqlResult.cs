namespace Reactive.Host.Sql;

/// <summary>A column of a query result.</summary>
/// <param name="Name">The column name as the query gives it.</param>
/// <param name="Type">The declared SQL type when the column comes from a table, else the type of its first value, else empty.</param>
public sealed record SqlColumn(string Name, string Type);

/// <summary>The result of a read-only query.</summary>
/// <param name="Columns">The columns.</param>
/// <param name="Rows">The rows; values are null, long, double, string or (for blobs) base64 strings.</param>
/// <param name="Truncated">True when the query had more rows than <see cref="SqlOptions.MaxRows"/>.</param>
/// <param name="ElapsedMilliseconds">How long the query took.</param>
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, double ElapsedMilliseconds);

/// <summary>Why a query failed: <see cref="SqlErrorKind"/> decides the HTTP status.</summary>
public sealed class SqlQueryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SqlQueryException(SqlErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates the exception for a budget: <paramref name="setting"/> is the configuration key that set it.</summary>
    public SqlQueryException(SqlErrorKind kind, string message, string setting)
        : base(message)
    {
        Kind = kind;
        Setting = setting;
    }

    /// <summary>Creates the exception.</summary>
    public SqlQueryException()
        : this(SqlErrorKind.Invalid, "The query failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public SqlQueryException(string message)
        : this(SqlErrorKind.Invalid, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SqlQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = SqlErrorKind.Invalid;
    }

    /// <summary>What went wrong.</summary>
    public SqlErrorKind Kind { get; }

    /// <summary>The configuration key of the budget the query passed (e.g. <c>Sql:MaxResultBytes</c>), or null.</summary>
    public string? Setting { get; }
}

/// <summary>The kinds of query failure.</summary>
public enum SqlErrorKind
{
    /// <summary>Not valid SQL, or SQLite reported an error while running it (400).</summary>
    Invalid,

    /// <summary>Not a single read-only SELECT (400).</summary>
    Refused,

    /// <summary>Stopped at the time limit (408).</summary>
    TimedOut,

    /// <summary>Too many queries running and waiting already (503, with Retry-After).</summary>
    Busy,

    /// <summary>The query passed a byte budget: result, value or memory (400, the setting named).</summary>
    OverBudget,
}

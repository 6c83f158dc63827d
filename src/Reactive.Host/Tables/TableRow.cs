namespace Reactive.Host.Tables;

/// <summary>
/// One row for a memory table: the values of the value columns in schema order, and the event-time
/// window when the table has one. Values may be null, strings, integers, floating-point numbers,
/// decimals, booleans, <see cref="DateTimeOffset"/> or <see cref="DateTime"/> (stored as ISO-8601 text).
/// </summary>
public readonly record struct TableRow(IReadOnlyList<object?> Values, DateTimeOffset? WindowStart = null, DateTimeOffset? WindowEnd = null)
{
    /// <summary>A row of a windowed table.</summary>
    public static TableRow Windowed(DateTimeOffset start, DateTimeOffset end, IReadOnlyList<object?> values) => new(values, start, end);
}

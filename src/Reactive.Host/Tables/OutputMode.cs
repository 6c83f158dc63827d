namespace Reactive.Host.Tables;

/// <summary>How a table takes a pipeline's results (Spark's output modes).</summary>
public enum OutputMode
{
    /// <summary>Each written row is added.</summary>
    Append,

    /// <summary>A row replaces the row with the same window and key columns, or is added.</summary>
    Update,

    /// <summary>Each result table replaces the whole content of the table.</summary>
    Complete,
}

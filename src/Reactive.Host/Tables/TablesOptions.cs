using System.ComponentModel.DataAnnotations;

namespace Reactive.Host.Tables;

/// <summary>Options of the memory tables (configuration section <c>Tables</c>).</summary>
public sealed class TablesOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Tables";

    /// <summary>Rows kept per table; the oldest rows are evicted first.</summary>
    /// <value>The default value is 100,000.</value>
    [Range(1, 100_000_000)]
    public int MaxRowsPerTable { get; set; } = 100_000;

    /// <summary>Queued writes applied in one transaction at most.</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000)]
    public int MaxBatchRows { get; set; } = 10_000;

    /// <summary>
    /// Where the tables' database file lives. Empty: <c>/dev/shm</c> (memory) on Linux, else the temp folder.
    /// </summary>
    /// <value>The default value is empty.</value>
    public string? Directory { get; set; }

    /// <summary>Writes that may wait for the writer before writers are slowed down (back-pressure).</summary>
    /// <value>The default value is 200,000.</value>
    [Range(1, 100_000_000)]
    public int MaxPendingWrites { get; set; } = 200_000;
}

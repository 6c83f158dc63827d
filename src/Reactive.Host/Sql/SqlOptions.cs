using System.ComponentModel.DataAnnotations;

namespace Reactive.Host.Sql;

/// <summary>
/// Options of the read-only SQL over the memory tables (configuration section <c>Sql</c>): the budgets a query runs
/// within. A query over a budget is answered with a problem naming the setting (<c>Sql:MaxResultBytes</c>, …).
/// </summary>
public sealed class SqlOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Sql";

    /// <summary>
    /// A query is stopped when running it, serializing its result and writing the answer take longer; the time
    /// starts when the query leaves the queue.
    /// </summary>
    /// <value>The default is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows returned at most; a longer result is cut and flagged <c>truncated</c>.</summary>
    /// <value>The default is 10,000.</value>
    [Range(1, 10_000_000)]
    public int MaxRows { get; set; } = 10_000;

    /// <summary>Characters of SQL accepted at most.</summary>
    /// <value>The default is 20,000.</value>
    [Range(16, 1_000_000)]
    public int MaxSqlLength { get; set; } = 20_000;

    /// <summary>
    /// Bytes of a result at most, as its JSON answer counts them (all rows, every value); a query whose result grows
    /// past it is stopped.
    /// </summary>
    /// <value>The default is 16 MiB (16,777,216).</value>
    [Range(1024, 1L << 31)]
    public long MaxResultBytes { get; set; } = 16L << 20;

    /// <summary>
    /// Bytes of any one value at most — a string, a blob or a row SQLite reads or builds while it runs the query
    /// (<c>SQLITE_LIMIT_LENGTH</c> of the query's connection); a query that meets a longer one is stopped. Keep it above
    /// twice the longest line a source keeps (1 MiB), so that a stored line can still be read and sorted.
    /// </summary>
    /// <value>The default is 4 MiB (4,194,304).</value>
    [Range(1024, 1_000_000_000)]
    public int MaxValueBytes { get; set; } = 4 << 20;

    /// <summary>
    /// Bytes of memory SQLite may hold in the whole service while a query runs (tables' page caches included); a
    /// query running when it is passed is stopped. SQLite's soft heap limit is set to it, and its hard heap limit
    /// (<c>sqlite3_hard_heap_limit64</c>) to twice it, so that no query takes more memory than this share.
    /// </summary>
    /// <value>The default is 256 MiB (268,435,456).</value>
    [Range(16L << 20, 1L << 40)]
    public long MaxMemoryBytes { get; set; } = 256L << 20;

    /// <summary>Queries that run (and write their answers) at the same time at most.</summary>
    /// <value>The default is 2.</value>
    [Range(1, 256)]
    public int MaxConcurrentQueries { get; set; } = 2;

    /// <summary>
    /// Queries that may wait for a free slot; one more is answered 503 with <c>Retry-After</c> at once, and a query
    /// that waited the whole <see cref="TimeLimit"/> is answered the same.
    /// </summary>
    /// <value>The default is 4.</value>
    [Range(0, 10_000)]
    public int QueueLength { get; set; } = 4;
}

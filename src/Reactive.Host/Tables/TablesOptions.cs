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

    /// <summary>
    /// Queued writes applied in one transaction at most; after a full transaction the writer yields its core before the
    /// next. A few hundred shortens the tail of live pipelines sharing the cores with the writer, for more CPU per row and
    /// a lower top rate per table (bench/Reactive.Bench/README.md, "Table rows as bytes").
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000)]
    public int MaxBatchRows { get; set; } = 10_000;

    /// <summary>
    /// The least time between two commits of one table's writer while rows trickle in (its last commit wrote fewer than 64).
    /// A write that finds the writer idle for longer is committed at once; writes that follow within the interval are
    /// gathered and committed together when it has passed (a flush, e.g. a checkpoint's commit mark, cuts the wait short).
    /// After a larger commit the writer takes the next batch at once: rows kept waiting at high rates would only outlive
    /// the GC's youngest generation. Each commit costs SQLite a transaction
    /// and a WAL append, and the writer a wake-up: a stream of rows sent one by one would otherwise cost a transaction per row.
    /// 0 commits whatever is queued as soon as the writer takes it.
    /// </summary>
    /// <value>The default value is 10 milliseconds (at most 100 transactions a second per table).</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long the tables' writer inserts before it yields its core for a moment (<c>sched_yield</c>), inside a
    /// transaction: a thread woken meanwhile on the writer's core (a live pipeline's source, whatever feeds it or reads its
    /// results) runs then, instead of waiting for the writer's time slice to end. 0: the writer yields only between
    /// full transactions (see <see cref="MaxBatchRows"/>).
    /// </summary>
    /// <value>The default value is 100 microseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan WriterYieldInterval { get; set; } = TimeSpan.FromMilliseconds(0.1);

    /// <summary>
    /// Where the tables' database file lives. Empty: <c>/dev/shm</c> (memory) on Linux, else the temp folder.
    /// </summary>
    /// <value>The default value is empty.</value>
    public string? Directory { get; set; }

    /// <summary>
    /// When set, the tables live in <c>tables.db</c> in this folder (created when missing; WAL,
    /// synchronous NORMAL) instead of in memory: they survive a killed process, and a checkpointed
    /// pipeline reopens its table with <see cref="MemoryTableStore.Resume"/> to write each result once.
    /// <see cref="Directory"/> is then not used.
    /// </summary>
    /// <value>The default value is null (tables in memory, deleted when the store stops).</value>
    public string? DurableDirectory { get; set; }

    /// <summary>
    /// Writes queued per table between the pipeline and the table's writer (a row, or a whole result
    /// table in complete mode); when the queue is full, <see cref="WhenFull"/> applies. Never unbounded.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 100_000_000)]
    public int QueueCapacity { get; set; } = TableQueueOptions.DefaultCapacity;

    /// <summary>
    /// What a write does when its table's queue is full: <c>Wait</c> (the pipeline waits for room; the
    /// time is shown as <c>sinkWaitMs</c> in progress) or <c>Drop</c> (the row is dropped and counted in
    /// progress and metrics, with a warning at most every <see cref="DropWarningInterval"/>).
    /// </summary>
    /// <value>The default value is <c>Wait</c>.</value>
    public TableFullPolicy WhenFull { get; set; } = TableFullPolicy.Wait;

    /// <summary>The least time between two warnings about rows dropped from one table's full queue.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan DropWarningInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The queue options of a table that asks for none of its own.</summary>
    internal TableQueueOptions Queue => new(QueueCapacity, WhenFull);
}

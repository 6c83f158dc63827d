using System.ComponentModel.DataAnnotations;

namespace Reactive.Host.Sql;

/// <summary>Options of the read-only SQL over the memory tables (configuration section <c>Sql</c>).</summary>
public sealed class SqlOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Sql";

    /// <summary>A query running longer is stopped.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows returned at most; a longer result is cut and flagged <c>truncated</c>.</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 10_000_000)]
    public int MaxRows { get; set; } = 10_000;

    /// <summary>Characters of SQL accepted at most.</summary>
    /// <value>The default value is 20,000.</value>
    [Range(16, 1_000_000)]
    public int MaxSqlLength { get; set; } = 20_000;

    /// <summary>Queries that run at the same time at most; others wait up to the time limit.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 256)]
    public int MaxConcurrentQueries { get; set; } = 4;
}

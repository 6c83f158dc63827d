namespace Reactive.Host.Tables;

/// <summary>
/// Told what the tables' writer did (metrics implement it), so that the tables need not know who
/// watches them. Called on the writer's thread: return quickly, never throw.
/// </summary>
public interface ITableStoreObserver
{
    /// <summary>One transaction applied <paramref name="rows"/> rows to table <paramref name="table"/> in <paramref name="duration"/>.</summary>
    void BatchApplied(string table, int rows, TimeSpan duration);

    /// <summary><paramref name="rows"/> oldest rows of <paramref name="table"/> were evicted to keep its bound.</summary>
    void RowsEvicted(string table, long rows);
}

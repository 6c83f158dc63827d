using Reactive.Host.Analytics;
using Reactive.Host.Sinks;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Sinks;

/// <summary>The table sinks of a pipeline: each row reaches its kind's table, in order, whether its batch holds one kind or several.</summary>
public sealed class RowSinksTests
{
    // Two kinds with different columns: the second kind gets its own table (t_second).
    private static readonly ResultShape Shape = new(
    [
        new ResultSchema("quote", false, [new("symbol", ResultType.Text), new("spread", ResultType.Real)]),
        new ResultSchema("second", false, [new("symbol", ResultType.Text), new("count", ResultType.Integer)]),
    ]);

    [Fact]
    public async Task WriteBatch_OneKindAndMixedBatches_EachRowInItsKindsTableInOrder()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        using var sinks = new RowSinks("p", [new TableSinkDefinition("t", null)], Shape, store, files: null);
        sinks.Prepare();

        sinks.WriteBatch([Quote("A", 0.5)]);
        sinks.WriteBatch([Quote("B", 1.5), Second("A", 3), Quote("C", 2.5), Second("B", 4)]);
        sinks.WriteBatch([]);
        sinks.WriteBatch([Second("C", 5)]);
        await store.FlushAsync();

        Assert.Equal([["A", 0.5], ["B", 1.5], ["C", 2.5]], await QueryAsync(sql, "SELECT symbol, spread FROM t ORDER BY rowid"));
        Assert.Equal([["A", 3L], ["B", 4L], ["C", 5L]], await QueryAsync(sql, "SELECT symbol, count FROM t_second ORDER BY rowid"));
    }

    private static ResultRow Quote(string symbol, double spread) => new("quote", null, null, [new("symbol", symbol), new("spread", spread)]);

    private static ResultRow Second(string symbol, int count) => new("second", null, null, [new("symbol", symbol), new("count", count)]);
}

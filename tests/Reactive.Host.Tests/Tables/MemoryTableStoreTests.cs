using Reactive.Host.Tables;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Tables;

public sealed class MemoryTableStoreTests
{
    private static readonly TableSchema WordCounts = new([new("word", ColumnType.Text), new("count", ColumnType.Integer)]);
    private static readonly TableSchema WindowedRates = new([new("currency", ColumnType.Text), new("avg_rate", ColumnType.Real)], hasWindow: true);

    [Fact]
    public async Task Append_Rows_AreAddedInOrder()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("new_dataframe", TableSchema.RawLines, OutputMode.Append);
        sink.Write(Row("a,b"));
        sink.WriteBatch([Row("c,d"), Row("e")]);
        sink.Write(Row("a,b"));
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT value FROM new_dataframe ORDER BY rowid");

        Assert.Equal([["a,b"], ["c,d"], ["e"], ["a,b"]], rows);
        Assert.Equal(4, store.Tables.Single().Rows);
    }

    [Fact]
    public async Task Complete_ReplaceAll_ReplacesTheWholeTable()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("word_counts", WordCounts, OutputMode.Complete);
        sink.ReplaceAll([Row("spark", 1L), Row("rx", 2L)]);
        sink.ReplaceAll([Row("spark", 3L), Row("rx", 2L), Row("net", 1L)]);
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT word, count FROM word_counts ORDER BY word");

        Assert.Equal([["net", 1L], ["rx", 2L], ["spark", 3L]], rows);
        Assert.Throws<InvalidOperationException>(() => sink.Write(Row("x", 1L)));
    }

    [Fact]
    public async Task Update_SameWindowAndKey_Upserts()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("bitcoin_window", WindowedRates, OutputMode.Update, keyColumns: ["currency"]);
        sink.Write(TableRow.Windowed(At(12, 0), At(12, 10), ["EUR", 10.0]));
        sink.Write(TableRow.Windowed(At(12, 0), At(12, 10), ["USD", 11.0]));
        sink.Write(TableRow.Windowed(At(12, 0), At(12, 10), ["EUR", 12.5]));
        sink.Write(TableRow.Windowed(At(12, 5), At(12, 15), ["EUR", 13.0]));
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT window_start, window_end, currency, avg_rate FROM bitcoin_window ORDER BY window_start, currency");

        Assert.Equal(
            [
                ["2021-03-01T12:00:00.000Z", "2021-03-01T12:10:00.000Z", "EUR", 12.5],
                ["2021-03-01T12:00:00.000Z", "2021-03-01T12:10:00.000Z", "USD", 11.0],
                ["2021-03-01T12:05:00.000Z", "2021-03-01T12:15:00.000Z", "EUR", 13.0],
            ],
            rows);
    }

    [Fact]
    public async Task Window_Columns_HoldIsoTextAndEpochMilliseconds()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("w", WindowedRates, OutputMode.Append);
        sink.Write(TableRow.Windowed(At(12, 0), At(12, 10), ["EUR", 1.5]));
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT window_start, window_end, window_start_ms, window_end_ms FROM w");

        // 2021-03-01T12:00Z = 18687 days after the epoch + 12 h.
        const long startMs = ((18687L * 24) + 12) * 3_600_000;
        Assert.Equal([["2021-03-01T12:00:00.000Z", "2021-03-01T12:10:00.000Z", startMs, startMs + 600_000]], rows);
        Assert.Equal(["window_start", "window_end", "window_start_ms", "window_end_ms", "currency", "avg_rate"], store.Tables.Single().Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Bound_MoreRowsThanTheLimit_EvictsTheOldestAndReports()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("bounded", WordCounts, OutputMode.Append, maxRows: 5);
        for (var i = 1; i <= 12; i++)
        {
            sink.Write(Row("w", (long)i));
            if (i % 4 == 0)
            {
                await sink.FlushAsync();
            }
        }

        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT count FROM bounded ORDER BY count");
        var info = store.Tables.Single();

        Assert.Equal([[8L], [9L], [10L], [11L], [12L]], rows);
        Assert.Equal(5, info.Rows);
        Assert.Equal(7, info.EvictedRows);
        Assert.Equal(5, info.MaxRows);
    }

    [Fact]
    public async Task Bound_UpsertsThatUpdate_AddNoRowAndEvictNothing()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("rates", WindowedRates, OutputMode.Update, keyColumns: ["currency"], maxRows: 3);
        string[] currencies = ["EUR", "USD", "GBP"];
        for (var round = 0; round < 5; round++)
        {
            // Three keys of one window, each updated five times: three rows, at the bound, never over it.
            foreach (var currency in currencies)
            {
                sink.Write(TableRow.Windowed(At(12, 0), At(12, 10), [currency, (double)round]));
            }

            await sink.FlushAsync();
        }

        Assert.Equal(0, store.Tables.Single().EvictedRows);
        Assert.Equal(3, store.Tables.Single().Rows);

        // A new key is a fourth row: the oldest row (EUR, inserted first) goes.
        sink.Write(TableRow.Windowed(At(12, 0), At(12, 10), ["CHF", 9.0]));
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT currency, avg_rate FROM rates ORDER BY currency");
        Assert.Equal([["CHF", 9.0], ["GBP", 4.0], ["USD", 4.0]], rows);
        Assert.Equal(1, store.Tables.Single().EvictedRows);
        Assert.Equal(3, store.Tables.Single().Rows);
    }

    [Fact]
    public async Task Bound_CompleteResultLargerThanTheLimit_KeepsTheLastRowsAndReports()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("big", WordCounts, OutputMode.Complete, maxRows: 2);
        sink.ReplaceAll([Row("a", 1L), Row("b", 2L), Row("c", 3L)]);
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT word FROM big ORDER BY word");

        Assert.Equal([["b"], ["c"]], rows);
        Assert.Equal(1, store.Tables.Single().EvictedRows);
    }

    [Fact]
    public async Task GetOrCreate_SameSchemaTwice_ReturnsTheSameTableAndOtherSchemaThrows()
    {
        await using var store = NewStore();
        var first = store.GetOrCreate("t", WordCounts, OutputMode.Append);
        var again = store.GetOrCreate("T", WordCounts, OutputMode.Append);

        Assert.Same(first, again);
        Assert.Throws<ArgumentException>(() => store.GetOrCreate("t", WordCounts, OutputMode.Complete));
        Assert.Throws<ArgumentException>(() => store.GetOrCreate("t; DROP TABLE x", WordCounts, OutputMode.Append));
        Assert.Throws<ArgumentException>(() => first.Write(Row("only one value")));
    }

    [Fact]
    public async Task Values_OfDotNetTypes_AreStoredAsSqlTypes()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var schema = new TableSchema([new("a", ColumnType.Real), new("b", ColumnType.Integer), new("c", ColumnType.Text), new("d", ColumnType.Text)]);
        var sink = store.GetOrCreate("types", schema, OutputMode.Append);
        sink.Write(Row(1.25m, true, new DateTimeOffset(2014, 3, 3, 9, 30, 0, 33, TimeSpan.FromHours(-5)), null));
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT a, b, c, d, typeof(a), typeof(b) FROM types");

        Assert.Equal([[1.25, 1L, "2014-03-03T14:30:00.033Z", null, "real", "integer"]], rows);
    }

    [Fact]
    public async Task Writer_WhileASlowQueryRuns_IsNotBlocked()
    {
        await using var store = NewStore();
        using var sql = NewSql(store, timeLimit: TimeSpan.FromSeconds(3));
        var sink = store.GetOrCreate("busy", TableSchema.RawLines, OutputMode.Append);
        sink.Write(Row("x"));
        await sink.FlushAsync();

        var slow = sql.ExecuteAsync("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c, busy");
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();
        for (var i = 0; i < 1000; i++)
        {
            sink.Write(Row("y"));
        }

        await sink.FlushAsync();
        var writeTime = TimeProvider.System.GetElapsedTime(started);

        Assert.True(writeTime < TimeSpan.FromSeconds(2), $"writes took {writeTime}");
        Assert.False(slow.IsCompleted);
        Assert.True(writeTime < TimeSpan.FromSeconds(2), $"writes took {writeTime}");
        await Assert.ThrowsAsync<Reactive.Host.Sql.SqlQueryException>(() => slow);
        Assert.Equal(1001, store.Tables.Single().Rows);
    }
}

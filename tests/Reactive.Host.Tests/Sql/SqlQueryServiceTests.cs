using Reactive.Host.Sql;
using Reactive.Host.Tables;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Sql;

public sealed class SqlQueryServiceTests
{
    [Fact]
    public async Task Split_CourseQuery_GivesColumnsAndNullPastTheEnd()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("new_dataframe", TableSchema.RawLines, OutputMode.Append);
        sink.WriteBatch([Row("1,apple"), Row("2,banana,extra"), Row("solo"), Row(",")]);
        await sink.FlushAsync();

        var result = await sql.ExecuteAsync("SELECT SPLIT(value,',')[0] AS Col1, SPLIT(value,',')[1] AS Col2 FROM new_dataframe");

        Assert.Equal(["Col1", "Col2"], result.Columns.Select(c => c.Name));
        Assert.Equal([["1", "apple"], ["2", "banana"], ["solo", null], ["", ""]], result.Rows.Select(r => r.ToList()));
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task Split_WithoutIndex_GivesAJsonArray()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);

        var result = await sql.ExecuteAsync("SELECT SPLIT('a,b', ','), size(SPLIT('a,b,c', ',')), element_at(SPLIT('a,b,c', ','), -1), NULL AS n");

        Assert.Equal([["[\"a\",\"b\"]", 3L, "c", null]], result.Rows.Select(r => r.ToList()));
        Assert.Equal(["TEXT", "INTEGER", "TEXT", ""], result.Columns.Select(c => c.Type));
    }

    [Fact]
    public async Task WindowSpelling_BitcoinNotebookQuery_ReadsTheWindowColumns()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var schema = new TableSchema([new("window_avg_euro_rate", ColumnType.Real)], hasWindow: true);
        var sink = store.GetOrCreate("bitcoin_window", schema, OutputMode.Complete);
        sink.ReplaceAll([TableRow.Windowed(At(10, 0), At(10, 10), [50.5]), TableRow.Windowed(At(10, 5), At(10, 15), [51.0])]);
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "select time_window.start, time_window.end, window_avg_euro_rate from bitcoin_window order by window.start");

        Assert.Equal(
            [
                ["2021-03-01T10:00:00.000Z", "2021-03-01T10:10:00.000Z", 50.5],
                ["2021-03-01T10:05:00.000Z", "2021-03-01T10:15:00.000Z", 51.0],
            ],
            rows);
    }

    [Fact]
    public async Task WindowSpelling_ATablesOwnWindowAlias_ReadsTheWindowColumns_ATableOfThatNameTurnsItOff()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var schema = new TableSchema([new("avg_price", ColumnType.Real)], hasWindow: true) { WindowName = "w" };
        var sink = store.GetOrCreate("prices_window", schema, OutputMode.Complete);
        sink.ReplaceAll([TableRow.Windowed(At(10, 0), At(10, 10), [50.5])]);
        await sink.FlushAsync();

        Assert.Equal([["2021-03-01T10:00:00.000Z", "2021-03-01T10:10:00.000Z", 50.5]], await QueryAsync(sql, "select w.start, W.end, avg_price from prices_window"));

        // A table named w: "w.start" is then its column, as SQLite reads it.
        var other = store.GetOrCreate("w", new TableSchema([new("start", ColumnType.Text)]), OutputMode.Append);
        other.WriteBatch([new TableRow(["s"])]);
        await other.FlushAsync();
        Assert.Equal([["s"]], await QueryAsync(sql, "select w.start from w"));
    }

    [Fact]
    public async Task Stddev_AsSpark_IsTheSampleStandardDeviation()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("prices", new TableSchema([new("hoep", ColumnType.Real)]), OutputMode.Append);
        sink.WriteBatch([.. new[] { 2.0, 4, 4, 4, 5, 5, 7, 9 }.Select(v => Row(v))]);
        await sink.FlushAsync();

        var row = (await QueryAsync(sql, "SELECT stddev(hoep), stddev_pop(hoep), variance(hoep), mean(hoep) FROM prices")).Single();

        // Deviations from the mean 5: sum of squares 32; sample variance 32/7, population 32/8.
        Assert.Equal(Math.Sqrt(32.0 / 7), (double)row[0]!, 12);
        Assert.Equal(2.0, (double)row[1]!, 12);
        Assert.Equal(32.0 / 7, (double)row[2]!, 12);
        Assert.Equal(5.0, (double)row[3]!, 12);
    }

    [Theory]
    [InlineData("INSERT INTO new_dataframe VALUES ('x')")]
    [InlineData("DELETE FROM new_dataframe")]
    [InlineData("UPDATE new_dataframe SET value = 'x'")]
    [InlineData("DROP TABLE new_dataframe")]
    [InlineData("CREATE TABLE x (a)")]
    [InlineData("ATTACH DATABASE '/tmp/x.db' AS x")]
    [InlineData("PRAGMA query_only = 0")]
    [InlineData("PRAGMA writable_schema = 1")]
    [InlineData("SELECT 1; DELETE FROM new_dataframe")]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM new_dataframe")]
    [InlineData("WITH x AS (SELECT 1) INSERT INTO new_dataframe SELECT 'y' FROM x")]
    [InlineData("SELECT load_extension('/tmp/evil.so')")]
    [InlineData("VACUUM")]
    [InlineData("BEGIN; DELETE FROM new_dataframe; COMMIT")]
    [InlineData("/* comment */ REPLACE INTO new_dataframe VALUES ('x')")]
    [InlineData("   ")]
    [InlineData("-- only a comment")]
    public async Task Refused_AnythingButOneSelect_IsRefusedAndTheTableIsUnchanged(string query)
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("new_dataframe", TableSchema.RawLines, OutputMode.Append);
        sink.WriteBatch([Row("a"), Row("b")]);
        await sink.FlushAsync();

        var error = await Assert.ThrowsAsync<SqlQueryException>(() => sql.ExecuteAsync(query));

        Assert.Equal(SqlErrorKind.Refused, error.Kind);
        Assert.Equal([["a"], ["b"]], await QueryAsync(sql, "SELECT value FROM new_dataframe ORDER BY rowid"));
        Assert.Equal(["new_dataframe"], await QueryAsync(sql, "SELECT name FROM sqlite_schema WHERE type = 'table'").ContinueWith(t => t.Result.Select(r => (string)r[0]!).ToList()));
    }

    [Fact]
    public async Task Refused_TwoStatements_SaysWhy()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);

        var error = await Assert.ThrowsAsync<SqlQueryException>(() => sql.ExecuteAsync("SELECT 1; SELECT 2"));

        Assert.Contains("one statement", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_UnknownTable_GivesSqliteMessage()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);

        var error = await Assert.ThrowsAsync<SqlQueryException>(() => sql.ExecuteAsync("SELECT * FROM nowhere"));

        Assert.Equal(SqlErrorKind.Invalid, error.Kind);
        Assert.Equal("no such table: nowhere", error.Message);
    }

    [Fact]
    public async Task TimeLimit_SlowQuery_IsStopped()
    {
        await using var store = NewStore();
        using var sql = NewSql(store, timeLimit: TimeSpan.FromMilliseconds(300));
        var started = TimeProvider.System.GetTimestamp();

        var error = await Assert.ThrowsAsync<SqlQueryException>(() =>
            sql.ExecuteAsync("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"));
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        Assert.Equal(SqlErrorKind.TimedOut, error.Kind);
        Assert.Contains("time limit", error.Message, StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RowLimit_LongResult_IsCutAndFlagged()
    {
        await using var store = NewStore();
        using var sql = NewSql(store, maxRows: 3);

        var result = await sql.ExecuteAsync("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT x FROM c");

        Assert.True(result.Truncated);
        Assert.Equal([[1L], [2L], [3L]], result.Rows.Select(r => r.ToList()));
    }
}

using Microsoft.Extensions.Options;
using Reactive.Host.Sql;
using Reactive.Host.Tables;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Sql;

/// <summary>The budgets of <see cref="SqlQueryService"/> itself, without HTTP.</summary>
public sealed class SqlBudgetServiceTests
{
    [Fact]
    public async Task MaxMemoryBytes_QueryHoldingMoreInSqlite_IsStoppedNamingTheSetting()
    {
        await using var store = NewStore();
        using var sql = new SqlQueryService(store, Options.Create(new SqlOptions { MaxMemoryBytes = 64L << 20, TimeLimit = TimeSpan.FromMinutes(2) }));
        var started = TimeProvider.System.GetTimestamp();

        // DISTINCT over 3 million 200-byte values: about 600 MB in SQLite's temporary (in-memory) table.
        var error = await Assert.ThrowsAsync<SqlQueryException>(() => sql.ExecuteAsync(
            "SELECT count(*) FROM (SELECT DISTINCT printf('%.200c', 'y') || x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT x FROM c))"));

        Assert.Equal(SqlErrorKind.OverBudget, error.Kind);
        Assert.Equal("Sql:MaxMemoryBytes", error.Setting);
        Assert.Contains("Sql:MaxMemoryBytes", error.Message, StringComparison.Ordinal);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task MaxValueBytes_StringBuiltPastIt_IsStoppedNamingTheSetting()
    {
        await using var store = NewStore();
        using var sql = new SqlQueryService(store, Options.Create(new SqlOptions { MaxValueBytes = 4096 }));

        var within = await sql.ExecuteAsync("SELECT length(printf('%.4000c', 'x'))");
        var error = await Assert.ThrowsAsync<SqlQueryException>(() => sql.ExecuteAsync("SELECT group_concat(printf('%.1000c', 'x')) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT x FROM c)"));

        Assert.Equal(4000L, within.Rows[0][0]);
        Assert.Equal(SqlErrorKind.OverBudget, error.Kind);
        Assert.Equal("Sql:MaxValueBytes", error.Setting);
        Assert.Contains("4 KiB (Sql:MaxValueBytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxResultBytes_RowsPastIt_AreStoppedNamingTheSetting()
    {
        await using var store = NewStore();
        using var sql = new SqlQueryService(store, Options.Create(new SqlOptions { MaxResultBytes = 100_000 }));

        var within = await sql.ExecuteAsync("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50) SELECT printf('%.1000c', 'x') FROM c");
        var error = await Assert.ThrowsAsync<SqlQueryException>(() => sql.ExecuteAsync("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT printf('%.1000c', 'x') FROM c"));

        Assert.Equal(50, within.Rows.Count);
        Assert.Equal(SqlErrorKind.OverBudget, error.Kind);
        Assert.Equal("Sql:MaxResultBytes", error.Setting);
        Assert.Contains("100,000 bytes (Sql:MaxResultBytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slots_FullQueue_IsRefusedAtOnceAndFreedAfter()
    {
        await using var store = NewStore();
        using var sql = new SqlQueryService(store, Options.Create(new SqlOptions { MaxConcurrentQueries = 1, QueueLength = 0, TimeLimit = TimeSpan.FromSeconds(30) }));
        using var stop = new CancellationTokenSource();
        var running = sql.ExecuteAsync("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", stop.Token);
        var waiting = TimeProvider.System.GetTimestamp();
        while (sql.Admitted == 0)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(waiting) < TimeSpan.FromSeconds(30), "the query never took its slot");
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }

        var busy = await Assert.ThrowsAsync<SqlQueryException>(() => sql.ExecuteAsync("SELECT 1"));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var after = await sql.ExecuteAsync("SELECT 1");

        Assert.Equal(SqlErrorKind.Busy, busy.Kind);
        Assert.Contains("Sql:QueueLength", busy.Message, StringComparison.Ordinal);
        Assert.Equal(1L, after.Rows[0][0]);
        Assert.Equal(0, sql.Admitted);
    }
}

public sealed class SqlBudgetLongLineTests
{
    [Fact]
    public async Task MaxValueBytes_Default_StillReadsTheLongestLineASourceKeeps()
    {
        await using var store = NewStore();
        using var sql = new SqlQueryService(store, Options.Create(new SqlOptions { MaxResultBytes = 8L << 20 }));
        var sink = store.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append);
        var longest = new string('x', Reactive.Operators.Parsing.Utf8LineReader.DefaultMaxLineLength);
        sink.WriteBatch([Row(longest), Row("short")]);
        await sink.FlushAsync();

        var plain = await sql.ExecuteAsync("SELECT value FROM raw");
        var sorted = await sql.ExecuteAsync("SELECT value, length(value) FROM raw ORDER BY value DESC");

        Assert.Equal(longest, plain.Rows[0][0]);
        Assert.Equal((long)longest.Length, sorted.Rows[0][1]);
    }
}

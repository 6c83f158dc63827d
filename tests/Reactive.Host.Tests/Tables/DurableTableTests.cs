using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.Host.Tables;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Tables;

/// <summary>Durable tables in a real SQLite file: commit marks and resuming after a crash.</summary>
public sealed class DurableTableTests : IDisposable
{
    private static readonly TableSchema WordCounts = new([new("word", ColumnType.Text), new("count", ColumnType.Integer)]);
    private static readonly TableSchema WindowedRates = new([new("currency", ColumnType.Text), new("avg_rate", ColumnType.Real)], hasWindow: true);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "reactive-durable-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Durable_Table_SurvivesANewStoreAndIsQueried()
    {
        await using (var first = NewDurable())
        {
            Assert.True(first.IsDurable);
            Assert.Equal(Path.Combine(_directory, "tables.db"), first.DatabasePath);
            var sink = first.GetOrCreate("counts", WordCounts, OutputMode.Append);
            sink.WriteBatch([Row("spark", 1L), Row("rx", 2L)]);
            Assert.Equal(2, sink.CommitMark());
        }

        Assert.True(File.Exists(Path.Combine(_directory, "tables.db")));
        await using var second = NewDurable();
        using var sql = NewSql(second);
        var resumed = second.Resume("counts", WordCounts, OutputMode.Append, mark: 2);

        Assert.Equal([["spark", 1L], ["rx", 2L]], await QueryAsync(sql, "SELECT word, count FROM counts ORDER BY rowid"));
        Assert.Equal(2, second.Tables.Single().Rows);
        Assert.Equal(2, resumed.CommitMark());
    }

    [Fact]
    public async Task Durable_JournalIsWal()
    {
        await using var store = NewDurable();
        store.GetOrCreate("t", TableSchema.RawLines, OutputMode.Append);

        Assert.Equal("wal", Scalar(store, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task CommitMark_FlushesQueuedRows_AndGrowsAfterDeletes()
    {
        await using var store = NewDurable();
        using var sql = NewSql(store);
        var writer = new HeldWriter(store);
        var sink = store.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append, maxRows: 3);
        sink.WriteBatch([Row("a"), Row("b")]);
        Assert.Equal(2, sink.QueueLength);

        var mark = Task.Run(sink.CommitMark);
        await Task.Delay(50);
        Assert.False(mark.IsCompleted);
        writer.Open();

        Assert.Equal(2, await mark.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, sink.QueueLength);

        // Three more rows: the bound of 3 evicts a, b; ids 3, 4, 5 remain.
        sink.WriteBatch([Row("c"), Row("d"), Row("e")]);
        Assert.Equal(5, sink.CommitMark());
        Assert.Equal([[3L, "c"], [4L, "d"], [5L, "e"]], await QueryAsync(sql, "SELECT rowid, value FROM raw ORDER BY rowid"));
    }

    [Fact]
    public async Task CommitMark_Complete_ReplaceAllTakesNewIdsEvenAfterAnEmptyResult()
    {
        await using var store = NewDurable();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("counts", WordCounts, OutputMode.Complete);
        sink.ReplaceAll([Row("spark", 1L), Row("rx", 1L)]);
        Assert.Equal(2, sink.CommitMark());
        sink.ReplaceAll([]);
        Assert.Equal(0, sink.CommitMark());
        sink.ReplaceAll([Row("spark", 2L)]);

        Assert.Equal(3, sink.CommitMark());
        Assert.Equal([[3L, "spark", 2L]], await QueryAsync(sql, "SELECT rowid, word, count FROM counts"));
    }

    [Fact]
    public async Task CommitMark_InMemory_IsTheLargestRowId()
    {
        await using var store = NewStore();
        var sink = store.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append);
        Assert.Equal(0, sink.CommitMark());
        sink.WriteBatch([Row("a"), Row("b"), Row("c")]);

        Assert.Equal(3, sink.CommitMark());
    }

    [Fact]
    public async Task CommitMark_AfterAFailedBatch_Throws()
    {
        await using var store = NewDurable();
        var sink = store.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append);
        sink.Write(Row("a"));
        Assert.Equal(1, sink.CommitMark());

        // Another connection takes the table away under the writer: its next batch fails.
        Scalar(store, "DROP TABLE raw");

        sink.Write(Row("b"));

        Assert.Throws<InvalidOperationException>(() => sink.CommitMark());
    }

    [Fact]
    public async Task AFailedBatch_LeavesNoneOfItsChanges_AndTheNextBatchIsWritten()
    {
        await using var store = NewDurable();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Complete);
        sink.ReplaceAll([Row("before")]);
        await sink.FlushAsync();

        // Another connection makes the third of the next batch's inserts fail: that batch clears the table, inserts
        // "first" and "second", then fails. Its transaction must be rolled back whole (the clear too) and closed: the
        // table's count, read on the writer's own connection after the failure, would see the two rows of a transaction
        // left open (a reader's connection sees only what was committed).
        Scalar(store, "CREATE TRIGGER refuse BEFORE INSERT ON raw WHEN NEW.value = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END");
        sink.ReplaceAll([Row("first"), Row("second"), Row("bad"), Row("last")]);
        await sink.FlushAsync();
        Assert.Equal(1, store.Tables.Single().Rows);
        Assert.Equal([["before"]], await QueryAsync(sql, "SELECT value FROM raw ORDER BY rowid"));

        // (A transaction left open would also hold the database's write lock: this would wait for it and fail.)
        Scalar(store, "DROP TRIGGER refuse");
        sink.ReplaceAll([Row("after")]);
        await sink.FlushAsync();

        Assert.Equal([["after"]], await QueryAsync(sql, "SELECT value FROM raw ORDER BY rowid"));
        Assert.Equal(1, store.Tables.Single().Rows);
    }

    [Fact]
    public async Task Resume_DeletesRowsAboveTheMark_KeepsThoseBelowAndLogsIt()
    {
        long mark;
        await using (var crashed = NewDurable())
        {
            var sink = crashed.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append);
            sink.WriteBatch([Row("batch0-a"), Row("batch0-b")]);
            mark = sink.CommitMark();
            sink.WriteBatch([Row("batch1-a"), Row("batch1-b"), Row("batch1-c")]);
            await sink.FlushAsync();
        }

        var logger = new CapturingLogger<MemoryTableStore>();
        await using var restarted = NewDurable(logger);
        using var sql = NewSql(restarted);
        var resumed = restarted.Resume("raw", TableSchema.RawLines, OutputMode.Append, mark: mark);

        Assert.Equal(2, mark);
        Assert.Equal([["batch0-a"], ["batch0-b"]], await QueryAsync(sql, "SELECT value FROM raw ORDER BY rowid"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("3 rows of an uncommitted batch deleted, 2 rows kept", StringComparison.Ordinal));

        // The re-run of batch 1 writes its rows once, after batch 0's, with ids above the mark.
        resumed.WriteBatch([Row("batch1-a"), Row("batch1-b"), Row("batch1-c")]);
        Assert.Equal(5, resumed.CommitMark());
        Assert.Equal(
            [[1L, "batch0-a"], [2L, "batch0-b"], [3L, "batch1-a"], [4L, "batch1-b"], [5L, "batch1-c"]],
            await QueryAsync(sql, "SELECT rowid, value FROM raw ORDER BY rowid"));
    }

    [Fact]
    public async Task Resume_AfterTwoCrashesInOneBatch_StillDeletesTheUncommittedRows()
    {
        // Batch 1 replaces the committed result and crashes twice: ids never go back to or below the mark.
        long mark;
        await using (var first = NewDurable())
        {
            var sink = first.GetOrCreate("counts", WordCounts, OutputMode.Complete);
            sink.ReplaceAll([Row("spark", 1L), Row("rx", 1L)]);
            mark = sink.CommitMark();
            sink.ReplaceAll([Row("spark", 2L)]);
            await sink.FlushAsync();
        }

        await using (var second = NewDurable())
        {
            var sink = second.Resume("counts", WordCounts, OutputMode.Complete, mark: mark);
            sink.ReplaceAll([Row("spark", 2L)]);
            await sink.FlushAsync();
        }

        await using var third = NewDurable();
        using var sql = NewSql(third);
        var resumed = third.Resume("counts", WordCounts, OutputMode.Complete, mark: mark);

        Assert.Empty(await QueryAsync(sql, "SELECT word, count FROM counts"));
        resumed.ReplaceAll([Row("spark", 2L)]);

        // Each resume found the table empty (batch 1's ReplaceAll had cleared batch 0's rows 1, 2) and went on above the mark.
        Assert.Equal(3, resumed.CommitMark());
        Assert.Equal([["spark", 2L]], await QueryAsync(sql, "SELECT word, count FROM counts"));
    }

    [Fact]
    public async Task Resume_UpdateMode_ReRunGivesTheSameFinalContent()
    {
        TableRow[] batch0 = [TableRow.Windowed(At(12, 0), At(12, 10), ["EUR", 10.0]), TableRow.Windowed(At(12, 0), At(12, 10), ["USD", 11.0])];
        TableRow[] batch1 = [TableRow.Windowed(At(12, 0), At(12, 10), ["EUR", 12.5]), TableRow.Windowed(At(12, 5), At(12, 15), ["EUR", 13.0])];
        List<List<object?>> expected =
        [
            [1L, "2021-03-01T12:00:00.000Z", "EUR", 12.5],
            [2L, "2021-03-01T12:00:00.000Z", "USD", 11.0],
            [4L, "2021-03-01T12:05:00.000Z", "EUR", 13.0],
        ];
        const string Query = "SELECT rowid, window_start, currency, avg_rate FROM bitcoin_window ORDER BY rowid";

        long mark;
        await using (var crashed = NewDurable())
        {
            using var sql = NewSql(crashed);
            var sink = crashed.GetOrCreate("bitcoin_window", WindowedRates, OutputMode.Update, keyColumns: ["currency"]);
            sink.WriteBatch(batch0);
            mark = sink.CommitMark();
            sink.WriteBatch(batch1);

            // Without a crash: the upsert keeps the EUR row's id 1; the new window's row takes id 4 (3 went to the upsert).
            Assert.Equal(4, sink.CommitMark());
            Assert.Equal(expected, await QueryAsync(sql, Query));
        }

        await using var restarted = NewDurable();
        using var sql2 = NewSql(restarted);
        var resumed = restarted.Resume("bitcoin_window", WindowedRates, OutputMode.Update, keyColumns: ["currency"], mark: mark);
        Assert.Equal(2, mark);
        Assert.Equal(
            [[1L, "2021-03-01T12:00:00.000Z", "EUR", 12.5], [2L, "2021-03-01T12:00:00.000Z", "USD", 11.0]],
            await QueryAsync(sql2, Query));

        resumed.WriteBatch(batch1);
        Assert.Equal(4, resumed.CommitMark());
        Assert.Equal(expected, await QueryAsync(sql2, Query));
    }

    [Fact]
    public async Task Resume_DifferentSchema_RecreatesEmptyAndWarns()
    {
        await using (var first = NewDurable())
        {
            var sink = first.GetOrCreate("counts", WordCounts, OutputMode.Append);
            sink.WriteBatch([Row("spark", 1L)]);
            sink.CommitMark();
        }

        var other = new TableSchema([new("word", ColumnType.Text), new("count", ColumnType.Real)]);
        var logger = new CapturingLogger<MemoryTableStore>();
        await using var restarted = NewDurable(logger);
        using var sql = NewSql(restarted);
        var resumed = restarted.Resume("counts", other, OutputMode.Append, mark: 1);

        Assert.Empty(await QueryAsync(sql, "SELECT * FROM counts"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Durable table counts", StringComparison.Ordinal) && e.Message.Contains("not in it", StringComparison.Ordinal));
        resumed.WriteBatch([Row("rx", 2.5)]);
        Assert.Equal(1, resumed.CommitMark());
        Assert.Equal([["rx", 2.5]], await QueryAsync(sql, "SELECT word, count FROM counts"));
        Assert.Equal("CREATE TABLE \"counts\" (\"word\" TEXT, \"count\" REAL /* reactive: Append */)", Scalar(restarted, "SELECT sql FROM sqlite_schema WHERE name = 'counts'"));
    }

    [Theory]
    [InlineData(OutputMode.Complete, null)]
    [InlineData(OutputMode.Update, "count")]
    public async Task Resume_OtherModeOrKeys_RecreatesEmpty(OutputMode mode, string? key)
    {
        await using (var first = NewDurable())
        {
            var sink = first.GetOrCreate("counts", WordCounts, OutputMode.Update, keyColumns: ["word"]);
            sink.WriteBatch([Row("spark", 1L)]);
            sink.CommitMark();
        }

        var logger = new CapturingLogger<MemoryTableStore>();
        await using var restarted = NewDurable(logger);
        using var sql = NewSql(restarted);
        restarted.Resume("counts", WordCounts, mode, keyColumns: key is null ? null : [key], mark: 1);

        Assert.Empty(await QueryAsync(sql, "SELECT * FROM counts"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Resume_MissingTable_CreatesItAndWarns()
    {
        var logger = new CapturingLogger<MemoryTableStore>();
        await using var store = NewDurable(logger);
        var sink = store.Resume("counts", WordCounts, OutputMode.Append, mark: 5);
        sink.Write(Row("spark", 1L));

        Assert.Equal(1, sink.CommitMark());
        Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Resume_WithoutDurableDirectory_IsGetOrCreate()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append);
        sink.Write(Row("a"));
        await sink.FlushAsync();

        Assert.Same(sink, store.Resume("raw", TableSchema.RawLines, OutputMode.Append, mark: 0));
        Assert.Equal([["a"]], await QueryAsync(sql, "SELECT value FROM raw"));
        Assert.Same(store.Resume("other", TableSchema.RawLines, OutputMode.Append, mark: 3), store.GetOrCreate("other", TableSchema.RawLines, OutputMode.Append));
    }

    [Fact]
    public async Task GetOrCreate_Durable_DropsTheOldContent()
    {
        await using (var first = NewDurable())
        {
            var sink = first.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append);
            sink.WriteBatch([Row("old-a"), Row("old-b")]);
            sink.CommitMark();
        }

        await using var second = NewDurable();
        using var sql = NewSql(second);
        var fresh = second.GetOrCreate("raw", TableSchema.RawLines, OutputMode.Append);

        Assert.Empty(await QueryAsync(sql, "SELECT value FROM raw"));
        fresh.Write(Row("new"));
        Assert.Equal(1, fresh.CommitMark());
        Assert.Equal([["new"]], await QueryAsync(sql, "SELECT value FROM raw"));
    }

    /// <summary>The first value of a query on the store's database file, outside the SQL service (which takes no PRAGMA).</summary>
    private static object? Scalar(MemoryTableStore store, string query)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + store.DatabasePath + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = query;
        return command.ExecuteScalar();
    }

    private MemoryTableStore NewDurable(CapturingLogger<MemoryTableStore>? logger = null) =>
        new(Options.Create(new TablesOptions { DurableDirectory = _directory }), logger);
}

using System.Globalization;
using Microsoft.Extensions.Options;
using Reactive.Host.Tables;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Tables;

/// <summary>
/// A table's queue holds each row as bytes encoded when it is written (<see cref="RowChunk"/>): the caller may reuse its
/// values, a large row gets a chunk of its own, and chunks go back to the table for reuse once their rows are applied.
/// </summary>
public sealed class EncodedRowTests
{
    private static readonly TableSchema Schema = new(
    [
        new TableColumn("name", ColumnType.Text),
        new TableColumn("n", ColumnType.Integer),
        new TableColumn("x", ColumnType.Real),
    ]);

    private static MemoryTableStore NewStore(int capacity = 10_000) =>
        new(Options.Create(new TablesOptions { QueueCapacity = capacity, CommitInterval = TimeSpan.Zero }));

    [Fact]
    public async Task Write_ValuesArrayReusedWhileTheRowIsQueued_TableHoldsEachRowAsWritten()
    {
        await using var store = NewStore();
        var writer = new HeldWriter(store);
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("reused", Schema, OutputMode.Append);
        try
        {
            var values = new object?[3];
            for (var i = 0; i < 3; i++)
            {
                values[0] = "row " + i.ToString(CultureInfo.InvariantCulture);
                values[1] = (long)i;
                values[2] = i + 0.5;
                sink.Write(new TableRow(values));
            }

            // All three are still queued (the writer is held) while the array changed under them.
            Assert.Equal(3, sink.QueueLength);
            writer.Open();
            await sink.FlushAsync();

            var rows = await QueryAsync(sql, "SELECT name, n, x FROM reused ORDER BY rowid");
            Assert.Equal(
                [["row 0", 0L, 0.5], ["row 1", 1L, 1.5], ["row 2", 2L, 2.5]],
                rows);
        }
        finally
        {
            writer.Open();
        }
    }

    [Fact]
    public async Task Write_ARowLargerThanAChunk_ArrivesWhole()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("large", Schema, OutputMode.Append);
        var large = string.Concat(Enumerable.Range(0, RowChunk.Size / 8).Select(i => "é" + (i % 10).ToString(CultureInfo.InvariantCulture) + "abcde"));
        Assert.True(large.Length > RowChunk.Size / 2);

        sink.Write(Row("small before", 1L, 1.0));
        sink.Write(Row(large, 2L, 2.0));
        sink.Write(Row("small after", 3L, double.NaN));
        await sink.FlushAsync();

        var rows = await QueryAsync(sql, "SELECT name, n, x FROM large ORDER BY rowid");
        Assert.Equal([["small before", 1L, 1.0], [large, 2L, 2.0], ["small after", 3L, null]], rows);
    }

    [Fact]
    public async Task Write_ManyChunksOfRows_ChunksAreReusedAndEveryRowArrives()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = (MemoryTable)store.GetOrCreate("many", Schema, OutputMode.Append);
        var name = new string('q', 200);

        // About 220 bytes a row: 300 rows a chunk, 20,000 rows about 67 chunks, written in rounds that each wait for the
        // table: chunks filled in one round are free for the next.
        const int Rounds = 10;
        const int PerRound = 2_000;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < PerRound; i++)
            {
                sink.Write(Row(name, (long)(round * PerRound + i), 0.25));
            }

            await sink.FlushAsync();
            Assert.InRange(sink.FreeChunks, 1, MemoryTable.MaxFreeChunks);
        }

        var rows = await QueryAsync(sql, "SELECT COUNT(*), SUM(n), MIN(n), MAX(n), SUM(x), MIN(length(name)) FROM many");
        const long Count = Rounds * PerRound;
        Assert.Equal([[Count, Count * (Count - 1) / 2, 0L, Count - 1, Count * 0.25, 200L]], rows);
    }

    [Fact]
    public async Task Write_EveryValueTypeOfATableRow_StoredAsBeforeTheQueueHeldBytes()
    {
        // The values MemoryTable.ToSqlValue converts, each next to what it converts to (the independent oracle here).
        var schema = new TableSchema([new TableColumn("v", ColumnType.Text), new TableColumn("expected", ColumnType.Text)]);
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("types", schema, OutputMode.Append);
        var time = new DateTimeOffset(2014, 3, 3, 9, 30, 0, 33, TimeSpan.FromHours(-5));
        object?[][] cases =
        [
            [null, null],
            [DBNull.Value, null],
            ["text ünïcödé", "text ünïcödé"],
            [string.Empty, string.Empty],
            [42L, 42L],
            [7, 7L],
            [(short)-3, -3L],
            [(byte)9, 9L],
            [true, 1L],
            [false, 0L],
            [1.25, 1.25],
            [double.PositiveInfinity, null],
            [2.5f, 2.5],
            [1.5m, 1.5],
            [time, "2014-03-03T14:30:00.033Z"],
            [new DateTime(2014, 3, 3, 9, 30, 0, DateTimeKind.Unspecified), "2014-03-03T09:30:00.000"],
            [TimeSpan.FromMinutes(1.5), 90.0],
            [DayOfWeek.Monday, "Monday"],
        ];
        foreach (var c in cases)
        {
            sink.Write(Row(c[0], c[1]));
        }

        await sink.FlushAsync();
        var rows = await QueryAsync(sql, "SELECT v, expected FROM types ORDER BY rowid");
        Assert.Equal(cases.Length, rows.Count);
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(rows[i][1], rows[i][0]);
        }
    }
}

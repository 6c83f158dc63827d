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

        // About 227 bytes a row: a round of 2,000 rows fills at most 8 chunks even when the writer takes none of them
        // before the round ends. Each round waits for the table, so its chunks are free for the next: without reuse ten
        // rounds would allocate about 70.
        const int Rounds = 10;
        const int PerRound = 2_000;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < PerRound; i++)
            {
                sink.Write(Row(name, (long)(round * PerRound + i), 0.25));
            }

            await sink.FlushAsync();
        }

        Assert.InRange(sink.ChunksCreated, 1, 9);
        Assert.InRange(sink.FreeChunks, 1, MemoryTable.MaxFreeChunks);
        var rows = await QueryAsync(sql, "SELECT COUNT(*), SUM(n), MIN(n), MAX(n), SUM(x), MIN(length(name)) FROM many");
        const long Count = Rounds * PerRound;
        Assert.Equal([[Count, Count * (Count - 1) / 2, 0L, Count - 1, Count * 0.25, 200L]], rows);
    }

    private sealed class Formatted(string text) : IFormattable
    {
        public string ToString(string? format, IFormatProvider? formatProvider) => text;
    }

    private sealed class Plain
    {
        public override string ToString() => "plain object";
    }

    public static TheoryData<object?, string, object?> Values()
    {
        var eastern = new DateTimeOffset(2014, 3, 3, 9, 30, 0, 33, TimeSpan.FromHours(-5));
        return new TheoryData<object?, string, object?>
        {
            // The value written, SQLite's typeof() of what is stored, and the stored value read back.
            { null, "null", null },
            { DBNull.Value, "null", null },
            { "text ünïcödé", "text", "text ünïcödé" },
            { string.Empty, "text", string.Empty },
            { "lone \ud800 surrogate", "text", "lone \ufffd surrogate" },
            { 42L, "integer", 42L },
            { 7, "integer", 7L },
            { (short)-3, "integer", -3L },
            { (byte)9, "integer", 9L },
            { 4_000_000_000u, "integer", 4_000_000_000L },
            { 5UL, "integer", 5L },
            { ulong.MaxValue, "real", 18446744073709551615.0 },
            { true, "integer", 1L },
            { false, "integer", 0L },
            { 1.25, "real", 1.25 },
            { double.PositiveInfinity, "null", null },
            { double.NaN, "null", null },
            { 2.5f, "real", 2.5 },
            { float.NegativeInfinity, "null", null },
            { 1.5m, "real", 1.5 },
            { eastern, "text", "2014-03-03T14:30:00.033Z" },
            { new DateTime(2014, 3, 3, 9, 30, 0, DateTimeKind.Unspecified), "text", "2014-03-03T09:30:00.000" },
            { new DateTime(2014, 3, 3, 14, 30, 0, 7, DateTimeKind.Utc), "text", "2014-03-03T14:30:00.007Z" },
            { TimeSpan.FromMinutes(1.5), "real", 90.0 },
            { DayOfWeek.Monday, "text", "Monday" },
            { 'x', "text", "x" },
            { new Formatted("formatted"), "text", "formatted" },
            { new Plain(), "text", "plain object" },
        };
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Write_AValueOfEachType_StoredWithTheTypeAndValueToSqlValueGives(object? value, string type, object? stored)
    {
        // The column declared as the expected type, so that SQLite's affinity leaves a right value as it is: an empty
        // text stored as NULL, a number as text or a text changed shows in typeof() or the value read back.
        var column = type switch { "integer" => ColumnType.Integer, "real" => ColumnType.Real, _ => ColumnType.Text };
        await using var store = NewStore();
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("types", new TableSchema([new TableColumn("v", column)]), OutputMode.Append);
        sink.Write(Row(value));
        await sink.FlushAsync();

        Assert.Equal([[type, stored]], await QueryAsync(sql, "SELECT typeof(v), v FROM types"));
    }
}

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

    // A column of each type a result row's field can be, with its window.
    private static readonly ResultShape Typed = new(
    [
        new ResultSchema("r", true,
        [
            new("text", ResultType.Text), new("int", ResultType.Integer), new("long", ResultType.Integer), new("real", ResultType.Real),
            new("nan", ResultType.Real), new("yes", ResultType.Bool), new("no", ResultType.Bool), new("whole", ResultType.Time),
            new("milli", ResultType.Time), new("day", ResultType.Date), new("none", ResultType.Text), new("dbnull", ResultType.Text),
            new("single", ResultType.Real), new("money", ResultType.Real),
        ]),
    ]);

    private static readonly string[] TypedNames = [.. Typed.Schemas[0].Columns.Select(c => c.Name)];

    private static readonly object?[] TypedValues =
    [
        "é ITT", 7, 1L << 40, -0.125, double.NaN, true, false, new DateTimeOffset(2014, 3, 3, 9, 30, 0, TimeSpan.FromHours(-5)),
        new DateTimeOffset(2014, 3, 3, 14, 30, 0, 33, TimeSpan.Zero), new DateOnly(2014, 3, 3), null, DBNull.Value, 0.5f, 1.25m,
    ];

    // Worked out by hand: a boolean as 1 or 0, NaN as NULL, a time as UTC ISO-8601 with the precision it needs, a date as
    // yyyy-MM-dd; the window as its ISO text with milliseconds and its Unix milliseconds.
    private static readonly List<object?> Expected =
    [
        "2014-03-03T14:30:00.000Z", 1393857000000L, "é ITT", 7L, 1L << 40, -0.125, null, 1L, 0L, "2014-03-03T14:30:00Z", "2014-03-03T14:30:00.033Z", "2014-03-03", null, null, 0.5, 1.25,
    ];

    private static readonly List<object?> ExpectedTypes =
        ["text", "integer", "text", "integer", "integer", "real", "null", "integer", "integer", "text", "text", "text", "null", "null", "real", "real"];

    [Fact]
    public async Task WriteBatch_EachValueType_AloneOrInABatch_StoredAsItsLiteral()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        using var sinks = new RowSinks("p", [new TableSinkDefinition("t", null)], Typed, store, files: null);
        sinks.Prepare();
        var start = new DateTimeOffset(2014, 3, 3, 14, 30, 0, TimeSpan.Zero);
        ResultRow Row() => new("r", start, start.AddSeconds(1), [.. TypedNames.Zip(TypedValues, (n, v) => new KeyValuePair<string, object?>(n, v))]);

        // Alone: the per-row path (unboxed values into the table), with boxed fields and with typed ones; in a batch: the
        // table rows' path.
        var typed = new ResultFields(TypedNames);
        for (var i = 0; i < TypedValues.Length; i++)
        {
            typed.Set(i, FieldValue.Of(TypedValues[i]));
        }

        sinks.WriteBatch([Row()]);
        sinks.WriteBatch([new ResultRow("r", start, start.AddSeconds(1), typed)]);
        sinks.WriteBatch([Row(), Row()]);
        await store.FlushAsync();

        var columns = "window_start, window_start_ms, " + string.Join(", ", TypedNames);
        Assert.Equal([Expected, Expected, Expected, Expected], await QueryAsync(sql, $"SELECT {columns} FROM t ORDER BY rowid"));
        var types = string.Join(", ", columns.Split(", ").Select(c => $"typeof({c})"));
        Assert.Equal([ExpectedTypes, ExpectedTypes, ExpectedTypes, ExpectedTypes], await QueryAsync(sql, $"SELECT {types} FROM t ORDER BY rowid"));
    }

    [Fact]
    public async Task WriteBatch_OneReusedRowOverwrittenAfterEachCall_TableKeepsEveryRow()
    {
        await using var store = NewStore();
        using var sql = NewSql(store);
        using var sinks = new RowSinks("p", [new TableSinkDefinition("t", null)], Shape, store, files: null);
        sinks.Prepare();
        var fields = new ResultFields(["symbol", "spread"], shared: true);
        var batch = ResultBatch.Of(new ResultRow("quote", null, null, fields));

        for (var i = 0; i < 2_000; i++)
        {
            fields.Set(0, FieldValue.Of($"S{i}"));
            fields.Set(1, FieldValue.Of(i / 4.0));
            sinks.WriteBatch(batch.Rows);
        }

        await store.FlushAsync();
        var rows = await QueryAsync(sql, "SELECT symbol, spread FROM t ORDER BY rowid");
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => new List<object?> { $"S{i}", i / 4.0 }), rows);
    }

    private static ResultRow Quote(string symbol, double spread) => new("quote", null, null, [new("symbol", symbol), new("spread", spread)]);

    private static ResultRow Second(string symbol, int count) => new("second", null, null, [new("symbol", symbol), new("count", count)]);
}

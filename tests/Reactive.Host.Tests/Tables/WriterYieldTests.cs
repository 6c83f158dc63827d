using System.Globalization;
using Microsoft.Extensions.Options;
using Reactive.Host.Tables;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Tables;

/// <summary>
/// <see cref="TablesOptions.WriterYieldInterval"/>: inside a transaction, the tables' writer yields its core each time the
/// interval has passed (SQLite's progress handler, called every <see cref="MemoryTableStore.ProgressInstructions"/>
/// instructions of any statement the writer runs); every row still arrives. The store reads time from its
/// <see cref="TimeProvider"/>: here a clock that moves a fixed step each time it is read, so whether the interval passes
/// between two progress calls is decided by the test, not by the machine's speed.
/// </summary>
public sealed class WriterYieldTests
{
    private const int Rows = 2_000;

    private static readonly TableSchema Schema = new(
    [
        new TableColumn("name", ColumnType.Text),
        new TableColumn("n", ColumnType.Integer),
        new TableColumn("x", ColumnType.Real),
    ]);

    [Theory]
    // The clock moves 1 ms per reading, the interval is 100 µs: each progress call finds it passed, and yields.
    [InlineData(100, 1_000, true)]
    // The clock moves 1 µs per reading: a batch reads it a few hundred times at most, far from the 1-second interval.
    [InlineData(1_000_000, 1, false)]
    // 0: no progress handler at all, however far the clock moves.
    [InlineData(0, 1_000, false)]
    public async Task Batch_WithTheInterval_YieldsWhenItPassesAndEveryRowArrives(int intervalMicroseconds, int clockStepMicroseconds, bool yields)
    {
        var clock = new SteppingClock(TimeSpan.FromMicroseconds(clockStepMicroseconds));
        var options = new TablesOptions { CommitInterval = TimeSpan.Zero, WriterYieldInterval = TimeSpan.FromMicroseconds(intervalMicroseconds) };
        await using var store = new MemoryTableStore(Options.Create(options), null, clock);
        var writer = new HeldWriter(store);
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("yielding", Schema, OutputMode.Append);
        try
        {
            for (var i = 0; i < Rows; i++)
            {
                sink.Write(Row("row " + i.ToString(CultureInfo.InvariantCulture), (long)i, i + 0.25));
            }

            // Held until all are queued: one batch, one transaction.
            var before = store.WriterYields;
            writer.Open();
            await sink.FlushAsync();

            var yielded = store.WriterYields - before;
            if (yields)
            {
                // A row's insert is a few dozen instructions: 2,000 rows pass the progress handler's 1,000 many times.
                Assert.True(yielded >= 10, $"the writer yielded {yielded} times in a batch of {Rows} rows");
            }
            else
            {
                Assert.Equal(0, yielded);
            }

            var rows = await QueryAsync(sql, "SELECT COUNT(*), SUM(n), MIN(name), MAX(x) FROM yielding");
            Assert.Equal([[(long)Rows, (long)Rows * (Rows - 1) / 2, "row 0", Rows - 1 + 0.25]], rows);
        }
        finally
        {
            writer.Open();
        }
    }

    /// <summary>A clock that moves <c>step</c> each time its timestamp is read.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }
}

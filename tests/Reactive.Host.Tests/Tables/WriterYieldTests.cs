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
        var batch = await HeldBatchAsync(new SteppingClock(TimeSpan.FromMicroseconds(clockStepMicroseconds)), intervalMicroseconds);

        if (yields)
        {
            // A row's insert is a few dozen instructions: 2,000 rows pass the progress handler's 1,000 many times.
            Assert.True(batch.Yields >= 10, $"the writer yielded {batch.Yields} times in a batch of {Rows} rows");
        }
        else
        {
            Assert.Equal(0, batch.Yields);
        }

        Assert.Equal([[(long)Rows, (long)Rows * (Rows - 1) / 2, "row 0", Rows - 1 + 0.25]], batch.Summary);
    }

    [Fact]
    public async Task Batch_YieldsOncePerInterval_NotAtEveryProgressCallAfterTheFirst()
    {
        // The clock moves 10 µs per reading, the interval is 50 µs. After a yield the handler reads the clock once more
        // (the yield's time, t); the next calls read t + 10, t + 20, … and the fifth, at t + 50, is due: 6 readings a
        // yield. A handler that forgot the last yield's time would yield at every call once the first interval passed: 2
        // readings a yield.
        var batch = await HeldBatchAsync(new SteppingClock(TimeSpan.FromMicroseconds(10)), 50);

        // Besides the handler, the writer's loop and the batch read the clock a few times (its start and duration,
        // the commit's time): at most 12 readings off 6 a yield.
        Assert.True(batch.Yields >= 5, $"the writer yielded {batch.Yields} times in a batch of {Rows} rows ({batch.Readings} clock readings)");
        Assert.InRange(batch.Readings - (6 * batch.Yields), 0, 12);
        Assert.Equal([[(long)Rows, (long)Rows * (Rows - 1) / 2, "row 0", Rows - 1 + 0.25]], batch.Summary);
    }

    /// <summary>
    /// Queues <see cref="Rows"/> rows while the writer is held, then lets it write them as one batch, one transaction:
    /// the yields and the clock's readings while it did, and the table's count, sum of n, least name and greatest x.
    /// </summary>
    private static async Task<(long Yields, long Readings, List<List<object?>> Summary)> HeldBatchAsync(SteppingClock clock, int intervalMicroseconds)
    {
        var options = new TablesOptions { CommitInterval = TimeSpan.Zero, WriterYieldInterval = TimeSpan.FromMicroseconds(intervalMicroseconds) };
        await using var store = new MemoryTableStore(Options.Create(options), null, clock);
        var writer = new HeldWriter(store);
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("yielding", Schema, OutputMode.Append);
        try
        {
            WriteRows(sink);
            var yieldsBefore = store.WriterYields;
            var readingsBefore = clock.Readings;
            writer.Open();
            await sink.FlushAsync();
            var yields = store.WriterYields - yieldsBefore;
            var readings = clock.Readings - readingsBefore;
            return (yields, readings, await QueryAsync(sql, "SELECT COUNT(*), SUM(n), MIN(name), MAX(x) FROM yielding"));
        }
        finally
        {
            writer.Open();
        }
    }

    [Fact]
    public async Task Batch_WhenTheClockThrowsInsideTheHandler_GoesOnAndEveryRowArrives()
    {
        // An exception must not unwind through SQLite's native frames (the process would end): the yield is skipped.
        var clock = new ThrowingInTheHandlerClock();
        var options = new TablesOptions { CommitInterval = TimeSpan.Zero, WriterYieldInterval = TimeSpan.FromMicroseconds(100) };
        await using var store = new MemoryTableStore(Options.Create(options), null, clock);
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("throwing", Schema, OutputMode.Append);
        WriteRows(sink);

        await sink.FlushAsync();

        Assert.True(clock.Thrown > 0, "the handler never read the clock");
        Assert.Equal(0, store.WriterYields);
        var rows = await QueryAsync(sql, "SELECT COUNT(*), SUM(n) FROM throwing");
        Assert.Equal([[(long)Rows, (long)Rows * (Rows - 1) / 2]], rows);
    }

    /// <summary>Queues rows 0 … <see cref="Rows"/> − 1: name "row i", n = i, x = i + 0.25.</summary>
    private static void WriteRows(ITableSink sink)
    {
        for (var i = 0; i < Rows; i++)
        {
            sink.Write(Row("row " + i.ToString(CultureInfo.InvariantCulture), (long)i, i + 0.25));
        }
    }

    /// <summary>A clock that moves <c>step</c> each time its timestamp is read, and counts its readings.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;
        private long _readings;

        public long Readings => Interlocked.Read(ref _readings);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            Interlocked.Increment(ref _readings);
            return Interlocked.Add(ref _ticks, step.Ticks);
        }
    }

    /// <summary>The system's clock, except when read by the writer's progress handler: then it throws.</summary>
    private sealed class ThrowingInTheHandlerClock : TimeProvider
    {
        private long _thrown;

        public long Thrown => Interlocked.Read(ref _thrown);

        public override long GetTimestamp()
        {
            if (Environment.StackTrace.Contains("YieldWhenDue", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _thrown);
                throw new InvalidOperationException("the clock failed");
            }

            return base.GetTimestamp();
        }
    }
}

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reactive.Host.Metrics;
using Reactive.Host.Progress;
using Reactive.Host.Tables;
using Reactive.Host.Tests.Metrics;
using static Reactive.Host.Tests.Tables.TableTestKit;

namespace Reactive.Host.Tests.Tables;

/// <summary>The bounded queue between a pipeline and a table's writer, with a deliberately slow writer.</summary>
public sealed class TableQueueTests
{
    // No commit interval: these tests hold the writer themselves, and a clock that moves only by hand would hold the
    // writer's gathering wait too (CommitIntervalTests test that wait).
    private static MemoryTableStore NewStore(TableFullPolicy whenFull, TestClock clock, CapturingLogger<MemoryTableStore>? logger = null) =>
        new(Options.Create(new TablesOptions { QueueCapacity = 4, WhenFull = whenFull, CommitInterval = TimeSpan.Zero }), logger, clock);

    [Fact]
    public async Task Wait_FullQueue_ProducerWaitsMeasuredAndEveryRowArrivesInOrder()
    {
        var clock = new TestClock();
        await using var store = NewStore(TableFullPolicy.Wait, clock);
        var writer = new HeldWriter(store);
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("slow", TableSchema.RawLines, OutputMode.Append);
        var progress = new PipelineProgress("raw", "rawtable");
        progress.AttachSink(sink.Table, () => new SinkCounters(sink.QueueLength, sink.DroppedRows, sink.WaitTime));
        try
        {
            var producer = Task.Run(() =>
            {
                for (var i = 0; i < 20; i++)
                {
                    sink.Write(Row(i.ToString(CultureInfo.InvariantCulture)));
                }
            });

            await Until(() => ((MemoryTable)sink).WaitingWriters == 1);
            Assert.Equal(4, sink.QueueLength);
            Assert.Equal(4, progress.QueueLength);
            clock.Advance(TimeSpan.FromSeconds(2));
            Assert.False(producer.IsCompleted);

            writer.Open();
            await producer.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
            await sink.FlushAsync();

            var rows = await QueryAsync(sql, "SELECT value FROM slow ORDER BY rowid");
            Assert.Equal(Enumerable.Range(0, 20).Select(i => new List<object?> { i.ToString(CultureInfo.InvariantCulture) }), rows);
            Assert.Equal(0, sink.DroppedRows);
            Assert.Equal(TimeSpan.FromSeconds(2), sink.WaitTime);
            Assert.Equal(TimeSpan.FromSeconds(2), progress.SinkWaitTime);
            Assert.Equal(0, sink.QueueLength);
            Assert.Equal(TimeSpan.FromSeconds(2), store.Tables.Single().WaitTime);
        }
        finally
        {
            writer.Open();
        }
    }

    [Fact]
    public async Task Drop_FullQueue_DropsCountsAndWarnsAtABoundedRate()
    {
        var clock = new TestClock();
        var logger = new CapturingLogger<MemoryTableStore>();
        await using var store = NewStore(TableFullPolicy.Drop, clock, logger);
        var writer = new HeldWriter(store);
        await using var metrics = await MetricsServer.StartAsync(s => s.AddSingleton(store));
        var services = metrics.Services;
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("lossy", TableSchema.RawLines, OutputMode.Append);
        var progress = services.GetRequiredService<PipelineProgressRegistry>().GetOrAdd("raw", "rawtable");
        progress.AttachSink(sink.Table, () => new SinkCounters(sink.QueueLength, sink.DroppedRows, sink.WaitTime));
        try
        {
            // Never waits: four rows fit, six are dropped.
            for (var i = 0; i < 10; i++)
            {
                sink.Write(Row(i.ToString(CultureInfo.InvariantCulture)));
            }

            Assert.Equal(6, sink.DroppedRows);
            Assert.Equal(6, progress.SinkDroppedRows);
            Assert.Equal(4, sink.QueueLength);
            var warning = Assert.Single(logger.Entries, e => e.Id.Id == 4005);
            Assert.Contains("Memory table lossy: its queue of 4 writes is full", warning.Message, StringComparison.Ordinal);

            // Within the warning interval: counted, not warned again.
            clock.Advance(TimeSpan.FromSeconds(5));
            sink.WriteBatch([Row("a"), Row("b")]);
            Assert.Single(logger.Entries, e => e.Id.Id == 4005);

            clock.Advance(TimeSpan.FromSeconds(5));
            sink.ReplaceAll([Row("x"), Row("y"), Row("z")]);
            Assert.Equal(11, sink.DroppedRows);
            Assert.Equal(2, logger.Entries.Count(e => e.Id.Id == 4005));
            Assert.Contains("11 rows dropped so far", logger.Entries.Last(e => e.Id.Id == 4005).Message, StringComparison.Ordinal);

            var families = PrometheusTextParser.Parse(await metrics.ScrapeAsync());
            Assert.Equal(11, families["reactive_table_dropped_rows_total"].Samples.Single(s => s.Labels["table"] == "lossy").Value);
            Assert.Equal(11, families["reactive_pipeline_sink_dropped_rows_total"].Samples.Single(s => s.Labels["pipeline"] == "raw").Value);
            Assert.Equal(4, families["reactive_table_queue_length"].Samples.Single(s => s.Labels["table"] == "lossy").Value);
            Assert.Equal(0, families["reactive_table_queue_wait_seconds_total"].Samples.Single(s => s.Labels["table"] == "lossy").Value);

            writer.Open();
            await sink.FlushAsync();
            var rows = await QueryAsync(sql, "SELECT value FROM lossy ORDER BY rowid");
            Assert.Equal([["0"], ["1"], ["2"], ["3"]], rows);
            Assert.Equal(TimeSpan.Zero, sink.WaitTime);
        }
        finally
        {
            writer.Open();
        }
    }

    [Fact]
    public async Task Defaults_AreWaitAndTenThousandWrites()
    {
        var options = new TablesOptions();
        Assert.Equal(10_000, options.QueueCapacity);
        Assert.Equal(TableFullPolicy.Wait, options.WhenFull);

        await using var store = new MemoryTableStore(Options.Create(options));
        store.GetOrCreate("t", TableSchema.RawLines, OutputMode.Append);
        var info = store.Tables.Single();
        Assert.Equal(10_000, info.QueueCapacity);
        Assert.Equal(TableFullPolicy.Wait, info.WhenFull);
    }

    [Fact]
    public async Task GetOrCreate_OwnQueueOptions_OverrideTheDefaults()
    {
        await using var store = new MemoryTableStore(Options.Create(new TablesOptions()));

        store.GetOrCreate("t", TableSchema.RawLines, OutputMode.Append, queue: new TableQueueOptions(7, TableFullPolicy.Drop));

        var info = store.Tables.Single();
        Assert.Equal(7, info.QueueCapacity);
        Assert.Equal(TableFullPolicy.Drop, info.WhenFull);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.GetOrCreate("u", TableSchema.RawLines, OutputMode.Append, queue: new TableQueueOptions(0)));
    }

    [Fact]
    public async Task Dispose_WithQueuedRows_DrainsTheQueueAndReleasesAWaitingProducer()
    {
        var clock = new TestClock();
        var store = NewStore(TableFullPolicy.Wait, clock);
        var writer = new HeldWriter(store);
        var sink = store.GetOrCreate("t", TableSchema.RawLines, OutputMode.Append);
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 6; i++)
            {
                sink.Write(Row("r"));
            }
        });
        await Until(() => ((MemoryTable)sink).WaitingWriters == 1);

        var disposing = store.DisposeAsync().AsTask();
        await producer.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
        writer.Open();
        await disposing.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);

        Assert.Equal(0, sink.QueueLength);
        Assert.False(File.Exists(store.DatabasePath));
    }

    [Fact]
    public async Task Flush_OnAFullQueue_CompletesOnceTheRowsBeforeItAreApplied_AndLeavesTheBound()
    {
        var clock = new TestClock();
        await using var store = NewStore(TableFullPolicy.Drop, clock);
        var writer = new HeldWriter(store);
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("full", TableSchema.RawLines, OutputMode.Append);
        try
        {
            for (var i = 0; i < 4; i++)
            {
                sink.Write(Row(i.ToString(CultureInfo.InvariantCulture)));
            }

            // The flush is queued behind the four rows (it completes only once the writer has applied them), and leaves
            // the queue as full as it was: the next row is dropped.
            var flush = sink.FlushAsync();
            Assert.False(flush.IsCompleted);
            Assert.Equal(4, sink.QueueLength);
            sink.Write(Row("dropped"));
            Assert.Equal(1, sink.DroppedRows);

            writer.Open();
            await flush.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
            Assert.Equal(0, sink.QueueLength);
            var rows = await QueryAsync(sql, "SELECT value FROM full ORDER BY rowid");
            Assert.Equal(Enumerable.Range(0, 4).Select(i => new List<object?> { i.ToString(CultureInfo.InvariantCulture) }), rows);
        }
        finally
        {
            writer.Open();
        }
    }

    [Fact]
    public async Task Wait_ManyProducersOnAFullQueue_NeverMoreThanTheCapacityQueued_AndEveryRowArrives()
    {
        var clock = new TestClock();
        await using var store = NewStore(TableFullPolicy.Wait, clock);
        var writer = new HeldWriter(store);
        using var sql = NewSql(store);
        var sink = store.GetOrCreate("many", TableSchema.RawLines, OutputMode.Append);
        try
        {
            var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
            {
                for (var i = 0; i < 250; i++)
                {
                    sink.Write(Row(string.Create(CultureInfo.InvariantCulture, $"{p}-{i}")));
                }
            })).ToList();

            // Held: each producer has found the queue full and waits; the queue holds exactly its capacity.
            await Until(() => ((MemoryTable)sink).WaitingWriters == 4);
            Assert.Equal(4, sink.QueueLength);

            writer.Open();
            var most = 0L;
            var deadline = TimeProvider.System.GetTimestamp() + (30 * TimeProvider.System.TimestampFrequency);
            while (!producers.All(t => t.IsCompleted))
            {
                Assert.True(TimeProvider.System.GetTimestamp() < deadline, "the producers did not finish within 30 seconds");
                most = Math.Max(most, sink.QueueLength);
                await Task.Yield();
            }

            await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
            await sink.FlushAsync();
            Assert.InRange(most, 0, 4);
            var rows = await QueryAsync(sql, "SELECT value FROM many ORDER BY rowid");
            Assert.Equal(1000, rows.Count);
            Assert.Equal(1000, rows.Select(r => (string)r[0]!).Distinct().Count());

            // Each producer's rows arrive in its own order.
            for (var p = 0; p < 4; p++)
            {
                var mine = rows.Select(r => (string)r[0]!).Where(v => v.StartsWith(string.Create(CultureInfo.InvariantCulture, $"{p}-"), StringComparison.Ordinal)).ToList();
                Assert.Equal(Enumerable.Range(0, 250).Select(i => string.Create(CultureInfo.InvariantCulture, $"{p}-{i}")), mine);
            }

            Assert.Equal(0, sink.DroppedRows);
            Assert.Equal(0, sink.QueueLength);
        }
        finally
        {
            writer.Open();
        }
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (30 * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, "the condition did not hold within 30 seconds");
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }
}

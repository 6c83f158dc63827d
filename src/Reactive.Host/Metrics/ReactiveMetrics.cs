using System.Diagnostics.Metrics;
using Reactive.Host.Progress;
using Reactive.Host.Tables;

namespace Reactive.Host.Metrics;

/// <summary>
/// The service's instruments, created once from <see cref="IMeterFactory"/> on the meter
/// <see cref="MeterName"/>. Pipeline counters are read from <see cref="PipelineProgressRegistry"/>
/// and table counters from <see cref="MemoryTableStore.Tables"/> when metrics are collected; the
/// tables' writers tell their transactions and evictions through <see cref="ITableStoreObserver"/>.
/// OpenTelemetry exports them (<see cref="MetricsServiceCollectionExtensions.AddReactiveMetrics"/>): in Prometheus
/// names dots become underscores, an instrument in seconds ends in <c>_seconds</c> and a counter in <c>_total</c>.
/// </summary>
public sealed class ReactiveMetrics : ITableStoreObserver
{
    /// <summary>The name of the service's meter.</summary>
    public const string MeterName = "Reactive";

    /// <summary>
    /// The bucket bounds of the histograms in seconds (advice to any exporter; OpenTelemetry's own default suits
    /// milliseconds): from half a millisecond to 30 seconds.
    /// </summary>
    internal static readonly IReadOnlyList<double> SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly InstrumentAdvice<double> SecondsAdvice = new() { HistogramBucketBoundaries = SecondsBuckets };

    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _tableFlushDuration;
    private readonly Counter<long> _tableEvicted;
    private readonly Counter<long> _tableRowsWritten;
    private readonly MemoryTableStore? _tables;

    /// <summary>Creates the instruments; observes <paramref name="tables"/> when given.</summary>
    public ReactiveMetrics(IMeterFactory meterFactory, PipelineProgressRegistry registry, MemoryTableStore? tables = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(registry);
        var meter = meterFactory.Create(MeterName);

        meter.CreateObservableCounter("reactive.pipeline.rows_in", () => Each(registry, p => p.InputRows), "{row}", "Lines read by the pipeline's source (those it turned away itself, e.g. too long, included).");
        meter.CreateObservableCounter("reactive.pipeline.rows_out", () => Each(registry, p => p.OutputRows), "{row}", "Result rows written by the pipeline.");
        meter.CreateObservableCounter("reactive.pipeline.late_rows", () => Each(registry, p => p.LateRows), "{row}", "Rows dropped as late (behind the watermark).");
        meter.CreateObservableCounter("reactive.pipeline.rows_parsed", () => Each(registry, p => p.RowsParsed), "{row}", "Lines the parser turned into rows (lines taken as text for pipelines of text).");
        meter.CreateObservableCounter("reactive.pipeline.lines_skipped", () => Skipped(registry), "{line}", "Lines the parser skipped, by reason (blank, header).");
        meter.CreateObservableCounter("reactive.pipeline.rows_rejected", () => Each(registry, p => p.RowsRejected), "{row}", "Rows an operator turned away after parsing (also in dead letters by code).");
        meter.CreateObservableCounter("reactive.pipeline.dead_letters", () => ByCode(registry, p => p.DeadLettersByCode), "{row}", "Rows rejected, by reason code.");
        meter.CreateObservableCounter("reactive.pipeline.nulled_fields", () => ByCode(registry, p => p.NulledFieldsByCode), "{field}", "Mistyped fields made null in rows that were kept, by the code they would have been rejected with.");
        meter.CreateObservableCounter("reactive.pipeline.restarts", () => Each(registry, p => (long)p.Restarts), "{restart}", "Failures after which the pipeline backed off and restarted.");
        meter.CreateObservableGauge("reactive.pipeline.state_rows", () => Each(registry, p => p.StateRows), "{row}", "Open windows and state rows held.");
        meter.CreateObservableGauge("reactive.pipeline.queue_length", () => Each(registry, p => p.QueueLength), "{item}", "Writes waiting in the queues of the pipeline's sinks.");
        meter.CreateObservableCounter("reactive.pipeline.sink_dropped_rows", () => Each(registry, p => p.SinkDroppedRows), "{row}", "Rows the pipeline's sinks dropped because their queue was full.");
        meter.CreateObservableGauge("reactive.pipeline.up", () => Each(registry, p => p.State is PipelineState.Running ? 1L : 0L), null, "1 while the pipeline runs, else 0.");
        // "{row}/s" would be named reactive_pipeline_input_rate_per_second in Prometheus; the annotation keeps the name.
        meter.CreateObservableGauge("reactive.pipeline.input_rate", () => EachDouble(registry, p => p.InputRowsPerSecond), "{row/s}", "Input rows per second.");
        meter.CreateObservableGauge("reactive.pipeline.watermark", () => EachDouble(registry, p => p.Watermark is { } w ? w.ToUnixTimeMilliseconds() / 1000.0 : double.NaN), "s", "The watermark, in Unix seconds.");
        _batchDuration = meter.CreateHistogram("reactive.pipeline.batch_duration", "s", "Time to process one batch (trigger).", tags: null, SecondsAdvice);
        registry.SetBatchObserver((pipeline, seconds) => _batchDuration.Record(seconds, new KeyValuePair<string, object?>("pipeline", pipeline)));

        meter.CreateObservableGauge("reactive.table.rows", () => Tables(t => t.Rows), "{row}", "Rows in each memory table.");
        meter.CreateObservableGauge("reactive.table.queue_length", () => Tables(t => t.QueueLength), "{write}", "Writes queued for each memory table.");
        meter.CreateObservableCounter("reactive.table.dropped_rows", () => Tables(t => t.DroppedRows), "{row}", "Rows dropped because the table's queue was full (policy drop).");
        meter.CreateObservableCounter("reactive.table.queue_wait", () => TablesDouble(t => t.WaitTime.TotalSeconds), "s", "Time writers waited for room in the table's queue (policy wait).");
        _tableEvicted = meter.CreateCounter<long>("reactive.table.evicted_rows", "{row}", "Oldest rows evicted to keep a memory table's row bound.");
        _tableRowsWritten = meter.CreateCounter<long>("reactive.table.rows_written", "{row}", "Rows written into memory tables.");
        _tableFlushDuration = meter.CreateHistogram("reactive.table.flush_duration", "s", "Time of one batched memory-table transaction.", tags: null, SecondsAdvice);
        _tables = tables;
        if (tables is not null)
        {
            // The store has opened SQLite (its provider is set): what SQLite's allocator holds is native memory the GC's
            // metrics do not show — RSS minus the GC's committed memory minus this is the runtime's own and the C heap's.
            meter.CreateObservableGauge("reactive.sqlite.memory", () => SQLitePCL.raw.sqlite3_memory_used(), "By", "Bytes held by SQLite's allocator in the process: page caches, statements and schemas of the tables' writer, the SQL readers and any other connection.");
            tables.AddObserver(this);
        }
    }

    /// <inheritdoc />
    void ITableStoreObserver.RowsEvicted(string table, long rows) => _tableEvicted.Add(rows, new KeyValuePair<string, object?>("table", table));

    /// <inheritdoc />
    void ITableStoreObserver.BatchApplied(string table, int rows, TimeSpan duration)
    {
        _tableFlushDuration.Record(duration.TotalSeconds);
        _tableRowsWritten.Add(rows);
    }

    private static IEnumerable<Measurement<long>> Each(PipelineProgressRegistry registry, Func<PipelineProgress, long> value) =>
        registry.All.Select(p => new Measurement<long>(value(p), new KeyValuePair<string, object?>("pipeline", p.Name)));

    private static IEnumerable<Measurement<double>> EachDouble(PipelineProgressRegistry registry, Func<PipelineProgress, double> value) =>
        registry.All.Select(p => (p, v: value(p))).Where(x => !double.IsNaN(x.v))
            .Select(x => new Measurement<double>(x.v, new KeyValuePair<string, object?>("pipeline", x.p.Name)));

    private static IEnumerable<Measurement<long>> ByCode(PipelineProgressRegistry registry, Func<PipelineProgress, IReadOnlyDictionary<string, long>> counts) =>
        registry.All.SelectMany(p => counts(p).Select(kv => new Measurement<long>(
            kv.Value,
            new KeyValuePair<string, object?>("pipeline", p.Name),
            new KeyValuePair<string, object?>("code", kv.Key))));

    private static IEnumerable<Measurement<long>> Skipped(PipelineProgressRegistry registry) =>
        registry.All.SelectMany(p => new[]
        {
            new Measurement<long>(p.SkippedBlank, new KeyValuePair<string, object?>("pipeline", p.Name), new KeyValuePair<string, object?>("reason", "blank")),
            new Measurement<long>(p.SkippedHeader, new KeyValuePair<string, object?>("pipeline", p.Name), new KeyValuePair<string, object?>("reason", "header")),
        });

    private IEnumerable<Measurement<long>> Tables(Func<TableInfo, long> value) =>
        _tables is null ? [] : _tables.Tables.Select(t => new Measurement<long>(value(t), new KeyValuePair<string, object?>("table", t.Name)));

    private IEnumerable<Measurement<double>> TablesDouble(Func<TableInfo, double> value) =>
        _tables is null ? [] : _tables.Tables.Select(t => new Measurement<double>(value(t), new KeyValuePair<string, object?>("table", t.Name)));
}

using Reactive.Host.Analytics;
using Reactive.Host.FileSinks;
using Reactive.Host.Progress;
using Reactive.Host.Tables;

namespace Reactive.Host.Sinks;

/// <summary>
/// The table and file sinks of one pipeline run. Their columns come from the schemas the pipeline kind declares
/// (<see cref="ResultShape"/>): tables exist, empty, from the start; a kind of row whose columns differ from the first
/// schema's goes to its own table (<c>name_kind</c>) or file.
/// </summary>
internal sealed class RowSinks : IDisposable
{
    private readonly string _pipeline;
    private readonly IReadOnlyList<SinkDefinition> _sinks;
    private readonly ResultShape _shape;
    private readonly MemoryTableStore? _tables;
    private readonly FileSinkFactory? _files;
    private readonly PipelineProgress? _progress;
    private readonly Dictionary<(SinkDefinition Sink, string Kind), object> _targets = [];

    // A per-row kind's values, reused from one row to the next: a table encodes the row before Write returns.
    private object?[] _singleValues = [];
    private FieldValue[] _singleFields = [];

    /// <param name="pipeline">The pipeline's name (the base name of its files).</param>
    /// <param name="sinks">Its sinks (console sinks are not written here).</param>
    /// <param name="shape">What it writes.</param>
    /// <param name="tables">The memory tables, when the run has them.</param>
    /// <param name="files">The file sinks, when the run has them.</param>
    /// <param name="progress">The pipeline's progress, which shows its tables' queues.</param>
    public RowSinks(string pipeline, IReadOnlyList<SinkDefinition> sinks, ResultShape shape, MemoryTableStore? tables, FileSinkFactory? files, PipelineProgress? progress = null)
    {
        _progress = progress;
        _pipeline = pipeline;
        _sinks = sinks;
        _shape = shape;
        _tables = tables;
        _files = files;
    }

    /// <summary>
    /// A checkpointed pipeline's sinks: each batch's rows are written so that writing the batch again replaces them
    /// (windowed tables upsert on window and keys; each file sink writes one file per batch), and
    /// <see cref="Commit"/> waits until the tables hold them.
    /// </summary>
    public bool ExactlyOnce { get; init; }

    /// <summary>The tables' marks at the last committed batch, to resume them from (what a re-run batch wrote after is dropped); null: new tables.</summary>
    public IReadOnlyDictionary<string, long>? Resume { get; init; }

    /// <summary>Sees every batch of rows written (the dashboard's <see cref="IResultTap"/>), or null.</summary>
    public Action<IReadOnlyList<ResultRow>>? Tap { get; init; }

    /// <summary>Creates every table now, before the first result (a query at start finds an empty table).</summary>
    public void Prepare()
    {
        foreach (var table in _sinks.OfType<TableSinkDefinition>())
        {
            foreach (var schema in _shape.Schemas)
            {
                _ = Target(table, schema.Kind);
            }
        }
    }

    /// <summary>
    /// Writes one batch's rows; in complete mode they replace each table's content. For a checkpointed pipeline
    /// (<see cref="ExactlyOnce"/>) with a <paramref name="batchId"/> the batch is written idempotently: each file sink
    /// writes one file per batch (replaced when the batch is re-run, removed when it has no rows), and windowed tables
    /// upsert by window and key.
    /// </summary>
    public void WriteBatch(IReadOnlyList<ResultRow> rows, long? batchId = null)
    {
        var perBatch = ExactlyOnce && batchId is not null;
        if (rows.Count == 0 && !perBatch)
        {
            return;
        }

        if (rows.Count > 0)
        {
            Tap?.Invoke(rows);
        }

        // Converted once for every sink. A per-row kind writes one row at a time: no LINQ grouping, iterators or
        // enumerators for it (measured with bench --live: they were a sixth of the service's allocations per quote).
        (string Kind, TableRow[] Rows)[]? byKind = null;
        TableRow? single = null;
        for (var s = 0; s < _sinks.Count; s++)
        {
            var sink = _sinks[s];
            switch (sink)
            {
                case TableSinkDefinition when rows.Count == 1 && _shape.Mode != ResultMode.Complete:
                    // A per-row kind's row: straight to its table, without the arrays of a batch, and into a memory
                    // table without a box (its values read unboxed, encoded before Write returns).
                    var table = (ITableSink)Target(sink, rows[0].Kind);
                    if (table is MemoryTable memory)
                    {
                        var row = rows[0];
                        memory.Write(ToTableFields(row, ref _singleFields), row.WindowStart, row.WindowEnd);
                    }
                    else
                    {
                        table.Write(single ??= ToTableRow(rows[0], ref _singleValues));
                    }

                    break;
                case TableSinkDefinition:
                    foreach (var (kind, kindRows) in byKind ??= ByKind(rows))
                    {
                        var target = (ITableSink)Target(sink, kind);
                        if (_shape.Mode == ResultMode.Complete)
                        {
                            target.ReplaceAll(kindRows);
                        }
                        else
                        {
                            target.WriteBatch(kindRows);
                        }
                    }

                    break;
                case FileSinkDefinition when perBatch:
                    foreach (var schema in _shape.Schemas)
                    {
                        var target = (BatchFileSink)Target(sink, schema.Kind);
                        target.WriteBatch(batchId!.Value, [.. rows.Where(r => r.Kind == schema.Kind).Select(ToTableRow)]);
                    }

                    break;
                case FileSinkDefinition:
                    foreach (var (kind, kindRows) in byKind ??= ByKind(rows))
                    {
                        var target = (FileSink)Target(sink, kind);
                        target.WriteBatch(kindRows);
                        target.Flush();
                    }

                    break;
            }
        }
    }

    /// <summary>Waits until the tables hold every row written so far; returns each table's mark (what it holds), for the commit.</summary>
    public IReadOnlyDictionary<string, long> Commit()
    {
        var marks = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var ((sink, _), target) in _targets)
        {
            if (target is ITableSink table)
            {
                marks[table.Table] = table.CommitMark();
            }
        }

        return marks;
    }

    public void Dispose()
    {
        foreach (var target in _targets.Values.OfType<IDisposable>())
        {
            target.Dispose();
        }
    }

    private object Target(SinkDefinition sink, string kind)
    {
        // The lookup alone on the way of every row: the lambda's closure (over kind) lives in CreateTarget, which C# would
        // otherwise allocate on each call, found or not (measured: 25 B a quote with bench --live).
        return _targets.TryGetValue((sink, kind), out var target) ? target : CreateTarget(sink, kind);
    }

    private object CreateTarget(SinkDefinition sink, string kind)
    {
        var schema = _shape.Schemas.FirstOrDefault(s => s.Kind == kind)
            ?? throw new InvalidOperationException($"pipeline {_pipeline} wrote a row of kind '{kind}', which its kind does not declare");
        object target = sink switch
        {
            TableSinkDefinition table => CreateTable(table, schema),
            FileSinkDefinition file when ExactlyOnce => CreateBatchFiles(file, schema),
            FileSinkDefinition file => CreateFile(file, schema),
            _ => throw new InvalidOperationException($"sink {sink.Kind} takes no rows"),
        };
        _targets[(sink, kind)] = target;
        return target;
    }

    /// <summary>The name for rows of <paramref name="schema"/>: the base name, or base_kind when its columns differ from the first schema's.</summary>
    private string NameFor(string baseName, ResultSchema schema) =>
        _shape.Schemas[0].Columns.SequenceEqual(schema.Columns) ? baseName : $"{baseName}_{schema.Kind}";

    private ITableSink CreateTable(TableSinkDefinition sink, ResultSchema schema)
    {
        var store = _tables ?? throw new InvalidOperationException("memory tables are not available in this run");
        var tableSchema = new TableSchema([.. schema.Columns.Select(c => new TableColumn(ColumnName(c.Name), TypeOf(c.Type)))], schema.HasWindow) { WindowName = schema.WindowName };
        var (mode, keys) = _shape.Mode switch
        {
            ResultMode.Update => (OutputMode.Update, _shape.Keys),
            ResultMode.Complete => (OutputMode.Complete, null),
            _ when schema.Keys is { } schemaKeys => (OutputMode.Update, schemaKeys),
            _ => (OutputMode.Append, null),
        };
        if (ExactlyOnce && mode == OutputMode.Append && schema.HasWindow)
        {
            // Checkpointed: a window written again by a re-run batch replaces its row (each window is one row in append mode).
            (mode, keys) = (OutputMode.Update, _shape.Keys ?? []);
        }

        var name = NameFor(sink.Table, schema);
        IReadOnlyList<string>? keyColumns = mode == OutputMode.Update ? [.. (keys ?? []).Select(ColumnName)] : null;

        // A restarted checkpointed pipeline keeps what its durable table held at the last commit (rows written after it
        // by the batch that is re-run now are deleted); otherwise the table starts empty.
        var table = Resume is not null
            ? store.Resume(name, tableSchema, mode, keyColumns, sink.MaxRows, mark: Resume.TryGetValue(name, out var mark) ? mark : 0)
            : store.GetOrCreate(name, tableSchema, mode, keyColumns, sink.MaxRows);
        _progress?.AttachSink(table.Table, () => new SinkCounters(table.QueueLength, table.DroppedRows, table.WaitTime));
        return table;
    }

    private FileSink CreateFile(FileSinkDefinition sink, ResultSchema schema)
    {
        var factory = _files ?? throw new InvalidOperationException("file sinks are not available in this run");
        return factory.Create(NameFor(_pipeline, schema), [.. schema.Columns.Select(c => c.Name)], schema.HasWindow, sink.Format, schema.WindowName);
    }

    private BatchFileSink CreateBatchFiles(FileSinkDefinition sink, ResultSchema schema)
    {
        var factory = _files ?? throw new InvalidOperationException("file sinks are not available in this run");
        return factory.CreateBatchFiles(NameFor(_pipeline, schema), [.. schema.Columns.Select(c => c.Name)], schema.HasWindow, sink.Format, schema.WindowName);
    }

    /// <summary>A SQL identifier for a result field: <c>avg(spread)</c> → <c>avg_spread</c>, <c>count(px)</c> → <c>count_px</c>.</summary>
    internal static string ColumnName(string field)
    {
        var chars = field.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var name = new string(chars).Trim('_');
        while (name.Contains("__", StringComparison.Ordinal))
        {
            name = name.Replace("__", "_", StringComparison.Ordinal);
        }

        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "c_" + name : name;
    }

    private static ColumnType TypeOf(ResultType type) => type switch
    {
        ResultType.Text or ResultType.Time or ResultType.Date => ColumnType.Text,
        ResultType.Integer or ResultType.Bool => ColumnType.Integer,
        _ => ColumnType.Real,
    };

    // Booleans are stored as SQLite integers; one box each for every row.
    private static readonly object One = 1L;
    private static readonly object Zero = 0L;

    internal static TableRow ToTableRow(ResultRow row)
    {
        object?[] values = [];
        return ToTableRow(row, ref values);
    }

    /// <summary>The row as a table row whose values are <paramref name="values"/> (a new array when its length differs).</summary>
    private static TableRow ToTableRow(ResultRow row, ref object?[] values)
    {
        var fields = row.Fields;
        if (values.Length != fields.Count)
        {
            values = new object?[fields.Count];
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ToSql(fields[i].Value);
        }

        return new TableRow(values, row.WindowStart, row.WindowEnd);
    }

    /// <summary>
    /// The row's values for a memory table in <paramref name="fields"/> (a new array when its length differs): unboxed as
    /// they are — the table's encoder stores a boolean as 1 or 0, a non-finite double as NULL and a time as
    /// <see cref="ResultRow.FormatTime(DateTimeOffset)"/>'s text, as <see cref="ToSql"/> does — and any other object
    /// converted as <see cref="ToSql"/> and the table convert it.
    /// </summary>
    private static ReadOnlySpan<FieldValue> ToTableFields(ResultRow row, ref FieldValue[] fields)
    {
        if (fields.Length != row.FieldCount)
        {
            fields = new FieldValue[row.FieldCount];
        }

        for (var i = 0; i < fields.Length; i++)
        {
            var value = row.FieldAt(i);
            fields[i] = value.Type == FieldValueKind.Other ? RowChunk.ToField(MemoryTable.ToSqlValue(ToSql(value.Other))) : value;
        }

        return fields;
    }

    /// <summary>The rows as table rows, by kind in the order each kind first appears (one group, without LINQ, when all share a kind).</summary>
    private static (string Kind, TableRow[] Rows)[] ByKind(IReadOnlyList<ResultRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var kind = rows[0].Kind;
        var oneKind = true;
        for (var i = 1; i < rows.Count && oneKind; i++)
        {
            oneKind = rows[i].Kind == kind;
        }

        if (!oneKind)
        {
            return [.. rows.GroupBy(r => r.Kind).Select(g => (g.Key, g.Select(ToTableRow).ToArray()))];
        }

        var converted = new TableRow[rows.Count];
        for (var i = 0; i < converted.Length; i++)
        {
            converted[i] = ToTableRow(rows[i]);
        }

        return [(kind, converted)];
    }

    private static object? ToSql(object? value) => value switch
    {
        DateTimeOffset t => ResultRow.FormatTime(t),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        bool b => b ? One : Zero,
        int i => (long)i,
        double d when !double.IsFinite(d) => null,
        _ => value,
    };
}

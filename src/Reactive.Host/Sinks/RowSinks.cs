using Reactive.Host.Analytics;
using Reactive.Host.Configuration;
using Reactive.Host.FileSinks;
using Reactive.Host.Pipelines;
using Reactive.Host.Progress;
using Reactive.Host.Tables;

namespace Reactive.Host.Sinks;

/// <summary>
/// The sinks of one pipeline run for result rows: standard output (JSON lines), memory tables and
/// files. Tables and files take their columns from the first row of each kind of result; a kind
/// whose fields differ from the first one's goes to its own table (<c>name_kind</c>) or file.
/// </summary>
internal sealed class RowSinks : IDisposable
{
    private readonly PipelineRunContext _ctx;
    private readonly OutputMode _mode;
    private readonly IReadOnlyList<string> _keyColumns;
    private readonly Dictionary<(SinkDefinition Sink, string Kind), object> _targets = [];
    private readonly Dictionary<SinkDefinition, IReadOnlyList<string>> _firstColumns = [];

    public RowSinks(PipelineRunContext ctx, OutputMode mode, IReadOnlyList<string> keyColumns)
    {
        _ctx = ctx;
        _mode = mode;
        _keyColumns = keyColumns;
    }

    /// <summary>Creates the tables for rows like <paramref name="templates"/> now, before the first result.</summary>
    public void Prepare(IEnumerable<ResultRow> templates)
    {
        foreach (var table in _ctx.Definition.Sinks.OfType<TableSinkDefinition>())
        {
            foreach (var template in templates)
            {
                _ = Target(table, template, () => CreateTable(table, template));
            }
        }
    }

    /// <summary>Writes one trigger's rows; in complete mode they replace each table's content.</summary>
    public void WriteBatch(IReadOnlyList<ResultRow> rows, bool console = true)
    {
        foreach (var sink in _ctx.Definition.Sinks)
        {
            switch (sink)
            {
                case ConsoleSinkDefinition when console:
                    foreach (var row in rows)
                    {
                        _ctx.Output.Write(row.ToJson() + "\n");
                    }

                    break;
                case TableSinkDefinition table:
                    foreach (var group in rows.GroupBy(r => r.Kind))
                    {
                        var target = (ITableSink)Target(table, group.First(), () => CreateTable(table, group.First()));
                        var tableRows = group.Select(ToTableRow).ToList();
                        if (_mode == OutputMode.Complete)
                        {
                            target.ReplaceAll(tableRows);
                        }
                        else
                        {
                            target.WriteBatch(tableRows);
                        }
                    }

                    break;
                case FileSinkDefinition file:
                    foreach (var group in rows.GroupBy(r => r.Kind))
                    {
                        var target = (FileSink)Target(file, group.First(), () => CreateFile(file, group.First()));
                        target.WriteBatch([.. group.Select(ToTableRow)]);
                        target.Flush();
                    }

                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var target in _targets.Values.OfType<IDisposable>())
        {
            target.Dispose();
        }
    }

    private object Target(SinkDefinition sink, ResultRow first, Func<object> create)
    {
        if (!_targets.TryGetValue((sink, first.Kind), out var target))
        {
            target = create();
            _targets[(sink, first.Kind)] = target;
        }

        return target;
    }

    /// <summary>The name for rows like <paramref name="row"/>: the configured one, or name_kind when its fields differ from the first kind's.</summary>
    private string NameFor(SinkDefinition sink, string baseName, ResultRow row)
    {
        var columns = row.Fields.Select(f => f.Key).ToList();
        if (!_firstColumns.TryGetValue(sink, out var first))
        {
            _firstColumns[sink] = columns;
            return baseName;
        }

        return first.SequenceEqual(columns) ? baseName : $"{baseName}_{row.Kind}";
    }

    private ITableSink CreateTable(TableSinkDefinition sink, ResultRow first)
    {
        var name = NameFor(sink, sink.Table, first);
        var schema = new TableSchema([.. first.Fields.Select(f => new TableColumn(ColumnName(f.Key), TypeOf(f.Value)))], first.WindowStart is not null);
        var store = _ctx.Services.Tables ?? throw new InvalidOperationException("memory tables are not available in this run");
        var table = store.GetOrCreate(name, schema, _mode, _mode == OutputMode.Update ? [.. _keyColumns.Select(ColumnName)] : null, sink.MaxRows);
        _ctx.Progress.AttachSink(table.Table, () => new SinkCounters(table.QueueLength, table.DroppedRows, table.WaitTime));
        return table;
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

    private FileSink CreateFile(FileSinkDefinition sink, ResultRow first)
    {
        var name = NameFor(sink, _ctx.Name, first);
        var factory = _ctx.Services.Files ?? throw new InvalidOperationException("file sinks are not available in this run");
        return factory.Create(name, [.. first.Fields.Select(f => f.Key)], first.WindowStart is not null, sink.Format);
    }

    private static ColumnType TypeOf(object? value) => value switch
    {
        string or DateTimeOffset or DateOnly => ColumnType.Text,
        long or int or bool => ColumnType.Integer,
        _ => ColumnType.Real,
    };

    internal static TableRow ToTableRow(ResultRow row) =>
        new([.. row.Fields.Select(f => ToSql(f.Value))], row.WindowStart, row.WindowEnd);

    private static object? ToSql(object? value) => value switch
    {
        DateTimeOffset t => ResultRow.FormatTime(t),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        bool b => b ? 1L : 0L,
        int i => (long)i,
        double d when !double.IsFinite(d) => null,
        _ => value,
    };
}

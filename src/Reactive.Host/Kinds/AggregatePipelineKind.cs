using System.Reactive;
using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Settings;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
using Reactive.Operators.Parsing;
using Reactive.Operators.Windows;

namespace Reactive.Host.Kinds;

/// <summary>Input format of the generic aggregate pipeline.</summary>
internal enum RowFormat
{
    /// <summary>One JSON object per line.</summary>
    JsonLines,

    /// <summary>Comma-separated values, with a header line unless told otherwise.</summary>
    Csv,
}

/// <summary>
/// The aggregate pipeline's options, Spark's <c>withWatermark(t, d).groupBy(window(t, …), keys).agg(…)</c>: how rows are
/// read (format, schema, time field), what is computed (keys, aggregates) and the windows (<see cref="Window"/>).
/// A kind built on the aggregate with other defaults (<see cref="BitcoinPipelineOptions"/>) sets them in its constructor.
/// </summary>
internal class AggregatePipelineOptions
{
    /// <summary>The input format.</summary>
    /// <value>The default is JSON lines (for <c>reactive run</c>: CSV when the input's name ends in <c>.csv</c>).</value>
    public RowFormat Format { get; set; } = RowFormat.JsonLines;

    /// <summary>Whether a CSV input starts with a header line.</summary>
    /// <value>The default is true.</value>
    public bool CsvHeader { get; set; } = true;

    /// <summary>The field that holds each row's event time (required).</summary>
    public string? TimeField { get; set; }

    /// <summary>How the time field is read: <c>iso</c>, <c>unix_s</c>, <c>unix_ms</c> or a .NET format.</summary>
    /// <value>The default is <c>iso</c>.</value>
    public string TimeFormat { get; set; } = "iso";

    /// <summary>The zone of times written without one.</summary>
    /// <value>The default is UTC.</value>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>The grouping keys, besides the window.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<string> GroupBy { get; set; } = [];

    /// <summary>
    /// The name of the window column in the results (Spark's <c>window(…).alias(…)</c>): the JSON object
    /// <c>{"time_window":{"start":…,"end":…}}</c>; a table keeps <c>window_start</c> and <c>window_end</c>, which SQL reaches as
    /// <c>window.start</c> or <c>time_window.start</c>.
    /// </summary>
    /// <value>The default is <c>window</c>.</value>
    public string WindowAlias { get; set; } = "window";

    /// <summary>The aggregates (at least one), e.g. <c>count</c>, <c>avg(price)</c>, <c>avg(price) as avg_price</c>.</summary>
    public IReadOnlyList<AggregateSpec> Aggregates { get; set; } = [];

    /// <summary>The declared schema (Spark DDL), or null to read the fields the query names.</summary>
    /// <value>The default is null.</value>
    public IReadOnlyList<DeclaredField>? Schema { get; set; }

    /// <summary>
    /// What a value that does not fit its field's type does: reject the row (a dead letter), or make the field null and
    /// keep the row (Spark's <c>from_json</c>), counted in the progress's <c>nulledFields</c>. The time field is required:
    /// a row whose time cannot be read is a dead letter either way.
    /// </summary>
    /// <value>The default is <see cref="MistypedFieldHandling.Reject"/>.</value>
    public MistypedFieldHandling MistypedFields { get; set; } = MistypedFieldHandling.Reject;

    /// <summary>How often a live pipeline emits its results (its trigger); a one-shot run emits once, at the end.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan Trigger { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a batch that moved the watermark is followed at once by a batch without data (Spark's <c>spark.sql.streaming.noDataMicroBatches.enabled</c>).</summary>
    /// <value>The default is on.</value>
    public bool NoDataBatches { get; set; } = true;

    /// <summary>What the end of a finite input does with the windows not final yet: flush them (final), or keep them unemitted (a stopped Spark query).</summary>
    /// <value>The default is <see cref="EndOfInput.Flush"/>.</value>
    public EndOfInput AtEnd { get; set; } = EndOfInput.Flush;

    /// <summary>The windows: duration, slide, start offset, watermark delay, output mode, idle timeout and bounds (the operator's own defaults).</summary>
    public EventTimeWindowOptions<Row, GroupKey> Window { get; } = new();

    /// <summary>
    /// The schema the rows are parsed with, or why there is none. Declared (<see cref="Schema"/>): its fields in its
    /// order (the columns of a CSV without header), the time field read with <see cref="TimeFormat"/>; each key and
    /// aggregated field must be declared, aggregated ones as numbers. Not declared: the time field, the keys as text, the
    /// aggregated fields as numbers, in that order.
    /// </summary>
    public RowSchema? RowSchema(out string? error)
    {
        error = null;
        var timeField = TimeField ?? "time";
        if (Schema is not { } declared)
        {
            var fields = new List<SchemaField> { new(timeField, FieldType.Timestamp) { Required = true, TimestampFormat = TimeFormat, TimeZone = TimeZone } };
            fields.AddRange(GroupBy.Where(k => k != timeField).Select(k => new SchemaField(k, FieldType.String)));
            foreach (var field in Aggregates.Where(a => a.ReadsValue).Select(a => a.Field).Distinct(StringComparer.Ordinal))
            {
                if (fields.All(f => f.Name != field))
                {
                    fields.Add(new SchemaField(field, FieldType.Double));
                }
            }

            return new RowSchema(fields);
        }

        string Names() => string.Join(", ", declared.Select(f => f.Name));
        var time = declared.FirstOrDefault(f => f.Name == timeField);
        if (time is null)
        {
            error = $"the time field '{timeField}' is not declared (declared: {Names()})";
        }
        else if (time.Type != FieldType.Timestamp)
        {
            error = $"the time field '{timeField}' is declared {time.Type.ToString().ToLowerInvariant()}; declare it timestamp (read with the time format '{TimeFormat}')";
        }
        else if (GroupBy.FirstOrDefault(k => declared.All(f => f.Name != k)) is { } undeclared)
        {
            error = $"the group-by field '{undeclared}' is not declared (declared: {Names()})";
        }
        else
        {
            foreach (var spec in Aggregates.Where(a => a.ReadsValue))
            {
                var field = declared.FirstOrDefault(f => f.Name == spec.Field);
                if (field is null)
                {
                    error = $"{spec.Name} reads '{spec.Field}', which is not declared (declared: {Names()})";
                    break;
                }

                if (field.Type is not (FieldType.Long or FieldType.Double))
                {
                    error = $"{spec.Name} reads '{spec.Field}', declared {field.Type.ToString().ToLowerInvariant()}; aggregates read long or double fields";
                    break;
                }
            }
        }

        return error is not null ? null : new RowSchema(declared.Select(f => f.Name == timeField
            ? new SchemaField(f.Name, FieldType.Timestamp) { Required = true, TimestampFormat = TimeFormat, TimeZone = TimeZone }
            : new SchemaField(f.Name, f.Type)));
    }
}

/// <summary>
/// The general case (<c>Kind: aggregate</c>, <c>reactive run aggregate</c>): rows with a schema, event-time windows,
/// keys, aggregates, watermark and output mode, as Spark's.
/// </summary>
internal sealed class AggregatePipelineKind : AggregateKind<AggregatePipelineOptions>
{
    public override string Name => "aggregate";

    public override string Summary => "rows → aggregates over event-time windows with a watermark (Spark's groupBy(window(…)).agg(…))";
}

/// <summary>
/// What every kind built on the generic aggregate shares: its settings, validation, result shape and composition
/// (parser → micro-batched event-time windows → result rows). A kind of its own (<see cref="BitcoinPipelineKind"/>)
/// differs only by the defaults its options type sets and what it adds to each batch (<see cref="Batch"/>).
/// </summary>
/// <typeparam name="TOptions">The options, with the kind's defaults.</typeparam>
internal abstract class AggregateKind<TOptions> : PipelineKind<TOptions>
    where TOptions : AggregatePipelineOptions, new()
{
    private static readonly Dictionary<string, RowFormat> FormatNames = new()
    {
        ["jsonl"] = RowFormat.JsonLines,
        ["json"] = RowFormat.JsonLines,
        ["jsonlines"] = RowFormat.JsonLines,
        ["csv"] = RowFormat.Csv,
    };

    public override IReadOnlyList<string> Sources { get; } = ["generator", "replay", "socket", "directory", "kinesis"];

    public override bool OneShot => true;

    public override bool Checkpoints => true;

    public override bool MicroBatches => true;

    /// <summary>Whether the time field, the window and the aggregates must be given (the generic aggregate has no defaults for them).</summary>
    protected virtual bool QueryRequired => true;

    protected override SettingsTable<TOptions> Table { get; } = new SettingsTable<TOptions>()
        .Enum<RowFormat>("Format", "format", (o, v) => o.Format = v, aliases: FormatNames)
        .Bool("CsvHeader", "no-header", (o, v) => o.CsvHeader = v, inverted: true)
        .Text("TimeField", "time-field", (o, v) => o.TimeField = v)
        .Text("TimeFormat", "time-format", (o, v) => o.TimeFormat = v)
        .Zone("TimeZone", "time-zone", (o, v) => o.TimeZone = v)
        .List("GroupBy", "group-by", t => ((string?)t, (string?)null), (o, v) => o.GroupBy = v)
        .Text("WindowAlias", "window-alias", (o, v) => o.WindowAlias = v)
        .List("Aggregates", "agg", t => AggregateSpec.TryParse(t, out var spec, out var error) ? (spec, null) : ((AggregateSpec?)null, error), (o, v) => o.Aggregates = v)
        .Add("Schema", "schema", (s, n, o) =>
        {
            if (s.Text(n) is { } text)
            {
                if (DeclaredField.TryParseList(text, out var declared, out var error))
                {
                    o.Schema = declared;
                }
                else
                {
                    s.Error(n, error!);
                }
            }
        })
        .Duration("Window", "window", (o, v) => o.Window.WindowDuration = v, option: nameof(EventTimeWindowOptions<,>.WindowDuration))
        .Duration("Slide", "slide", (o, v) => o.Window.SlideDuration = v, option: nameof(EventTimeWindowOptions<,>.SlideDuration))
        .Duration("StartOffset", "start-offset", (o, v) => o.Window.StartOffset = v, DurationRule.Any)
        .Duration("Watermark", "watermark", (o, v) => o.Window.WatermarkDelay = v, DurationRule.NonNegative, nameof(EventTimeWindowOptions<,>.WatermarkDelay))
        .Enum<WindowOutputMode>("OutputMode", "output-mode", (o, v) => o.Window.OutputMode = v)
        .Duration("Trigger", null, (o, v) => o.Trigger = v, DurationRule.Positive, nameof(EventTimeWindowOptions<,>.TriggerInterval))
        .Switch("NoDataBatches", "no-data-batches", (o, v) => o.NoDataBatches = v)
        .Enum<EndOfInput>("AtEnd", "at-end", (o, v) => o.AtEnd = v)
        .Duration("IdleTimeout", null, (o, v) => o.Window.IdleTimeout = v)
        .Int("MaxOpenWindows", "max-open-windows", (o, v) => o.Window.MaxOpenWindows = v, min: 1)
        .Int("MaxGroups", "max-groups", (o, v) => o.Window.MaxGroups = v, min: 1)
        .Int("MaxStateRows", "max-state-rows", (o, v) => o.Window.MaxStateRows = v, min: 1)
        .Int("MaxCompleteModeRows", "max-complete-mode-rows", (o, v) => o.Window.MaxCompleteModeRows = v, min: 1)
        .Enum<MistypedFieldHandling>("MistypedFields", "mistyped-fields", (o, v) => o.MistypedFields = v);

    protected override void ForInput(TOptions options, string input)
    {
        if (input.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            options.Format = RowFormat.Csv;
        }
    }

    protected override void Validate(ISettingSource source, TOptions options)
    {
        Table.Require(source, nameof(options.TimeField), options.TimeField is not null);
        Table.Require(source, nameof(options.Window.WindowDuration), !QueryRequired || source.Text(Table.NameOf(nameof(options.Window.WindowDuration))) is not null, source is ArgSettingSource ? "--window \"10 seconds\"" : null);
        if (QueryRequired && source.List(Table.NameOf(nameof(options.Aggregates))).Count == 0)
        {
            source.Error(Table.NameOf(nameof(options.Aggregates)), source is ArgSettingSource
                ? "at least one aggregate is required, e.g. --agg count --agg \"avg(value)\""
                : "at least one aggregate is required, e.g. [\"count\", \"avg(value)\"]");
        }

        if (!AggregateSpec.IsColumnName(options.WindowAlias))
        {
            source.Error(Table.NameOf(nameof(options.WindowAlias)), $"'{options.WindowAlias}' is not a column name (ASCII letters, digits and '_', not starting with a digit)");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { options.WindowAlias };
        foreach (var key in options.GroupBy)
        {
            if (!names.Add(key))
            {
                source.Error(Table.NameOf(nameof(options.GroupBy)), $"the result would have two columns named '{key}'");
            }
        }

        foreach (var spec in options.Aggregates)
        {
            if (!names.Add(spec.Name))
            {
                source.Error(Table.NameOf(nameof(options.Aggregates)), $"the result would have two columns named '{spec.Name}' ({spec}); give one an alias, e.g. \"{spec.SparkName} as other_name\"");
            }
        }

        if (options.RowSchema(out var schemaError) is null)
        {
            source.Error(Table.NameOf("Schema"), schemaError!);
            return;
        }

        if (source is not ArgSettingSource && options.Window.OutputMode == WindowOutputMode.Append && options.Window.WatermarkDelay is null)
        {
            // Spark: "Append output mode not supported when there are streaming aggregations ... without watermark".
            source.Error(Table.NameOf(nameof(options.Window.WatermarkDelay)), "append mode needs a watermark in a live pipeline: without one no window is ever final, so none would be written (Spark refuses it too); set a delay such as \"10 seconds\", or OutputMode update or complete");
        }

        Table.Validate(source, () => WindowOptions(options, System.Reactive.Concurrency.ImmediateScheduler.Instance, null, null).Validate());
    }

    protected override ResultShape Shape(TOptions options)
    {
        List<ResultColumn> columns = [.. options.GroupBy.Select(k => new ResultColumn(k, ResultType.Text))];
        columns.AddRange(options.Aggregates.Select(a => new ResultColumn(a.Name, a.Kind is AggregateKind.Count or AggregateKind.CountValue ? ResultType.Integer : ResultType.Real)));
        var mode = options.Window.OutputMode switch
        {
            WindowOutputMode.Update => ResultMode.Update,
            WindowOutputMode.Complete => ResultMode.Complete,
            _ => ResultMode.Append,
        };
        return new ResultShape([new ResultSchema("window", true, columns) { WindowName = options.WindowAlias }], mode, options.GroupBy);
    }

    protected override IObservable<ResultBatch> Compose(IRecordSource input, TOptions options, ComposeContext context)
    {
        var outputs = context.Outputs;
        var schema = options.RowSchema(out _)!;
        var deadLetters = Observer.Create<DeadLetter>(outputs.DeadLetter);
        Func<ILineParser<Row>> parser = options.Format == RowFormat.Csv
            ? () => new CsvRowParser(new CsvRowParserOptions { Schema = schema, HasHeader = options.CsvHeader, MistypedFields = options.MistypedFields, FieldNulled = outputs.FieldNulled })
            : () => new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = schema, MistypedFields = options.MistypedFields, FieldNulled = outputs.FieldNulled });
        var window = WindowOptions(options, context.Scheduler, outputs, schema, input);
        window.NoDataBatches = options.NoDataBatches;
        window.AtEnd = options.AtEnd;

        // Every batch cut from the input runs (Spark runs a batch whenever its source has new offsets): a one-shot
        // run's batch is a file, an empty one too; a live batch is the lines of one trigger interval, even when the
        // parser turned them all away (an interval without lines is no batch).
        window.RunEmptyBatches = true;
        if (context.State is { } state)
        {
            var handle = new StateHandle<WindowState<GroupKey>>(state.Restore<WindowState<GroupKey>>());
            window.State = handle;
            state.Save = handle.Save;
        }

        return input.ParseBatches(parser, deadLetters, options.Trigger)
            .WindowByEventTime(window)
            .Select(update => Batch(update, options));
    }

    /// <summary>One micro-batch's results, from the operator's update.</summary>
    protected virtual ResultBatch Batch(WindowUpdate<GroupKey> update, TOptions options) =>
        new([.. update.Rows.Select(r => WindowRow(r, options) with { BatchId = update.BatchId })], IsTrigger: true)
        {
            BatchId = update.BatchId,
            Progress = update.Progress,
            NoDataBatch = update.IsNoDataBatch,
            FinalBatch = update.IsFinalBatch,
        };

    /// <summary>The operator's options for one run: the configured windows, the rows' time, keys and aggregates.</summary>
    private static EventTimeWindowOptions<Located<Row>, GroupKey> WindowOptions(
        TOptions options,
        System.Reactive.Concurrency.IScheduler scheduler,
        CompositionOutputs? outputs,
        RowSchema? schema,
        IRecordSource? input = null)
    {
        schema ??= options.RowSchema(out _)!;
        var configured = options.Window;
        var timeIndex = schema.RequireIndex(options.TimeField ?? "time");
        var keyIndexes = options.GroupBy.Select(schema.RequireIndex).ToArray();
        var window = new EventTimeWindowOptions<Located<Row>, GroupKey>
        {
            EventTime = r => r.Value.TryGetTimestampTicks(timeIndex, out var t) ? t : null,
            KeySelector = keyIndexes.Length == 0 ? _ => GroupKey.Empty : r => KeyOf(r.Value, keyIndexes),
            WindowDuration = configured.WindowDuration,
            SlideDuration = configured.SlideDuration,
            StartOffset = configured.StartOffset,
            WatermarkDelay = configured.WatermarkDelay,
            OutputMode = configured.OutputMode,
            TriggerInterval = options.Trigger,
            IdleTimeout = configured.IdleTimeout,
            MaxOpenWindows = configured.MaxOpenWindows,
            MaxGroups = configured.MaxGroups,
            MaxStateRows = configured.MaxStateRows,
            MaxCompleteModeRows = configured.MaxCompleteModeRows,
            MaxTimeWeightedSamples = configured.MaxTimeWeightedSamples,
            Scheduler = scheduler,
            Stats = outputs?.Stats,
        };
        window.EventTimeName = options.TimeField ?? "time";
        if (outputs is not null && input is not null)
        {
            window.Rejected = Observer.Create<Rejected<Located<Row>>>(r => outputs.Reject(r, input, static row => row.ToString()));
        }

        foreach (var spec in options.Aggregates)
        {
            if (spec.ReadsValue && schema.IndexOf(spec.Field) is var index and >= 0)
            {
                window.Aggregates.Add(new WindowAggregate<Located<Row>>(spec, r => r.Value.TryGetDouble(index, out var v) ? v : null));
            }
            else
            {
                window.Aggregates.Add(new WindowAggregate<Located<Row>>(spec, null));
            }
        }

        return window;
    }

    private static GroupKey KeyOf(Row row, int[] indexes)
    {
        var values = new string?[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            values[i] = row.IsNull(indexes[i]) ? null : Convert.ToString(row.GetValue(indexes[i]), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new GroupKey(values);
    }

    private static ResultRow WindowRow(WindowResult<GroupKey> result, TOptions options)
    {
        var fields = new List<KeyValuePair<string, object?>>(options.GroupBy.Count + options.Aggregates.Count);
        for (var i = 0; i < options.GroupBy.Count; i++)
        {
            fields.Add(new(options.GroupBy[i], result.Key.Values[i]));
        }

        for (var i = 0; i < options.Aggregates.Count; i++)
        {
            var spec = options.Aggregates[i];
            var value = result.Values[i];
            object? boxed = spec.Kind is AggregateKind.Count or AggregateKind.CountValue && value is { } n ? (long)n : value;
            fields.Add(new(spec.Name, boxed));
        }

        return new ResultRow("window", result.WindowStart, result.WindowEnd, fields) { WindowName = options.WindowAlias };
    }
}

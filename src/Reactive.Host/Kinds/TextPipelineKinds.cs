using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Settings;
using Reactive.Host.Sinks;
using Reactive.Operators.Batching;
using Reactive.Operators.WordCount;

namespace Reactive.Host.Kinds;

/// <summary>The course's socket word count (<c>Kind: wordcount</c>): words per processing-time batch, printed as Spark's <c>pprint</c>.</summary>
internal sealed class WordCountPipelineKind : PipelineKind<WordCountOptions>
{
    private static readonly ResultSchema Schema = new("batch", false,
        [new("time", ResultType.Time), new("word", ResultType.Text), new("count", ResultType.Integer)]);

    public override string Name => "wordcount";

    public override string Summary => "lines → word counts per processing-time batch (Spark's socket word count)";

    public override IReadOnlyList<string> Sources { get; } = ["socket", "sample", "directory"];

    protected override SettingsTable<WordCountOptions> Table { get; } = new SettingsTable<WordCountOptions>()
        .Duration("BatchInterval", null, (o, v) => o.BatchInterval = v)
        .Int("MaxDistinctWords", null, (o, v) => o.MaxDistinctWords = v, min: 1);

    protected override ResultShape Shape(WordCountOptions options) => new([Schema]);

    protected override IObservable<ResultBatch> Compose(IRecordSource input, WordCountOptions options, ComposeContext context) =>
        input.TextLines().Select(l => l.Text).CountWords(options, context.Scheduler).Select(batch => new ResultBatch(
            [.. batch.Value.Words.Select(w => new ResultRow("batch", null, null, [new("time", batch.Time), new("word", w.Word), new("count", w.Count)]))],
            batch.Time,
            batch.Value.Words.Count,
            IsTrigger: true));

    protected override string? Console(ResultBatch batch, WordCountOptions options, int rows, TimeZoneInfo zone) =>
        PPrint.Format(
            TimeZoneInfo.ConvertTime(batch.Time!.Value, zone).DateTime,
            [.. batch.Rows.Take(rows).Select(r => PPrint.Tuple((string)r.Fields[1].Value!, (long)r.Fields[2].Value!))],
            batch.Total ?? batch.Rows.Count,
            rows);
}

/// <summary>The options of the course's <c>textFileStream</c> pipeline.</summary>
internal sealed class FileRowsOptions
{
    /// <summary>The processing-time batch.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What each line is split on.</summary>
    /// <value>The default is a comma.</value>
    public string Separator { get; set; } = ",";
}

/// <summary>The course's <c>textFileStream</c> (<c>Kind: filerows</c>): lines split on commas, printed per batch as Python lists.</summary>
internal sealed class FileRowsPipelineKind : PipelineKind<FileRowsOptions>
{
    private static readonly ResultSchema Schema = new("line", false, [new("value", ResultType.Text)]);

    public override string Name => "filerows";

    public override string Summary => "lines of new files → rows split on commas per batch (Spark's textFileStream)";

    public override IReadOnlyList<string> Sources { get; } = ["directory", "socket", "sample"];

    public override IReadOnlyList<string> Sinks { get; } = ["console"];

    protected override SettingsTable<FileRowsOptions> Table { get; } = new SettingsTable<FileRowsOptions>()
        .Duration("BatchInterval", null, (o, v) => o.BatchInterval = v)
        .Text("Separator", null, (o, v) => o.Separator = v);

    protected override ResultShape Shape(FileRowsOptions options) => new([Schema]);

    protected override IObservable<ResultBatch> Compose(IRecordSource input, FileRowsOptions options, ComposeContext context) =>
        input.TextLines().Select(l => l.Text).SampleByTime(options.BatchInterval, context.Scheduler, keep: context.ConsoleRows)
            .Select(batch => new ResultBatch([.. batch.Value.First.Select(line => new ResultRow("line", null, null, [new("value", line)]))], batch.Time, batch.Value.Count, IsTrigger: true));

    protected override string? Console(ResultBatch batch, FileRowsOptions options, int rows, TimeZoneInfo zone) =>
        PPrint.Format(
            TimeZoneInfo.ConvertTime(batch.Time!.Value, zone).DateTime,
            [.. batch.Rows.Select(r => PPrint.List(((string)r.Fields[0].Value!).Split(options.Separator)))],
            batch.Total ?? batch.Rows.Count,
            rows);
}

/// <summary>The options of the course's memory table.</summary>
internal sealed class RawTableOptions
{
    /// <summary>The table the lines go to (one column, <c>value</c>).</summary>
    /// <value>The default is <c>new_dataframe</c>, as the course's <c>queryName</c>.</value>
    public string Table { get; set; } = "new_dataframe";

    /// <summary>The most rows the table keeps (the oldest go first), or null for the tables' own default.</summary>
    /// <value>The default is null.</value>
    public int? MaxRows { get; set; }
}

/// <summary>The course's <c>writeStream.format("memory").queryName("new_dataframe")</c> (<c>Kind: rawtable</c>): raw lines into a table.</summary>
internal sealed class RawTablePipelineKind : PipelineKind<RawTableOptions>
{
    private static readonly ResultSchema Schema = new("line", false, [new("value", ResultType.Text)]);

    public override string Name => "rawtable";

    public override string Summary => "lines → a one-column memory table queried with SQL (Spark's memory sink)";

    public override IReadOnlyList<string> Sources { get; } = ["socket", "directory", "sample", "replay", "generator"];

    public override IReadOnlyList<string> Sinks { get; } = [];

    protected override SettingsTable<RawTableOptions> Table { get; } = new SettingsTable<RawTableOptions>()
        .Add("Table", null, (s, n, o) =>
        {
            if (s.Text(n) is { } name)
            {
                if (SinkNames.TableNameError(name) is { } error)
                {
                    s.Error(n, error);
                }
                else
                {
                    o.Table = name;
                }
            }
        })
        .Int("MaxRows", null, (o, v) => o.MaxRows = v, min: 1);

    public override IReadOnlyList<SinkDefinition> DefaultSinks(object options) =>
        [new TableSinkDefinition(((RawTableOptions)options).Table, ((RawTableOptions)options).MaxRows)];

    protected override ResultShape Shape(RawTableOptions options) => new([Schema]);

    protected override IObservable<ResultBatch> Compose(IRecordSource input, RawTableOptions options, ComposeContext context) =>
        input.TextLines().Select(l => ResultBatch.Of(new ResultRow("line", null, null, [new("value", l.Text)])));
}

using Reactive.Host.Analytics;
using Reactive.Host.Progress;
using Reactive.Operators.Parsing;
using Reactive.Operators.Windows;

namespace Reactive.Host.Kinds;

/// <summary>
/// The course's bitcoin pipeline's options: the generic aggregate's (<see cref="AggregatePipelineOptions"/>), every one
/// settable, with the notebook's defaults: JSON lines read as <c>from_json</c> with the schema <see cref="SchemaText"/>
/// (a mistyped rate is null, not a rejected row), the time <c>yyyy-MM-dd'T'HH:mm:ss</c> in UTC, 10-minute windows sliding
/// by 5 minutes, complete mode, and per window the rows and, per currency, the average rate and the rates averaged; the
/// window named <c>time_window</c> and the euro average also named <c>window_avg_euro_rate</c>, as the notebook names them.
/// </summary>
internal sealed class BitcoinPipelineOptions : AggregatePipelineOptions
{
    /// <summary>The feed's schema, as the notebook declares it.</summary>
    public const string SchemaText = "timestamp TIMESTAMP, euro_rate DOUBLE, usd_rate DOUBLE, gbp_rate DOUBLE";

    /// <summary>The notebook's name of the window column (<c>window(…).alias('time_window')</c>).</summary>
    public const string NotebookWindow = "time_window";

    /// <summary>The notebook's name of the euro average (<c>avg(euro_rate).alias('window_avg_euro_rate')</c>).</summary>
    public const string NotebookAverage = "window_avg_euro_rate";

    /// <summary>The currencies' fields.</summary>
    public static readonly IReadOnlyList<string> Rates = ["euro_rate", "usd_rate", "gbp_rate"];

    public BitcoinPipelineOptions()
    {
        DeclaredField.TryParseList(SchemaText, out var schema, out _);
        Schema = schema;
        TimeField = "timestamp";
        TimeFormat = "yyyy-MM-dd'T'HH:mm:ss";
        MistypedFields = MistypedFieldHandling.Null;

        // count(f) beside avg(f): the weights that make an average over several windows exact when some rates are null.
        // The notebook's own names last: window(…).alias('time_window') and avg(euro_rate).alias('window_avg_euro_rate'),
        // so its query runs as written.
        Aggregates =
        [
            AggregateSpec.Count,
            .. Rates.Select(f => AggregateSpec.Of(AggregateKind.Avg, f)),
            .. Rates.Select(f => AggregateSpec.Of(AggregateKind.CountValue, f)),
            AggregateSpec.Of(AggregateKind.Avg, "euro_rate").WithAlias(NotebookAverage),
        ];
        WindowAlias = NotebookWindow;
        Window.WindowDuration = TimeSpan.FromMinutes(10);
        Window.SlideDuration = TimeSpan.FromMinutes(5);
        Window.OutputMode = WindowOutputMode.Complete;
    }
}

/// <summary>
/// <c>Kind: bitcoin</c> (and <c>reactive run bitcoin</c>): the course's second notebook — bitcoin rates as JSON, per
/// currency the average rate over 10-minute windows sliding by 5 minutes, in complete mode into the table
/// <c>bitcoin_window</c> — as the generic aggregate with the notebook's defaults (<see cref="BitcoinPipelineOptions"/>);
/// each batch also gives the last hour's average of each rate (<see cref="LastHour"/>), shown in the progress.
/// </summary>
internal sealed class BitcoinPipelineKind : AggregateKind<BitcoinPipelineOptions>
{
    /// <summary>The table the notebook writes when no sink is configured.</summary>
    public const string DefaultTable = "bitcoin_window";

    private static readonly long Hour = TimeSpan.TicksPerHour;

    public override string Name => "bitcoin";

    public override string Summary => "bitcoin rates (JSON) → per currency, average rate per 10-minute window sliding by 5, complete mode, and the last hour's average";

    protected override bool QueryRequired => false;

    public override IReadOnlyList<Sinks.SinkDefinition> DefaultSinks(object options) => [new Sinks.TableSinkDefinition(DefaultTable, null)];

    protected override ResultBatch Batch(WindowUpdate<GroupKey> update, BitcoinPipelineOptions options) =>
        base.Batch(update, options) with { LastHourAverage = LastHour(update, options.Window.WindowDuration, options.Window.SlideDuration ?? options.Window.WindowDuration) };

    /// <summary>
    /// The last hour's average of each field <c>f</c> that has both <c>avg(f)</c> and <c>count(f)</c>, from a complete
    /// result table (null in the other modes, whose updates are not the whole table, and for an empty one): the hour
    /// <c>[T − 1 h, T)</c>, where <c>T</c> is the end of the slide step that holds the newest event time (the newest
    /// window's start + slide). The windows starting at <c>T − 1 h</c>, <c>T − 1 h + window</c>, …, <c>T − window</c> tile
    /// that hour, each of its rows in exactly one of them, so <c>Σ avg(f)·count(f) / Σ count(f)</c> over them is the
    /// average of <c>f</c> over exactly the hour's rows (not an average of overlapping windows' averages). Needs a window
    /// that divides an hour and a slide that divides the window (the default 10 and 5 minutes do); null otherwise.
    /// </summary>
    internal static PeriodAverage? LastHour(WindowUpdate<GroupKey> update, TimeSpan window, TimeSpan slideBy)
    {
        var duration = window.Ticks;
        var slide = slideBy.Ticks;
        if (update.Mode != WindowOutputMode.Complete || update.Rows.Count == 0 || Hour % duration != 0 || duration % slide != 0)
        {
            return null;
        }

        var aggregates = update.Aggregates;
        var count = IndexOf(aggregates, AggregateKind.Count, string.Empty);
        // A field averaged twice (avg(f) and avg(f) as name) is one field.
        var fields = aggregates.Where(a => a.Kind == AggregateKind.Avg).Select(a => a.Field).Distinct(StringComparer.Ordinal)
            .Select(f => (Field: f, Avg: IndexOf(aggregates, AggregateKind.Avg, f), Count: IndexOf(aggregates, AggregateKind.CountValue, f)))
            .Where(f => f.Count >= 0)
            .ToList();
        var to = update.Rows.Max(r => r.WindowStartTicks) + slide;
        var from = to - Hour;
        long rows = 0;
        var sums = new double[fields.Count];
        var counts = new double[fields.Count];
        foreach (var row in update.Rows)
        {
            if (row.WindowStartTicks < from || row.WindowEndTicks > to || (to - row.WindowEndTicks) % duration != 0)
            {
                continue;
            }

            rows += count >= 0 ? (long)(row.Values[count] ?? 0) : 0;
            for (var i = 0; i < fields.Count; i++)
            {
                if (row.Values[fields[i].Avg] is { } avg && row.Values[fields[i].Count] is { } n and > 0)
                {
                    sums[i] += avg * n;
                    counts[i] += n;
                }
            }
        }

        return new PeriodAverage(
            new DateTimeOffset(from, TimeSpan.Zero),
            new DateTimeOffset(to, TimeSpan.Zero),
            rows,
            fields.Select((f, i) => (f.Field, Average: counts[i] > 0 ? sums[i] / counts[i] : (double?)null)).ToDictionary(f => f.Field, f => f.Average, StringComparer.Ordinal));
    }

    private static int IndexOf(IReadOnlyList<AggregateSpec> aggregates, AggregateKind kind, string field)
    {
        for (var i = 0; i < aggregates.Count; i++)
        {
            if (aggregates[i].Kind == kind && aggregates[i].Field == field)
            {
                return i;
            }
        }

        return -1;
    }
}

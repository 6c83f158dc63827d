using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Reactive.Operators.Anomaly;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Operators.Spread;
using Reactive.Operators.Windows;
using Reactive.Sources;

namespace Reactive.Host.Analytics;

/// <summary>Where a composition sends what is not a result: rejected rows and rows too late for their windows.</summary>
/// <param name="DeadLetter">A row that could not be used (bad data), with its reason.</param>
/// <param name="Late">A row that came after its windows were final (code <c>late</c>).</param>
/// <param name="Stats">Progress of the generic event-time operator, when the composition has one.</param>
/// <param name="Watermark">Told the watermark of a specialised event-time operator (spread) as it advances.</param>
/// <param name="EventTime">Told the event time (UTC ticks) of each parsed row of the spread and anomaly pipelines (the aggregate's is in <paramref name="Stats"/>).</param>
internal sealed record CompositionOutputs(
    Action<DeadLetter> DeadLetter,
    Action<DeadLetter> Late,
    WindowStats? Stats = null,
    Action<DateTimeOffset>? Watermark = null,
    Action<long>? EventTime = null)
{
    /// <summary>
    /// The same outputs for the operators after the parser: what they turn away (late, bad price, out of order) they
    /// turn away while handling the row, so its letter names the row's line, current in <paramref name="cursor"/>,
    /// and its text, as the parser's own letters do.
    /// </summary>
    public CompositionOutputs AtLineOf(LineCursor cursor) => this with
    {
        DeadLetter = d => DeadLetter(cursor.ToDeadLetter(d.Code, d.Reason)),
        Late = d => Late(cursor.ToDeadLetter(d.Code, d.Reason)),
    };
}

/// <summary>
/// The course's analytics as compositions of parsers and operators, from source lines to result
/// rows. The service and the one-shot runs use these same compositions, so a backtest over a
/// recorded file gives what a live run gives. Each call builds one pipeline run: its result is subscribed once
/// (the line cursor that names the lines of rows turned away downstream belongs to that subscription).
/// </summary>
internal static class Compositions
{
    /// <param name="lines">The source's lines.</param>
    /// <param name="settings">The pipeline's settings.</param>
    /// <param name="scheduler">Processing time: the clock of the spread's idle timeout.</param>
    /// <param name="outputs">Where dead letters, late rows, the watermark and event times go.</param>
    public static IObservable<ResultRow> Spread(IObservable<SourceLine> lines, SpreadSettings settings, IScheduler scheduler, CompositionOutputs outputs) =>
        Spread(new LineRecordSource(lines), settings, scheduler, outputs);

    /// <inheritdoc cref="Spread(IObservable{SourceLine}, SpreadSettings, IScheduler, CompositionOutputs)"/>
    /// <param name="records">The records (a file's bytes for one-shot runs, a source's lines for the service).</param>
    public static IObservable<ResultRow> Spread(IRecordSource records, SpreadSettings settings, IScheduler scheduler, CompositionOutputs outputs)
    {
        var cursor = new LineCursor();
        var quotes = records.Parse(
            () => new BboParser(new BboParserOptions { TimeZone = settings.Zone }),
            Observer.Create<DeadLetter>(outputs.DeadLetter),
            cursor);
        if (outputs.EventTime is { } eventTime)
        {
            // The spread's watermark is the newest quote time − delay (later only when idle, which its results tell):
            // told with each quote, the progress shows it as it moves, not only when a window closes.
            var delay = settings.Options.WatermarkDelay.Ticks;
            var watermark = outputs.Watermark;
            quotes = quotes.Do(q =>
            {
                eventTime(q.TimestampTicks);
                if (watermark is not null && q.TimestampTicks - delay >= DateTimeOffset.MinValue.UtcTicks)
                {
                    watermark(new DateTimeOffset(q.TimestampTicks - delay, TimeSpan.Zero));
                }
            });
        }

        var operatorOutputs = outputs.AtLineOf(cursor);
        return quotes.Publish(q =>
        {
            var windows = q.Spread(settings.Options, x => x.TimestampTicks, x => x.BidPrice, x => x.AskPrice, scheduler)
                .SelectMany(r => SpreadRow(r, operatorOutputs));
            return settings.EmitQuotes
                ? q.QuoteSpreads(x => x.TimestampTicks, x => x.BidPrice, x => x.AskPrice).Select(QuoteRow).Merge(windows)
                : windows;
        });
    }

    public static IObservable<ResultRow> Anomaly(IObservable<SourceLine> lines, AnomalySettings settings, CompositionOutputs outputs) =>
        Anomaly(new LineRecordSource(lines), settings, outputs);

    public static IObservable<ResultRow> Anomaly(IRecordSource records, AnomalySettings settings, CompositionOutputs outputs)
    {
        var cursor = new LineCursor();
        var prices = records.Parse(
            () => new HourlyPriceParser(new HourlyPriceParserOptions { TimeZone = settings.Zone }),
            Observer.Create<DeadLetter>(outputs.DeadLetter),
            cursor);
        if (outputs.EventTime is { } eventTime)
        {
            prices = prices.Do(p => eventTime(p.TimestampTicks));
        }

        var operatorOutputs = outputs.AtLineOf(cursor);
        return prices
            .DetectAnomalies(settings.Options, p => p.TimestampTicks, p => p.Hour, p => p.Price)
            .SelectMany(r => AnomalyRow(r, settings.Zone, operatorOutputs));
    }

    public static IObservable<ResultRow> Aggregate(IObservable<SourceLine> lines, AggregateSettings settings, IScheduler scheduler, CompositionOutputs outputs) =>
        Aggregate(new LineRecordSource(lines), settings, scheduler, outputs);

    public static IObservable<ResultRow> Aggregate(IRecordSource records, AggregateSettings settings, IScheduler scheduler, CompositionOutputs outputs) =>
        AggregateBatches(records, settings, scheduler, outputs).SelectMany(batch => batch);

    /// <summary>The aggregate's results one trigger at a time (in complete mode, each batch is the whole result table).</summary>
    public static IObservable<IReadOnlyList<ResultRow>> AggregateBatches(IObservable<SourceLine> lines, AggregateSettings settings, IScheduler scheduler, CompositionOutputs outputs) =>
        AggregateBatches(new LineRecordSource(lines), settings, scheduler, outputs);

    /// <inheritdoc cref="AggregateBatches(IObservable{SourceLine}, AggregateSettings, IScheduler, CompositionOutputs)"/>
    public static IObservable<IReadOnlyList<ResultRow>> AggregateBatches(IRecordSource records, AggregateSettings settings, IScheduler scheduler, CompositionOutputs outputs)
    {
        var schema = settings.Schema();
        var deadLetters = Observer.Create<DeadLetter>(outputs.DeadLetter);
        Func<ILineParser<Row>> parser = settings.Format == RowFormat.Csv
            ? () => new CsvRowParser(new CsvRowParserOptions { Schema = schema, HasHeader = settings.CsvHeader })
            : () => new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = schema });
        var cursor = new LineCursor();
        var rows = records.Parse(parser, deadLetters, cursor);

        var timeIndex = schema.RequireIndex(settings.TimeField);
        var keyIndexes = settings.GroupBy.Select(schema.RequireIndex).ToArray();
        var options = new EventTimeWindowOptions<Row, GroupKey>
        {
            EventTime = r => r.TryGetTimestampTicks(timeIndex, out var t) ? t : null,
            KeySelector = keyIndexes.Length == 0 ? _ => GroupKey.Empty : r => KeyOf(r, keyIndexes),
            WindowDuration = settings.Window,
            SlideDuration = settings.Slide,
            StartOffset = settings.StartOffset,
            WatermarkDelay = settings.Watermark,
            OutputMode = settings.OutputMode,
            TriggerInterval = settings.Trigger,
            IdleTimeout = settings.IdleTimeout,
            Scheduler = scheduler,
            Stats = outputs.Stats,
            LateRows = Observer.Create<LateRow<Row>>(late => outputs.Late(cursor.ToDeadLetter(late.Code, late.Reason))),
            RowsWithoutEventTime = Observer.Create<Row>(_ => outputs.DeadLetter(cursor.ToDeadLetter(
                DeadLetterCodes.MissingField, $"{settings.TimeField}: no event time"))),
        };
        foreach (var spec in settings.Aggregates)
        {
            if (spec.ReadsValue)
            {
                var index = schema.RequireIndex(spec.Field);
                options.Aggregates.Add(new WindowAggregate<Row>(spec, r => r.TryGetDouble(index, out var v) ? v : null));
            }
            else
            {
                options.Aggregates.Add(new WindowAggregate<Row>(spec, null));
            }
        }

        return rows.WindowByEventTime(options).Select(update => (IReadOnlyList<ResultRow>)[.. update.Rows.Select(r => WindowRow(r, settings))]);
    }

    /// <summary>
    /// One row of each kind a pipeline writes, with values of the right types, so that sinks can
    /// create their tables before the first result (a query at start finds an empty table).
    /// </summary>
    public static IReadOnlyList<ResultRow> SpreadTemplates(SpreadSettings settings)
    {
        var window = new SpreadResult { Kind = SpreadResultKind.Second, Average = 0, Min = 0, Max = 0, Last = 0, TimeWeightedAverage = 0 };
        var rows = new List<ResultRow>();
        if (settings.Options.EmitSeconds || settings.Options.EmitMinutes)
        {
            rows.AddRange(SpreadRow(window, new CompositionOutputs(_ => { }, _ => { })));
        }

        if (settings.EmitQuotes)
        {
            rows.Add(QuoteRow(new QuoteSpread(0, 0, 0, 0, 0, false, false)));
        }

        return rows;
    }

    /// <inheritdoc cref="SpreadTemplates"/>
    public static IReadOnlyList<ResultRow> AnomalyTemplates(AnomalySettings settings) =>
        [.. AnomalyRow(new AnomalyResult(AnomalyStatus.Anomaly, "", 0, 1, 0, 0, 0, 0, 0, 0, null), settings.Zone, new CompositionOutputs(_ => { }, _ => { }))];

    /// <inheritdoc cref="SpreadTemplates"/>
    public static IReadOnlyList<ResultRow> AggregateTemplates(AggregateSettings settings) =>
        [WindowRow(new WindowResult<GroupKey>(0, 1, new GroupKey([.. settings.GroupBy.Select(_ => "")]), [.. settings.Aggregates.Select(_ => (double?)0)]), settings)];

    private static GroupKey KeyOf(Row row, int[] indexes)
    {
        var values = new string?[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            values[i] = row.IsNull(indexes[i]) ? null : Convert.ToString(row.GetValue(indexes[i]), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new GroupKey(values);
    }

    private static ResultRow WindowRow(WindowResult<GroupKey> result, AggregateSettings settings)
    {
        var fields = new List<KeyValuePair<string, object?>>(settings.GroupBy.Count + settings.Aggregates.Count);
        for (var i = 0; i < settings.GroupBy.Count; i++)
        {
            fields.Add(new(settings.GroupBy[i], result.Key.Values[i]));
        }

        for (var i = 0; i < settings.Aggregates.Count; i++)
        {
            var spec = settings.Aggregates[i];
            var value = result.Values[i];
            object? boxed = spec.Kind is AggregateKind.Count or AggregateKind.CountValue && value is { } n ? (long)n : value;
            fields.Add(new(spec.Name, boxed));
        }

        return new ResultRow("window", result.WindowStart, result.WindowEnd, fields);
    }

    private static IEnumerable<ResultRow> SpreadRow(SpreadResult r, CompositionOutputs outputs)
    {
        if (outputs.Watermark is { } watermark && r.WatermarkTicks > DateTimeOffset.MinValue.UtcTicks)
        {
            watermark(new DateTimeOffset(r.WatermarkTicks, TimeSpan.Zero));
        }

        switch (r.Kind)
        {
            case SpreadResultKind.Late:
                outputs.Late(r.DeadLetter!);
                return [];
            case SpreadResultKind.Rejected:
                outputs.DeadLetter(r.DeadLetter!);
                return [];
        }

        var kind = r.Kind == SpreadResultKind.Second ? "second" : "minute";
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("kind", kind),
            new("count", (long)r.Count),
            new("included", (long)r.IncludedCount),
            new("locked", (long)r.LockedCount),
            new("crossed", (long)r.CrossedCount),
            new("avg(spread)", r.Average),
            new("min(spread)", r.Min),
            new("max(spread)", r.Max),
            new("last(spread)", r.Last),
            new("twa(spread)", r.TimeWeightedAverage),
        };
        return [new ResultRow(kind, new DateTimeOffset(r.WindowStartTicks, TimeSpan.Zero), new DateTimeOffset(r.WindowEndTicks, TimeSpan.Zero), fields)];
    }

    private static ResultRow QuoteRow(QuoteSpread q) => new("quote", null, null,
    [
        new("kind", "quote"),
        new("timestamp", new DateTimeOffset(q.TimestampTicks, TimeSpan.Zero)),
        new("bid", q.Bid),
        new("ask", q.Ask),
        new("spread", q.Spread),
        new("spread_bps", q.RelativeBps),
        new("locked", q.IsLocked),
        new("crossed", q.IsCrossed),
    ]);

    private static IEnumerable<ResultRow> AnomalyRow(AnomalyResult r, TimeZoneInfo zone, CompositionOutputs outputs)
    {
        if (r.DeadLetter is { } dead)
        {
            outputs.DeadLetter(dead);
            return [];
        }

        var time = new DateTimeOffset(r.TimestampTicks, TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(time, zone);
        return
        [
            new ResultRow(r.IsAnomaly ? "anomaly" : "evaluation", null, null,
            [
                new("timestamp", time),
                new("date", DateOnly.FromDateTime(local.DateTime)),
                new("hour", r.Hour),
                new("price", r.Price),
                new("mean", r.BaselineMean),
                new("stddev", r.BaselineStdDev),
                new("baseline_count", (long)r.BaselineCount),
                new("z", r.ZScore),
                new("threshold", r.Threshold),
                new("anomaly", r.IsAnomaly),
            ]),
        ];
    }
}

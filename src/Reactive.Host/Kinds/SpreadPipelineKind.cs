using System.Reactive;
using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Settings;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Operators.Spread;

namespace Reactive.Host.Kinds;

/// <summary>The spread pipeline's options: the parser's, the operator's, and whether each quote is written too.</summary>
internal sealed class SpreadPipelineOptions
{
    /// <summary>How quotes are read (the zone of their exchange-local times).</summary>
    public BboParserOptions Format { get; } = new();

    /// <summary>The spread windows.</summary>
    public SpreadOptions Spread { get; } = new();

    /// <summary>Whether each quote's spread is written too (rows of kind <c>quote</c>).</summary>
    /// <value>The default is false.</value>
    public bool EmitQuotes { get; set; }
}

/// <summary>Exercise 1: BBO quotes in, the spread per second and per minute out (<c>Kind: spread</c>, <c>reactive run spread</c>).</summary>
internal sealed class SpreadPipelineKind : PipelineKind<SpreadPipelineOptions>
{
    private static readonly IReadOnlyList<ResultColumn> WindowColumns =
    [
        new("kind", ResultType.Text),
        new("count", ResultType.Integer),
        new("included", ResultType.Integer),
        new("locked", ResultType.Integer),
        new("crossed", ResultType.Integer),
        new("avg(spread)", ResultType.Real),
        new("min(spread)", ResultType.Real),
        new("max(spread)", ResultType.Real),
        new("last(spread)", ResultType.Real),
        new("twa(spread)", ResultType.Real),
    ];

    private static readonly ResultSchema QuoteSchema = new("quote", false,
    [
        new("kind", ResultType.Text),
        new("timestamp", ResultType.Time),
        new("bid", ResultType.Real),
        new("ask", ResultType.Real),
        new("spread", ResultType.Real),
        new("spread_bps", ResultType.Real),
        new("locked", ResultType.Bool),
        new("crossed", ResultType.Bool),
    ]);

    public override string Name => "spread";

    public override string Summary => "BBO quotes → spread per second and per minute (Exercise 1)";

    public override IReadOnlyList<string> Sources { get; } = ["generator", "replay", "socket", "directory"];

    public override bool OneShot => true;

    public override string? ReplayTimeFormat => "bbo";

    protected override SettingsTable<SpreadPipelineOptions> Table { get; } = new SettingsTable<SpreadPipelineOptions>()
        .Zone("TimeZone", "time-zone", (o, v) => o.Format.TimeZone = v)
        .Duration("WatermarkDelay", "watermark", (o, v) => o.Spread.WatermarkDelay = v, DurationRule.NonNegative)
        .Bool("IncludeLockedAndCrossed", "exclude-locked-crossed", (o, v) => o.Spread.IncludeLockedAndCrossed = v, inverted: true)
        .Bool("EmitSeconds", null, (o, v) => o.Spread.EmitSeconds = v)
        .Bool("EmitMinutes", null, (o, v) => o.Spread.EmitMinutes = v)
        .Int("MaxPendingQuotes", "max-pending-quotes", (o, v) => o.Spread.MaxPendingQuotes = v)
        .Duration("IdleTimeout", null, (o, v) => o.Spread.IdleTimeout = v)
        .Bool("EmitQuotes", "quotes", (o, v) => o.EmitQuotes = v);

    protected override void Validate(ISettingSource source, SpreadPipelineOptions options)
    {
        Table.Validate(source, options.Spread.Validate);
    }

    protected override ResultShape Shape(SpreadPipelineOptions options)
    {
        var schemas = new List<ResultSchema>();
        if (options.Spread.EmitSeconds)
        {
            schemas.Add(new ResultSchema("second", true, WindowColumns));
        }

        if (options.Spread.EmitMinutes)
        {
            schemas.Add(new ResultSchema("minute", true, WindowColumns));
        }

        if (options.EmitQuotes)
        {
            schemas.Add(QuoteSchema);
        }

        return new ResultShape(schemas);
    }

    protected override IObservable<ResultBatch> Compose(IRecordSource input, SpreadPipelineOptions options, ComposeContext context)
    {
        var outputs = context.Outputs;
        var spread = options.Spread;
        var cursor = new LineCursor();
        var quotes = input.Parse(() => new BboParser(options.Format), Observer.Create<DeadLetter>(outputs.DeadLetter), cursor);
        if (outputs.EventTime is { } eventTime)
        {
            // The spread's watermark is the newest quote time − delay (later only when idle, which its results tell):
            // told with each quote, the progress shows it as it moves, not only when a window closes.
            var delay = spread.WatermarkDelay.Ticks;
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

        var rejected = Observer.Create<Rejected<BboQuote>>(r => outputs.Reject(r.Code, r.Reason, cursor));
        return quotes.Publish(q =>
        {
            var windows = q.Spread(spread, x => x.TimestampTicks, x => x.BidPrice, x => x.AskPrice, context.Scheduler, rejected)
                .Select(r => SpreadRow(r, outputs));
            return options.EmitQuotes
                ? q.QuoteSpreads(x => x.TimestampTicks, x => x.BidPrice, x => x.AskPrice).Select(QuoteRow).Merge(windows)
                : windows;
        }).Select(ResultBatch.Of);
    }

    private static ResultRow SpreadRow(SpreadResult r, CompositionOutputs outputs)
    {
        if (outputs.Watermark is { } watermark && r.WatermarkTicks > DateTimeOffset.MinValue.UtcTicks)
        {
            watermark(new DateTimeOffset(r.WatermarkTicks, TimeSpan.Zero));
        }

        var kind = r.Kind == SpreadResultKind.Second ? "second" : "minute";
        return new ResultRow(kind, new DateTimeOffset(r.WindowStartTicks, TimeSpan.Zero), new DateTimeOffset(r.WindowEndTicks, TimeSpan.Zero),
            [
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
            ]);
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
}

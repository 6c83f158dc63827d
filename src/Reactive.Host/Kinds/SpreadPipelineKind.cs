using System.Globalization;
using System.Reactive;
using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Settings;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
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

    /// <summary>The most symbols the pipeline keeps a spread for; a quote of one more symbol is a dead letter (<c>too_many_symbols</c>).</summary>
    /// <value>The default is 10,000.</value>
    public int MaxSymbols { get; set; } = 10_000;
}

/// <summary>Exercise 1: BBO quotes in, the spread per second and per minute out (<c>Kind: spread</c>, <c>reactive run spread</c>).</summary>
internal sealed class SpreadPipelineKind : PipelineKind<SpreadPipelineOptions>
{
    /// <summary>The dead-letter code of a quote whose symbol is past <see cref="SpreadPipelineOptions.MaxSymbols"/>.</summary>
    public const string TooManySymbols = "too_many_symbols";

    private static readonly IReadOnlyList<ResultColumn> WindowColumns =
    [
        new("symbol", ResultType.Text),
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

    // An idle flush emits the newest second and minute provisionally; a later quote of the same window emits it again,
    // final: in a table the final row replaces the provisional one.
    private static readonly IReadOnlyList<string> WindowKeys = ["symbol", "kind"];

    private static readonly ResultSchema QuoteSchema = new("quote", false,
    [
        new("symbol", ResultType.Text),
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

    public override bool Checkpoints => true;

    public override string? ReplayTimeFormat => "bbo";

    protected override SettingsTable<SpreadPipelineOptions> Table { get; } = new SettingsTable<SpreadPipelineOptions>()
        .Zone("TimeZone", "time-zone", (o, v) => o.Format.TimeZone = v)
        .Duration("WatermarkDelay", "watermark", (o, v) => o.Spread.WatermarkDelay = v, DurationRule.NonNegative)
        .Bool("IncludeLockedAndCrossed", "exclude-locked-crossed", (o, v) => o.Spread.IncludeLockedAndCrossed = v, inverted: true)
        .Bool("EmitSeconds", null, (o, v) => o.Spread.EmitSeconds = v)
        .Bool("EmitMinutes", null, (o, v) => o.Spread.EmitMinutes = v)
        .Int("MaxPendingQuotes", "max-pending-quotes", (o, v) => o.Spread.MaxPendingQuotes = v)
        .Duration("IdleTimeout", null, (o, v) => o.Spread.IdleTimeout = v)
        .Bool("EmitQuotes", "quotes", (o, v) => o.EmitQuotes = v)
        .Int("MaxSymbols", "max-symbols", (o, v) => o.MaxSymbols = v, min: 1);

    protected override void Validate(ISettingSource source, SpreadPipelineOptions options)
    {
        Table.Validate(source, options.Spread.Validate);
    }

    protected override ResultShape Shape(SpreadPipelineOptions options)
    {
        var schemas = new List<ResultSchema>();
        if (options.Spread.EmitSeconds)
        {
            schemas.Add(new ResultSchema("second", true, WindowColumns, WindowKeys));
        }

        if (options.Spread.EmitMinutes)
        {
            schemas.Add(new ResultSchema("minute", true, WindowColumns, WindowKeys));
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
        var quotes = input.Parse(() => new BboParser(options.Format), Observer.Create<DeadLetter>(outputs.DeadLetter));
        if (outputs.EventTime is { } eventTime)
        {
            // The spread's watermark is the newest quote time − delay (later only when idle, which its results tell):
            // told with each quote, the progress shows it as it moves, not only when a window closes.
            var delay = spread.WatermarkDelay.Ticks;
            var watermark = outputs.Watermark;
            quotes = quotes.Do(q =>
            {
                eventTime(q.Value.TimestampTicks);
                if (watermark is not null && q.Value.TimestampTicks - delay >= DateTimeOffset.MinValue.UtcTicks)
                {
                    watermark(new DateTimeOffset(q.Value.TimestampTicks - delay, TimeSpan.Zero));
                }
            });
        }

        var rejected = Observer.Create<Rejected<Located<BboQuote>>>(r => outputs.Reject(r, input, Render));
        var maxSymbols = options.MaxSymbols;

        // One spread per symbol (Rx GroupBy): each symbol's seconds and minutes, its own watermark and idle clock.
        return Observable.Defer(() =>
        {
            var symbols = new HashSet<string>(StringComparer.Ordinal);

            // Checkpointed: each symbol's spread starts from its saved state; the snapshot is every symbol's, by symbol.
            var restored = context.State?.Restore<Dictionary<string, SpreadState>>() ?? [];
            var handles = new Dictionary<string, StateHandle<SpreadState>>(StringComparer.Ordinal);
            var saved = new Dictionary<string, SpreadState>(restored, StringComparer.Ordinal);
            symbols.UnionWith(restored.Keys);
            if (context.State is { } state)
            {
                state.Save = () =>
                {
                    foreach (var (name, handle) in handles)
                    {
                        if (handle.IsAttached)
                        {
                            saved[name] = handle.Save();
                        }
                    }

                    return new Dictionary<string, SpreadState>(saved, StringComparer.Ordinal);
                };
            }

            SpreadOptions For(string symbol)
            {
                if (context.State is null)
                {
                    return spread;
                }

                var handle = new StateHandle<SpreadState>(restored.GetValueOrDefault(symbol));
                handles[symbol] = handle;
                return new SpreadOptions
                {
                    WatermarkDelay = spread.WatermarkDelay,
                    IncludeLockedAndCrossed = spread.IncludeLockedAndCrossed,
                    EmitSeconds = spread.EmitSeconds,
                    EmitMinutes = spread.EmitMinutes,
                    MaxPendingQuotes = spread.MaxPendingQuotes,
                    IdleTimeout = spread.IdleTimeout,
                    State = handle,
                };
            }

            // Quotes come one at a time (the source's thread): in the service one row and batch serve every quote.
            var quoteRows = new QuoteRows(context.ReuseRows);
            return quotes
                .Where(q => symbols.Contains(q.Value.Symbol) || Admit(q, symbols, maxSymbols, input, outputs))
                .GroupBy(q => q.Value.Symbol, StringComparer.Ordinal)
                .SelectMany(symbol => symbol.Publish(q =>
                {
                    var windows = q.Spread(For(symbol.Key), x => x.Value.TimestampTicks, x => x.Value.BidPrice, x => x.Value.AskPrice, context.Scheduler, rejected)
                        .Select(r => ResultBatch.Of(SpreadRow(r, symbol.Key, outputs)));
                    return options.EmitQuotes
                        ? q.QuoteSpreads(x => x.Value.TimestampTicks, x => x.Value.BidPrice, x => x.Value.AskPrice).Select(x => quoteRows.Next(x, symbol.Key)).Merge(windows)
                        : windows;
                }));
        });
    }

    /// <summary>
    /// Each quote's row (kind <c>quote</c>, <see cref="QuoteSchema"/>'s fields), as a batch of one: a new row each, or with
    /// <see cref="ComposeContext.ReuseRows"/> one row and batch overwritten for every quote (nothing allocated per quote;
    /// who keeps it keeps <see cref="ResultRow.Detach"/>'s copy).
    /// </summary>
    private sealed class QuoteRows(bool reuse)
    {
        private static readonly string[] Names = [.. QuoteSchema.Columns.Select(c => c.Name)];
        private readonly ResultFields? _shared = reuse ? new ResultFields(Names, shared: true) : null;
        private ResultBatch? _batch;

        public ResultBatch Next(QuoteSpread q, string symbol)
        {
            var fields = _shared ?? new ResultFields(Names);
            fields.Set(0, FieldValue.Of(symbol));
            fields.Set(1, FieldValue.Of("quote"));
            fields.Set(2, FieldValue.Of(new DateTimeOffset(q.TimestampTicks, TimeSpan.Zero)));
            fields.Set(3, FieldValue.Of(q.Bid));
            fields.Set(4, FieldValue.Of(q.Ask));
            fields.Set(5, FieldValue.Of(q.Spread));
            fields.Set(6, FieldValue.Of(q.RelativeBps));
            fields.Set(7, FieldValue.Of(q.IsLocked));
            fields.Set(8, FieldValue.Of(q.IsCrossed));
            return _shared is null
                ? ResultBatch.Of(new ResultRow("quote", null, null, fields))
                : _batch ??= ResultBatch.Of(new ResultRow("quote", null, null, _shared));
        }
    }

    /// <summary>A quote of a symbol not seen before: admitted while there are fewer than the bound, else a dead letter naming it.</summary>
    private static bool Admit(Located<BboQuote> quote, HashSet<string> symbols, int maxSymbols, IRecordSource input, CompositionOutputs outputs)
    {
        if (symbols.Count < maxSymbols)
        {
            symbols.Add(quote.Value.Symbol);
            return true;
        }

        outputs.DeadLetter(CompositionOutputs.DeadLetterOf(
            quote,
            TooManySymbols,
            $"Symbol: '{quote.Value.Symbol}' would be symbol {maxSymbols + 1}; the pipeline keeps at most MaxSymbols = {maxSymbols}",
            input,
            Render));
        return false;
    }

    /// <summary>A quote in the course's CSV layout, for dead letters of a file read as bytes (its line's text is not kept).</summary>
    private static string Render(BboQuote q) => string.Create(
        CultureInfo.InvariantCulture,
        $"{q.Symbol},{q.Timestamp:MM/dd/yyyy,HH:mm:ss.fff} UTC,{q.BidPrice},{q.BidExchange},{q.BidSize},{q.AskPrice},{q.AskExchange},{q.AskSize}");

    private static ResultRow SpreadRow(SpreadResult r, string symbol, CompositionOutputs outputs)
    {
        if (outputs.Watermark is { } watermark && r.WatermarkTicks > DateTimeOffset.MinValue.UtcTicks)
        {
            watermark(new DateTimeOffset(r.WatermarkTicks, TimeSpan.Zero));
        }

        var kind = r.Kind == SpreadResultKind.Second ? "second" : "minute";
        return new ResultRow(kind, new DateTimeOffset(r.WindowStartTicks, TimeSpan.Zero), new DateTimeOffset(r.WindowEndTicks, TimeSpan.Zero),
            [
                new("symbol", symbol),
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
}

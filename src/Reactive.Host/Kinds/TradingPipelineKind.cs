using System.Globalization;
using System.Reactive;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Reactive.Host.Analytics;
using Reactive.Host.Settings;
using Reactive.Host.Trading;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
using Reactive.Operators.Parsing;
using Reactive.Operators.Trading;
using Reactive.Operators.Windows;

namespace Reactive.Host.Kinds;

/// <summary>How the trading pipeline's rates are written.</summary>
internal enum TradingFeedFormat
{
    /// <summary>The course's bitcoin JSON lines (<see cref="BitcoinPipelineOptions.SchemaText"/>): the rate of <see cref="TradingOptions.Currency"/> (EUR, USD or GBP).</summary>
    Json,

    /// <summary>bitcoincharts.com trades (<c>unix seconds,price,amount</c>, no header, as the Kraken file in ../shared/data): each price is a rate of <see cref="TradingOptions.Currency"/>.</summary>
    Bitcoincharts,
}

/// <summary>
/// The trading pipeline's options: the feed's format, the sliding windows of the averages (the bitcoin pipeline's),
/// where orders go (<see cref="Mode"/>) and the rule's own options (<see cref="Rule"/>).
/// </summary>
internal sealed class TradingPipelineOptions
{
    /// <summary>The rates' format.</summary>
    /// <value>The default is <see cref="TradingFeedFormat.Json"/> (for <c>reactive run</c>: bitcoincharts when the input's name ends in <c>.csv</c>).</value>
    public TradingFeedFormat Format { get; set; } = TradingFeedFormat.Json;

    /// <summary>The averages' window.</summary>
    /// <value>The default is the bitcoin pipeline's (10 minutes).</value>
    public TimeSpan Window { get; set; } = new BitcoinPipelineOptions().Window.WindowDuration;

    /// <summary>The averages' slide.</summary>
    /// <value>The default is the bitcoin pipeline's (5 minutes).</value>
    public TimeSpan Slide { get; set; } = new BitcoinPipelineOptions().Window.SlideDuration ?? TimeSpan.FromMinutes(5);

    /// <summary>Where the orders go.</summary>
    /// <value>The default is <see cref="TradingMode.Paper"/>.</value>
    public TradingMode Mode { get; set; } = TradingMode.Paper;

    /// <summary>How many of the last decisions <c>/api/trading</c> shows.</summary>
    /// <value>The default is 20.</value>
    public int DecisionsShown { get; set; } = 20;

    /// <summary>
    /// The service's anomaly pipeline whose anomalies block buying (<see cref="TradingOptions.AnomalyHold"/>), or null for
    /// no anomaly gate. The service only: a one-shot run has no other pipeline.
    /// </summary>
    /// <value>The default is null.</value>
    public string? AnomalyPipeline { get; set; }

    /// <summary>The service's spread pipeline whose per-second last spread blocks orders above <see cref="TradingOptions.MaxSpread"/>, or null for no spread gate.</summary>
    /// <value>The default is null.</value>
    public string? SpreadPipeline { get; set; }

    /// <summary>The rule: threshold, sizes, limits, fee rate, starting balances.</summary>
    public TradingOptions Rule { get; } = new();

    /// <summary>The bitcoin JSON field that holds <paramref name="currency"/>'s rate, or null.</summary>
    public static string? RateField(string currency) => currency switch
    {
        "EUR" => "euro_rate",
        "USD" => "usd_rate",
        "GBP" => "gbp_rate",
        _ => null,
    };

    /// <summary>The schema the rates are read with.</summary>
    public RowSchema Schema() => Format == TradingFeedFormat.Json
        ? new BitcoinPipelineOptions().RowSchema(out _)!
        : new RowSchema([
            new SchemaField("time", FieldType.Timestamp) { Required = true, TimestampFormat = SchemaField.UnixSecondsFormat },
            new SchemaField("price", FieldType.Double),
            new SchemaField("amount", FieldType.Double),
        ]);
}

/// <summary>
/// <c>Kind: trading</c> (and <c>reactive run trading</c>): the course's last step. Bitcoin rates in; per rate of the traded
/// currency the trading rule (<see cref="TradingRule.Trade"/>) against the average of the newest final window of the
/// bitcoin pipeline's sliding windows (the same event-time window operator, one row per micro-batch: the window is
/// final once a rate at or after its end arrived); decisions with their reasons out, and the orders to the
/// <see cref="TradingDesk"/> of the pipeline (paper account, or the wallet in simulator and live modes). A one-shot
/// run is a backtest in paper mode: the decisions, then a report row (P&amp;L against buy-and-hold, orders, fees,
/// maximum drawdown), and the report as text on standard error. In the service, the anomaly and spread results of the
/// pipelines it names gate the rule (<see cref="Gates"/>; the README of <c>src/Reactive.Host/Trading</c>).
/// </summary>
internal sealed class TradingPipelineKind : PipelineKind<TradingPipelineOptions>
{
    /// <summary>The code of a bitcoin JSON row without the traded currency's rate (null or missing).</summary>
    public const string MissingRate = "missing_rate";

    private static readonly Dictionary<string, TradingFeedFormat> FormatNames = new()
    {
        ["json"] = TradingFeedFormat.Json,
        ["jsonl"] = TradingFeedFormat.Json,
        ["bitcoincharts"] = TradingFeedFormat.Bitcoincharts,
        ["csv"] = TradingFeedFormat.Bitcoincharts,
    };

    // Each result field once: its name, type and value, so the declared schema and the rows cannot disagree.
    private static readonly Field<OrderDecision>[] DecisionFields =
    [
        new("id", ResultType.Text, static d => d.Id),
        new("timestamp", ResultType.Time, static d => d.Timestamp),
        new("outcome", ResultType.Text, static d => d.IsOrder ? "order" : "skipped"),
        new("side", ResultType.Text, static d => TradingDesk.Side(d.Side)),
        new("amount", ResultType.Real, static d => d.Amount),
        new("requested_amount", ResultType.Real, static d => d.RequestedAmount),
        new("price", ResultType.Real, static d => d.Price),
        new("fee", ResultType.Real, static d => d.Fee),
        new("average", ResultType.Real, static d => d.Signal.Average),
        new("window_start", ResultType.Time, static d => new DateTimeOffset(d.Signal.WindowStartTicks, TimeSpan.Zero)),
        new("window_end", ResultType.Time, static d => new DateTimeOffset(d.Signal.WindowEndTicks, TimeSpan.Zero)),
        new("deviation", ResultType.Real, static d => d.Signal.Deviation),
        new("reason", ResultType.Text, static d => d.Reason),
        new("euro", ResultType.Real, static d => d.Portfolio.Euro),
        new("bitcoin", ResultType.Real, static d => d.Portfolio.Bitcoin),
        new("value", ResultType.Real, static d => d.Portfolio.Value),
        new("pnl", ResultType.Real, static d => d.Portfolio.ProfitAndLoss),
    ];

    private static readonly Field<TradingReport>[] ReportFields =
    [
        new("rates", ResultType.Integer, static r => (long)r.Rates),
        new("orders", ResultType.Integer, static r => (long)r.Orders),
        new("buys", ResultType.Integer, static r => (long)r.Buys),
        new("sells", ResultType.Integer, static r => (long)r.Sells),
        new("skipped", ResultType.Integer, static r => (long)r.Skipped),
        new("starting_euro", ResultType.Real, static r => r.StartingEuro),
        new("starting_bitcoin", ResultType.Real, static r => r.StartingBitcoin),
        new("final_euro", ResultType.Real, static r => r.FinalEuro),
        new("final_bitcoin", ResultType.Real, static r => r.FinalBitcoin),
        new("first_rate", ResultType.Real, static r => r.FirstRate),
        new("last_rate", ResultType.Real, static r => r.LastRate),
        new("starting_value", ResultType.Real, static r => r.StartingValue),
        new("final_value", ResultType.Real, static r => r.FinalValue),
        new("pnl", ResultType.Real, static r => r.ProfitAndLoss),
        new("buy_and_hold_value", ResultType.Real, static r => r.BuyAndHoldValue),
        new("buy_and_hold_pnl", ResultType.Real, static r => r.BuyAndHoldProfitAndLoss),
        new("fees", ResultType.Real, static r => r.FeesPaid),
        new("max_drawdown", ResultType.Real, static r => r.MaxDrawdown),
        new("max_drawdown_fraction", ResultType.Real, static r => r.MaxDrawdownFraction),
    ];

    private static readonly ResultSchema Decisions = Field<OrderDecision>.Schema("decision", DecisionFields);

    private static readonly ResultSchema Report = Field<TradingReport>.Schema("report", ReportFields);

    public override string Name => "trading";

    public override string Summary => "bitcoin rates → mean-reversion decisions against their sliding-window average, within risk limits; orders to the paper account or the wallet; a backtest report";

    public override IReadOnlyList<string> Sources { get; } = ["generator", "replay", "socket", "directory", "kinesis"];

    public override bool OneShot => true;

    public override bool Checkpoints => true;

    public override string? DefaultOutput => "-";

    protected override SettingsTable<TradingPipelineOptions> Table { get; } = new SettingsTable<TradingPipelineOptions>()
        .Enum<TradingFeedFormat>("Format", "format", (o, v) => o.Format = v, aliases: FormatNames)
        .Enum<TradingMode>("Mode", "mode", (o, v) => o.Mode = v)
        .Duration("Window", "window", (o, v) => o.Window = v)
        .Duration("Slide", "slide", (o, v) => o.Slide = v)
        .Int("DecisionsShown", null, (o, v) => o.DecisionsShown = v, min: 1, max: 10_000)
        .Text("AnomalyPipeline", null, (o, v) => o.AnomalyPipeline = v)
        .Text("SpreadPipeline", null, (o, v) => o.SpreadPipeline = v)
        .Text("Rule", "rule", (o, v) => o.Rule.RuleName = v, nameof(TradingOptions.RuleName))
        .Text("Currency", "currency", (o, v) => o.Rule.Currency = v)
        .Double("Threshold", "threshold", (o, v) => o.Rule.Threshold = v)
        .Double("BuyAmount", "buy-amount", (o, v) => o.Rule.BuyAmount = v)
        .Double("SellAmount", "sell-amount", (o, v) => o.Rule.SellAmount = v)
        .Double("MaxOrderAmount", "max-order", (o, v) => o.Rule.MaxOrderAmount = v)
        .Double("MaxPosition", "max-position", (o, v) => o.Rule.MaxPosition = v)
        .Double("MinEuroKept", "min-euro-kept", (o, v) => o.Rule.MinEuroKept = v)
        .Double("MinimumOrderAmount", "min-order", (o, v) => o.Rule.MinimumOrderAmount = v)
        .Int("AmountDecimals", "amount-decimals", (o, v) => o.Rule.AmountDecimals = v)
        .Duration("Cooldown", "cooldown", (o, v) => o.Rule.Cooldown = v, DurationRule.Any)
        .Int("MaxOrdersPerHour", "max-orders-per-hour", (o, v) => o.Rule.MaxOrdersPerHour = v)
        .Duration("AnomalyHold", "anomaly-hold", (o, v) => o.Rule.AnomalyHold = v, DurationRule.Any)
        .Double("MaxSpread", "max-spread", (o, v) => o.Rule.MaxSpread = v)
        .Duration("MaxAverageAge", "max-average-age", (o, v) => o.Rule.MaxAverageAge = v, DurationRule.Any)
        .Double("StartingEuro", "euro", (o, v) => o.Rule.StartingEuro = v)
        .Double("StartingBitcoin", "bitcoin", (o, v) => o.Rule.StartingBitcoin = v)
        .Double("FeeRate", "fee-rate", (o, v) => o.Rule.FeeRate = v);

    protected override void ForInput(TradingPipelineOptions options, string input)
    {
        if (input.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            options.Format = TradingFeedFormat.Bitcoincharts;
        }
    }

    protected override void Validate(ISettingSource source, TradingPipelineOptions options)
    {
        Table.Validate(source, options.Rule.Validate);
        if (options.Format == TradingFeedFormat.Json && TradingPipelineOptions.RateField(options.Rule.Currency) is null)
        {
            source.Error(Table.NameOf(nameof(TradingOptions.Currency)), $"the bitcoin JSON feed has rates of EUR, USD and GBP, not '{options.Rule.Currency}'");
        }

        if (options.Slide > options.Window)
        {
            source.Error(Table.NameOf(nameof(options.Slide)), $"the slide ({options.Slide}) is longer than the window ({options.Window}): some rates would be in no window");
        }

        if (source is ArgSettingSource && options.Mode != TradingMode.Paper)
        {
            source.Error(Table.NameOf(nameof(options.Mode)), "reactive run trading is a backtest in paper mode; simulator and live run in the service (Pipelines:NAME:Options:Mode)");
        }
    }

    /// <summary>
    /// The gates a trading pipeline names that are not enabled pipelines of their kind (<c>anomaly</c>, <c>spread</c>),
    /// each naming its key; <paramref name="enabledKind"/> gives an enabled pipeline's kind, or null.
    /// </summary>
    internal static IEnumerable<string> GateErrors(string pipeline, TradingPipelineOptions options, Func<string, string?> enabledKind)
    {
        foreach (var (key, name, kind) in new[] { ("AnomalyPipeline", options.AnomalyPipeline, "anomaly"), ("SpreadPipeline", options.SpreadPipeline, "spread") })
        {
            if (name is not null && enabledKind(name) != kind)
            {
                yield return $"Pipelines:{pipeline}:Options:{key}: '{name}' is not an enabled {kind} pipeline of this service";
            }
        }
    }

    // The report row is a one-shot run's last line only (a live pipeline has no end to report at): no table is made for it.
    protected override ResultShape Shape(TradingPipelineOptions options) => new([Decisions]);

    protected override IObservable<ResultBatch> Compose(IRecordSource input, TradingPipelineOptions options, ComposeContext context)
    {
        var outputs = context.Outputs;
        var schema = options.Schema();
        var timeIndex = schema.RequireIndex(options.Format == TradingFeedFormat.Json ? "timestamp" : "time");
        var rateField = options.Format == TradingFeedFormat.Json ? TradingPipelineOptions.RateField(options.Rule.Currency)! : "price";
        var rateIndex = schema.RequireIndex(rateField);
        var currency = options.Rule.Currency;
        Func<ILineParser<Row>> parser = options.Format == TradingFeedFormat.Json
            ? () => new JsonLinesRowParser(new JsonLinesRowParserOptions { Schema = schema, MistypedFields = MistypedFieldHandling.Null, FieldNulled = outputs.FieldNulled })
            : () => new CsvRowParser(new CsvRowParserOptions { Schema = schema, HasHeader = false, MistypedFields = MistypedFieldHandling.Reject });
        var rows = input.Parse(parser, Observer.Create<DeadLetter>(outputs.DeadLetter));
        var saved = context.State?.Restore<TradingCheckpoint>();
        if (saved is not null && saved.Version != TradingCheckpoint.CurrentVersion)
        {
            // Never read a layout this code does not know as if it were empty.
            throw new InvalidOperationException($"the trading checkpoint is of version {saved.Version}; this service reads version {TradingCheckpoint.CurrentVersion} (reset the pipeline's checkpoint: reactive --reset-checkpoint NAME)");
        }

        var window = new EventTimeWindowOptions<RateTick, string>
        {
            EventTime = static r => r.TimestampTicks,
            KeySelector = static r => r.Currency,
            WindowDuration = options.Window,
            SlideDuration = options.Slide,

            // The rule turns away rates older than the newest before they reach the windows, so no rate is ever late:
            // a window is final as soon as a rate at or after its end has come.
            WatermarkDelay = TimeSpan.Zero,
            OutputMode = WindowOutputMode.Append,
            Scheduler = context.Scheduler,
            State = new StateHandle<WindowState<string>>(saved?.Window),
        };
        window.Aggregates.Add(new WindowAggregate<RateTick>(AggregateSpec.Of(Reactive.Operators.Windows.AggregateKind.Avg, rateField), static r => r.Rate));
        window.Aggregates.Add(new WindowAggregate<RateTick>(AggregateSpec.Count, null));
        var rule = options.Rule;
        var ruleState = new StateHandle<TradingState>(saved?.Rule);
        var desk = context.Trading;
        desk?.Start(options.Mode, rule, saved?.Rule, saved?.Pending ?? [], options.DecisionsShown);
        if (context.State is { } state)
        {
            state.Save = () => new TradingCheckpoint(TradingCheckpoint.CurrentVersion, window.State.Save(), ruleState.Save(), desk?.Pending() ?? []);
        }

        var anomalyRows = options.AnomalyPipeline is { } anomalyPipeline ? desk?.Results?.Of(anomalyPipeline) : null;
        var spreadRows = options.SpreadPipeline is { } spreadPipeline ? desk?.Results?.Of(spreadPipeline) : null;
        var steps = Observable.Create<TradingStep>(observer =>
        {
            var rates = new Subject<RateTick>();
            var gates = new Gates(anomalyRows, spreadRows, options.AnomalyPipeline);
            var averages = new Subject<WindowAverage>();
            var accepted = new Subject<RateTick>();
            Located<Row> current = default;
            void Reject(string code, string reason) => outputs.Reject(new Rejected<Located<Row>>(current, code, reason), input, static r => r.ToString());
            var turnedAway = Observer.Create<Rejected<RateTick>>(r => Reject(r.Code, r.Reason));
            var subscriptions = new CompositeDisposable(rates, averages, accepted, gates);

            // Averages first, from the rates the rule took: a rate is decided against the windows the rates before it
            // made final (none of which holds the rate itself), then it enters its own windows.
            subscriptions.Add(accepted.WindowByEventTime(window).Subscribe(
                update =>
                {
                    foreach (var w in update.Rows)
                    {
                        averages.OnNext(new WindowAverage(w.WindowStartTicks, w.WindowEndTicks, w.Key, w.Values[0] ?? double.NaN, (long)(w.Values[1] ?? 0)));
                    }
                },
                observer.OnError));
            rule.State = ruleState;
            IObservable<TradingStep> trade;
            try
            {
                trade = rates.Trade(averages, rule, gates.Anomalies, gates.Spreads, turnedAway);
            }
            finally
            {
                rule.State = null;
            }

            subscriptions.Add(trade.Subscribe(
                step =>
                {
                    desk?.Stepped(step);
                    observer.OnNext(step);
                    accepted.OnNext(step.Rate);
                },
                observer.OnError,
                observer.OnCompleted));
            subscriptions.Add(rows.Subscribe(
                row =>
                {
                    current = row;
                    if (!row.Value.TryGetTimestampTicks(timeIndex, out var time))
                    {
                        Reject(DeadLetterCodes.BadDate, "the row has no time");
                    }
                    else if (!row.Value.TryGetDouble(rateIndex, out var rate))
                    {
                        Reject(MissingRate, $"the row has no {rateField} (the rate of {currency} traded)");
                    }
                    else
                    {
                        outputs.EventTime?.Invoke(time);
                        gates.Flush();
                        rates.OnNext(new RateTick(time, currency, rate));
                    }
                },
                rates.OnError,
                rates.OnCompleted));
            return subscriptions;
        });

        if (!context.OneShot)
        {
            return steps.Where(static s => s.Decision is not null).Select(s =>
            {
                desk?.Decided(s.Decision!);
                return ResultBatch.Of(DecisionRow(s.Decision!));
            });
        }

        // A backtest: the decisions, then the report of the whole run.
        return Observable.Defer(() =>
        {
            var all = new List<TradingStep>();
            return steps.Do(all.Add)
                .Where(static s => s.Decision is not null)
                .Select(s => ResultBatch.Of(DecisionRow(s.Decision!)))
                .Concat(Observable.Defer(() =>
                {
                    var report = TradingReport.From(all, rule);
                    return Observable.Return(new ResultBatch([ReportRow(report)]) { Summary = report.ToString() });
                }));
        });
    }

    protected override string? Console(ResultBatch batch, TradingPipelineOptions options, int rows, TimeZoneInfo zone)
    {
        var text = new System.Text.StringBuilder();
        foreach (var row in batch.Rows.Take(rows))
        {
            if (row.Kind != Decisions.Kind)
            {
                continue;
            }

            string Field(string name) => Convert.ToString(row.Fields.First(f => f.Key == name).Value, CultureInfo.InvariantCulture) ?? "";
            var time = TimeZoneInfo.ConvertTime((DateTimeOffset)row.Fields[1].Value!, zone);
            text.Append(CultureInfo.InvariantCulture, $"trading {time:yyyy-MM-dd HH:mm:ss} {Field("outcome")} {Field("side")} {Field("amount")} @ {Field("price")}: {Field("reason")} (paper euro {Field("euro")}, bitcoin {Field("bitcoin")}, P&L {Field("pnl")})\n");
        }

        return text.ToString();
    }

    /// <summary>A decision as a result row.</summary>
    internal static ResultRow DecisionRow(OrderDecision d) => Field<OrderDecision>.Row(Decisions.Kind, DecisionFields, d);

    private static ResultRow ReportRow(TradingReport r) => Field<TradingReport>.Row(Report.Kind, ReportFields, r);

    /// <summary>
    /// The anomaly and spread gates from other pipelines' results. Their rows arrive on those pipelines' threads; only the
    /// newest of each is held (the rule keeps the newest anomaly by event time and the newest spread, so nothing it would
    /// use is dropped) and handed to the rule on the trading pipeline's thread just before each rate (<see cref="Flush"/>):
    /// the rule never runs on two threads, and a gate is in force from the first rate after it arrived.
    /// </summary>
    private sealed class Gates : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Subject<AnomalySignal>? _anomalies;
        private readonly Subject<SpreadSignal>? _spreads;
        private readonly CompositeDisposable _subscriptions = [];
        private AnomalySignal? _anomaly;
        private SpreadSignal? _spread;

        public Gates(IObservable<ResultRow>? anomalyRows, IObservable<ResultRow>? spreadRows, string? anomalyPipeline)
        {
            if (anomalyRows is not null)
            {
                _anomalies = new Subject<AnomalySignal>();
                _subscriptions.Add(anomalyRows.Subscribe(row =>
                {
                    if (row.Kind == "anomaly" && Value(row, "timestamp") is DateTimeOffset time)
                    {
                        var signal = new AnomalySignal(time.UtcTicks, string.Create(CultureInfo.InvariantCulture, $"{anomalyPipeline}: price {Value(row, "price")} at z {Value(row, "z"):0.##}"));
                        lock (_gate)
                        {
                            _anomaly = _anomaly is { } held && held.TimestampTicks > signal.TimestampTicks ? held : signal;
                        }
                    }
                }));
            }

            if (spreadRows is not null)
            {
                _spreads = new Subject<SpreadSignal>();
                _subscriptions.Add(spreadRows.Subscribe(row =>
                {
                    if (row.Kind == "second" && row.WindowEnd is { } end && Value(row, "last(spread)") is double spread)
                    {
                        lock (_gate)
                        {
                            _spread = new SpreadSignal(end.UtcTicks, spread);
                        }
                    }
                }));
            }
        }

        /// <summary>The anomalies for the rule, or null without an anomaly gate.</summary>
        public IObservable<AnomalySignal>? Anomalies => _anomalies;

        /// <summary>The spreads for the rule, or null without a spread gate.</summary>
        public IObservable<SpreadSignal>? Spreads => _spreads;

        /// <summary>Hands the rule what arrived since the last rate; on the rule's thread.</summary>
        public void Flush()
        {
            if (_anomalies is null && _spreads is null)
            {
                return;
            }

            AnomalySignal? anomaly;
            SpreadSignal? spread;
            lock (_gate)
            {
                (anomaly, spread, _anomaly, _spread) = (_anomaly, _spread, null, null);
            }

            if (anomaly is { } a)
            {
                _anomalies!.OnNext(a);
            }

            if (spread is { } s)
            {
                _spreads!.OnNext(s);
            }
        }

        public void Dispose()
        {
            _subscriptions.Dispose();
            _anomalies?.Dispose();
            _spreads?.Dispose();
        }

        private static object? Value(ResultRow row, string field) => row.Fields.FirstOrDefault(f => f.Key == field).Value;
    }

    /// <summary>A result field: its name, type and how it is read from <typeparamref name="T"/>.</summary>
    private sealed record Field<T>(string Name, ResultType Type, Func<T, object?> Value)
    {
        public static ResultSchema Schema(string kind, Field<T>[] fields) => new(kind, false, [.. fields.Select(f => new ResultColumn(f.Name, f.Type))]);

        public static ResultRow Row(string kind, Field<T>[] fields, T value) =>
            new(kind, null, null, [.. fields.Select(f => new KeyValuePair<string, object?>(f.Name, f.Value(value)))]);
    }
}

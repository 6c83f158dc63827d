using System.Reactive;
using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Settings;
using Reactive.Operators.Anomaly;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
using Reactive.Operators.Parsing;

namespace Reactive.Host.Kinds;

/// <summary>The anomaly pipeline's options: the parser's and the detector's.</summary>
internal sealed class AnomalyPipelineOptions
{
    /// <summary>How prices are read (the zone of their dates and hours; the IESO's EST by default).</summary>
    public HourlyPriceParserOptions Format { get; } = new();

    /// <summary>The anomaly rule.</summary>
    public AnomalyOptions Anomaly { get; } = new();
}

/// <summary>Exercise 2: hourly prices in, anomalies out (<c>Kind: anomaly</c>, <c>reactive run anomaly</c>).</summary>
internal sealed class AnomalyPipelineKind : PipelineKind<AnomalyPipelineOptions>
{
    private static readonly IReadOnlyList<ResultColumn> Columns =
    [
        new("timestamp", ResultType.Time),
        new("date", ResultType.Date),
        new("hour", ResultType.Integer),
        new("price", ResultType.Real),
        new("mean", ResultType.Real),
        new("stddev", ResultType.Real),
        new("baseline_count", ResultType.Integer),
        new("z", ResultType.Real),
        new("threshold", ResultType.Real),
        new("anomaly", ResultType.Bool),
    ];

    public override string Name => "anomaly";

    public override string Summary => "hourly prices → prices ≥ k standard deviations above the same hour's mean (Exercise 2)";

    public override IReadOnlyList<string> Sources { get; } = ["generator", "replay", "socket", "directory"];

    public override bool OneShot => true;

    public override bool Checkpoints => true;

    public override string? ReplayTimeFormat => "hourly";

    protected override SettingsTable<AnomalyPipelineOptions> Table { get; } = new SettingsTable<AnomalyPipelineOptions>()
        .Zone("TimeZone", "time-zone", (o, v) => o.Format.TimeZone = v)
        .Duration("Lookback", "lookback", (o, v) => o.Anomaly.Lookback = v)
        .Int("MinHistory", "min-history", (o, v) => o.Anomaly.MinHistory = v)
        .Double("StandardDeviations", "stddevs", (o, v) => o.Anomaly.StandardDeviations = v)
        .Bool("EmitEvaluations", "all", (o, v) => o.Anomaly.EmitEvaluations = v)
        .Int("MaxBaselineSize", "max-baseline", (o, v) => o.Anomaly.MaxBaselineSize = v)
        .Int("MaxSeries", null, (o, v) => o.Anomaly.MaxSeries = v);

    protected override void Validate(ISettingSource source, AnomalyPipelineOptions options) =>
        Table.Validate(source, options.Anomaly.Validate);

    protected override ResultShape Shape(AnomalyPipelineOptions options) =>
        new(options.Anomaly.EmitEvaluations
            ? [new ResultSchema("anomaly", false, Columns), new ResultSchema("evaluation", false, Columns)]
            : [new ResultSchema("anomaly", false, Columns)]);

    protected override IObservable<ResultBatch> Compose(IRecordSource input, AnomalyPipelineOptions options, ComposeContext context)
    {
        var outputs = context.Outputs;
        var prices = input.Parse(() => new HourlyPriceParser(options.Format), Observer.Create<DeadLetter>(outputs.DeadLetter));
        if (outputs.EventTime is { } eventTime)
        {
            prices = prices.Do(p => eventTime(p.Value.TimestampTicks));
        }

        var rejected = Observer.Create<Rejected<Located<HourlyPrice>>>(r => outputs.Reject(r, input, Render));
        var zone = options.Format.TimeZone;
        var anomaly = options.Anomaly;
        if (context.State is { } state)
        {
            // Checkpointed: the baselines start from the saved ones and are saved after each batch.
            var handle = new StateHandle<AnomalyState>(state.Restore<AnomalyState>());
            anomaly = Copy(anomaly);
            anomaly.State = handle;
            state.Save = handle.Save;
        }

        return prices
            .DetectAnomalies(anomaly, p => p.Value.TimestampTicks, p => p.Value.Hour, p => p.Value.Price, rejected: rejected)
            .Select(r => Row(r, zone))
            .Select(ResultBatch.Of);
    }

    private static AnomalyOptions Copy(AnomalyOptions o) => new()
    {
        StandardDeviations = o.StandardDeviations,
        Lookback = o.Lookback,
        MinHistory = o.MinHistory,
        EmitEvaluations = o.EmitEvaluations,
        MaxSeries = o.MaxSeries,
        MaxBaselineSize = o.MaxBaselineSize,
    };

    /// <summary>A price in the course's layout (<c>date,hour,hoep</c>), for dead letters of a file read as bytes.</summary>
    private static string Render(HourlyPrice p) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Date:yyyy-MM-dd},{p.Hour},{p.Price}");

    private static ResultRow Row(AnomalyResult r, TimeZoneInfo zone)
    {
        var time = new DateTimeOffset(r.TimestampTicks, TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(time, zone);
        return new ResultRow(r.IsAnomaly ? "anomaly" : "evaluation", null, null,
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
            ]);
    }
}

using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.Host.Analytics;
using Reactive.Host.DeadLetters;
using Reactive.Host.Progress;
using Reactive.Host.Sinks;

namespace Reactive.Host.Dashboard;

/// <summary>
/// The dashboard's live feed. As a <see cref="IResultTap"/> it turns the result rows the pipelines write into chart
/// points (the spread per second and per minute with locked and crossed quotes marked, the hourly prices with their
/// mean ± k·sd band and anomalies, each window's aggregates), kept per chart in a bounded <see cref="ChartBuffer"/>;
/// each chart is sent at most once per <see cref="DashboardOptions.UpdateInterval"/> (Rx <c>Sample</c> per chart).
/// Every <see cref="DashboardOptions.ProgressInterval"/> it samples each pipeline's progress, and the newest dead
/// letters when their count moved. Everything goes through <see cref="DashboardHistory"/>, which numbers, keeps and
/// streams it.
/// </summary>
internal sealed class DashboardFeed : IResultTap, IHostedService, IDisposable
{
    /// <summary>The dead letters an update shows.</summary>
    public const int DeadLettersShown = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly IReadOnlyList<ChartSeries> SpreadSeries =
    [
        new("avg spread", SeriesStyle.Line),
        new("min", SeriesStyle.Line),
        new("max", SeriesStyle.Line),
        new("locked", SeriesStyle.Points),
        new("crossed", SeriesStyle.Points),
    ];

    private static readonly IReadOnlyList<ChartSeries> AnomalySeries =
    [
        new("price", SeriesStyle.Line),
        new("anomaly", SeriesStyle.Points),
        new("mean", SeriesStyle.Line),
        new("mean + k·sd", SeriesStyle.BandUpper),
        new("mean − k·sd", SeriesStyle.BandLower),
    ];

    private static readonly IReadOnlyList<ChartSeries> TradingRateSeries =
    [
        new("rate", SeriesStyle.Line),
        new("window average", SeriesStyle.Line),
        new("buy", SeriesStyle.Buy),
        new("sell", SeriesStyle.Sell),
    ];

    private static readonly IReadOnlyList<ChartSeries> TradingValueSeries =
    [
        new("P&L", SeriesStyle.Line),
    ];

    private readonly DashboardOptions _options;
    private readonly PipelineProgressRegistry _registry;
    private readonly DeadLetterStore _deadLetters;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ChartBuffer> _charts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _chartsPerPipeline = new(StringComparer.Ordinal);
    private readonly ISubject<ChartBuffer> _changed = Subject.Synchronize(new Subject<ChartBuffer>());
    private readonly Dictionary<string, long> _lastBatch = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastHour = new(StringComparer.Ordinal);
    private readonly CompositeDisposable _running = [];
    private long _deadLetterTotal = -1;

    public DashboardFeed(IOptions<DashboardOptions> options, PipelineProgressRegistry registry, DeadLetterStore deadLetters, IScheduler scheduler, TimeProvider time, ILogger<DashboardFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _registry = registry;
        _deadLetters = deadLetters;
        _scheduler = scheduler;
        _time = time;
        _logger = logger;
        History = new DashboardHistory(_options.HistoryEvents, Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds()), _options.HistoryBytes);
    }

    /// <summary>The numbered, kept events.</summary>
    public DashboardHistory History { get; }

    /// <summary>The feed's options.</summary>
    public DashboardOptions Options => _options;

    /// <inheritdoc/>
    public Action<IReadOnlyList<ResultRow>>? For(string pipeline, string kind, ResultMode mode)
    {
        Action<IReadOnlyList<ResultRow>> chart = kind switch
        {
            "spread" => rows => Spread(pipeline, rows),
            "anomaly" => rows => Anomaly(pipeline, rows),
            "trading" => rows => Trading(pipeline, rows),
            _ => rows => Windows(pipeline, rows, mode),
        };
        return rows =>
        {
            try
            {
                chart(rows);
            }
            catch (Exception ex)
            {
                // A chart must never stop a pipeline: its rows went to the sinks already.
                Log.TapFailed(_logger, pipeline, ex);
            }
        };
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running.Add(_changed
            .GroupBy(static chart => chart)
            .SelectMany(chart => chart.Sample(_options.UpdateInterval, _scheduler))
            .Subscribe(SendChart));
        _running.Add(Observable.Interval(_options.ProgressInterval, _scheduler).StartWith(0).Subscribe(_ => SendProgress()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _running.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _running.Dispose();
        History.Dispose();
    }

    private void Spread(string pipeline, IReadOnlyList<ResultRow> rows)
    {
        // By index: a per-quote row comes alone and is skipped here, without an enumerator for it.
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Kind is not ("second" or "minute") || row.WindowStart is not { } start)
            {
                continue;
            }

            var symbol = Text(row, "symbol") ?? "";
            if (Chart($"spread/{pipeline}/{row.Kind}/{symbol}", pipeline, "spread", $"{pipeline}: spread per {row.Kind}, {symbol}", SpreadSeries) is not { } chart)
            {
                continue;
            }

            var average = Number(row, "avg(spread)");
            chart.Add([
                Seconds(start),
                average,
                Number(row, "min(spread)"),
                Number(row, "max(spread)"),
                Number(row, "locked") > 0 ? average : null,
                Number(row, "crossed") > 0 ? average : null,
            ]);
            _changed.OnNext(chart);
        }
    }

    private void Anomaly(string pipeline, IReadOnlyList<ResultRow> rows)
    {
        foreach (var row in rows)
        {
            if (row.Kind is not ("anomaly" or "evaluation") || Field(row, "timestamp") is not DateTimeOffset time
                || Chart($"anomaly/{pipeline}", pipeline, "anomaly", $"{pipeline}: hourly prices, mean ± k·sd, anomalies", AnomalySeries) is not { } chart)
            {
                continue;
            }

            var price = Number(row, "price");
            var mean = Number(row, "mean");
            var threshold = Number(row, "threshold");
            var anomaly = row.Kind == "anomaly";
            chart.Add([
                Seconds(time),
                anomaly ? null : price,
                anomaly ? price : null,
                mean,
                threshold,
                mean is { } m && threshold is { } t ? m - (t - m) : null,
            ]);
            _changed.OnNext(chart);
        }
    }

    /// <summary>
    /// A trading pipeline's decisions (one per signal, an order or skipped): the rate that fired and its window average, each
    /// order marked at its price (buys and sells apart), and the rule's paper P&amp;L after each decision, over event time.
    /// </summary>
    private void Trading(string pipeline, IReadOnlyList<ResultRow> rows)
    {
        foreach (var row in rows)
        {
            if (row.Kind != "decision" || Field(row, "timestamp") is not DateTimeOffset time
                || Chart($"trading/{pipeline}/rate", pipeline, "trading", $"{pipeline}: signals (rate, window average), orders marked", TradingRateSeries) is not { } rates
                || Chart($"trading/{pipeline}/pnl", pipeline, "trading", $"{pipeline}: paper P&L at each decision", TradingValueSeries) is not { } value)
            {
                continue;
            }

            var x = Seconds(time);
            var price = Number(row, "price");
            var order = Text(row, "outcome") == "order";
            var side = Text(row, "side");
            rates.Add([x, price, Number(row, "average"), order && side == "buy" ? price : null, order && side == "sell" ? price : null]);
            value.Add([x, Number(row, "pnl")]);
            _changed.OnNext(rates);
            _changed.OnNext(value);
        }
    }

    /// <summary>An aggregate's windows (the bitcoin rates' sliding averages): per group of its text keys, each real-valued field over the window start.</summary>
    private void Windows(string pipeline, IReadOnlyList<ResultRow> rows, ResultMode mode)
    {
        IEnumerable<ResultRow> windowed = rows.Where(static r => r.WindowStart is not null);
        if (mode == ResultMode.Complete)
        {
            // Each batch is the whole result table: its newest windows are what changed.
            windowed = windowed.OrderBy(static r => r.WindowStart).TakeLast(_options.MaxPointsPerUpdate);
        }

        foreach (var row in windowed)
        {
            var values = row.Fields.Where(static f => f.Value is double or null && !f.Key.StartsWith("count", StringComparison.Ordinal)).ToList();
            if (values.Count == 0)
            {
                continue;
            }

            var group = string.Join(",", row.Fields.Where(static f => f.Value is string).Select(static f => (string)f.Value!));
            var key = $"windows/{pipeline}/{group}";
            var title = group.Length == 0 ? $"{pipeline}: averages per window" : $"{pipeline}: averages per window, {group}";
            if (Chart(key, pipeline, "windows", title, [.. values.Select(static f => new ChartSeries(f.Key, SeriesStyle.Line))]) is not { } chart)
            {
                continue;
            }

            var point = new double?[values.Count + 1];
            point[0] = Seconds(row.WindowStart!.Value);
            for (var i = 0; i < values.Count; i++)
            {
                point[i + 1] = values[i].Value as double?;
            }

            chart.Add(point);
            _changed.OnNext(chart);
        }
    }

    /// <summary>The chart <paramref name="key"/>, made on first use; null once its pipeline has its maximum of charts.</summary>
    private ChartBuffer? Chart(string key, string pipeline, string group, string title, IReadOnlyList<ChartSeries> series)
    {
        if (_charts.TryGetValue(key, out var chart))
        {
            return chart;
        }

        if (_chartsPerPipeline.AddOrUpdate(pipeline, 1, static (_, n) => n + 1) > _options.MaxChartsPerPipeline)
        {
            _chartsPerPipeline.AddOrUpdate(pipeline, 0, static (_, n) => n - 1);
            return null;
        }

        return _charts.GetOrAdd(key, _ => new ChartBuffer(key, pipeline, group, title, series, _options.MaxPointsPerUpdate));
    }

    private void SendChart(ChartBuffer chart)
    {
        var (points, leftOut) = chart.Take();
        if (points.Length == 0)
        {
            return;
        }

        History.Publish("chart", JsonSerializer.Serialize(new
        {
            chart = chart.Key,
            chart.Pipeline,
            chart.Group,
            chart.Title,
            series = chart.Series.Select(static s => new { label = s.Label, style = s.Style.ToString().ToLowerInvariant() }),
            points,
            leftOut,
        }, Json));
    }

    /// <summary>Each pipeline's progress now, its batches since the last sample, and the bitcoin kind's last hour as a chart.</summary>
    private void SendProgress()
    {
        var now = Seconds(_time.GetUtcNow());
        var pipelines = _registry.All;
        var samples = new List<object>(pipelines.Count);
        var deadLetters = 0L;
        foreach (var p in pipelines)
        {
            deadLetters += p.DeadLetters + p.LateRows;
            var last = _lastBatch.GetValueOrDefault(p.Name, -1);
            var batches = p.RecentProgress.Where(b => b.BatchId > last)
                .Select(static b => new double?[] { Seconds(b.Timestamp), b.DurationMs.TryGetValue("triggerExecution", out var ms) ? ms : null })
                .ToList();
            if (p.LastProgress is { } newest)
            {
                _lastBatch[p.Name] = newest.BatchId;
            }

            if (p.LastHourAverage is { } hour && _lastHour.GetValueOrDefault(p.Name) != hour.To)
            {
                _lastHour[p.Name] = hour.To;
                var fields = hour.Averages.Keys.ToList();
                if (Chart($"lasthour/{p.Name}", p.Name, "lasthour", $"{p.Name}: last hour's average", [.. fields.Select(static f => new ChartSeries(f, SeriesStyle.Line))]) is { } chart)
                {
                    chart.Add([Seconds(hour.To), .. fields.Select(f => hour.Averages[f])]);
                    _changed.OnNext(chart);
                }
            }

            samples.Add(new
            {
                p.Name,
                p.Kind,
                State = p.State.ToString(),
                p.SourceStatus,
                InputRowsPerSecond = Math.Round(p.InputRowsPerSecond, 3),
                ProcessedRowsPerSecond = Math.Round(p.ProcessedRowsPerSecond, 3),
                p.InputRows,
                p.OutputRows,
                Watermark = p.Watermark is { } w ? Seconds(w) : (double?)null,
                p.StateRows,
                p.LateRows,
                p.DeadLetters,
                p.DeadLettersByCode,
                Batches = batches,
                p.LastError,
            });
        }

        History.Publish("progress", JsonSerializer.Serialize(new { time = now, pipelines = samples }, Json));
        if (deadLetters != _deadLetterTotal)
        {
            _deadLetterTotal = deadLetters;
            History.Publish("deadletters", JsonSerializer.Serialize(_deadLetters.Recent(null, DeadLettersShown), Json));
        }
    }

    private static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private static object? Field(ResultRow row, string name)
    {
        foreach (var (key, value) in row.Fields)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    private static string? Text(ResultRow row, string name) => Field(row, name) as string;

    private static double? Number(ResultRow row, string name) => Field(row, name) switch
    {
        double d when double.IsFinite(d) => d,
        long l => l,
        int i => i,
        _ => null,
    };
}

using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Reactive.Host.Metrics;

/// <summary>
/// Collects the measurements of the service's meters with a <see cref="MeterListener"/> and writes
/// them in the Prometheus text exposition format 0.0.4: dots become underscores, counters end in
/// <c>_total</c>, instruments in seconds end in <c>_seconds</c>, histograms have cumulative
/// <c>_bucket{le=…}</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The content type of the exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<Instrument, Family> _families = [];
    private readonly HashSet<string> _meters;

    /// <summary>
    /// Creates the exporter for the meters named in <paramref name="meterNames"/> (default: the
    /// service's meter) created by <paramref name="meterFactory"/> (any meter when null).
    /// </summary>
    public PrometheusExporter(IMeterFactory? meterFactory = null, IEnumerable<string>? meterNames = null)
    {
        _meters = new HashSet<string>(meterNames ?? [ReactiveMetrics.MeterName], StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Meters from IMeterFactory have the factory as scope: another host in the process is not ours.
            if (_meters.Contains(instrument.Meter.Name) && (meterFactory is null || ReferenceEquals(instrument.Meter.Scope, meterFactory)))
            {
                lock (_lock)
                {
                    _families[instrument] = new Family(instrument);
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_lock)
            {
                _families.Remove(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<short>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<byte>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<decimal>((i, v, tags, _) => Record(i, (double)v, tags));
        _listener.Start();
    }

    /// <summary>Collects the observable instruments and writes every family in the text format.</summary>
    public string Scrape()
    {
        lock (_lock)
        {
            foreach (var family in _families.Values)
            {
                if (family.Observable)
                {
                    family.Series.Clear();
                }
            }
        }

        _listener.RecordObservableInstruments();
        var text = new StringBuilder(4096);
        lock (_lock)
        {
            var byName = new SortedDictionary<string, Family>(StringComparer.Ordinal);
            foreach (var family in _families.Values)
            {
                byName.TryAdd(family.Name, family);
            }

            foreach (var family in byName.Values)
            {
                family.Write(text);
            }
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (_lock)
        {
            if (_families.TryGetValue(instrument, out var family))
            {
                family.Add(labels, value);
            }
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add(new(SanitizeName(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            text.Append(text.Length == 0 ? string.Empty : ",").Append(key).Append("=\"").Append(EscapeLabel(value)).Append('"');
        }

        return text.ToString();
    }

    internal static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string SanitizeName(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }

    internal static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class Family
    {
        private readonly Kind _kind;
        private readonly bool _sums;
        private readonly string? _help;

        public Family(Instrument instrument)
        {
            var type = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            Observable = instrument.IsObservable;
            _kind = type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? Kind.Counter
                : type == typeof(Histogram<>) ? Kind.Histogram
                : Kind.Gauge;

            // Counter and UpDownCounter report increments; observable instruments report totals.
            _sums = type == typeof(Counter<>) || type == typeof(UpDownCounter<>);
            var name = SanitizeName(instrument.Name);
            if (instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
            {
                name += "_seconds";
            }

            if (_kind == Kind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
            {
                name += "_total";
            }

            Name = name;
            _help = instrument.Description;
        }

        public string Name { get; }

        public bool Observable { get; }

        public Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);

        public void Add(string labels, double value)
        {
            if (!Series.TryGetValue(labels, out var series))
            {
                series = new Series(_kind == Kind.Histogram ? new long[Bounds.Length] : null);
                Series[labels] = series;
            }

            if (_kind == Kind.Histogram)
            {
                series.Count++;
                series.Sum += value;
                for (var i = 0; i < Bounds.Length; i++)
                {
                    if (value <= Bounds[i])
                    {
                        series.Buckets![i]++;
                    }
                }
            }
            else if (_sums)
            {
                series.Value += value;
            }
            else
            {
                series.Value = value;
            }
        }

        public void Write(StringBuilder text)
        {
            if (!string.IsNullOrEmpty(_help))
            {
                text.Append("# HELP ").Append(Name).Append(' ')
                    .Append(_help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(Name).Append(' ')
                .Append(_kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" }).Append('\n');
            foreach (var (labels, series) in Series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (_kind == Kind.Histogram)
                {
                    for (var i = 0; i < Bounds.Length; i++)
                    {
                        WriteSample(text, Name + "_bucket", labels, "le=\"" + FormatValue(Bounds[i]) + "\"", series.Buckets![i]);
                    }

                    WriteSample(text, Name + "_bucket", labels, "le=\"+Inf\"", series.Count);
                    WriteSample(text, Name + "_sum", labels, null, series.Sum);
                    WriteSample(text, Name + "_count", labels, null, series.Count);
                }
                else
                {
                    WriteSample(text, Name, labels, null, series.Value);
                }
            }
        }

        private static void WriteSample(StringBuilder text, string name, string labels, string? extra, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || extra is not null)
            {
                text.Append('{').Append(labels);
                if (extra is not null)
                {
                    text.Append(labels.Length > 0 ? "," : string.Empty).Append(extra);
                }

                text.Append('}');
            }

            text.Append(' ').Append(FormatValue(value)).Append('\n');
        }
    }

    private sealed class Series(long[]? buckets)
    {
        public double Value { get; set; }

        public double Sum { get; set; }

        public long Count { get; set; }

        public long[]? Buckets { get; } = buckets;
    }
}

namespace Reactive.Operators.Anomaly;

/// <summary>
/// The anomaly detector's state: per series, per hour of day, a ring of the baseline prices with their times. It can
/// be enumerated, saved and loaded (<see cref="AnomalyState"/>); the detector decides what enters and leaves it.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class BaselineStore
{
    /// <summary>Hours of day: 0–24 (both the 0–23 and the hour-ending 1–24 conventions fit).</summary>
    public const int Hours = 25;

    private readonly Dictionary<string, HourHistory?[]> _series = new(StringComparer.Ordinal);
    private readonly int _maxSeries;
    private readonly int _initialCapacity;
    private string? _lastSeries;
    private HourHistory?[]? _lastHours;

    public BaselineStore(int maxSeries, int initialCapacity)
    {
        _maxSeries = maxSeries;
        _initialCapacity = initialCapacity;
    }

    /// <summary>Series held.</summary>
    public int SeriesCount => _series.Count;

    /// <summary>The baseline of (series, hour), created empty when new; a new series beyond the bound throws naming it.</summary>
    public HourHistory Get(string series, int hour)
    {
        var hours = HoursOf(series);
        return hours[hour] ??= new HourHistory(_initialCapacity);
    }

    /// <summary>Every non-empty (series, hour) baseline, series in ordinal order, then by hour.</summary>
    public IEnumerable<(string Series, int Hour, HourHistory History)> Enumerate()
    {
        foreach (var series in _series.Keys.Order(StringComparer.Ordinal))
        {
            var hours = _series[series];
            for (var h = 0; h < Hours; h++)
            {
                if (hours[h] is { } history)
                {
                    yield return (series, h, history);
                }
            }
        }
    }

    public List<AnomalyBaseline> Save()
    {
        var list = new List<AnomalyBaseline>();
        foreach (var (series, hour, history) in Enumerate())
        {
            var times = new long[history.Count];
            var prices = new double[history.Count];
            for (var i = 0; i < history.Count; i++)
            {
                (times[i], prices[i]) = history[i];
            }

            list.Add(new AnomalyBaseline(series, hour, history.NewestTime, times, prices));
        }

        return list;
    }

    public void Load(IReadOnlyList<AnomalyBaseline> baselines)
    {
        foreach (var b in baselines)
        {
            if (b.Series is null || (uint)b.Hour >= Hours || b.Times.Count != b.Prices.Count)
            {
                throw new ArgumentException($"A saved anomaly baseline is malformed (series '{b.Series}', hour {b.Hour}).", nameof(baselines));
            }

            var history = Get(b.Series, b.Hour);
            for (var i = 0; i < b.Times.Count; i++)
            {
                history.Add(b.Times[i], b.Prices[i]);
            }

            history.NewestTime = b.NewestTicks;
        }
    }

    private HourHistory?[] HoursOf(string series)
    {
        if (ReferenceEquals(series, _lastSeries))
        {
            return _lastHours!;
        }

        if (!_series.TryGetValue(series, out var hours))
        {
            if (_series.Count >= _maxSeries)
            {
                throw new BoundExceededException(
                    nameof(AnomalyOptions),
                    nameof(AnomalyOptions.MaxSeries),
                    $"The anomaly detector holds {_series.Count} series; raise AnomalyOptions.MaxSeries (now {_maxSeries}) to add '{series}'.");
            }

            hours = new HourHistory?[Hours];
            _series.Add(series, hours);
        }

        _lastSeries = series;
        _lastHours = hours;
        return hours;
    }
}

/// <summary>Baseline prices of one (series, hour), oldest first, in a ring that grows by doubling.</summary>
internal sealed class HourHistory(int capacity)
{
    private long[] _times = new long[capacity];

    public double[] Values { get; private set; } = new double[capacity];

    public int Head { get; private set; }

    public int Count { get; private set; }

    public long NewestTime { get; set; } = long.MinValue;

    /// <summary>The i-th price, oldest first.</summary>
    public (long Time, double Value) this[int i]
    {
        get
        {
            var k = (Head + i) % _times.Length;
            return (_times[k], Values[k]);
        }
    }

    public void DropOlderThan(long cutoff)
    {
        while (Count > 0 && _times[Head] < cutoff)
        {
            // Wrap by compare, not %: this runs for every price that leaves the lookback.
            Head = Head + 1 == _times.Length ? 0 : Head + 1;
            Count--;
        }
    }

    public void Add(long time, double value)
    {
        if (Count == _times.Length)
        {
            Grow();
        }

        var i = Head + Count;
        if (i >= _times.Length)
        {
            i -= _times.Length;
        }

        _times[i] = time;
        Values[i] = value;
        Count++;
        NewestTime = time;
    }

    private void Grow()
    {
        var times = new long[_times.Length * 2];
        var values = new double[times.Length];
        for (var i = 0; i < Count; i++)
        {
            times[i] = _times[(Head + i) % _times.Length];
            values[i] = Values[(Head + i) % _times.Length];
        }

        _times = times;
        Values = values;
        Head = 0;
    }
}

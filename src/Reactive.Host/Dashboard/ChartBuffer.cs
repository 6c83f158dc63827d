namespace Reactive.Host.Dashboard;

/// <summary>How a series is drawn: a line, points only (marks such as anomalies, locked quotes, buys and sells), or a band's edge.</summary>
internal enum SeriesStyle
{
    /// <summary>A line through the points.</summary>
    Line,

    /// <summary>Points only, as marks.</summary>
    Points,

    /// <summary>The upper edge of a band, filled down to the next series.</summary>
    BandUpper,

    /// <summary>The lower edge of a band.</summary>
    BandLower,

    /// <summary>Points only, as marks of a buy (drawn green).</summary>
    Buy,

    /// <summary>Points only, as marks of a sell (drawn red).</summary>
    Sell,
}

/// <summary>A series of a chart.</summary>
/// <param name="Label">Its name in the legend.</param>
/// <param name="Style">How it is drawn.</param>
internal sealed record ChartSeries(string Label, SeriesStyle Style);

/// <summary>
/// One chart's points not sent yet: at most <c>capacity</c>, the oldest left out (and counted) when more come within one
/// update interval. A point is <c>[x, y1, y2, …]</c>, x in Unix seconds, a missing value null.
/// </summary>
internal sealed class ChartBuffer(string key, string pipeline, string group, string title, IReadOnlyList<ChartSeries> series, int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<double?[]> _points = new();
    private long _leftOut;

    /// <summary>The chart's id (<c>spread/PIPELINE/second/SYMBOL</c>, …).</summary>
    public string Key => key;

    /// <summary>The pipeline it shows.</summary>
    public string Pipeline => pipeline;

    /// <summary>What it shows: <c>spread</c>, <c>anomaly</c>, <c>windows</c>, <c>lasthour</c> or <c>trading</c>.</summary>
    public string Group => group;

    /// <summary>Its title.</summary>
    public string Title => title;

    /// <summary>Its series, in the order of a point's values.</summary>
    public IReadOnlyList<ChartSeries> Series => series;

    /// <summary>Adds a point (<c>[x, y1, y2, …]</c>).</summary>
    public void Add(double?[] point)
    {
        lock (_gate)
        {
            if (_points.Count == capacity)
            {
                _points.Dequeue();
                _leftOut++;
            }

            _points.Enqueue(point);
        }
    }

    /// <summary>Takes the points not sent yet and how many were left out since the last take.</summary>
    public (double?[][] Points, long LeftOut) Take()
    {
        lock (_gate)
        {
            var points = _points.ToArray();
            _points.Clear();
            var leftOut = _leftOut;
            _leftOut = 0;
            return (points, leftOut);
        }
    }
}

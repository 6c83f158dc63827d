using System.Globalization;
using System.Reactive.Subjects;

namespace Reactive.Host.Dashboard;

/// <summary>One event of the dashboard's stream: its id, its type and its JSON data, serialized once for every client.</summary>
/// <param name="Sequence">Its number in this process, from 1.</param>
/// <param name="Id">Its Server-Sent Events id: <c>{instance}-{sequence}</c>.</param>
/// <param name="Type">Its event type: <c>chart</c>, <c>progress</c> or <c>deadletters</c>.</param>
/// <param name="Data">Its data as JSON.</param>
internal sealed record DashboardEvent(long Sequence, string Id, string Type, string Data);

/// <summary>
/// The dashboard's events in order, the newest kept — at most <see cref="DashboardOptions.HistoryEvents"/> of them and at
/// most <see cref="DashboardOptions.HistoryBytes"/> of their text (the oldest dropped first; the newest event always kept) —
/// so that a client that reconnects with the id of the last event it got receives exactly what it missed. Ids are <c>{instance}-{sequence}</c>,
/// the instance being this process's start time in Unix milliseconds: an id from an earlier process (the service was
/// restarted) asks for everything this one kept.
/// </summary>
internal sealed class DashboardHistory : IDisposable
{
    private readonly Lock _gate = new();
    private readonly DashboardEvent?[] _ring;
    private readonly long _maxBytes;
    private readonly Subject<DashboardEvent> _live = new();
    private int _next;
    private int _count;
    private long _bytes;
    private long _sequence;

    /// <param name="capacity">The events kept at most.</param>
    /// <param name="instance">This process's part of every id.</param>
    /// <param name="maxBytes">The text kept at most, in bytes as <see cref="SizeOf"/> counts them.</param>
    public DashboardHistory(int capacity, long instance, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _ring = new DashboardEvent?[capacity];
        _maxBytes = maxBytes;
        Instance = instance.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>This process's part of every id.</summary>
    public string Instance { get; }

    /// <summary>The sequence of the newest event, 0 before the first.</summary>
    public long Last
    {
        get { lock (_gate) { return _sequence; } }
    }

    /// <summary>The kept events' text, in bytes as <see cref="SizeOf"/> counts them.</summary>
    public long Bytes
    {
        get { lock (_gate) { return _bytes; } }
    }

    /// <summary>The kept events.</summary>
    public int Count
    {
        get { lock (_gate) { return _count; } }
    }

    /// <summary>What an event's text takes in memory: its id, type and data, two bytes a character (.NET strings are UTF-16).</summary>
    public static long SizeOf(DashboardEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return 2L * (item.Id.Length + item.Type.Length + item.Data.Length);
    }

    /// <summary>Adds an event and sends it to every follower, in order.</summary>
    public DashboardEvent Publish(string type, string data)
    {
        lock (_gate)
        {
            var sequence = ++_sequence;
            var item = new DashboardEvent(sequence, Instance + "-" + sequence.ToString(CultureInfo.InvariantCulture), type, data);
            var size = SizeOf(item);
            while (_count == _ring.Length || (_count > 0 && _bytes + size > _maxBytes))
            {
                DropOldest();
            }

            _ring[_next] = item;
            _next = (_next + 1) % _ring.Length;
            _count++;
            _bytes += size;

            // Under the lock, so that a follower never sees events out of order or misses one between its backlog and its feed.
            _live.OnNext(item);
            return item;
        }
    }

    /// <summary>The kept events after <paramref name="since"/> (a sequence of this process), oldest first, at most <paramref name="max"/> of the newest.</summary>
    public IReadOnlyList<DashboardEvent> After(long since, int max = int.MaxValue)
    {
        lock (_gate)
        {
            return Collect(since, max);
        }
    }

    /// <summary>
    /// The kept events after <paramref name="since"/> (<paramref name="backlog"/>), then every new one to
    /// <paramref name="onEvent"/>, with nothing missed or repeated in between. Dispose the result to stop.
    /// </summary>
    public IDisposable Follow(long since, Action<DashboardEvent> onEvent, out IReadOnlyList<DashboardEvent> backlog)
    {
        lock (_gate)
        {
            backlog = Collect(since, int.MaxValue);
            return _live.Subscribe(onEvent);
        }
    }

    /// <summary>
    /// The sequence an event id stands for in this process: the number after the dash when the id is this process's,
    /// 0 (everything kept) when it is an earlier process's or empty; false when it is not an id at all.
    /// </summary>
    public bool TryParse(string? id, out long since)
    {
        since = 0;
        if (string.IsNullOrWhiteSpace(id))
        {
            return true;
        }

        var dash = id.LastIndexOf('-');
        if (dash <= 0
            || !long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        if (id.AsSpan(0, dash).SequenceEqual(Instance))
        {
            since = sequence;
        }

        return true;
    }

    /// <summary>Ends every follower's feed; events published after are kept but sent to no one.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            // Completed, not disposed: a stream still unsubscribing, or a late publish, must not throw.
            _live.OnCompleted();
        }
    }

    private void DropOldest()
    {
        var oldest = (_next - _count + _ring.Length) % _ring.Length;
        _bytes -= SizeOf(_ring[oldest]!);
        _ring[oldest] = null;
        _count--;
    }

    private List<DashboardEvent> Collect(long since, int max)
    {
        var result = new List<DashboardEvent>();
        var oldest = (_next - _count + _ring.Length) % _ring.Length;
        for (var i = 0; i < _count; i++)
        {
            var item = _ring[(oldest + i) % _ring.Length]!;
            if (item.Sequence > since)
            {
                result.Add(item);
            }
        }

        return result.Count > max ? result[^max..] : result;
    }
}

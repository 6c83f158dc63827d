using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Reactive.Operators.Windows;

/// <summary>
/// The state of the event-time window operator: the open windows and their state rows (window × key), each with its
/// aggregates, flat in pooled arrays so that a row in steady state allocates nothing. It can be enumerated, saved and
/// loaded (<see cref="WindowState{TKey}"/>); the operator decides what is final and what is emitted.
/// </summary>
/// <typeparam name="TKey">The group key type.</typeparam>
/// <remarks>Not thread-safe: the operator calls it under its lock.</remarks>
internal sealed class WindowStateStore<TKey>
{
    private readonly int _aggCount;
    private readonly KeyBoxComparer _keyComparer;
    private readonly IComparer<TKey>? _keyOrder;
    private readonly Dictionary<long, OpenWindow> _windows = [];
    private readonly PriorityQueue<long, long> _closeQueue = new();
    private readonly Stack<OpenWindow> _windowPool = new();
    private readonly Dictionary<KeyBox, int> _keyRefs;
    private readonly Comparison<int> _slotOrder;
    private readonly int _maxOpenWindows;
    private readonly int _maxGroups;
    private readonly int _maxStateRows;
    private readonly string _stateRowsOption;

    // Slots: state rows (window × key), accumulators flat in _acc[slot * _aggCount + i].
    private Accumulator[] _acc;
    private long[] _slotStart;
    private long[] _slotSeq;
    private TKey[] _slotKey;
    private bool[] _slotDirty;
    private int[] _free;
    private int _freeCount;
    private int _slotHigh;
    private long _seq;

    public WindowStateStore(int aggregateCount, IEqualityComparer<TKey> keyComparer, IComparer<TKey>? keyOrder, int maxOpenWindows, int maxGroups, int maxStateRows, string stateRowsOption = "MaxStateRows")
    {
        _aggCount = aggregateCount;
        _keyComparer = new KeyBoxComparer(keyComparer);
        _keyOrder = keyOrder;
        _keyRefs = new Dictionary<KeyBox, int>(_keyComparer);
        _maxOpenWindows = maxOpenWindows;
        _maxGroups = maxGroups;
        _maxStateRows = maxStateRows;
        _stateRowsOption = stateRowsOption;
        const int InitialSlots = 16;
        _acc = new Accumulator[InitialSlots * _aggCount];
        _slotStart = new long[InitialSlots];
        _slotSeq = new long[InitialSlots];
        _slotKey = new TKey[InitialSlots];
        _slotDirty = new bool[InitialSlots];
        _free = new int[InitialSlots];
        _slotOrder = CompareSlots;
    }

    /// <summary>Open windows.</summary>
    public int WindowCount => _windows.Count;

    /// <summary>State rows (window × key).</summary>
    public int StateRows { get; private set; }

    /// <summary>Distinct keys in the open windows.</summary>
    public int KeyCount => _keyRefs.Count;

    /// <summary>Time-weighted samples held by the open windows.</summary>
    public long TimeWeightedSamples { get; set; }

    /// <summary>The start of the earliest open window.</summary>
    public bool TryPeekEarliest(out long start) => _closeQueue.TryPeek(out start, out _);

    /// <summary>The aggregates of a slot (<c>[slot * aggregates, … + aggregates)</c>).</summary>
    public Span<Accumulator> Aggregates(int slot) => _acc.AsSpan(slot * _aggCount, _aggCount);

    public long StartOf(int slot) => _slotStart[slot];

    public TKey KeyOf(int slot) => _slotKey[slot];

    public ref bool Dirty(int slot) => ref _slotDirty[slot];

    /// <summary>The slot of (window, key), created when new; a bound exceeded throws naming its option.</summary>
    public int GetSlot(long start, TKey key)
    {
        var box = new KeyBox(key);
        if (!_windows.TryGetValue(start, out var window))
        {
            if (_windows.Count >= _maxOpenWindows)
            {
                throw Bound("MaxOpenWindows", _maxOpenWindows, "open windows");
            }

            window = _windowPool.Count > 0 ? _windowPool.Pop() : new OpenWindow(_keyComparer);
            _windows.Add(start, window);
            _closeQueue.Enqueue(start, start);
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Slots, box, out var exists);
        if (exists)
        {
            return slot;
        }

        if (StateRows >= _maxStateRows)
        {
            window.Slots.Remove(box);
            throw Bound(_stateRowsOption, _maxStateRows, "state rows (window × key)");
        }

        ref var refs = ref CollectionsMarshal.GetValueRefOrAddDefault(_keyRefs, box, out var known);
        if (!known && _keyRefs.Count > _maxGroups)
        {
            _keyRefs.Remove(box);
            window.Slots.Remove(box);
            throw Bound("MaxGroups", _maxGroups, "keys");
        }

        refs++;
        slot = AllocateSlot();
        _slotStart[slot] = start;
        _slotKey[slot] = key;
        _slotSeq[slot] = _seq++;
        StateRows++;
        return slot;
    }

    /// <summary>
    /// Takes the earliest open window out of the store (when it starts before <paramref name="startBefore"/>), its slots
    /// into <paramref name="slots"/> in output order; the caller reads them, then calls <see cref="Free"/> on each.
    /// </summary>
    public bool TryTakeEarliest(long startBefore, List<int> slots, out long start)
    {
        slots.Clear();
        if (!_closeQueue.TryPeek(out start, out _) || start >= startBefore)
        {
            return false;
        }

        _closeQueue.Dequeue();
        var window = _windows[start];
        _windows.Remove(start);
        foreach (var slot in window.Slots.Values)
        {
            slots.Add(slot);
        }

        slots.Sort(_slotOrder);
        window.Slots.Clear();
        _windowPool.Push(window);
        return true;
    }

    /// <summary>Every slot of the open windows, in output order (window start, key order, creation).</summary>
    public void AllSlots(List<int> slots)
    {
        slots.Clear();
        foreach (var window in _windows.Values)
        {
            foreach (var slot in window.Slots.Values)
            {
                slots.Add(slot);
            }
        }

        slots.Sort(_slotOrder);
    }

    /// <summary>Sorts slots into output order.</summary>
    public void Sort(List<int> slots) => slots.Sort(_slotOrder);

    /// <summary>Frees a slot taken out with <see cref="TryTakeEarliest"/>.</summary>
    public void Free(int slot)
    {
        foreach (ref var acc in Aggregates(slot))
        {
            TimeWeightedSamples -= acc.Samples;
            acc.Release();
        }

        var box = new KeyBox(_slotKey[slot]);
        ref var refs = ref CollectionsMarshal.GetValueRefOrNullRef(_keyRefs, box);
        if (!Unsafe.IsNullRef(ref refs) && --refs == 0)
        {
            _keyRefs.Remove(box);
        }

        _slotKey[slot] = default!;
        _slotDirty[slot] = false;
        _free[_freeCount++] = slot;
        StateRows--;
    }

    /// <summary>The state rows, in creation order, as a snapshot that shares nothing with the store.</summary>
    public List<WindowStateEntry<TKey>> Save()
    {
        var slots = new List<int>(StateRows);
        foreach (var window in _windows.Values)
        {
            slots.AddRange(window.Slots.Values);
        }

        slots.Sort((a, b) => _slotSeq[a].CompareTo(_slotSeq[b]));
        var entries = new List<WindowStateEntry<TKey>>(slots.Count);
        foreach (var slot in slots)
        {
            var aggregates = new AggregateState[_aggCount];
            var accs = Aggregates(slot);
            for (var i = 0; i < _aggCount; i++)
            {
                aggregates[i] = accs[i].Save();
            }

            entries.Add(new WindowStateEntry<TKey>(_slotStart[slot], _slotKey[slot], _slotDirty[slot], aggregates));
        }

        return entries;
    }

    /// <summary>Loads saved state rows into an empty store; <paramref name="onSlot"/> is told each slot created.</summary>
    public void Load(IReadOnlyList<WindowStateEntry<TKey>> entries, Action<int> onSlot)
    {
        foreach (var entry in entries)
        {
            if (entry.Aggregates.Count != _aggCount)
            {
                throw new ArgumentException($"A saved window state row holds {entry.Aggregates.Count} aggregates; the options have {_aggCount}.", nameof(entries));
            }

            var slot = GetSlot(entry.WindowStartTicks, entry.Key);
            var accs = Aggregates(slot);
            for (var i = 0; i < _aggCount; i++)
            {
                accs[i] = Accumulator.Load(entry.Aggregates[i]);
                TimeWeightedSamples += accs[i].Samples;
            }

            _slotDirty[slot] = entry.Dirty;
            onSlot(slot);
        }
    }

    /// <summary>Releases every pooled array and forgets all state.</summary>
    public void Clear()
    {
        for (var i = 0; i < _slotHigh * _aggCount; i++)
        {
            _acc[i].Release();
        }

        _windows.Clear();
        _closeQueue.Clear();
        _keyRefs.Clear();
        StateRows = 0;
        TimeWeightedSamples = 0;
    }

    private int AllocateSlot()
    {
        if (_freeCount > 0)
        {
            return _free[--_freeCount];
        }

        if (_slotHigh == _slotStart.Length)
        {
            var n = _slotHigh * 2;
            Array.Resize(ref _acc, n * _aggCount);
            Array.Resize(ref _slotStart, n);
            Array.Resize(ref _slotSeq, n);
            Array.Resize(ref _slotKey, n);
            Array.Resize(ref _slotDirty, n);
            Array.Resize(ref _free, n);
        }

        return _slotHigh++;
    }

    private int CompareSlots(int a, int b)
    {
        var c = _slotStart[a].CompareTo(_slotStart[b]);
        if (c != 0)
        {
            return c;
        }

        if (_keyOrder is { } order)
        {
            c = order.Compare(_slotKey[a], _slotKey[b]);
            if (c != 0)
            {
                return c;
            }
        }

        return _slotSeq[a].CompareTo(_slotSeq[b]);
    }

    internal static BoundExceededException Bound(string option, int limit, string what) =>
        new("EventTimeWindowOptions", option, $"Event-time window state exceeded {option} = {limit} {what}; raise EventTimeWindowOptions.{option} (or shorten the watermark delay or the windows).");

    /// <summary>A key that may be null, for dictionaries.</summary>
    private readonly struct KeyBox(TKey value)
    {
        public TKey Value { get; } = value;
    }

    private sealed class KeyBoxComparer(IEqualityComparer<TKey> inner) : IEqualityComparer<KeyBox>
    {
        public bool Equals(KeyBox x, KeyBox y) =>
            x.Value is null ? y.Value is null : y.Value is not null && inner.Equals(x.Value, y.Value);

        public int GetHashCode(KeyBox obj) => obj.Value is null ? 0 : inner.GetHashCode(obj.Value);
    }

    /// <summary>An open window's state rows (slot index per key). Pooled.</summary>
    private sealed class OpenWindow(IEqualityComparer<KeyBox> comparer)
    {
        public Dictionary<KeyBox, int> Slots { get; } = new(comparer);
    }
}

using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Runtime.InteropServices;
using Reactive.Operators.Time;

namespace Reactive.Operators.Windows;

/// <summary>The event-time window operator; one <see cref="Sink"/> per subscription.</summary>
internal sealed class EventTimeWindow<T, TKey> : IObservable<WindowUpdate<TKey>>
{
    private readonly IObservable<T> _source;
    private readonly WindowConfig<T, TKey> _config;

    public EventTimeWindow(IObservable<T> source, WindowConfig<T, TKey> config)
    {
        _source = source;
        _config = config;
    }

    public IDisposable Subscribe(IObserver<WindowUpdate<TKey>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var sink = new Sink(_config, observer);
        sink.Run(_source);
        return sink;
    }

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

    /// <summary>An open window: its start and its state rows (slot index per key). Pooled.</summary>
    private sealed class WindowState(IEqualityComparer<KeyBox> comparer)
    {
        public long Start { get; set; }

        public Dictionary<KeyBox, int> Slots { get; } = new(comparer);
    }

    private sealed class Sink : IObserver<T>, IDisposable
    {
        // Event times outside DateTimeOffset's range are treated as missing (window arithmetic stays far from overflow).
        private static readonly long MinTicks = DateTimeOffset.MinValue.UtcTicks;
        private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks;

        private readonly object _gate = new();
        private readonly WindowConfig<T, TKey> _config;
        private readonly IObserver<WindowUpdate<TKey>> _observer;
        private readonly WindowAssigner _assigner;
        private readonly AggregateKind[] _kinds;
        private readonly int _aggCount;
        private readonly double?[] _rowValues;
        private readonly KeyBoxComparer _keyComparer;
        private readonly SingleAssignmentDisposable _upstream = new();
        private readonly SerialDisposable _trigger = new();
        private readonly SerialDisposable _idle = new();
        private readonly Dictionary<long, WindowState> _windows = [];
        private readonly PriorityQueue<long, long> _closeQueue = new();
        private readonly Stack<WindowState> _windowPool = new();
        private readonly Dictionary<KeyBox, int> _keyRefs;
        private readonly List<int> _dirty = [];
        private readonly List<int> _scratch = [];
        private readonly List<WindowResult<TKey>> _pendingUpdates = [];
        private readonly List<WindowResult<TKey>> _finished = [];
        private readonly Comparison<int> _slotOrder;
        private readonly WindowStats? _stats;

        // Slots: state rows (window × key), accumulators flat in _acc[slot * _aggCount + i].
        private Accumulator[] _acc;
        private long[] _slotStart;
        private long[] _slotSeq;
        private TKey[] _slotKey;
        private bool[] _slotDirty;
        private int[] _free;
        private int _freeCount;
        private int _slotHigh;
        private int _stateRows;
        private long _seq;
        private long _twaSamples;

        private long _watermark = long.MinValue;
        private long _maxEvent = long.MinValue;
        private long _batchId;
        private bool _completeDirty;
        private bool _done;
        private bool _downstreamFaulted;

        private long _lastInput;
        private long _watermarkAtLastInput = long.MinValue;
        private bool _idlePending;

        public Sink(WindowConfig<T, TKey> config, IObserver<WindowUpdate<TKey>> observer)
        {
            _config = config;
            _observer = observer;
            _assigner = config.Assigner;
            _kinds = config.Kinds;
            _aggCount = _kinds.Length;
            _rowValues = new double?[_aggCount];
            _keyComparer = new KeyBoxComparer(config.KeyComparer);
            _keyRefs = new Dictionary<KeyBox, int>(_keyComparer);
            _stats = config.Stats;
            const int InitialSlots = 16;
            _acc = new Accumulator[InitialSlots * _aggCount];
            _slotStart = new long[InitialSlots];
            _slotSeq = new long[InitialSlots];
            _slotKey = new TKey[InitialSlots];
            _slotDirty = new bool[InitialSlots];
            _free = new int[InitialSlots];
            _slotOrder = CompareSlots;
        }

        public void Run(IObservable<T> source)
        {
            if (_config.Mode != WindowOutputMode.Append && _config.Trigger > TimeSpan.Zero)
            {
                _trigger.Disposable = _config.Scheduler.SchedulePeriodic(this, _config.Trigger, static self => self.OnTrigger());
            }

            _upstream.Disposable = source.Subscribe(this);
        }

        public void OnNext(T value)
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                try
                {
                    Process(value);
                }
                catch (Exception ex) when (!_downstreamFaulted)
                {
                    Fail(ex);
                }
            }
        }

        public void OnError(Exception error)
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                Stop();
                _observer.OnError(error);
            }
        }

        public void OnCompleted()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                try
                {
                    // At the end of a finite input every open window is final.
                    CloseWindows(all: true);
                    if (_config.Mode != WindowOutputMode.Append)
                    {
                        FireTrigger();
                    }
                }
                catch (Exception ex) when (!_downstreamFaulted)
                {
                    Fail(ex);
                    return;
                }

                if (_done)
                {
                    // Disposed by the downstream observer while flushing.
                    return;
                }

                Stop();
                _observer.OnCompleted();
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                Stop();
            }
        }

        private void Process(T value)
        {
            _stats?.AddInput();
            var now = _config.IdleTimeout is null ? 0 : _config.Scheduler.Now.UtcTicks;
            CatchUpIdle(now);
            var time = _config.EventTime(value);
            long start = 0;
            var count = 0;
            if (time is { } t0 && t0 >= MinTicks && t0 <= MaxTicks)
            {
                _assigner.Assign(t0, out start, out count);
            }

            // No event time, or one whose windows reach outside DateTimeOffset's range (a default timestamp in a
            // sliding window starting before year 1): the window bounds could not be shown, so the row is dropped.
            if (time is not { } t || count <= 0 || start < MinTicks || start + ((count - 1) * _assigner.Slide) > MaxTicks - _assigner.Duration)
            {
                _stats?.AddDropped();
                _config.RowsWithoutEventTime?.OnNext(value);
                MarkInput(now);
                return;
            }

            var key = _config.KeySelector is { } keySelector ? keySelector(value) : default!;
            var selectors = _config.Selectors;
            for (var i = 0; i < _aggCount; i++)
            {
                _rowValues[i] = selectors[i]?.Invoke(value);
            }

            var box = new KeyBox(key);
            for (var w = 0; w < count; w++, start += _assigner.Slide)
            {
                var end = start + _assigner.Duration;
                if (end <= _watermark)
                {
                    // Lateness is per window (Spark): this window is final, the row may still count in later ones.
                    Late(value, t, start, end);
                    continue;
                }

                var slot = GetSlot(start, box, key);
                var baseIndex = slot * _aggCount;
                for (var i = 0; i < _aggCount; i++)
                {
                    _twaSamples += _acc[baseIndex + i].Add(_kinds[i], _rowValues[i], t);
                }

                if (_twaSamples > _config.MaxTimeWeightedSamples)
                {
                    throw Bound(nameof(EventTimeWindowOptions<T, TKey>.MaxTimeWeightedSamples), _config.MaxTimeWeightedSamples, "time-weighted samples");
                }

                MarkDirty(slot);
            }

            if (t > _maxEvent)
            {
                _maxEvent = t;
                _stats?.SetMaxEvent(t);
            }

            // The watermark follows this row only after the row was judged (Spark: a batch is judged by the previous watermark).
            if (t >= long.MinValue + _config.Delay)
            {
                AdvanceWatermark(t - _config.Delay);
            }

            MarkInput(now);
            if (_config.Mode != WindowOutputMode.Append && _config.Trigger == TimeSpan.Zero)
            {
                FireTrigger();
            }

            PublishState();
        }

        private void Late(T value, long t, long start, long end)
        {
            _stats?.AddLate();
            if (_config.LateRows is { } late)
            {
                var reason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"event time {Format(t)} is in window [{Format(start)}, {Format(end)}), final since the watermark {Format(_watermark)} reached its end");
                late.OnNext(new LateRow<T>(value, t, start, end, _watermark, LateRow<T>.LateCode, reason));
            }
        }

        private static string Format(long ticks) => UtcTicks.Format(ticks);

        private void AdvanceWatermark(long candidate)
        {
            if (candidate <= _watermark)
            {
                return;
            }

            _watermark = candidate;
            _stats?.SetWatermark(candidate);
            CloseWindows(all: false);
        }

        /// <summary>
        /// While idle (no input for the idle timeout) the watermark follows processing time; a row arriving then
        /// is judged against that watermark, not the one of the last tick.
        /// </summary>
        private void CatchUpIdle(long now)
        {
            if (_config.IdleTimeout is { } idle && _watermarkAtLastInput != long.MinValue && now - _lastInput >= idle)
            {
                AdvanceWatermark(_watermarkAtLastInput + (now - _lastInput));
            }
        }

        private void MarkInput(long now)
        {
            if (_config.IdleTimeout is not { } idle)
            {
                return;
            }

            _lastInput = now;
            _watermarkAtLastInput = _watermark;
            if (!_idlePending)
            {
                ScheduleIdle(UtcTicks.AddSaturating(_lastInput, idle));
            }
        }

        private void ScheduleIdle(long due)
        {
            _idlePending = true;
            _idle.Disposable = UtcTicks.ScheduleAt(_config.Scheduler, this, due, static self => self.OnIdle());
        }

        private void OnIdle()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                _idlePending = false;
                var idle = _config.IdleTimeout!.Value;
                var now = _config.Scheduler.Now.UtcTicks;
                var elapsed = now - _lastInput;
                if (elapsed < idle)
                {
                    ScheduleIdle(UtcTicks.AddSaturating(_lastInput, idle));
                    return;
                }

                try
                {
                    if (_watermarkAtLastInput != long.MinValue)
                    {
                        // Idle: the watermark moves on by the processing time elapsed since the last input.
                        AdvanceWatermark(_watermarkAtLastInput + elapsed);
                    }

                    if (_closeQueue.TryPeek(out var nextStart, out _) && _watermarkAtLastInput != long.MinValue)
                    {
                        // Wake when the watermark, following processing time, reaches the next window end.
                        var nextEnd = nextStart + _assigner.Duration;
                        ScheduleIdle(UtcTicks.IdleWake(now, _lastInput, _watermarkAtLastInput, nextEnd));
                    }

                    PublishState();
                }
                catch (Exception ex) when (!_downstreamFaulted)
                {
                    Fail(ex);
                }
            }
        }

        private void OnTrigger()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                try
                {
                    FireTrigger();
                }
                catch (Exception ex) when (!_downstreamFaulted)
                {
                    Fail(ex);
                }
            }
        }

        private int GetSlot(long start, KeyBox box, TKey key)
        {
            if (!_windows.TryGetValue(start, out var window))
            {
                if (_windows.Count >= _config.MaxOpenWindows)
                {
                    throw Bound(nameof(EventTimeWindowOptions<T, TKey>.MaxOpenWindows), _config.MaxOpenWindows, "open windows");
                }

                window = _windowPool.Count > 0 ? _windowPool.Pop() : new WindowState(_keyComparer);
                window.Start = start;
                _windows.Add(start, window);
                _closeQueue.Enqueue(start, start);
            }

            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Slots, box, out var exists);
            if (exists)
            {
                return slot;
            }

            if (_stateRows >= _config.MaxStateRows)
            {
                window.Slots.Remove(box);
                throw Bound(nameof(EventTimeWindowOptions<T, TKey>.MaxStateRows), _config.MaxStateRows, "state rows (window × key)");
            }

            ref var refs = ref CollectionsMarshal.GetValueRefOrAddDefault(_keyRefs, box, out var known);
            if (!known && _keyRefs.Count > _config.MaxGroups)
            {
                _keyRefs.Remove(box);
                window.Slots.Remove(box);
                throw Bound(nameof(EventTimeWindowOptions<T, TKey>.MaxGroups), _config.MaxGroups, "keys");
            }

            refs++;
            slot = AllocateSlot();
            _slotStart[slot] = start;
            _slotKey[slot] = key;
            _slotSeq[slot] = _seq++;
            _stateRows++;
            return slot;
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

        private void FreeSlot(int slot)
        {
            var baseIndex = slot * _aggCount;
            for (var i = 0; i < _aggCount; i++)
            {
                ref var acc = ref _acc[baseIndex + i];
                _twaSamples -= acc.Samples;
                acc.Release();
            }

            var box = new KeyBox(_slotKey[slot]);
            ref var refs = ref CollectionsMarshal.GetValueRefOrNullRef(_keyRefs, box);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref refs) && --refs == 0)
            {
                _keyRefs.Remove(box);
            }

            _slotKey[slot] = default!;
            _slotDirty[slot] = false;
            _free[_freeCount++] = slot;
            _stateRows--;
        }

        private void MarkDirty(int slot)
        {
            if (_config.Mode == WindowOutputMode.Update)
            {
                if (!_slotDirty[slot])
                {
                    _slotDirty[slot] = true;
                    _dirty.Add(slot);
                }
            }
            else if (_config.Mode == WindowOutputMode.Complete)
            {
                _completeDirty = true;
            }
        }

        /// <summary>Closes the windows that are final (<c>end &lt;= watermark</c>), or all of them, in start order.</summary>
        private void CloseWindows(bool all)
        {
            List<WindowResult<TKey>>? batch = null;
            while (_closeQueue.TryPeek(out var start, out _))
            {
                if (!all && start + _assigner.Duration > _watermark)
                {
                    break;
                }

                _closeQueue.Dequeue();
                var window = _windows[start];
                _windows.Remove(start);
                _scratch.Clear();
                foreach (var slot in window.Slots.Values)
                {
                    _scratch.Add(slot);
                }

                _scratch.Sort(_slotOrder);
                foreach (var slot in _scratch)
                {
                    switch (_config.Mode)
                    {
                        case WindowOutputMode.Append:
                            (batch ??= []).Add(Result(slot));
                            break;
                        case WindowOutputMode.Update when _slotDirty[slot]:
                            // Touched since the last trigger: its update is still due at the next trigger.
                            _pendingUpdates.Add(Result(slot));
                            _slotDirty[slot] = false;
                            break;
                        case WindowOutputMode.Complete:
                            if (_finished.Count >= _config.MaxCompleteModeRows)
                            {
                                throw Bound(nameof(EventTimeWindowOptions<T, TKey>.MaxCompleteModeRows), _config.MaxCompleteModeRows, "finished result rows kept for complete mode");
                            }

                            _finished.Add(Result(slot));
                            break;
                    }

                    FreeSlot(slot);
                }

                window.Slots.Clear();
                _windowPool.Push(window);
            }

            if (batch is not null)
            {
                Emit(batch);
            }
        }

        private void FireTrigger()
        {
            if (_config.Mode == WindowOutputMode.Update)
            {
                _scratch.Clear();
                foreach (var slot in _dirty)
                {
                    if (_slotDirty[slot])
                    {
                        _slotDirty[slot] = false;
                        _scratch.Add(slot);
                    }
                }

                _dirty.Clear();
                if (_scratch.Count == 0 && _pendingUpdates.Count == 0)
                {
                    return;
                }

                // Closed windows (pending) all start before the open ones.
                _scratch.Sort(_slotOrder);
                var rows = new List<WindowResult<TKey>>(_pendingUpdates.Count + _scratch.Count);
                rows.AddRange(_pendingUpdates);
                _pendingUpdates.Clear();
                foreach (var slot in _scratch)
                {
                    rows.Add(Result(slot));
                }

                Emit(rows);
            }
            else if (_config.Mode == WindowOutputMode.Complete && _completeDirty)
            {
                _completeDirty = false;
                _scratch.Clear();
                foreach (var window in _windows.Values)
                {
                    foreach (var slot in window.Slots.Values)
                    {
                        _scratch.Add(slot);
                    }
                }

                _scratch.Sort(_slotOrder);
                var rows = new List<WindowResult<TKey>>(_finished.Count + _scratch.Count);
                rows.AddRange(_finished);
                foreach (var slot in _scratch)
                {
                    rows.Add(Result(slot));
                }

                Emit(rows);
            }
        }

        private WindowResult<TKey> Result(int slot)
        {
            var start = _slotStart[slot];
            var end = start + _assigner.Duration;
            var values = new double?[_aggCount];
            var baseIndex = slot * _aggCount;
            for (var i = 0; i < _aggCount; i++)
            {
                values[i] = _acc[baseIndex + i].Result(_kinds[i], end);
            }

            return new WindowResult<TKey>(start, end, _slotKey[slot], values);
        }

        private int CompareSlots(int a, int b)
        {
            var c = _slotStart[a].CompareTo(_slotStart[b]);
            if (c != 0)
            {
                return c;
            }

            if (_config.KeyOrder is { } order)
            {
                c = order.Compare(_slotKey[a], _slotKey[b]);
                if (c != 0)
                {
                    return c;
                }
            }

            return _slotSeq[a].CompareTo(_slotSeq[b]);
        }

        private void Emit(List<WindowResult<TKey>> rows)
        {
            if (_done)
            {
                return;
            }

            var update = new WindowUpdate<TKey>(_batchId++, _config.Mode, _watermark, _config.Specs, rows);
            _stats?.AddOutput(rows.Count);
            try
            {
                _observer.OnNext(update);
            }
            catch
            {
                // The downstream observer's own exception is not ours to turn into OnError: let it propagate.
                _downstreamFaulted = true;
                throw;
            }
        }

        private void PublishState() =>
            _stats?.SetState(_windows.Count, _stateRows, _config.KeySelector is null ? (_stateRows > 0 ? 1 : 0) : _keyRefs.Count);

        private void Fail(Exception error)
        {
            if (_done)
            {
                return;
            }

            Stop();
            _observer.OnError(error);
        }

        private void Stop()
        {
            if (_done)
            {
                return;
            }

            _done = true;
            _upstream.Dispose();
            _trigger.Dispose();
            _idle.Dispose();
            for (var slot = 0; slot < _slotHigh; slot++)
            {
                for (var i = 0; i < _aggCount; i++)
                {
                    _acc[(slot * _aggCount) + i].Release();
                }
            }

            _windows.Clear();
            _closeQueue.Clear();
            _keyRefs.Clear();
            _stateRows = 0;
            _twaSamples = 0;
            PublishState();
        }

        private static InvalidOperationException Bound(string option, int limit, string what) =>
            new($"Event-time window state exceeded {option} = {limit} {what}; raise {nameof(EventTimeWindowOptions<T, TKey>)}.{option} (or shorten the watermark delay or the windows).");
    }
}

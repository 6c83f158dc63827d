using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
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

    /// <summary>
    /// One subscription: judges each row against the watermark (<see cref="WatermarkTracker"/>, moved on by the
    /// <see cref="IdleClock"/> when idle), keeps the open windows in a <see cref="WindowStateStore{TKey}"/>, and emits
    /// in the output mode when windows become final or a trigger fires. Rows it turns away go to the rejected output.
    /// </summary>
    private sealed class Sink : IObserver<T>, IIdleClockOwner, IDisposable
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
        private readonly WindowStateStore<TKey> _store;
        private readonly IdleClock? _idle;
        private readonly SingleAssignmentDisposable _upstream = new();
        private readonly SerialDisposable _trigger = new();
        private readonly List<int> _dirty = [];
        private readonly List<int> _scratch = [];
        private readonly List<WindowResult<TKey>> _pendingUpdates = [];
        private readonly List<WindowResult<TKey>> _finished = [];
        private readonly WindowStats? _stats;
        private readonly Func<WindowState<TKey>> _save;

        private WatermarkTracker _watermark;
        private long _batchId;
        private bool _completeDirty;
        private bool _done;
        private bool _downstreamFaulted;

        public Sink(WindowConfig<T, TKey> config, IObserver<WindowUpdate<TKey>> observer)
        {
            _config = config;
            _observer = observer;
            _assigner = config.Assigner;
            _kinds = config.Kinds;
            _aggCount = _kinds.Length;
            _rowValues = new double?[_aggCount];
            _stats = config.Stats;
            _store = config.CreateStore(_aggCount);
            _watermark = config.Delay is { } delay ? new WatermarkTracker(delay) : WatermarkTracker.None();
            _idle = IdleClock.Create(config.IdleTimeout is { } idle ? TimeSpan.FromTicks(idle) : null, config.Scheduler, this);
            _save = Save;
        }

        public void Run(IObservable<T> source)
        {
            if (_config.State is { } handle)
            {
                if (handle.Initial is { } initial)
                {
                    Load(initial);
                }

                handle.Attach(_save);
            }

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
                    CloseWindows(long.MaxValue);
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

        // The idle flush: the watermark moves to the newest event time (the delay treated as zero while idle, never
        // further), closing the windows that end by it; append mode then emits the windows still open (they all end
        // after the newest event) as a provisional batch and keeps them: a later row in one of them makes it emitted
        // again when final, else it is not emitted again. Update and complete modes emit at their trigger, as always.
        void IIdleClockOwner.OnIdle()
        {
            if (_watermark.MaxEventTicks == long.MinValue)
            {
                return;
            }

            AdvanceWatermarkTo(_watermark.MaxEventTicks);
            if (_config.Mode != WindowOutputMode.Append)
            {
                return;
            }

            _store.AllSlots(_scratch);
            List<WindowResult<TKey>>? rows = null;
            foreach (var slot in _scratch)
            {
                // In append mode a slot's dirty flag means "emitted provisionally, no row since".
                ref var provisional = ref _store.Dirty(slot);
                if (!provisional)
                {
                    provisional = true;
                    (rows ??= []).Add(Result(slot));
                }
            }

            if (rows is not null)
            {
                Emit(rows, provisional: true);
            }
        }

        void IIdleClockOwner.OnIdleTimer()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                try
                {
                    _idle!.Tick();
                    PublishState();
                }
                catch (Exception ex) when (!_downstreamFaulted)
                {
                    Fail(ex);
                }
            }
        }

        private void Process(T value)
        {
            _stats?.AddInput();
            var now = _idle?.Now ?? 0;
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
                _config.Rejected?.OnNext(new Rejected<T>(value, RejectionCodes.MissingField, _config.MissingEventTimeReason));
                _idle?.MarkInput(now);
                return;
            }

            var key = _config.KeySelector is { } keySelector ? keySelector(value) : default!;
            var selectors = _config.Selectors;
            for (var i = 0; i < _aggCount; i++)
            {
                _rowValues[i] = selectors[i]?.Invoke(value);
            }

            for (var w = 0; w < count; w++, start += _assigner.Slide)
            {
                var end = start + _assigner.Duration;
                if (end <= _watermark.Ticks && _config.Mode != WindowOutputMode.Complete)
                {
                    // (Complete mode keeps every window and takes late rows in, as Spark.) Lateness is per window (Spark): this window is final, the row may still count in later ones.
                    Late(value, t, start, end);
                    continue;
                }

                var slot = _store.GetSlot(start, key);
                var accs = _store.Aggregates(slot);
                long samples = 0;
                for (var i = 0; i < _aggCount; i++)
                {
                    samples += accs[i].Add(_kinds[i], _rowValues[i], t);
                }

                _store.TimeWeightedSamples += samples;
                if (_store.TimeWeightedSamples > _config.MaxTimeWeightedSamples)
                {
                    throw WindowStateStore<TKey>.Bound(nameof(EventTimeWindowOptions<T, TKey>.MaxTimeWeightedSamples), _config.MaxTimeWeightedSamples, "time-weighted samples");
                }

                MarkDirty(slot);
            }

            if (t > _watermark.MaxEventTicks)
            {
                _stats?.SetMaxEvent(t);
            }

            // The watermark follows this row only after the row was judged (Spark: a batch is judged by the previous watermark).
            if (_watermark.Observe(t))
            {
                _stats?.SetWatermark(_watermark.Ticks);
                CloseWindows(_watermark.Ticks);
            }

            _idle?.MarkInput(now);
            if (_config.Mode != WindowOutputMode.Append && _config.Trigger == TimeSpan.Zero)
            {
                FireTrigger();
            }

            PublishState();
        }

        private void Late(T value, long t, long start, long end)
        {
            _stats?.AddLate();
            if (_config.Rejected is { } rejected)
            {
                var reason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"event time {Format(t)} is in window [{Format(start)}, {Format(end)}), final since the watermark {Format(_watermark.Ticks)} reached its end");
                rejected.OnNext(new Rejected<T>(value, RejectionCodes.Late, reason));
            }
        }

        private static string Format(long ticks) => UtcTicks.Format(ticks);

        private void AdvanceWatermarkTo(long candidate)
        {
            if (_watermark.AdvanceTo(candidate))
            {
                _stats?.SetWatermark(candidate);
                CloseWindows(candidate);
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

        private void MarkDirty(int slot)
        {
            if (_config.Mode == WindowOutputMode.Update)
            {
                ref var dirty = ref _store.Dirty(slot);
                if (!dirty)
                {
                    dirty = true;
                    _dirty.Add(slot);
                }
            }
            else if (_config.Mode == WindowOutputMode.Complete)
            {
                _completeDirty = true;
            }
            else
            {
                // Append: a window emitted provisionally by the idle flush changed, so it is emitted again when final.
                _store.Dirty(slot) = false;
            }
        }

        /// <summary>Closes the windows that are final (<c>end &lt;= watermark</c>; all of them for <see cref="long.MaxValue"/>), in start order.</summary>
        private void CloseWindows(long watermark)
        {
            if (_config.Mode == WindowOutputMode.Complete && watermark != long.MaxValue)
            {
                // Complete mode never drops a window (Spark keeps all its state): only the end of the input closes them.
                return;
            }

            var startBefore = watermark == long.MaxValue ? long.MaxValue : watermark - _assigner.Duration + 1;
            if (watermark != long.MaxValue && watermark < long.MinValue + _assigner.Duration)
            {
                return;
            }

            List<WindowResult<TKey>>? batch = null;
            while (_store.TryTakeEarliest(startBefore, _scratch, out _))
            {
                foreach (var slot in _scratch)
                {
                    switch (_config.Mode)
                    {
                        case WindowOutputMode.Append when !_store.Dirty(slot):
                            // (A window the idle flush emitted provisionally and no row changed since is not emitted again.)
                            (batch ??= []).Add(Result(slot));
                            break;
                        case WindowOutputMode.Update when _store.Dirty(slot):
                            // Touched since the last trigger: its update is still due at the next trigger.
                            _pendingUpdates.Add(Result(slot));
                            _store.Dirty(slot) = false;
                            break;
                        case WindowOutputMode.Complete:
                            // Only the end of the input closes a window in complete mode; the store bounded them all (MaxCompleteModeRows).
                            _finished.Add(Result(slot));
                            break;
                    }

                    _store.Free(slot);
                }
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
                    ref var dirty = ref _store.Dirty(slot);
                    if (dirty)
                    {
                        dirty = false;
                        _scratch.Add(slot);
                    }
                }

                _dirty.Clear();
                if (_scratch.Count == 0 && _pendingUpdates.Count == 0)
                {
                    return;
                }

                // Closed windows (pending) all start before the open ones.
                _store.Sort(_scratch);
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
                _store.AllSlots(_scratch);
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
            var start = _store.StartOf(slot);
            var end = start + _assigner.Duration;
            var values = new double?[_aggCount];
            var accs = _store.Aggregates(slot);
            for (var i = 0; i < _aggCount; i++)
            {
                values[i] = accs[i].Result(_kinds[i], end);
            }

            return new WindowResult<TKey>(start, end, _store.KeyOf(slot), values);
        }

        private void Emit(List<WindowResult<TKey>> rows, bool provisional = false)
        {
            if (_done)
            {
                return;
            }

            var update = new WindowUpdate<TKey>(_batchId++, _config.Mode, _watermark.Ticks, _config.Specs, rows) { IsProvisional = provisional };
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

        private WindowState<TKey> Save()
        {
            lock (_gate)
            {
                return new WindowState<TKey>(
                    WindowState<TKey>.CurrentVersion,
                    _watermark.Ticks,
                    _watermark.MaxEventTicks,
                    _batchId,
                    _store.Save(),
                    [.. _pendingUpdates],
                    [.. _finished],
                    _completeDirty);
            }
        }

        private void Load(WindowState<TKey> state)
        {
            if (state.Version != WindowState<TKey>.CurrentVersion)
            {
                throw new ArgumentException($"Window state version {state.Version} cannot be restored; this operator reads version {WindowState<TKey>.CurrentVersion}.", nameof(state));
            }

            _watermark.Restore(state.WatermarkTicks, state.MaxEventTicks);
            _batchId = state.NextBatchId;
            _store.Load(state.Entries, slot =>
            {
                if (_store.Dirty(slot))
                {
                    _dirty.Add(slot);
                }
            });
            _pendingUpdates.AddRange(state.PendingUpdates);
            _finished.AddRange(state.Finished);
            _completeDirty = state.CompleteDirty;
            if (state.WatermarkTicks != long.MinValue)
            {
                _stats?.SetWatermark(state.WatermarkTicks);
            }

            if (state.MaxEventTicks != long.MinValue)
            {
                _stats?.SetMaxEvent(state.MaxEventTicks);
            }

            PublishState();
        }

        private void PublishState() =>
            _stats?.SetState(_store.WindowCount, _store.StateRows, _config.KeySelector is null ? (_store.StateRows > 0 ? 1 : 0) : _store.KeyCount);

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
            _config.State?.Detach(_save);
            _upstream.Dispose();
            _trigger.Dispose();
            _idle?.Dispose();
            _store.Clear();
            PublishState();
        }
    }
}

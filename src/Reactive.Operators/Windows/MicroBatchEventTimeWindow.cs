using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
using Reactive.Operators.Time;

namespace Reactive.Operators.Windows;

/// <summary>
/// The event-time window operator in Spark's micro-batch execution model (MicroBatchExecution + StateStoreSaveExec):
/// each inner observable is one batch, run in order; one <see cref="Sink"/> per subscription.
/// </summary>
internal sealed class MicroBatchEventTimeWindow<T, TKey> : IObservable<WindowUpdate<TKey>>
{
    private readonly IObservable<IObservable<T>> _batches;
    private readonly WindowConfig<T, TKey> _config;

    public MicroBatchEventTimeWindow(IObservable<IObservable<T>> batches, WindowConfig<T, TKey> config)
    {
        _batches = batches;
        _config = config;
    }

    public IDisposable Subscribe(IObserver<WindowUpdate<TKey>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var sink = new Sink(_config, observer);
        sink.Run(_batches);
        return sink;
    }

    /// <summary>A row of the current batch, or the end of the current batch.</summary>
    private readonly record struct Signal(T Value, bool End);

    /// <summary>
    /// One subscription. Batch N runs with the watermark W_N fixed for the whole batch: its rows are folded into the
    /// state as they come (a row is late for a window with <c>end &lt;= W_N</c>, except in complete mode); at its end
    /// the mode's rows are emitted in one <see cref="WindowUpdate{TKey}"/>, the final windows are evicted (not in
    /// complete mode), and W_{N+1} = max(W_N, max event time − delay); a no-data batch follows when it moved.
    /// </summary>
    private sealed class Sink : IObserver<Signal>, IIdleClockOwner, IDisposable
    {
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
        private readonly HashSet<int> _updated = [];
        private readonly List<int> _scratch = [];
        private readonly WindowStats? _stats;
        private readonly Func<WindowState<TKey>> _save;

        // The watermark of the current batch (W_N) and the newest event time seen through it.
        private long _watermark = long.MinValue;
        private long _maxEvent = long.MinValue;
        private long _batchId;
        private bool _completeDirty;
        private bool _noDataDue;
        private bool _idleDue;
        private bool _done;
        private bool _downstreamFaulted;

        // The current batch's progress.
        private long _numInput;
        private long _eventCount;
        private long _eventMin = long.MaxValue;
        private long _eventMax = long.MinValue;
        private Int128 _eventSum;
        private long _droppedByWatermark;
        private long _missingTime;

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
            _idle = IdleClock.Create(config.IdleTimeout is { } idle ? TimeSpan.FromTicks(idle) : null, config.Scheduler, this);
            _save = Save;
        }

        public void Run(IObservable<IObservable<T>> batches)
        {
            lock (_gate)
            {
                if (_config.State is { } handle)
                {
                    if (handle.Initial is { } initial)
                    {
                        Load(initial);
                    }

                    handle.Attach(_save);
                }

                if (_noDataDue)
                {
                    // Restored from a snapshot taken while a batch's update was delivered: its no-data batch runs now.
                    Guard(RunNoDataBatch);
                    if (_done)
                    {
                        return;
                    }
                }
            }

            // Concat: batch i + 1 is subscribed only after batch i completed; each batch ends with an end signal.
            var end = new Signal(default!, End: true);
            var signals = batches
                .Select(batch => batch.Select(static v => new Signal(v, End: false)).Concat(Observable.Return(end, ImmediateScheduler.Instance)))
                .Concat();
            _upstream.Disposable = signals.Subscribe(this);
        }

        public void OnNext(Signal signal)
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                Guard(() =>
                {
                    if (signal.End)
                    {
                        EndOfBatch();
                    }
                    else
                    {
                        Process(signal.Value);
                    }
                });
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

                if (_config.AtEnd == EndOfInput.Flush)
                {
                    Guard(RunFinalBatch);
                    if (_done)
                    {
                        return;
                    }
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

        void IIdleClockOwner.OnIdle()
        {
            if (_numInput > 0)
            {
                // A batch is being received: the idle batch runs after it.
                _idleDue = true;
                return;
            }

            RunIdleBatch();
        }

        void IIdleClockOwner.OnIdleTimer()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                Guard(() =>
                {
                    _idle!.Tick();
                    PublishState();
                });
            }
        }

        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (Exception ex) when (!_downstreamFaulted)
            {
                Fail(ex);
            }
        }

        private void Process(T value)
        {
            _stats?.AddInput();
            _numInput++;
            var now = _idle?.Now ?? 0;
            var time = _config.EventTime(value);
            long start = 0;
            var count = 0;
            if (time is { } t0 && t0 >= MinTicks && t0 <= MaxTicks)
            {
                _assigner.Assign(t0, out start, out count);
            }

            if (time is not { } t || count <= 0 || start < MinTicks || start + ((count - 1) * _assigner.Slide) > MaxTicks - _assigner.Duration)
            {
                _missingTime++;
                _stats?.AddDropped();
                _config.Rejected?.OnNext(new Rejected<T>(value, RejectionCodes.MissingField, _config.MissingEventTimeReason));
                _idle?.MarkInput(now);
                return;
            }

            _eventCount++;
            _eventSum += t;
            _eventMin = Math.Min(_eventMin, t);
            _eventMax = Math.Max(_eventMax, t);

            var key = _config.KeySelector is { } keySelector ? keySelector(value) : default!;
            var selectors = _config.Selectors;
            for (var i = 0; i < _aggCount; i++)
            {
                _rowValues[i] = selectors[i]?.Invoke(value);
            }

            for (var w = 0; w < count; w++, start += _assigner.Slide)
            {
                var end = start + _assigner.Duration;
                if (end <= _watermark && _config.Mode != WindowOutputMode.Complete)
                {
                    // Late for this window only (Spark, judged by the batch's watermark W_N); complete mode keeps every window.
                    _droppedByWatermark++;
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

                _updated.Add(slot);

                // Append: a window emitted provisionally by the idle batch changed, so it is emitted again when final.
                _store.Dirty(slot) = false;
                _completeDirty = true;
            }

            if (t > _maxEvent)
            {
                _maxEvent = t;
                _stats?.SetMaxEvent(t);
            }

            _idle?.MarkInput(now);
        }

        private void Late(T value, long t, long start, long end)
        {
            _stats?.AddLate();
            if (_config.Rejected is { } rejected)
            {
                var reason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"event time {UtcTicks.Format(t)} is in window [{UtcTicks.Format(start)}, {UtcTicks.Format(end)}), final since the watermark {UtcTicks.Format(_watermark)} reached its end");
                rejected.OnNext(new Rejected<T>(value, RejectionCodes.Late, reason));
            }
        }

        private void EndOfBatch()
        {
            if (_numInput > 0 || _config.RunEmptyBatches)
            {
                RunDataBatch();
            }
            else if (_noDataDue)
            {
                RunNoDataBatch();
            }

            if (_idleDue && !_done)
            {
                _idleDue = false;
                RunIdleBatch();
            }
        }

        // Batch N: its rows are in the state; emit by the mode, evict the windows final by W_N, then W_{N+1}.
        private void RunDataBatch()
        {
            var id = _batchId++;
            var w = _watermark;
            var updated = _updated.Count;
            List<WindowResult<TKey>> rows;
            switch (_config.Mode)
            {
                case WindowOutputMode.Append:
                    rows = Evict(w, emit: true);
                    break;
                case WindowOutputMode.Update:
                    _scratch.Clear();
                    _scratch.AddRange(_updated);
                    _store.Sort(_scratch);
                    rows = new List<WindowResult<TKey>>(_scratch.Count);
                    foreach (var slot in _scratch)
                    {
                        rows.Add(Result(slot));
                    }

                    Evict(w, emit: false);
                    break;
                default:
                    rows = Table();
                    break;
            }

            var next = w;
            if (_config.Delay is { } delay && _maxEvent != long.MinValue && _maxEvent >= long.MinValue + delay)
            {
                next = Math.Max(w, _maxEvent - delay);
            }

            _watermark = next;
            if (next != long.MinValue)
            {
                _stats?.SetWatermark(next);
            }

            _noDataDue = next > w && _config.NoDataBatches && _config.Mode != WindowOutputMode.Complete;
            var progress = new BatchProgress(
                id,
                _numInput,
                _eventCount > 0 ? _eventMin : null,
                _eventCount > 0 ? _eventMax : null,
                _eventCount > 0 ? (long)(_eventSum / _eventCount) : null,
                w,
                next,
                _store.StateRows,
                updated,
                _droppedByWatermark,
                _missingTime);
            ResetBatch();
            Emit(new WindowUpdate<TKey>(id, _config.Mode, w, _config.Specs, rows) { Progress = progress });
            if (_noDataDue && !_done)
            {
                RunNoDataBatch();
            }
        }

        // The no-data batch N + 1 with W_{N+1}: evicts (append: emits) the windows it made final.
        private void RunNoDataBatch()
        {
            _noDataDue = false;
            var id = _batchId++;
            var w = _watermark;
            var rows = Evict(w, emit: _config.Mode == WindowOutputMode.Append);
            var progress = new BatchProgress(id, 0, null, null, null, w, w, _store.StateRows, 0, 0, 0);
            Emit(new WindowUpdate<TKey>(id, _config.Mode, w, _config.Specs, rows) { IsNoDataBatch = true, Progress = progress });
        }

        // The idle batch: the watermark to the newest event time (never beyond), final windows evicted as usual;
        // append emits the windows still open too, provisionally (each again when final only if a row lands in it).
        private void RunIdleBatch()
        {
            if (_maxEvent == long.MinValue && _store.StateRows == 0)
            {
                return;
            }

            var id = _batchId++;
            if (_config.Delay is not null && _maxEvent > _watermark)
            {
                _watermark = _maxEvent;
                _stats?.SetWatermark(_watermark);
            }

            var w = _watermark;
            List<WindowResult<TKey>> rows;
            var provisional = false;
            switch (_config.Mode)
            {
                case WindowOutputMode.Append:
                    rows = Evict(w, emit: true);
                    _store.AllSlots(_scratch);
                    foreach (var slot in _scratch)
                    {
                        ref var flag = ref _store.Dirty(slot);
                        if (!flag)
                        {
                            flag = true;
                            provisional = true;
                            rows.Add(Result(slot));
                        }
                    }

                    break;
                case WindowOutputMode.Update:
                    rows = Evict(w, emit: false);
                    break;
                default:
                    rows = Table();
                    break;
            }

            var progress = new BatchProgress(id, 0, null, null, null, w, w, _store.StateRows, 0, 0, 0);
            Emit(new WindowUpdate<TKey>(id, _config.Mode, w, _config.Specs, rows) { IsNoDataBatch = true, IsProvisional = provisional, Progress = progress });
        }

        // The end of the input: every window is final.
        private void RunFinalBatch()
        {
            var id = _batchId++;
            var w = _watermark;
            List<WindowResult<TKey>> rows;
            switch (_config.Mode)
            {
                case WindowOutputMode.Append:
                    rows = Evict(long.MaxValue, emit: true);
                    break;
                case WindowOutputMode.Update:
                    rows = Evict(long.MaxValue, emit: false);
                    break;
                default:
                    rows = _completeDirty ? Table() : [];
                    break;
            }

            var progress = new BatchProgress(id, 0, null, null, null, w, w, _store.StateRows, 0, 0, 0);
            Emit(new WindowUpdate<TKey>(id, _config.Mode, w, _config.Specs, rows) { IsFinalBatch = true, Progress = progress });
        }

        private List<WindowResult<TKey>> Table()
        {
            _completeDirty = false;
            _store.AllSlots(_scratch);
            var rows = new List<WindowResult<TKey>>(_scratch.Count);
            foreach (var slot in _scratch)
            {
                rows.Add(Result(slot));
            }

            return rows;
        }

        /// <summary>Evicts the windows final by <paramref name="watermark"/> (all for <see cref="long.MaxValue"/>), returning their rows when asked (append: not those emitted provisionally and unchanged since).</summary>
        private List<WindowResult<TKey>> Evict(long watermark, bool emit)
        {
            var rows = new List<WindowResult<TKey>>();
            if (watermark != long.MaxValue && watermark < long.MinValue + _assigner.Duration)
            {
                return rows;
            }

            var startBefore = watermark == long.MaxValue ? long.MaxValue : watermark - _assigner.Duration + 1;
            while (_store.TryTakeEarliest(startBefore, _scratch, out _))
            {
                foreach (var slot in _scratch)
                {
                    if (emit && !_store.Dirty(slot))
                    {
                        rows.Add(Result(slot));
                    }

                    _store.Free(slot);
                }
            }

            return rows;
        }

        private void ResetBatch()
        {
            _numInput = 0;
            _eventCount = 0;
            _eventMin = long.MaxValue;
            _eventMax = long.MinValue;
            _eventSum = 0;
            _droppedByWatermark = 0;
            _missingTime = 0;
            _updated.Clear();
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

        private void Emit(WindowUpdate<TKey> update)
        {
            PublishState();
            if (_done)
            {
                return;
            }

            _stats?.AddOutput(update.Rows.Count);
            try
            {
                _observer.OnNext(update);
            }
            catch
            {
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
                    _watermark,
                    _maxEvent,
                    _batchId,
                    _store.Save(),
                    [],
                    [],
                    _completeDirty,
                    _noDataDue);
            }
        }

        private void Load(WindowState<TKey> state)
        {
            if (state.Version != WindowState<TKey>.CurrentVersion)
            {
                throw new ArgumentException($"Window state version {state.Version} cannot be restored; this operator reads version {WindowState<TKey>.CurrentVersion}.", nameof(state));
            }

            _watermark = state.WatermarkTicks;
            _maxEvent = state.MaxEventTicks;
            _batchId = state.NextBatchId;
            _store.Load(state.Entries, static _ => { });
            _completeDirty = state.CompleteDirty;
            _noDataDue = state.NoDataBatchDue;
            if (_watermark != long.MinValue)
            {
                _stats?.SetWatermark(_watermark);
            }

            if (_maxEvent != long.MinValue)
            {
                _stats?.SetMaxEvent(_maxEvent);
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
            _idle?.Dispose();
            _store.Clear();
            PublishState();
        }
    }
}

using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Reactive.Operators.Windows;

/// <summary>
/// The event-time window operator in Spark's micro-batch execution model (MicroBatchExecution + StateStoreSaveExec):
/// each inner observable is one batch, run in order; one <see cref="Sink"/> per subscription.
/// </summary>
internal sealed class MicroBatchEventTimeWindow<T, TKey>(IObservable<IObservable<T>> batches, WindowConfig<T, TKey> config) : IObservable<WindowUpdate<TKey>>
{
    public IDisposable Subscribe(IObserver<WindowUpdate<TKey>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return new Sink(config, observer).Run(batches);
    }

    /// <summary>A row of the current batch, or the end of the current batch.</summary>
    private readonly record struct Signal(T Value, bool End);

    /// <summary>
    /// One subscription. Batch N runs with the watermark W_N fixed for the whole batch: its rows are folded into the
    /// state as they come (a row is late for a window with <c>end &lt;= W_N</c>, except in complete mode); at its end
    /// the mode's rows are emitted in one <see cref="WindowUpdate{TKey}"/>, the final windows are evicted (not in
    /// complete mode), and W_{N+1} = max(W_N, max event time − delay); a no-data batch follows when it moved.
    /// </summary>
    private sealed class Sink : WindowSinkBase<Signal, T, TKey>
    {
        private readonly HashSet<int> _updated = [];

        // The watermark of the current batch (W_N) and the newest event time seen through it.
        private long _watermark = long.MinValue;
        private long _maxEvent = long.MinValue;
        private bool _noDataDue;
        private bool _idleDue;
        private BatchCounters _batch = new();

        public Sink(WindowConfig<T, TKey> config, IObserver<WindowUpdate<TKey>> observer)
            : base(config, observer)
        {
        }

        protected override long WatermarkTicks => _watermark;

        protected override long MaxEventTicks => _maxEvent;

        protected override bool NoDataBatchDue => _noDataDue;

        public IDisposable Run(IObservable<IObservable<T>> batches)
        {
            // Concat: batch i + 1 is subscribed only after batch i completed; each batch ends with an end signal.
            var end = new Signal(default!, End: true);
            return Run(batches
                .Select(batch => batch.Select(static v => new Signal(v, End: false)).Concat(Observable.Return(end, ImmediateScheduler.Instance)))
                .Concat());
        }

        protected override void OnStart()
        {
            if (_noDataDue)
            {
                // Restored from a snapshot taken while a batch's update was delivered: its no-data batch runs now.
                Guarded(this, static self => self.RunNoDataBatch());
            }
        }

        protected override void OnSignal(Signal signal)
        {
            if (signal.End)
            {
                EndOfBatch();
            }
            else
            {
                Process(signal.Value);
            }
        }

        protected override void OnEnd()
        {
            if (Config.AtEnd == EndOfInput.Flush)
            {
                RunFinalBatch();
            }
        }

        protected override void OnIdle()
        {
            if (_batch.Rows > 0)
            {
                // A batch is being received: the idle batch runs after it.
                _idleDue = true;
                return;
            }

            RunIdleBatch();
        }

        protected override void Restore(WindowState<TKey> state)
        {
            _watermark = state.WatermarkTicks;
            _maxEvent = state.MaxEventTicks;
            Store.Load(state.Entries, static _ => { });
            _noDataDue = state.NoDataBatchDue;
        }

        protected override void OnMissingEventTime()
        {
            _batch.Rows++;
            _batch.MissingTime++;
        }

        // Late for this window only (Spark, judged by the batch's watermark W_N).
        protected override void OnLate() => _batch.DroppedByWatermark++;

        protected override void OnUpdated(int slot)
        {
            _updated.Add(slot);

            // Append: a window emitted provisionally by the idle batch changed, so it is emitted again when final.
            Store.Dirty(slot) = false;
            CompleteDirty = true;
        }

        protected override void OnProcessed(long eventTicks, long now)
        {
            _batch.Rows++;
            _batch.EventTimes.Add(eventTicks);
            if (eventTicks > _maxEvent)
            {
                _maxEvent = eventTicks;
                Stats?.SetMaxEvent(eventTicks);
            }

            Idle?.MarkInput(now);
        }

        private void EndOfBatch()
        {
            if (_batch.Rows > 0 || Config.RunEmptyBatches)
            {
                RunDataBatch();
            }
            else if (_noDataDue)
            {
                RunNoDataBatch();
            }

            if (_idleDue && !IsDone)
            {
                _idleDue = false;
                RunIdleBatch();
            }
        }

        // Batch N: its rows are in the state; emit by the mode, evict the windows final by W_N, then W_{N+1}.
        private void RunDataBatch()
        {
            var id = NextBatchId();
            var w = _watermark;
            var updated = _updated.Count;
            List<WindowResult<TKey>> rows;
            switch (Config.Mode)
            {
                case WindowOutputMode.Append:
                    rows = Evict(w, emit: true);
                    break;
                case WindowOutputMode.Update:
                    Scratch.Clear();
                    Scratch.AddRange(_updated);
                    Store.Sort(Scratch);
                    rows = Results(Scratch);
                    Evict(w, emit: false);
                    break;
                default:
                    rows = Table();
                    break;
            }

            var next = w;
            if (Config.Delay is { } delay && _maxEvent != long.MinValue && _maxEvent >= long.MinValue + delay)
            {
                next = Math.Max(w, _maxEvent - delay);
            }

            _watermark = next;
            if (next != long.MinValue)
            {
                Stats?.SetWatermark(next);
            }

            _noDataDue = next > w && Config.NoDataBatches && Config.Mode != WindowOutputMode.Complete;
            var progress = _batch.Progress(id, w, next, Store.StateRows, updated);
            _batch = new();
            _updated.Clear();
            Emit(new WindowUpdate<TKey>(id, Config.Mode, w, Config.Specs, rows) { Progress = progress });
            if (_noDataDue && !IsDone)
            {
                RunNoDataBatch();
            }
        }

        // The no-data batch N + 1 with W_{N+1}: evicts (append: emits) the windows it made final.
        private void RunNoDataBatch()
        {
            _noDataDue = false;
            var id = NextBatchId();
            var w = _watermark;
            var rows = Evict(w, emit: Config.Mode == WindowOutputMode.Append);
            Emit(new WindowUpdate<TKey>(id, Config.Mode, w, Config.Specs, rows) { IsNoDataBatch = true, Progress = NoDataProgress(id, w) });
        }

        // The idle batch: the watermark to the newest event time (never beyond), final windows evicted as usual;
        // append emits the windows still open too, provisionally (each again when final only if a row lands in it).
        private void RunIdleBatch()
        {
            if (_maxEvent == long.MinValue && Store.StateRows == 0)
            {
                return;
            }

            var id = NextBatchId();
            if (Config.Delay is not null && _maxEvent > _watermark)
            {
                _watermark = _maxEvent;
                Stats?.SetWatermark(_watermark);
            }

            var w = _watermark;
            List<WindowResult<TKey>> rows;
            var provisional = false;
            switch (Config.Mode)
            {
                case WindowOutputMode.Append:
                    rows = Evict(w, emit: true);
                    var final = rows.Count;
                    AddProvisional(rows);
                    provisional = rows.Count > final;
                    break;
                case WindowOutputMode.Update:
                    rows = Evict(w, emit: false);
                    break;
                default:
                    rows = Table();
                    break;
            }

            Emit(new WindowUpdate<TKey>(id, Config.Mode, w, Config.Specs, rows) { IsNoDataBatch = true, IsProvisional = provisional, Progress = NoDataProgress(id, w) });
        }

        // The end of the input: every window is final.
        private void RunFinalBatch()
        {
            var id = NextBatchId();
            var w = _watermark;
            var rows = Config.Mode switch
            {
                WindowOutputMode.Append => Evict(long.MaxValue, emit: true),
                WindowOutputMode.Update => Evict(long.MaxValue, emit: false),
                _ => CompleteDirty ? Table() : [],
            };
            Emit(new WindowUpdate<TKey>(id, Config.Mode, w, Config.Specs, rows) { IsFinalBatch = true, Progress = NoDataProgress(id, w) });
        }

        private BatchProgress NoDataProgress(long id, long watermark) => new BatchCounters().Progress(id, watermark, watermark, Store.StateRows, 0);

        private List<WindowResult<TKey>> Table()
        {
            CompleteDirty = false;
            Store.AllSlots(Scratch);
            return Results(Scratch);
        }

        /// <summary>Evicts the windows final by <paramref name="watermark"/> (all for <see cref="long.MaxValue"/>), returning their rows when asked (append: not those emitted provisionally and unchanged since).</summary>
        private List<WindowResult<TKey>> Evict(long watermark, bool emit)
        {
            var rows = new List<WindowResult<TKey>>();
            var startBefore = FinalBefore(watermark);
            while (Store.TryTakeEarliest(startBefore, Scratch, out _))
            {
                foreach (var slot in Scratch)
                {
                    if (emit && !Store.Dirty(slot))
                    {
                        rows.Add(Result(slot));
                    }

                    Store.Free(slot);
                }
            }

            return rows;
        }

        private void Emit(WindowUpdate<TKey> update)
        {
            PublishState();
            Deliver(update);
        }
    }

    /// <summary>The current batch's progress counters (Spark's numInputRows, eventTime, numRowsDroppedByWatermark).</summary>
    private struct BatchCounters()
    {
        public long Rows;
        public long DroppedByWatermark;
        public long MissingTime;
        public EventTimeRange EventTimes = new();

        public readonly BatchProgress Progress(long id, long watermark, long nextWatermark, long stateRows, long updated) => new(
            id,
            Rows,
            EventTimes.Min,
            EventTimes.Max,
            EventTimes.Avg,
            watermark,
            nextWatermark,
            stateRows,
            updated,
            DroppedByWatermark,
            MissingTime);
    }

    /// <summary>The earliest, latest and mean event time of a batch's rows (Spark's progress <c>eventTime</c>); null when none has one.</summary>
    private struct EventTimeRange()
    {
        private long _count;
        private long _min = long.MaxValue;
        private long _max = long.MinValue;
        private Int128 _sum;

        public readonly long? Min => _count > 0 ? _min : null;

        public readonly long? Max => _count > 0 ? _max : null;

        public readonly long? Avg => _count > 0 ? (long)(_sum / _count) : null;

        public void Add(long ticks)
        {
            _count++;
            _sum += ticks;
            _min = Math.Min(_min, ticks);
            _max = Math.Max(_max, ticks);
        }
    }
}

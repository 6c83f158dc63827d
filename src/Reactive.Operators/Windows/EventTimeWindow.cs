using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Reactive.Operators.EventTime;

namespace Reactive.Operators.Windows;

/// <summary>The event-time window operator; one <see cref="Sink"/> per subscription.</summary>
internal sealed class EventTimeWindow<T, TKey>(IObservable<T> source, WindowConfig<T, TKey> config) : IObservable<WindowUpdate<TKey>>
{
    public IDisposable Subscribe(IObserver<WindowUpdate<TKey>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return new Sink(config, observer).Run(source);
    }

    /// <summary>
    /// One subscription: judges each row against the watermark (<see cref="WatermarkTracker"/>, moved on by the
    /// <see cref="IdleClock"/> when idle), keeps the open windows in a <see cref="WindowStateStore{TKey}"/>, and emits
    /// in the output mode when windows become final or a trigger fires. Rows it turns away go to the rejected output.
    /// </summary>
    private sealed class Sink : WindowSinkBase<T, T, TKey>
    {
        private readonly SerialDisposable _trigger = new();
        private readonly List<int> _dirty = [];
        private readonly List<WindowResult<TKey>> _pendingUpdates = [];
        private readonly List<WindowResult<TKey>> _finished = [];

        private WatermarkTracker _watermark;

        public Sink(WindowConfig<T, TKey> config, IObserver<WindowUpdate<TKey>> observer)
            : base(config, observer) =>
            _watermark = config.Delay is { } delay ? new WatermarkTracker(delay) : WatermarkTracker.None();

        protected override long WatermarkTicks => _watermark.Ticks;

        protected override long MaxEventTicks => _watermark.MaxEventTicks;

        protected override IReadOnlyList<WindowResult<TKey>> OwedUpdates => [.. _pendingUpdates];

        protected override IReadOnlyList<WindowResult<TKey>> FinishedRows => [.. _finished];

        protected override void OnStart()
        {
            if (Config.Mode != WindowOutputMode.Append && Config.Trigger > TimeSpan.Zero)
            {
                _trigger.Disposable = Config.Scheduler.SchedulePeriodic(this, Config.Trigger, static self => self.OnTrigger());
            }
        }

        protected override void OnSignal(T signal) => Process(signal);

        protected override void OnEnd()
        {
            // At the end of a finite input every open window is final.
            CloseWindows(long.MaxValue);
            if (Config.Mode != WindowOutputMode.Append)
            {
                FireTrigger();
            }
        }

        // The idle flush: the watermark moves to the newest event time (the delay treated as zero while idle, never
        // further), closing the windows that end by it; append mode then emits the windows still open (they all end
        // after the newest event) as a provisional batch and keeps them: a later row in one of them makes it emitted
        // again when final, else it is not emitted again. Update and complete modes emit at their trigger, as always.
        protected override void OnIdle()
        {
            if (_watermark.MaxEventTicks == long.MinValue)
            {
                return;
            }

            AdvanceWatermarkTo(_watermark.MaxEventTicks);
            if (Config.Mode != WindowOutputMode.Append)
            {
                return;
            }

            if (AddProvisional(null) is { } rows)
            {
                Emit(rows, provisional: true);
            }
        }

        protected override void OnStop() => _trigger.Dispose();

        protected override void Restore(WindowState<TKey> state)
        {
            _watermark.Restore(state.WatermarkTicks, state.MaxEventTicks);
            Store.Load(state.Entries, slot =>
            {
                if (Store.Dirty(slot))
                {
                    _dirty.Add(slot);
                }
            });
            _pendingUpdates.AddRange(state.PendingUpdates);
            _finished.AddRange(state.Finished);
        }

        protected override void OnUpdated(int slot)
        {
            if (Config.Mode == WindowOutputMode.Update)
            {
                ref var dirty = ref Store.Dirty(slot);
                if (!dirty)
                {
                    dirty = true;
                    _dirty.Add(slot);
                }
            }
            else if (Config.Mode == WindowOutputMode.Complete)
            {
                CompleteDirty = true;
            }
            else
            {
                // Append: a window emitted provisionally by the idle flush changed, so it is emitted again when final.
                Store.Dirty(slot) = false;
            }
        }

        protected override void OnProcessed(long eventTicks, long now)
        {
            if (eventTicks > _watermark.MaxEventTicks)
            {
                Stats?.SetMaxEvent(eventTicks);
            }

            // The watermark follows this row only after the row was judged (Spark: a batch is judged by the previous watermark).
            if (_watermark.Observe(eventTicks))
            {
                Stats?.SetWatermark(_watermark.Ticks);
                CloseWindows(_watermark.Ticks);
            }

            Idle?.MarkInput(now);
            if (Config.Mode != WindowOutputMode.Append && Config.Trigger == TimeSpan.Zero)
            {
                FireTrigger();
            }

            PublishState();
        }

        private void AdvanceWatermarkTo(long candidate)
        {
            if (_watermark.AdvanceTo(candidate))
            {
                Stats?.SetWatermark(candidate);
                CloseWindows(candidate);
            }
        }

        private void OnTrigger() => Guarded(this, static self => self.FireTrigger());

        /// <summary>Closes the windows that are final (<c>end &lt;= watermark</c>; all of them for <see cref="long.MaxValue"/>), in start order.</summary>
        private void CloseWindows(long watermark)
        {
            if (Config.Mode == WindowOutputMode.Complete && watermark != long.MaxValue)
            {
                // Complete mode never drops a window (Spark keeps all its state): only the end of the input closes them.
                return;
            }

            var startBefore = FinalBefore(watermark);
            List<WindowResult<TKey>>? batch = null;
            while (Store.TryTakeEarliest(startBefore, Scratch, out _))
            {
                foreach (var slot in Scratch)
                {
                    switch (Config.Mode)
                    {
                        case WindowOutputMode.Append when !Store.Dirty(slot):
                            // (A window the idle flush emitted provisionally and no row changed since is not emitted again.)
                            (batch ??= []).Add(Result(slot));
                            break;
                        case WindowOutputMode.Update when Store.Dirty(slot):
                            // Touched since the last trigger: its update is still due at the next trigger.
                            _pendingUpdates.Add(Result(slot));
                            Store.Dirty(slot) = false;
                            break;
                        case WindowOutputMode.Complete:
                            // Only the end of the input closes a window in complete mode; the store bounded them all (MaxCompleteModeRows).
                            _finished.Add(Result(slot));
                            break;
                    }

                    Store.Free(slot);
                }
            }

            if (batch is not null)
            {
                Emit(batch);
            }
        }

        private void FireTrigger()
        {
            if (Config.Mode == WindowOutputMode.Update)
            {
                Scratch.Clear();
                foreach (var slot in _dirty)
                {
                    ref var dirty = ref Store.Dirty(slot);
                    if (dirty)
                    {
                        dirty = false;
                        Scratch.Add(slot);
                    }
                }

                _dirty.Clear();
                if (Scratch.Count == 0 && _pendingUpdates.Count == 0)
                {
                    return;
                }

                // Closed windows (pending) all start before the open ones.
                Store.Sort(Scratch);
                var rows = Results(Scratch, _pendingUpdates);
                _pendingUpdates.Clear();
                Emit(rows);
            }
            else if (Config.Mode == WindowOutputMode.Complete && CompleteDirty)
            {
                CompleteDirty = false;
                Store.AllSlots(Scratch);
                Emit(Results(Scratch, _finished));
            }
        }

        private void Emit(List<WindowResult<TKey>> rows, bool provisional = false)
        {
            if (IsDone)
            {
                return;
            }

            Deliver(new WindowUpdate<TKey>(NextBatchId(), Config.Mode, _watermark.Ticks, Config.Specs, rows) { IsProvisional = provisional });
        }
    }
}

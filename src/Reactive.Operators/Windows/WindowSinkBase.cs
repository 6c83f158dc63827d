using System.Globalization;
using System.Reactive.Disposables;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;
using Reactive.Operators.Time;

namespace Reactive.Operators.Windows;

/// <summary>
/// The core the two event-time window operators share (per row and micro-batch): the Rx plumbing under one lock
/// (OnError never thrown from OnNext, the downstream observer's own exception let through), a row folded into the
/// <see cref="WindowStateStore{TKey}"/> or sent to the rejected output, the result rows, the state snapshot and its
/// restore, and the stats. The operator says when windows are final and when to emit; that is where the two differ.
/// </summary>
/// <typeparam name="TSignal">What the upstream observable gives: a row, or the micro-batch operator's row or end of batch.</typeparam>
/// <typeparam name="T">The row type.</typeparam>
/// <typeparam name="TKey">The group key type.</typeparam>
internal abstract class WindowSinkBase<TSignal, T, TKey> : IObserver<TSignal>, IIdleClockOwner, IDisposable
{
    // Event times outside DateTimeOffset's range are treated as missing (window arithmetic stays far from overflow).
    private static readonly long MinTicks = DateTimeOffset.MinValue.UtcTicks;
    private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks;

    private readonly object _gate = new();
    private readonly IObserver<WindowUpdate<TKey>> _observer;
    private readonly AggregateKind[] _kinds;
    private readonly int _aggCount;
    private readonly double?[] _rowValues;
    private readonly SingleAssignmentDisposable _upstream = new();
    private readonly Func<WindowState<TKey>> _save;

    private long _batchId;
    private bool _downstreamFaulted;

    protected WindowSinkBase(WindowConfig<T, TKey> config, IObserver<WindowUpdate<TKey>> observer)
    {
        Config = config;
        _observer = observer;
        Assigner = config.Assigner;
        _kinds = config.Kinds;
        _aggCount = _kinds.Length;
        _rowValues = new double?[_aggCount];
        Stats = config.Stats;
        Store = config.CreateStore(_aggCount);
        Idle = IdleClock.Create(config.IdleTimeout is { } idle ? TimeSpan.FromTicks(idle) : null, config.Scheduler, this);
        _save = Save;
    }

    protected WindowConfig<T, TKey> Config { get; }

    protected WindowAssigner Assigner { get; }

    protected WindowStateStore<TKey> Store { get; }

    protected WindowStats? Stats { get; }

    protected IdleClock? Idle { get; }

    /// <summary>Slots taken out of the store, reused call after call.</summary>
    protected List<int> Scratch { get; } = [];

    /// <summary>Ended: completed, failed or disposed.</summary>
    protected bool IsDone { get; private set; }

    /// <summary>Complete mode: the table changed since it was last emitted.</summary>
    protected bool CompleteDirty { get; set; }

    /// <summary>The watermark rows are judged by (<see cref="long.MinValue"/> = none yet).</summary>
    protected abstract long WatermarkTicks { get; }

    /// <summary>The newest event time seen (<see cref="long.MinValue"/> = none yet).</summary>
    protected abstract long MaxEventTicks { get; }

    /// <summary>Update mode: rows of closed windows still owed, for the snapshot.</summary>
    protected virtual IReadOnlyList<WindowResult<TKey>> OwedUpdates => [];

    /// <summary>Complete mode: rows of the finished windows kept for the table, for the snapshot.</summary>
    protected virtual IReadOnlyList<WindowResult<TKey>> FinishedRows => [];

    /// <summary>Micro-batch: the no-data batch is still due, for the snapshot.</summary>
    protected virtual bool NoDataBatchDue => false;

    /// <summary>Restores the state handle's snapshot and attaches to it, starts the operator, then subscribes upstream.</summary>
    /// <returns>This sink, the subscription.</returns>
    public IDisposable Run(IObservable<TSignal> signals)
    {
        lock (_gate)
        {
            if (Config.State is { } handle)
            {
                if (handle.Initial is { } initial)
                {
                    Load(initial);
                }

                handle.Attach(_save);
            }

            OnStart();
            if (IsDone)
            {
                return this;
            }
        }

        _upstream.Disposable = signals.Subscribe(this);
        return this;
    }

    // A static lambda with its state: no allocation per row.
    public void OnNext(TSignal value) => Guarded((Sink: this, Value: value), static s => s.Sink.OnSignal(s.Value));

    public void OnError(Exception error)
    {
        lock (_gate)
        {
            Fail(error);
        }
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            Guarded(this, static self => self.OnEnd());
            if (IsDone)
            {
                // Ended before, failed while flushing, or disposed by the downstream observer while flushing.
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

    void IIdleClockOwner.OnIdle() => OnIdle();

    void IIdleClockOwner.OnIdleTimer() => Guarded(this, static self =>
    {
        self.Idle!.Tick();
        self.PublishState();
    });

    /// <summary>Under the lock, after the state was restored, before the upstream subscription.</summary>
    protected virtual void OnStart()
    {
    }

    /// <summary>A signal from upstream, under the lock; an exception it throws becomes OnError.</summary>
    protected abstract void OnSignal(TSignal signal);

    /// <summary>The end of the input, under the lock, before OnCompleted; an exception it throws becomes OnError.</summary>
    protected abstract void OnEnd();

    /// <summary>The idle flush (<see cref="IIdleClockOwner.OnIdle"/>), under the lock.</summary>
    protected abstract void OnIdle();

    /// <summary>Restores what is the operator's own in a snapshot (watermark, store, owed rows); the rest is restored here.</summary>
    protected abstract void Restore(WindowState<TKey> state);

    /// <summary>A row without usable event time, before it is counted as dropped and goes to the rejected output.</summary>
    protected virtual void OnMissingEventTime()
    {
    }

    /// <summary>A row late for one of its windows, before it goes to the rejected output.</summary>
    protected virtual void OnLate()
    {
    }

    /// <summary>A row was folded into <paramref name="slot"/>.</summary>
    protected abstract void OnUpdated(int slot);

    /// <summary>A row with event time <paramref name="eventTicks"/>, which came at <paramref name="now"/>, was judged and folded into its windows.</summary>
    protected abstract void OnProcessed(long eventTicks, long now);

    /// <summary>
    /// Under the lock, unless ended: runs <paramref name="action"/>; an exception it throws becomes OnError, except the
    /// downstream observer's own (<see cref="Deliver"/>), which goes on up.
    /// </summary>
    protected void Guarded<TState>(TState state, Action<TState> action)
    {
        lock (_gate)
        {
            if (IsDone)
            {
                return;
            }

            try
            {
                action(state);
            }
            catch (Exception ex) when (!_downstreamFaulted)
            {
                Fail(ex);
            }
        }
    }

    /// <summary>The operator stops, under the lock: dispose what it scheduled of its own (a trigger).</summary>
    protected virtual void OnStop()
    {
    }

    /// <summary>
    /// Judges a row against <see cref="WatermarkTicks"/> and folds it into each of its windows that is not final (all
    /// of them in complete mode); late ones and a row without usable event time go to the rejected output.
    /// </summary>
    protected void Process(T value)
    {
        Stats?.AddInput();
        var now = Idle?.Now ?? 0;
        var time = Config.EventTime(value);
        long start = 0;
        var count = 0;
        if (time is { } t0 && t0 >= MinTicks && t0 <= MaxTicks)
        {
            Assigner.Assign(t0, out start, out count);
        }

        // No event time, or one whose windows reach outside DateTimeOffset's range (a default timestamp in a
        // sliding window starting before year 1): the window bounds could not be shown, so the row is dropped.
        if (time is not { } t || count <= 0 || start < MinTicks || start + ((count - 1) * Assigner.Slide) > MaxTicks - Assigner.Duration)
        {
            OnMissingEventTime();
            Stats?.AddDropped();
            Config.Rejected?.OnNext(new Rejected<T>(value, RejectionCodes.MissingField, Config.MissingEventTimeReason));
            Idle?.MarkInput(now);
            return;
        }

        var key = Config.KeySelector is { } keySelector ? keySelector(value) : default!;
        var selectors = Config.Selectors;
        for (var i = 0; i < _aggCount; i++)
        {
            _rowValues[i] = selectors[i]?.Invoke(value);
        }

        var watermark = WatermarkTicks;
        for (var w = 0; w < count; w++, start += Assigner.Slide)
        {
            var end = start + Assigner.Duration;
            if (end <= watermark && Config.Mode != WindowOutputMode.Complete)
            {
                // Lateness is per window (Spark): this window is final, the row may still count in later ones.
                // (Complete mode keeps every window and takes late rows in, as Spark.)
                OnLate();
                Late(value, t, start, end);
                continue;
            }

            var slot = Store.GetSlot(start, key);
            var accs = Store.Aggregates(slot);
            long samples = 0;
            for (var i = 0; i < _aggCount; i++)
            {
                samples += accs[i].Add(_kinds[i], _rowValues[i], t);
            }

            Store.TimeWeightedSamples += samples;
            if (Store.TimeWeightedSamples > Config.MaxTimeWeightedSamples)
            {
                throw WindowStateStore<TKey>.Bound(nameof(EventTimeWindowOptions<T, TKey>.MaxTimeWeightedSamples), Config.MaxTimeWeightedSamples, "time-weighted samples");
            }

            OnUpdated(slot);
        }

        OnProcessed(t, now);
    }

    /// <summary>
    /// The window start before which a window is final by <paramref name="watermark"/> (<c>end &lt;= watermark</c>;
    /// every window for <see cref="long.MaxValue"/>), for <see cref="WindowStateStore{TKey}.TryTakeEarliest"/>;
    /// <see cref="long.MinValue"/> (none) for a watermark before any window can end.
    /// </summary>
    protected long FinalBefore(long watermark) =>
        watermark == long.MaxValue ? long.MaxValue
        : watermark < long.MinValue + Assigner.Duration ? long.MinValue
        : watermark - Assigner.Duration + 1;

    /// <summary>The next batch id (0, 1, 2, … per subscription, continuing a restored one).</summary>
    protected long NextBatchId() => _batchId++;

    protected WindowResult<TKey> Result(int slot)
    {
        var start = Store.StartOf(slot);
        var end = start + Assigner.Duration;
        var values = new double?[_aggCount];
        var accs = Store.Aggregates(slot);
        for (var i = 0; i < _aggCount; i++)
        {
            values[i] = accs[i].Result(_kinds[i], end);
        }

        return new WindowResult<TKey>(start, end, Store.KeyOf(slot), values);
    }

    /// <summary>The rows of <paramref name="before"/> (kept from closed windows), then of <paramref name="slots"/>, in a new list.</summary>
    protected List<WindowResult<TKey>> Results(List<int> slots, List<WindowResult<TKey>>? before = null)
    {
        var rows = new List<WindowResult<TKey>>((before?.Count ?? 0) + slots.Count);
        if (before is not null)
        {
            rows.AddRange(before);
        }

        foreach (var slot in slots)
        {
            rows.Add(Result(slot));
        }

        return rows;
    }

    /// <summary>
    /// Append mode's idle flush: adds the rows of the open windows not emitted provisionally yet to
    /// <paramref name="rows"/> (a new list when null and there are some), and flags them as emitted; a row folded
    /// into one clears its flag, so it is emitted again when final.
    /// </summary>
    protected List<WindowResult<TKey>>? AddProvisional(List<WindowResult<TKey>>? rows)
    {
        Store.AllSlots(Scratch);
        foreach (var slot in Scratch)
        {
            // In append mode a slot's dirty flag means "emitted provisionally, no row since".
            ref var provisional = ref Store.Dirty(slot);
            if (!provisional)
            {
                provisional = true;
                (rows ??= []).Add(Result(slot));
            }
        }

        return rows;
    }

    /// <summary>Sends an update downstream (not after the end); its own exception is not ours to turn into OnError.</summary>
    protected void Deliver(WindowUpdate<TKey> update)
    {
        if (IsDone)
        {
            return;
        }

        Stats?.AddOutput(update.Rows.Count);
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

    protected void PublishState() =>
        Stats?.SetState(Store.WindowCount, Store.StateRows, Config.KeySelector is null ? (Store.StateRows > 0 ? 1 : 0) : Store.KeyCount);

    private void Late(T value, long t, long start, long end)
    {
        Stats?.AddLate();
        if (Config.Rejected is { } rejected)
        {
            var reason = string.Create(
                CultureInfo.InvariantCulture,
                $"event time {UtcTicks.Format(t)} is in window [{UtcTicks.Format(start)}, {UtcTicks.Format(end)}), final since the watermark {UtcTicks.Format(WatermarkTicks)} reached its end");
            rejected.OnNext(new Rejected<T>(value, RejectionCodes.Late, reason));
        }
    }

    private WindowState<TKey> Save()
    {
        lock (_gate)
        {
            return new WindowState<TKey>(
                WindowState<TKey>.CurrentVersion,
                WatermarkTicks,
                MaxEventTicks,
                _batchId,
                Store.Save(),
                OwedUpdates,
                FinishedRows,
                CompleteDirty,
                NoDataBatchDue);
        }
    }

    private void Load(WindowState<TKey> state)
    {
        if (state.Version != WindowState<TKey>.CurrentVersion)
        {
            throw new ArgumentException($"Window state version {state.Version} cannot be restored; this operator reads version {WindowState<TKey>.CurrentVersion}.", nameof(state));
        }

        Restore(state);
        _batchId = state.NextBatchId;
        CompleteDirty = state.CompleteDirty;
        if (state.WatermarkTicks != long.MinValue)
        {
            Stats?.SetWatermark(state.WatermarkTicks);
        }

        if (state.MaxEventTicks != long.MinValue)
        {
            Stats?.SetMaxEvent(state.MaxEventTicks);
        }

        PublishState();
    }

    private void Fail(Exception error)
    {
        if (IsDone)
        {
            return;
        }

        Stop();
        _observer.OnError(error);
    }

    private void Stop()
    {
        if (IsDone)
        {
            return;
        }

        IsDone = true;
        Config.State?.Detach(_save);
        _upstream.Dispose();
        OnStop();
        Idle?.Dispose();
        Store.Clear();
        PublishState();
    }
}

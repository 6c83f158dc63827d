using System.Collections.ObjectModel;
using System.Reactive.Concurrency;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;

namespace Reactive.Operators.Windows;

/// <summary>A validated, immutable copy of <see cref="EventTimeWindowOptions{T, TKey}"/>.</summary>
internal sealed class WindowConfig<T, TKey>
{
    private WindowConfig(EventTimeWindowOptions<T, TKey> o, WindowAssigner assigner)
    {
        EventTime = o.EventTime!;
        KeySelector = o.KeySelector;
        KeyComparer = o.KeyComparer ?? EqualityComparer<TKey>.Default;
        KeyOrder = o.KeyOrder ?? DefaultKeyOrder();
        Assigner = assigner;
        Delay = o.WatermarkDelay?.Ticks;
        NoDataBatches = o.NoDataBatches;
        RunEmptyBatches = o.RunEmptyBatches;
        AtEnd = o.AtEnd;
        Kinds = [.. o.Aggregates.Select(a => a.Spec.Kind)];
        Selectors = [.. o.Aggregates.Select(a => a.Selector)];
        Specs = new ReadOnlyCollection<AggregateSpec>([.. o.Aggregates.Select(a => a.Spec)]);
        Mode = o.OutputMode;
        Trigger = o.TriggerInterval;
        IdleTimeout = o.IdleTimeout?.Ticks;
        Scheduler = o.Scheduler;
        Rejected = o.Rejected;
        MissingEventTimeReason = $"{o.EventTimeName}: no event time";
        State = o.State;
        Stats = o.Stats;
        MaxOpenWindows = o.MaxOpenWindows;
        MaxGroups = o.MaxGroups;
        MaxStateRows = o.MaxStateRows;
        MaxCompleteModeRows = o.MaxCompleteModeRows;
        MaxTimeWeightedSamples = o.MaxTimeWeightedSamples;
    }

    public Func<T, long?> EventTime { get; }

    public Func<T, TKey>? KeySelector { get; }

    public IEqualityComparer<TKey> KeyComparer { get; }

    public IComparer<TKey>? KeyOrder { get; }

    public WindowAssigner Assigner { get; }

    /// <summary>The watermark delay in ticks; null = no watermark.</summary>
    public long? Delay { get; }

    public bool NoDataBatches { get; }

    public bool RunEmptyBatches { get; }

    public EndOfInput AtEnd { get; }

    public AggregateKind[] Kinds { get; }

    public Func<T, double?>?[] Selectors { get; }

    public ReadOnlyCollection<AggregateSpec> Specs { get; }

    public WindowOutputMode Mode { get; }

    public TimeSpan Trigger { get; }

    public long? IdleTimeout { get; }

    public IScheduler Scheduler { get; }

    public IObserver<Rejected<T>>? Rejected { get; }

    public string MissingEventTimeReason { get; }

    public StateHandle<WindowState<TKey>>? State { get; }

    public WindowStats? Stats { get; }

    public int MaxOpenWindows { get; }

    public int MaxGroups { get; }

    public int MaxStateRows { get; }

    public int MaxCompleteModeRows { get; }

    /// <summary>
    /// A state store within the bounds; in complete mode, where no window ever leaves the state (Spark), the state rows
    /// are the result table's rows and also bounded by <see cref="MaxCompleteModeRows"/>, named when it is the lower.
    /// </summary>
    public WindowStateStore<TKey> CreateStore(int aggregateCount) =>
        Mode == WindowOutputMode.Complete && MaxCompleteModeRows < MaxStateRows
            ? new(aggregateCount, KeyComparer, KeyOrder, MaxOpenWindows, MaxGroups, MaxCompleteModeRows, nameof(MaxCompleteModeRows))
            : new(aggregateCount, KeyComparer, KeyOrder, MaxOpenWindows, MaxGroups, MaxStateRows);

    public int MaxTimeWeightedSamples { get; }

    public static WindowConfig<T, TKey> From(EventTimeWindowOptions<T, TKey> o)
    {
        o.Validate();
        var slide = o.SlideDuration ?? o.WindowDuration;
        return new WindowConfig<T, TKey>(o, new WindowAssigner(o.WindowDuration.Ticks, slide.Ticks, o.StartOffset.Ticks));
    }

    /// <summary>Ordinal for strings (the same order on every machine), else the type's own order, else none.</summary>
    private static IComparer<TKey>? DefaultKeyOrder()
    {
        if (typeof(TKey) == typeof(string))
        {
            return (IComparer<TKey>)(object)StringComparer.Ordinal;
        }

        return typeof(IComparable<TKey>).IsAssignableFrom(typeof(TKey)) || typeof(IComparable).IsAssignableFrom(typeof(TKey))
            ? Comparer<TKey>.Default
            : null;
    }
}

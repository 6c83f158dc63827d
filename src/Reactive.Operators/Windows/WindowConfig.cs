using System.Collections.ObjectModel;
using System.Reactive.Concurrency;

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
        Delay = o.WatermarkDelay.Ticks;
        Kinds = [.. o.Aggregates.Select(a => a.Spec.Kind)];
        Selectors = [.. o.Aggregates.Select(a => a.Selector)];
        Specs = new ReadOnlyCollection<AggregateSpec>([.. o.Aggregates.Select(a => a.Spec)]);
        Mode = o.OutputMode;
        Trigger = o.TriggerInterval;
        IdleTimeout = o.IdleTimeout?.Ticks;
        Scheduler = o.Scheduler;
        LateRows = o.LateRows;
        RowsWithoutEventTime = o.RowsWithoutEventTime;
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

    public long Delay { get; }

    public AggregateKind[] Kinds { get; }

    public Func<T, double?>?[] Selectors { get; }

    public ReadOnlyCollection<AggregateSpec> Specs { get; }

    public WindowOutputMode Mode { get; }

    public TimeSpan Trigger { get; }

    public long? IdleTimeout { get; }

    public IScheduler Scheduler { get; }

    public IObserver<LateRow<T>>? LateRows { get; }

    public IObserver<T>? RowsWithoutEventTime { get; }

    public WindowStats? Stats { get; }

    public int MaxOpenWindows { get; }

    public int MaxGroups { get; }

    public int MaxStateRows { get; }

    public int MaxCompleteModeRows { get; }

    public int MaxTimeWeightedSamples { get; }

    public static WindowConfig<T, TKey> From(EventTimeWindowOptions<T, TKey> o)
    {
        const string Options = nameof(EventTimeWindowOptions<T, TKey>);
        if (o.EventTime is null)
        {
            throw new ArgumentNullException(nameof(o.EventTime), $"{Options}.{nameof(o.EventTime)} is required: it reads a row's event time.");
        }

        ArgumentNullException.ThrowIfNull(o.Scheduler, nameof(o.Scheduler));
        var duration = o.WindowDuration.Ticks;
        var slide = (o.SlideDuration ?? o.WindowDuration).Ticks;
        var offset = o.StartOffset.Ticks;

        // Spark's TimeWindow checks, with its wording.
        if (duration <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(o.WindowDuration), o.WindowDuration, $"The window duration ({o.WindowDuration}) must be greater than 0.");
        }

        if (slide <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(o.SlideDuration), o.SlideDuration, $"The slide duration ({o.SlideDuration}) must be greater than 0.");
        }

        if (slide > duration)
        {
            throw new ArgumentOutOfRangeException(nameof(o.SlideDuration), o.SlideDuration, $"The slide duration ({o.SlideDuration}) must be less than or equal to the window duration ({o.WindowDuration}).");
        }

        if (Math.Abs(offset) >= slide)
        {
            throw new ArgumentOutOfRangeException(nameof(o.StartOffset), o.StartOffset, $"The absolute value of the start offset ({o.StartOffset}) must be less than the slide duration ({TimeSpan.FromTicks(slide)}).");
        }

        if (o.WatermarkDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(o.WatermarkDelay), o.WatermarkDelay, "The watermark delay must not be negative.");
        }

        if (o.TriggerInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(o.TriggerInterval), o.TriggerInterval, "The trigger interval must not be negative (zero = after every row).");
        }

        if (o.IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(o.IdleTimeout), o.IdleTimeout, "The idle timeout must be positive (or null for none).");
        }

        if (!Enum.IsDefined(o.OutputMode))
        {
            throw new ArgumentOutOfRangeException(nameof(o.OutputMode), o.OutputMode, "Unknown output mode.");
        }

        if (o.Aggregates.Count == 0)
        {
            throw new ArgumentException($"{Options}.{nameof(o.Aggregates)} needs at least one aggregate, for example count.", nameof(o.Aggregates));
        }

        if (o.Aggregates.Any(a => a is null))
        {
            throw new ArgumentException($"{Options}.{nameof(o.Aggregates)} holds a null aggregate.", nameof(o.Aggregates));
        }

        CheckBound(o.MaxOpenWindows, nameof(o.MaxOpenWindows));
        CheckBound(o.MaxGroups, nameof(o.MaxGroups));
        CheckBound(o.MaxStateRows, nameof(o.MaxStateRows));
        CheckBound(o.MaxCompleteModeRows, nameof(o.MaxCompleteModeRows));
        CheckBound(o.MaxTimeWeightedSamples, nameof(o.MaxTimeWeightedSamples));
        return new WindowConfig<T, TKey>(o, new WindowAssigner(duration, slide, offset));
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

    private static void CheckBound(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}

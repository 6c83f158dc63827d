namespace Reactive.Operators.EventTime;

/// <summary>
/// The watermark of an event-time operator: the newest event time seen − the allowed delay, moved on further by the
/// idle clock; it never goes back. A mutable struct held in a field of its operator (one caller at a time).
/// </summary>
internal struct WatermarkTracker
{
    private readonly long _delay;
    private readonly bool _none;

    public WatermarkTracker(long delayTicks)
    {
        _delay = delayTicks;
        Ticks = long.MinValue;
        MaxEventTicks = long.MinValue;
    }

    private WatermarkTracker(bool none)
        : this(0) => _none = none;

    /// <summary>A tracker without watermark (Spark without <c>withWatermark</c>): it follows the newest event time, the watermark never moves.</summary>
    public static WatermarkTracker None() => new(none: true);

    /// <summary>Whether there is a watermark at all.</summary>
    public readonly bool HasWatermark => !_none;

    /// <summary>The allowed delay, in ticks.</summary>
    public readonly long DelayTicks => _delay;

    /// <summary>The watermark; <see cref="long.MinValue"/> before the first event.</summary>
    public long Ticks { get; private set; }

    /// <summary>The newest event time seen; <see cref="long.MinValue"/> before the first event.</summary>
    public long MaxEventTicks { get; private set; }

    /// <summary>Takes an event time in; returns whether the watermark moved (then <see cref="Ticks"/> is the new one).</summary>
    public bool Observe(long eventTicks)
    {
        if (eventTicks <= MaxEventTicks)
        {
            return false;
        }

        MaxEventTicks = eventTicks;
        return !_none && eventTicks >= long.MinValue + _delay && AdvanceTo(eventTicks - _delay);
    }

    /// <summary>Moves the watermark on to <paramref name="ticks"/> (an idle source); an earlier value does nothing.</summary>
    public bool AdvanceTo(long ticks)
    {
        if (_none || ticks <= Ticks)
        {
            return false;
        }

        Ticks = ticks;
        return true;
    }

    /// <summary>Restores a saved watermark and newest event time.</summary>
    public void Restore(long watermarkTicks, long maxEventTicks)
    {
        Ticks = watermarkTicks;
        MaxEventTicks = maxEventTicks;
    }
}

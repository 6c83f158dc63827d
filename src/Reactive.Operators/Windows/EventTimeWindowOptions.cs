using System.ComponentModel.DataAnnotations;
using System.Reactive.Concurrency;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.EventTime;

namespace Reactive.Operators.Windows;

/// <summary>
/// Options of <see cref="EventTimeWindowExtensions.WindowByEventTime{T, TKey}(IObservable{T}, EventTimeWindowOptions{T, TKey})"/>: Spark's
/// <c>groupBy(window(time, duration, slide, startOffset), key).agg(...)</c> with a watermark and an output mode.
/// The operator copies and validates them when it is built; later changes do not affect it.
/// </summary>
/// <typeparam name="T">The row type.</typeparam>
/// <typeparam name="TKey">The group key type; use <see cref="System.Reactive.Unit"/> and no <see cref="KeySelector"/> for one group.</typeparam>
public sealed class EventTimeWindowOptions<T, TKey>
{
    /// <summary>
    /// Reads a row's event time as UTC ticks (<see cref="DateTimeOffset.UtcTicks"/>); null (or ticks outside
    /// <see cref="DateTimeOffset"/>'s range, or in a window that starts or ends outside it) = no event time:
    /// the row is dropped, counted in <see cref="WindowStats.DroppedRows"/> and sent to <see cref="Rejected"/>.
    /// </summary>
    /// <value>Required; the default value is null.</value>
    public Func<T, long?>? EventTime { get; set; }

    /// <summary>Reads a row's group key; null = one group, whose key is <c>default(TKey)</c>.</summary>
    /// <value>The default value is null.</value>
    public Func<T, TKey>? KeySelector { get; set; }

    /// <summary>Compares keys for grouping.</summary>
    /// <value>The default value is null (<see cref="EqualityComparer{T}.Default"/>).</value>
    public IEqualityComparer<TKey>? KeyComparer { get; set; }

    /// <summary>Orders keys inside a window in the output.</summary>
    /// <value>
    /// The default value is null: ordinal for strings, <see cref="Comparer{T}.Default"/> for other comparable
    /// <typeparamref name="TKey"/>, otherwise the order in which keys were first seen in the window.
    /// </value>
    public IComparer<TKey>? KeyOrder { get; set; }

    /// <summary>The window length; must be positive.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan WindowDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The distance between window starts; positive, at most <see cref="WindowDuration"/>.</summary>
    /// <value>The default value is null (= <see cref="WindowDuration"/>: tumbling windows).</value>
    public TimeSpan? SlideDuration { get; set; }

    /// <summary>Shifts window starts from the Unix epoch: starts are <c>k·slide + startOffset</c>; <c>|startOffset| &lt; slide</c>.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan StartOffset { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The allowed delay: watermark = max event time seen − delay (Spark's <c>withWatermark</c>). Null = no watermark
    /// (a Spark query without <c>withWatermark</c>): no row is ever late and no window is final before the end of the
    /// input; the state is bounded by <see cref="MaxOpenWindows"/>, <see cref="MaxGroups"/> and <see cref="MaxStateRows"/>.
    /// <see cref="TimeSpan.Zero"/> is a watermark with zero delay.
    /// </summary>
    /// <value>The default value is null (no watermark).</value>
    public TimeSpan? WatermarkDelay { get; set; }

    /// <summary>
    /// Micro-batch overload only: after a batch that moved the watermark, run a batch with no data at once (Spark's
    /// no-data batch, append and update modes) so that the windows it made final come out without waiting for data.
    /// </summary>
    /// <value>The default value is true.</value>
    public bool NoDataBatches { get; set; } = true;

    /// <summary>
    /// Micro-batch overload only: whether an empty inner observable is a batch of its own (true: a one-shot run, where
    /// an empty file is a batch) or not (false: a live trigger with no data runs no batch, as Spark; it then runs only
    /// as a due no-data batch).
    /// </summary>
    /// <value>The default value is false.</value>
    public bool RunEmptyBatches { get; set; }

    /// <summary>
    /// Micro-batch overload only: what the end of the input does: <see cref="EndOfInput.Flush"/> runs one final batch
    /// in which every window is final; <see cref="EndOfInput.Keep"/> (a stopped Spark query) emits nothing more.
    /// </summary>
    /// <value>The default value is <see cref="EndOfInput.Flush"/>.</value>
    public EndOfInput AtEnd { get; set; } = EndOfInput.Flush;

    /// <summary>The aggregate columns, in result order; at least one.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<WindowAggregate<T>> Aggregates { get; } = [];

    /// <summary>The output mode.</summary>
    /// <value>The default value is <see cref="WindowOutputMode.Append"/>.</value>
    public WindowOutputMode OutputMode { get; set; } = WindowOutputMode.Append;

    /// <summary>
    /// Update and complete modes: the processing-time trigger interval on <see cref="Scheduler"/>, counted from
    /// subscription; <see cref="TimeSpan.Zero"/> = after every input row. Append mode emits when windows become final.
    /// </summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan TriggerInterval { get; set; } = TimeSpan.Zero;

    /// <summary>The idle timeout, on <see cref="Scheduler"/>'s clock (processing time). Null = never.</summary>
    /// <remarks>
    /// <para>The rule: when no row has arrived for <c>IdleTimeout</c>, at exactly the last row's arrival +
    /// <c>IdleTimeout</c>, once per quiet spell, the idle flush runs:</para>
    /// <list type="number">
    /// <item>the watermark moves to the newest event time seen (the <see cref="WatermarkDelay"/> is treated as zero while
    /// idle); never beyond it, and never by mapping processing (wall-clock) time to event time; the windows ending by
    /// then are final and emitted, as usual;</item>
    /// <item>append mode: the windows still open (they all end after the newest event) are emitted too, in one batch with
    /// <see cref="WindowUpdate{TKey}.IsProvisional"/> set, and stay open; update and complete modes emit at their trigger, as always;</item>
    /// <item>lateness is unchanged (per window, <c>end &lt;= watermark</c>), so a row not older than every row seen is
    /// never late; a row whose window ended by the newest event time is late, as before;</item>
    /// <item>a provisionally emitted window that receives a row later is emitted again when final, with all its rows;
    /// one that receives none is not emitted again: its provisional row is its final one.</item>
    /// </list>
    /// </remarks>
    /// <value>The default value is null.</value>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>The scheduler of the trigger and the idle timeout (processing time).</summary>
    /// <value>The default value is <see cref="DefaultScheduler.Instance"/>.</value>
    public IScheduler Scheduler { get; set; } = DefaultScheduler.Instance;

    /// <summary>
    /// The side output of the rows the operator turns away, each with its code and reason: a row late for a final
    /// window (code <c>late</c>, once per such window, counted in <see cref="WindowStats.LateRows"/>), and a row
    /// without event time (code <c>missing_field</c>, reason <c>"{EventTimeName}: no event time"</c>, counted in
    /// <see cref="WindowStats.DroppedRows"/>). Its exceptions become the operator's OnError.
    /// </summary>
    /// <value>The default value is null (such rows are only counted).</value>
    public IObserver<Rejected<T>>? Rejected { get; set; }

    /// <summary>The name of the event-time field, as the reason of a row without event time gives it.</summary>
    /// <value>The default value is <c>"time"</c>.</value>
    public string EventTimeName { get; set; } = "time";

    /// <summary>
    /// The state handle: the subscription starts from its <see cref="StateHandle{TSnapshot}.Initial"/> (saved by an
    /// earlier run with the same options) and <see cref="StateHandle{TSnapshot}.Save"/> snapshots it while it runs.
    /// Null: start empty, no snapshots.
    /// </summary>
    /// <value>The default value is null.</value>
    public StateHandle<WindowState<TKey>>? State { get; set; }

    /// <summary>Live progress of the subscription, written by the operator.</summary>
    /// <value>The default value is null.</value>
    public WindowStats? Stats { get; set; }

    /// <summary>The most open (not final) windows; more → OnError naming this option.</summary>
    /// <value>The default value is 100 000.</value>
    [Range(1, int.MaxValue)]
    public int MaxOpenWindows { get; set; } = 100_000;

    /// <summary>The most distinct keys in the open windows; more → OnError naming this option.</summary>
    /// <value>The default value is 100 000.</value>
    [Range(1, int.MaxValue)]
    public int MaxGroups { get; set; } = 100_000;

    /// <summary>The most state rows (window × key) in the open windows; more → OnError naming this option.</summary>
    /// <value>The default value is 1 000 000.</value>
    [Range(1, int.MaxValue)]
    public int MaxStateRows { get; set; } = 1_000_000;

    /// <summary>
    /// Complete mode: the most rows in the result table (every window × key is kept, as Spark keeps all state in complete
    /// mode); more → OnError naming this option.
    /// </summary>
    /// <value>The default value is 100 000.</value>
    [Range(1, int.MaxValue)]
    public int MaxCompleteModeRows { get; set; } = 100_000;

    /// <summary>
    /// Time-weighted averages: the most samples held in the open windows (each <c>twa</c> keeps its window's
    /// samples, in event-time order, to place out-of-order rows exactly); more → OnError naming this option.
    /// </summary>
    /// <value>The default value is 10 000 000.</value>
    [Range(1, int.MaxValue)]
    public int MaxTimeWeightedSamples { get; set; } = 10_000_000;

    /// <summary>
    /// Throws when an option, or a combination of options, is one the operator cannot run with, naming it — Spark's
    /// checks with its wording: duration &lt;= 0, slide &lt;= 0, slide &gt; duration, |startOffset| &gt;= slide; also no
    /// event time, a negative delay or trigger, a non-positive idle timeout or bound, no aggregate, an unknown mode.
    /// </summary>
    /// <exception cref="OptionValidationException">An option is invalid; <see cref="OptionValidationException.OptionName"/> names it.</exception>
    public void Validate()
    {
        const string Options = "EventTimeWindowOptions";
        if (EventTime is null)
        {
            throw new OptionValidationException(nameof(EventTime), $"{Options}.{nameof(EventTime)} is required: it reads a row's event time.");
        }

        if (Scheduler is null)
        {
            throw new OptionValidationException(nameof(Scheduler), $"{Options}.{nameof(Scheduler)} is required (processing time of the trigger and the idle timeout).");
        }

        if (EventTimeName is null)
        {
            throw new OptionValidationException(nameof(EventTimeName), $"{Options}.{nameof(EventTimeName)} is required (it names the field in the reason of a row without event time).");
        }

        var duration = WindowDuration.Ticks;
        var slide = (SlideDuration ?? WindowDuration).Ticks;
        var offset = StartOffset.Ticks;

        // Spark's TimeWindow checks, with its wording.
        if (duration <= 0)
        {
            throw new OptionValidationException(nameof(WindowDuration), $"The window duration ({WindowDuration}) must be greater than 0.");
        }

        if (slide <= 0)
        {
            throw new OptionValidationException(nameof(SlideDuration), $"The slide duration ({SlideDuration}) must be greater than 0.");
        }

        if (slide > duration)
        {
            throw new OptionValidationException(nameof(SlideDuration), $"The slide duration ({SlideDuration}) must be less than or equal to the window duration ({WindowDuration}).");
        }

        if (Math.Abs(offset) >= slide)
        {
            throw new OptionValidationException(nameof(StartOffset), $"The absolute value of the start offset ({StartOffset}) must be less than the slide duration ({TimeSpan.FromTicks(slide)}).");
        }

        if (WatermarkDelay is { } delay && delay < TimeSpan.Zero)
        {
            throw new OptionValidationException(nameof(WatermarkDelay), $"The watermark delay ({WatermarkDelay}) must not be negative.");
        }

        if (TriggerInterval < TimeSpan.Zero)
        {
            throw new OptionValidationException(nameof(TriggerInterval), $"The trigger interval ({TriggerInterval}) must not be negative (zero = after every row).");
        }

        if (IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new OptionValidationException(nameof(IdleTimeout), $"The idle timeout ({idle}) must be positive (or null for none).");
        }

        if (!Enum.IsDefined(AtEnd))
        {
            throw new OptionValidationException(nameof(AtEnd), $"Unknown end-of-input behaviour {AtEnd}.");
        }

        if (!Enum.IsDefined(OutputMode))
        {
            throw new OptionValidationException(nameof(OutputMode), $"Unknown output mode {OutputMode}.");
        }

        if (Aggregates.Count == 0)
        {
            throw new OptionValidationException(nameof(Aggregates), $"{Options}.{nameof(Aggregates)} needs at least one aggregate, for example count.");
        }

        if (Aggregates.Any(a => a is null))
        {
            throw new OptionValidationException(nameof(Aggregates), $"{Options}.{nameof(Aggregates)} holds a null aggregate.");
        }

        CheckBound(MaxOpenWindows, nameof(MaxOpenWindows));
        CheckBound(MaxGroups, nameof(MaxGroups));
        CheckBound(MaxStateRows, nameof(MaxStateRows));
        CheckBound(MaxCompleteModeRows, nameof(MaxCompleteModeRows));
        CheckBound(MaxTimeWeightedSamples, nameof(MaxTimeWeightedSamples));

        if (State?.Initial is { } state)
        {
            if (state.Version != WindowState<TKey>.CurrentVersion)
            {
                throw new OptionValidationException(nameof(State), $"{Options}.{nameof(State)} holds a version {state.Version} snapshot; this operator reads version {WindowState<TKey>.CurrentVersion}.");
            }

            if (state.Entries.Any(e => e.Aggregates.Count != Aggregates.Count))
            {
                throw new OptionValidationException(nameof(State), $"{Options}.{nameof(State)} was saved with another aggregate list than the {Aggregates.Count} aggregate(s) of these options.");
            }
        }
    }

    private static void CheckBound(int value, string name)
    {
        if (value <= 0)
        {
            throw new OptionValidationException(name, $"{name} must be positive (it is {value}).");
        }
    }
}

/// <summary>What the micro-batch event-time window operator does when its input ends.</summary>
public enum EndOfInput
{
    /// <summary>One final batch in which every window is final (the end of a finite input).</summary>
    Flush,

    /// <summary>Nothing more: the windows not final stay unemitted (a stopped Spark query).</summary>
    Keep,
}

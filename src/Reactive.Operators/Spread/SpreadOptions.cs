using Reactive.Operators.EventTime;

namespace Reactive.Operators.Spread;

/// <summary>Options of the bid/ask spread aggregation (<see cref="SpreadAggregator"/> and <see cref="SpreadObservableExtensions.Spread{T}(IObservable{T}, SpreadOptions, Func{T, long}, Func{T, double}, Func{T, double}, System.Reactive.Concurrency.IScheduler, IObserver{DeadLetters.Rejected{T}}?)"/>).</summary>
public sealed class SpreadOptions
{
    /// <summary>
    /// How far behind the newest quote time the watermark trails. A second window is final, and
    /// emitted, once its end is at or before the watermark; a quote whose second is already final is late.
    /// </summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/> (quote feeds arrive in time order).</value>
    public TimeSpan WatermarkDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether locked (ask = bid) and crossed (ask &lt; bid) quotes enter the window statistics, as a
    /// plain Spark aggregation would. When false they are still counted (<see cref="SpreadResult.Count"/>,
    /// <see cref="SpreadResult.LockedCount"/>, <see cref="SpreadResult.CrossedCount"/>) but excluded
    /// from the averages, minimum, maximum, last value and from the time weighting.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeLockedAndCrossed { get; set; } = true;

    /// <summary>Whether per-second windows are emitted.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EmitSeconds { get; set; } = true;

    /// <summary>Whether per-minute windows are emitted.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EmitMinutes { get; set; } = true;

    /// <summary>
    /// The most quotes held while their second is not final yet (they are kept in time order to weight
    /// spreads by time). Exceeding it fails the stream with a message naming this option.
    /// </summary>
    /// <value>The default value is 1,000,000.</value>
    public int MaxPendingQuotes { get; set; } = 1_000_000;

    /// <summary>
    /// For the Rx <see cref="SpreadObservableExtensions.Spread{T}(IObservable{T}, SpreadOptions, Func{T, long}, Func{T, double}, Func{T, double}, System.Reactive.Concurrency.IScheduler, IObserver{DeadLetters.Rejected{T}}?)"/>:
    /// the idle timeout, on its scheduler's clock (processing time). Null: the watermark moves with quotes only.
    /// </summary>
    /// <remarks>
    /// <para>The rule: when no quote has arrived for <c>IdleTimeout</c>, at exactly the last quote's arrival +
    /// <c>IdleTimeout</c>, once per quiet spell, the idle flush runs:</para>
    /// <list type="number">
    /// <item>the watermark moves to the newest quote time seen (the <see cref="WatermarkDelay"/> is treated as zero while
    /// idle); never beyond it, and never by mapping processing (wall-clock) time to event time; every second and minute
    /// ending by then is final and emitted, as usual;</item>
    /// <item>the windows still open — the newest quote's second and its minute, which end after it — are emitted too,
    /// with <see cref="SpreadResult.IsProvisional"/> set, and stay open;</item>
    /// <item>lateness is unchanged: a quote is late only when its second is final, so a quote not older than every
    /// quote seen is never late; a quote older than the newest quote's second is late, as before;</item>
    /// <item>a provisional window that receives a quote later is emitted again when final, with all its quotes (its
    /// time weighting as if there had been no pause); one that receives none is not emitted again: its provisional
    /// result is its final one.</item>
    /// </list>
    /// <para>So a pause between minutes gives exactly the windows of the same feed without the pause; a pause inside a
    /// minute gives that minute (and the newest second, when the feed resumes inside it) once provisionally and once final.</para>
    /// </remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// For the Rx <see cref="SpreadObservableExtensions.Spread{T}(IObservable{T}, SpreadOptions, Func{T, long}, Func{T, double}, Func{T, double}, System.Reactive.Concurrency.IScheduler, IObserver{DeadLetters.Rejected{T}}?)"/>:
    /// the state handle: the subscription starts from its <see cref="StateHandle{TSnapshot}.Initial"/> snapshot (saved by an
    /// earlier run, so a restarted pipeline goes on where the saved one stopped) and <see cref="StateHandle{TSnapshot}.Save"/>
    /// snapshots it while it runs. Null: start empty, no snapshots.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public StateHandle<SpreadState>? State { get; set; }

    /// <summary>Throws when an option, or a combination of options, is one the aggregation cannot run with, naming it.</summary>
    /// <exception cref="OptionValidationException">An option is invalid; <see cref="OptionValidationException.OptionName"/> names it.</exception>
    public void Validate()
    {
        if (WatermarkDelay < TimeSpan.Zero)
        {
            throw new OptionValidationException(nameof(WatermarkDelay), $"SpreadOptions.WatermarkDelay must be zero or positive (it is {WatermarkDelay}).");
        }

        if (IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new OptionValidationException(nameof(IdleTimeout), $"SpreadOptions.IdleTimeout must be positive (or null for none); it is {idle}.");
        }

        if (MaxPendingQuotes < 1)
        {
            throw new OptionValidationException(nameof(MaxPendingQuotes), $"SpreadOptions.MaxPendingQuotes must be at least 1 (it is {MaxPendingQuotes}).");
        }

        if (!EmitSeconds && !EmitMinutes)
        {
            throw new OptionValidationException(nameof(EmitMinutes), "SpreadOptions: at least one of EmitSeconds and EmitMinutes must be true (with both false nothing is ever emitted).");
        }

        if (State?.Initial is { } state && state.WatermarkDelayTicks != WatermarkDelay.Ticks)
        {
            throw new OptionValidationException(nameof(State), $"SpreadOptions.State was saved with a watermark delay of {TimeSpan.FromTicks(state.WatermarkDelayTicks)}, not {WatermarkDelay}: restore it with the options it was saved with.");
        }
    }
}

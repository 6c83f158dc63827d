using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Trading;

/// <summary>The trading rule: rates, their window averages and the gates in; order decisions and the paper account out.</summary>
public static class TradingRule
{
    /// <summary>
    /// Runs the trading rule (mean reversion, within the risk limits of <paramref name="options"/>) over the rates of
    /// <see cref="TradingOptions.Currency"/>: each rate is combined (<c>WithLatestFrom</c>) with the newest window average and
    /// the newest anomaly and spread signals (<c>CombineLatest</c>), and gives one <see cref="TradingStep"/> — the decision
    /// when the rate fired the signal (an order, or a skipped decision saying which limits blocked it) and the paper
    /// account after it, marked to market at the rate.
    /// </summary>
    /// <remarks>
    /// <para>No I/O and no clock: time is the rates' event time only, so a replay of the same inputs in the same order
    /// gives the same steps and the same decision ids. Each subscription has its own paper account.</para>
    /// <para>The newest average is the one whose window ends last (an update of the same window replaces it); averages
    /// and signals are in force from their arrival, so their order against the rates matters, as in a live run. Rates of
    /// other currencies, and averages that are not positive finite numbers, are ignored. The steps end when the rates
    /// end; an error of any input ends them with it.</para>
    /// <para>With <see cref="TradingOptions.State"/>, the subscription starts from a saved <see cref="TradingState"/> and can
    /// be snapshotted between rates, so a restart keeps the account, the cooldown, the hourly count and the gates.</para>
    /// </remarks>
    /// <param name="rates">The rates, in event-time order.</param>
    /// <param name="averages">The window averages (the bitcoin pipeline's results).</param>
    /// <param name="options">The options (validated and copied here).</param>
    /// <param name="anomalies">Anomalies, which block buying for <see cref="TradingOptions.AnomalyHold"/>; null: none.</param>
    /// <param name="spreads">Spread signals, which block orders while above <see cref="TradingOptions.MaxSpread"/>; null: none.</param>
    /// <param name="rejected">
    /// The side output of the rates turned away — not a positive finite number (<c>bad_price</c>), older than the newest
    /// (<c>out_of_order</c>) — which change nothing; null: they are dropped. Its exceptions become OnError.
    /// </param>
    /// <returns>One step per rate taken.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="OptionValidationException">An option is invalid.</exception>
    public static IObservable<TradingStep> Trade(
        this IObservable<RateTick> rates,
        IObservable<WindowAverage> averages,
        TradingOptions options,
        IObservable<AnomalySignal>? anomalies = null,
        IObservable<SpreadSignal>? spreads = null,
        IObserver<Rejected<RateTick>>? rejected = null)
    {
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(averages);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var o = options.Snapshot();
        var currency = o.Currency;

        return Observable.Defer(() =>
        {
            var book = new TradingBook(o);
            var context = default(TradingContext);
            if (o.State?.Initial is { } initial)
            {
                book.Load(initial);
                context = new TradingContext(initial.Average, initial.Anomaly, initial.Spread);
            }

            // The context the book would see now, for a snapshot taken between rates.
            var latest = context;
            Func<TradingState> save = () => book.Save(latest);
            o.State?.Attach(save);
            return rates
                .Where(r => string.Equals(r.Currency, currency, StringComparison.Ordinal))
                .WithLatestFrom(Context(averages, anomalies, spreads, currency, context).Do(c => latest = c), static (rate, ctx) => (rate, ctx))
                .Select(x =>
                {
                    // Select sends what this throws (the rejected observer's exceptions) down as OnError.
                    var step = book.OnRate(x.rate, x.ctx, out var rejection);
                    if (step is null)
                    {
                        rejected?.OnNext(new Rejected<RateTick>(x.rate, rejection.Code, rejection.Reason));
                    }

                    return step;
                })
                .Where(static s => s is not null)
                .Select(static s => s!)
                .Finally(() => o.State?.Detach(save));
        });
    }

    /// <summary>The decisions of the steps (orders and skipped decisions), in order.</summary>
    /// <param name="steps">The rule's steps.</param>
    /// <returns>The decisions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is null.</exception>
    public static IObservable<OrderDecision> Decisions(this IObservable<TradingStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Where(static s => s.Decision is not null).Select(static s => s.Decision!);
    }

    /// <summary>The orders of the steps (the decisions to place), in order.</summary>
    /// <param name="steps">The rule's steps.</param>
    /// <returns>The orders.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is null.</exception>
    public static IObservable<OrderDecision> Orders(this IObservable<TradingStep> steps) =>
        steps.Decisions().Where(static d => d.IsOrder);

    // The newest average (of the currency, a positive finite number), anomaly and spread, combined; each starts as it
    // was saved (or as none seen), so the first rate does not wait for them.
    private static IObservable<TradingContext> Context(
        IObservable<WindowAverage> averages,
        IObservable<AnomalySignal>? anomalies,
        IObservable<SpreadSignal>? spreads,
        string currency,
        TradingContext initial)
    {
        var average = averages
            .Where(a => string.Equals(a.Currency, currency, StringComparison.Ordinal) && a.Average > 0 && double.IsFinite(a.Average))
            .Scan(initial.Average, static (held, next) => held is { } h && IsOlder(next, h) ? h : next)
            .StartWith(initial.Average);
        var anomaly = (anomalies ?? Observable.Never<AnomalySignal>())
            .Scan(initial.Anomaly, static (held, next) => held is { } h && next.TimestampTicks < h.TimestampTicks ? h : next)
            .StartWith(initial.Anomaly);
        var spread = (spreads ?? Observable.Never<SpreadSignal>())
            .Select(static s => (SpreadSignal?)s)
            .StartWith(initial.Spread);
        return Observable.CombineLatest(average, anomaly, spread, static (a, n, s) => new TradingContext(a, n, s));
    }

    // An average is older when its window ends earlier (or ends together and starts earlier).
    private static bool IsOlder(WindowAverage a, WindowAverage b) =>
        a.WindowEndTicks < b.WindowEndTicks || (a.WindowEndTicks == b.WindowEndTicks && a.WindowStartTicks < b.WindowStartTicks);
}

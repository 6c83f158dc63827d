using System.Globalization;
using System.Reactive.Subjects;
using System.Text;
using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Trading;

/// <summary>What a <see cref="TradingInput"/> holds.</summary>
public enum TradingInputKind
{
    /// <summary>A <see cref="RateTick"/>.</summary>
    Rate,

    /// <summary>A <see cref="WindowAverage"/>.</summary>
    Average,

    /// <summary>An <see cref="AnomalySignal"/>.</summary>
    Anomaly,

    /// <summary>A <see cref="SpreadSignal"/>.</summary>
    Spread,
}

/// <summary>One input of a backtest: a rate, an average, an anomaly or a spread, in the order they arrived.</summary>
public readonly record struct TradingInput
{
    private TradingInput(TradingInputKind kind, RateTick rate = default, WindowAverage average = default, AnomalySignal anomaly = default, SpreadSignal spread = default)
    {
        Kind = kind;
        Rate = rate;
        Average = average;
        Anomaly = anomaly;
        Spread = spread;
    }

    /// <summary>Which of the inputs this is; the others are default.</summary>
    public TradingInputKind Kind { get; }

    /// <summary>The rate, when <see cref="Kind"/> is <see cref="TradingInputKind.Rate"/>.</summary>
    public RateTick Rate { get; }

    /// <summary>The average, when <see cref="Kind"/> is <see cref="TradingInputKind.Average"/>.</summary>
    public WindowAverage Average { get; }

    /// <summary>The anomaly, when <see cref="Kind"/> is <see cref="TradingInputKind.Anomaly"/>.</summary>
    public AnomalySignal Anomaly { get; }

    /// <summary>The spread, when <see cref="Kind"/> is <see cref="TradingInputKind.Spread"/>.</summary>
    public SpreadSignal Spread { get; }

    /// <summary>A rate.</summary>
    public static TradingInput Of(RateTick rate) => new(TradingInputKind.Rate, rate: rate);

    /// <summary>A window average.</summary>
    public static TradingInput Of(WindowAverage average) => new(TradingInputKind.Average, average: average);

    /// <summary>An anomaly.</summary>
    public static TradingInput Of(AnomalySignal anomaly) => new(TradingInputKind.Anomaly, anomaly: anomaly);

    /// <summary>A spread.</summary>
    public static TradingInput Of(SpreadSignal spread) => new(TradingInputKind.Spread, spread: spread);
}

/// <summary>
/// The report of a trading run over a finite input (paper account): final balances, P&amp;L against buy-and-hold, orders,
/// fees and maximum drawdown. The values that need a rate are null when there was none.
/// </summary>
/// <param name="Rates">Rates taken (rejected ones not counted).</param>
/// <param name="Orders">Orders placed.</param>
/// <param name="Buys">Buy orders.</param>
/// <param name="Sells">Sell orders.</param>
/// <param name="Skipped">Signals a limit or gate skipped.</param>
/// <param name="StartingEuro">The euro at the start (of a resumed run: at the restart).</param>
/// <param name="StartingBitcoin">The bitcoin at the start (of a resumed run: at the restart).</param>
/// <param name="FinalEuro">The euro at the end.</param>
/// <param name="FinalBitcoin">The bitcoin at the end.</param>
/// <param name="FirstRate">The first rate.</param>
/// <param name="LastRate">The last rate.</param>
/// <param name="StartingValue">Starting euro + starting bitcoin × first rate (for a resumed run, not the account's original starting value).</param>
/// <param name="FinalValue">Final euro + final bitcoin × last rate.</param>
/// <param name="ProfitAndLoss">Final value − starting value.</param>
/// <param name="BuyAndHoldValue">
/// The value at the last rate had all the starting euro bought bitcoin at the first rate (one order, with the fee:
/// euro / (first rate × (1 + fee rate)) bitcoin, not rounded) besides the starting bitcoin.
/// </param>
/// <param name="BuyAndHoldProfitAndLoss">Buy-and-hold value − starting value.</param>
/// <param name="FeesPaid">The fees of all orders, in euro.</param>
/// <param name="MaxDrawdown">The largest fall of the value (marked at each rate) from its highest before, in euro.</param>
/// <param name="MaxDrawdownFraction">The largest such fall as a fraction of that highest value (0 when the value never fell).</param>
public sealed record TradingReport(
    int Rates,
    int Orders,
    int Buys,
    int Sells,
    int Skipped,
    double StartingEuro,
    double StartingBitcoin,
    double FinalEuro,
    double FinalBitcoin,
    double? FirstRate,
    double? LastRate,
    double? StartingValue,
    double? FinalValue,
    double? ProfitAndLoss,
    double? BuyAndHoldValue,
    double? BuyAndHoldProfitAndLoss,
    double FeesPaid,
    double MaxDrawdown,
    double MaxDrawdownFraction)
{
    /// <summary>
    /// The report of the steps of one run of <see cref="TradingRule.Trade"/> with <paramref name="options"/>. It is computed
    /// from the steps' rates and decisions, not from their paper accounts' running figures, so it can be compared with them.
    /// A run resumed from a saved <see cref="TradingOptions.State"/> is reported from the balances it resumed with, over
    /// its own steps.
    /// </summary>
    /// <param name="steps">The steps, in order.</param>
    /// <param name="options">The options of the run (starting balances and fee rate).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static TradingReport From(IEnumerable<TradingStep> steps, TradingOptions options)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(options);
        int rates = 0, buys = 0, sells = 0, skipped = 0;
        var (startEuro, startBitcoin) = options.State?.Initial is { } state ? (state.Euro, state.Bitcoin) : (options.StartingEuro, options.StartingBitcoin);
        double euro = startEuro, bitcoin = startBitcoin, fees = 0;
        double first = 0, last = 0, start = 0, peak = 0, maxDrawdown = 0, maxFraction = 0;
        foreach (var step in steps)
        {
            last = step.Rate.Rate;
            if (rates++ == 0)
            {
                first = last;
                start = euro + (bitcoin * first);
                peak = start;
            }

            if (step.Decision is { } d)
            {
                if (!d.IsOrder)
                {
                    skipped++;
                }
                else if (d.Side == OrderSide.Buy)
                {
                    buys++;
                    euro -= (d.Amount * d.Price) + d.Fee;
                    bitcoin += d.Amount;
                }
                else
                {
                    sells++;
                    euro += (d.Amount * d.Price) - d.Fee;
                    bitcoin -= d.Amount;
                }

                fees += d.Fee;
            }

            var value = euro + (bitcoin * last);
            peak = Math.Max(peak, value);
            maxDrawdown = Math.Max(maxDrawdown, peak - value);
            if (peak > 0)
            {
                maxFraction = Math.Max(maxFraction, (peak - value) / peak);
            }
        }

        if (rates == 0)
        {
            return new TradingReport(0, 0, 0, 0, 0, startEuro, startBitcoin, euro, bitcoin, null, null, null, null, null, null, null, 0, 0, 0);
        }

        var final = euro + (bitcoin * last);
        var hold = (startBitcoin + (startEuro / (first * (1 + options.FeeRate)))) * last;
        return new TradingReport(
            rates,
            buys + sells,
            buys,
            sells,
            skipped,
            startEuro,
            startBitcoin,
            euro,
            bitcoin,
            first,
            last,
            start,
            final,
            final - start,
            hold,
            hold - start,
            fees,
            maxDrawdown,
            maxFraction);
    }

    /// <summary>The report as lines of text, for a console.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.Append(c, $"rates {Rates}, orders {Orders} ({Buys} buy, {Sells} sell), skipped {Skipped}").AppendLine();
        sb.Append(c, $"balances: euro {StartingEuro} -> {FinalEuro:0.########}, bitcoin {StartingBitcoin} -> {FinalBitcoin:0.########}").AppendLine();
        if (FirstRate is not null)
        {
            sb.Append(c, $"rate {FirstRate} -> {LastRate}; value {StartingValue:0.##} -> {FinalValue:0.##}").AppendLine();
            sb.Append(c, $"P&L {ProfitAndLoss:0.##}; buy-and-hold P&L {BuyAndHoldProfitAndLoss:0.##}").AppendLine();
        }

        sb.Append(c, $"fees {FeesPaid:0.##}; maximum drawdown {MaxDrawdown:0.##} ({MaxDrawdownFraction * 100:0.##}%)");
        return sb.ToString();
    }
}

/// <summary>The outcome of <see cref="TradingBacktest.Run"/>.</summary>
/// <param name="Steps">One step per rate taken.</param>
/// <param name="Decisions">The decisions (orders and skipped), in order.</param>
/// <param name="Rejected">The rates turned away, with why.</param>
/// <param name="Report">The report.</param>
public sealed record TradingBacktestResult(
    IReadOnlyList<TradingStep> Steps,
    IReadOnlyList<OrderDecision> Decisions,
    IReadOnlyList<Rejected<RateTick>> Rejected,
    TradingReport Report);

/// <summary>A backtest: the trading rule over a recorded, finite input, in paper mode.</summary>
public static class TradingBacktest
{
    /// <summary>
    /// Runs <see cref="TradingRule.Trade"/> over <paramref name="inputs"/>, fed one at a time in their order (the order they
    /// arrived in, which decides which average and signals each rate sees), and reports. Deterministic: the same inputs and
    /// options give the same steps, decision ids and report.
    /// </summary>
    /// <param name="inputs">The inputs, in arrival order.</param>
    /// <param name="options">The options (validated here).</param>
    /// <returns>The steps, decisions, rejected rates and report.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionValidationException">An option is invalid.</exception>
    public static TradingBacktestResult Run(IEnumerable<TradingInput> inputs, TradingOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        using var feed = new TradingFeed();
        var steps = new List<TradingStep>();
        var rejected = new List<Rejected<RateTick>>();
        Exception? error = null;
        using (feed.Trade(options, new Collector<Rejected<RateTick>>(rejected)).Subscribe(steps.Add, e => error = e))
        {
            foreach (var input in inputs)
            {
                feed.Push(input);
                if (error is not null)
                {
                    break;
                }
            }

            feed.Rates.OnCompleted();
        }

        if (error is not null)
        {
            throw new InvalidOperationException("The trading rule failed during the backtest: " + error.Message, error);
        }

        var decisions = steps.Where(s => s.Decision is not null).Select(s => s.Decision!).ToList();
        return new TradingBacktestResult(steps, decisions, rejected, TradingReport.From(steps, options));
    }

    private sealed class Collector<T>(List<T> list) : IObserver<T>
    {
        public void OnNext(T value) => list.Add(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}

/// <summary>The rule's four inputs as subjects, fed one recorded input at a time (the backtest; tests that save state mid-run).</summary>
internal sealed class TradingFeed : IDisposable
{
    public Subject<RateTick> Rates { get; } = new();

    public Subject<WindowAverage> Averages { get; } = new();

    public Subject<AnomalySignal> Anomalies { get; } = new();

    public Subject<SpreadSignal> Spreads { get; } = new();

    /// <summary>The rule over the four subjects.</summary>
    public IObservable<TradingStep> Trade(TradingOptions options, IObserver<Rejected<RateTick>>? rejected = null) =>
        Rates.Trade(Averages, options, Anomalies, Spreads, rejected);

    /// <summary>Sends an input to its subject.</summary>
    public void Push(TradingInput input)
    {
        switch (input.Kind)
        {
            case TradingInputKind.Rate:
                Rates.OnNext(input.Rate);
                break;
            case TradingInputKind.Average:
                Averages.OnNext(input.Average);
                break;
            case TradingInputKind.Anomaly:
                Anomalies.OnNext(input.Anomaly);
                break;
            default:
                Spreads.OnNext(input.Spread);
                break;
        }
    }

    public void Dispose()
    {
        Rates.Dispose();
        Averages.Dispose();
        Anomalies.Dispose();
        Spreads.Dispose();
    }
}

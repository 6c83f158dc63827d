using System.Diagnostics.Metrics;
using Reactive.Host.Metrics;
using Reactive.Operators.Trading;

namespace Reactive.Host.Trading;

/// <summary>
/// The trading instruments, on the service's meter (<see cref="ReactiveMetrics.MeterName"/>, so <c>/metrics</c> exports
/// them as it does the others): decisions, orders by side and status, skipped signals by the limit that blocked them,
/// and per pipeline the paper P&amp;L, the position and the open orders.
/// </summary>
internal sealed class TradingMetrics
{
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _orders;
    private readonly Counter<long> _skipped;

    /// <summary>Creates the instruments; the gauges read <paramref name="desks"/> when collected.</summary>
    public TradingMetrics(IMeterFactory meterFactory, Func<IEnumerable<TradingDesk>> desks)
    {
        var meter = meterFactory.Create(ReactiveMetrics.MeterName);
        _decisions = meter.CreateCounter<long>("reactive.trading.decisions", "{decision}", "Decisions of the trading rule, by outcome (order, skipped) and side.");
        _orders = meter.CreateCounter<long>("reactive.trading.orders", "{order}", "Orders settled by the executor, each once, by side and final status (executed, rejected, reconciled_executed, reconciled_not_executed); orders still unknown are in open_orders.");
        _skipped = meter.CreateCounter<long>("reactive.trading.skipped", "{decision}", "Signals skipped, by each limit or gate that blocked them.");
        meter.CreateObservableGauge("reactive.trading.paper_pnl", () => Each(desks(), d => d.Gauges().ProfitAndLoss), null, "The paper account's P&L (value at the newest rate − starting value).");
        meter.CreateObservableGauge("reactive.trading.position", () => Each(desks(), d => d.Gauges().Position), "{bitcoin}", "The bitcoin held (the executor's balance, else the paper account's).");
        meter.CreateObservableGauge("reactive.trading.open_orders", () => Each(desks(), d => d.Gauges().Open), "{order}", "Orders decided and not answered yet, or whose outcome is unknown.");
    }

    /// <summary>Counts a decision (and, when skipped, each limit that blocked it).</summary>
    public void Decided(string pipeline, OrderDecision d)
    {
        var side = TradingDesk.Side(d.Side);
        _decisions.Add(1, new("pipeline", pipeline), new("outcome", d.IsOrder ? "order" : "skipped"), new("side", side));
        if (!d.IsOrder)
        {
            foreach (var check in d.Checks)
            {
                if (check.Outcome == LimitOutcome.Blocked)
                {
                    _skipped.Add(1, new("pipeline", pipeline), new("limit", check.Limit), new("side", side));
                }
            }
        }
    }

    /// <summary>Counts an order's final outcome (the desk calls it once per order).</summary>
    public void Executed(string pipeline, OrderExecution e) =>
        _orders.Add(1, new("pipeline", pipeline), new("side", TradingDesk.Side(e.Side)), new("status", OrderOutcomeView.StatusName(e.Status)));

    private static IEnumerable<Measurement<double>> Each(IEnumerable<TradingDesk> desks, Func<TradingDesk, double?> value)
    {
        foreach (var desk in desks)
        {
            if (value(desk) is { } v)
            {
                yield return new Measurement<double>(v, new KeyValuePair<string, object?>("pipeline", desk.Pipeline));
            }
        }
    }
}

using System.Diagnostics.Metrics;
using Reactive.Host.Metrics;

namespace Reactive.Host.Wallet;

/// <summary>
/// The wallet client's instruments on the service's meter (<see cref="ReactiveMetrics.MeterName"/>), plain
/// <see cref="System.Diagnostics.Metrics"/> instruments created once. Tags carry operations, outcomes and states only:
/// never a user, a key or an address.
/// </summary>
public sealed class WalletMetrics
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _circuit;
    private readonly Counter<long> _orders;
    private readonly Counter<long> _reconciliations;

    /// <summary>Creates the instruments.</summary>
    public WalletMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ReactiveMetrics.MeterName);
        _requests = meter.CreateCounter<long>("reactive.wallet.requests", "{request}", "Calls of the wallet API by operation (info, buy, sell) and outcome (ok, rejected, error, timeout, unreachable, circuit_open).");
        _duration = meter.CreateHistogram<double>("reactive.wallet.request_duration", "s", "Time of one call of the wallet API, retries included, by operation.");
        _retries = meter.CreateCounter<long>("reactive.wallet.retries", "{retry}", "Retries of info (buy and sell are never retried blind).");
        _timeouts = meter.CreateCounter<long>("reactive.wallet.timeouts", "{timeout}", "Calls given up by timeout, by kind (attempt, total).");
        _circuit = meter.CreateCounter<long>("reactive.wallet.circuit_transitions", "{transition}", "Circuit-breaker transitions, by state (opened, half_opened, closed).");
        _orders = meter.CreateCounter<long>("reactive.wallet.orders", "{order}", "Order decisions the wallet executor settled, by side and status.");
        _reconciliations = meter.CreateCounter<long>("reactive.wallet.reconciliations", "{reconciliation}", "Orders of unknown outcome compared with info, by finding (executed, not_executed, unknown).");
    }

    internal void Request(string operation, string outcome, TimeSpan duration)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
    }

    internal void Retry(string operation) => _retries.Add(1, new KeyValuePair<string, object?>("operation", operation));

    internal void Timeout(string kind) => _timeouts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    internal void Circuit(string state) => _circuit.Add(1, new KeyValuePair<string, object?>("state", state));

    internal void Order(string side, string status) =>
        _orders.Add(1, new KeyValuePair<string, object?>("side", side), new KeyValuePair<string, object?>("status", status));

    internal void Reconciled(string finding) => _reconciliations.Add(1, new KeyValuePair<string, object?>("finding", finding));
}

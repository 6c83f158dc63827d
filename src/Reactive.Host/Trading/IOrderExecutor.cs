using Reactive.Operators.Trading;

namespace Reactive.Host.Trading;

/// <summary>The wallet balances as the wallet API's <c>info</c> reports them (or as the paper account books them).</summary>
/// <param name="Bitcoin">The bitcoin balance.</param>
/// <param name="Euro">The euro balance.</param>
public readonly record struct WalletBalances(double Bitcoin, double Euro);

/// <summary>What became of an order decision sent to a wallet.</summary>
public enum OrderStatus
{
    /// <summary>The wallet executed it and said so.</summary>
    Executed,

    /// <summary>The wallet refused it (a 4xx: insufficient funds, bad amount, …); balances unchanged.</summary>
    Rejected,

    /// <summary>The outcome was unknown (timeout, 5xx, crash); reading <c>info</c> against the journal showed it executed.</summary>
    ReconciledExecuted,

    /// <summary>The outcome was unknown; reading <c>info</c> against the journal showed it did not execute (it may then be resent under the same id).</summary>
    ReconciledNotExecuted,

    /// <summary>Still unknown (the wallet unreachable): left open in the journal, reconciled before anything else is sent.</summary>
    Unknown,
}

/// <summary>The outcome of one order decision.</summary>
/// <param name="DecisionId">The decision's deterministic id (<see cref="OrderDecision.Id"/>), also the <c>Idempotency-Key</c>.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Amount">The bitcoin amount.</param>
/// <param name="Status">What became of it.</param>
/// <param name="Detail">The wallet's answer or the reconciliation's finding, one line, with no secret in it.</param>
/// <param name="Attempts">How many requests were sent for it (1 unless reconciled and resent).</param>
/// <param name="Balances">The balances after it, when known.</param>
public sealed record OrderExecution(string DecisionId, OrderSide Side, double Amount, OrderStatus Status, string Detail, int Attempts, WalletBalances? Balances);

/// <summary>
/// Places the trading rule's orders: the paper account (<c>paper</c> mode), or the wallet API through the journaled,
/// idempotent wallet client (<c>simulator</c> and <c>live</c> modes). Never places one decision twice.
/// </summary>
public interface IOrderExecutor
{
    /// <summary><c>paper</c>, <c>simulator</c> or <c>live</c>.</summary>
    string Mode { get; }

    /// <summary>
    /// How often the trading desk settles the orders left open (<see cref="OrderStatus.Unknown"/>) through
    /// <see cref="RecoverAsync"/> while no newer order comes, or null when an executor never leaves one open.
    /// </summary>
    TimeSpan? ReconcileInterval { get; }

    /// <summary>
    /// Finishes or reconciles what an earlier run left open (journaled, outcome unknown) before any new order is sent;
    /// called at start, and again by the trading desk while an order's outcome is still unknown: before a newer order,
    /// and every <see cref="ReconcileInterval"/> while none comes.
    /// </summary>
    Task<IReadOnlyList<OrderExecution>> RecoverAsync(CancellationToken cancellationToken);

    /// <summary>Places one order decision (<see cref="OrderDecision.IsOrder"/>); a decision id seen before returns its first outcome.</summary>
    Task<OrderExecution> ExecuteAsync(OrderDecision decision, CancellationToken cancellationToken);

    /// <summary>The current balances (the paper account, or the wallet's <c>info</c>).</summary>
    Task<WalletBalances> BalancesAsync(CancellationToken cancellationToken);
}

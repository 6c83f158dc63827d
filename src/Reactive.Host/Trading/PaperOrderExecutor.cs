using System.Globalization;
using Reactive.Operators.Trading;

namespace Reactive.Host.Trading;

/// <summary>
/// The <c>paper</c> mode's executor: books each order in a paper account in memory, as the trading rule's own paper
/// account does (a buy pays amount × price + fee, a sell gets amount × price − fee), so its balances follow the rule's
/// decisions. An order it cannot pay for (the euro or bitcoin is not there) is rejected, balances unchanged. A decision id
/// booked before returns its first outcome (the last <see cref="RememberedIds"/> ids are remembered: a restart re-runs
/// one batch at most).
/// </summary>
internal sealed class PaperOrderExecutor : IOrderExecutor
{
    /// <summary>How many decision ids are remembered for idempotency.</summary>
    public const int RememberedIds = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, OrderExecution> _done = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly int _decimals;
    private double _euro;
    private double _bitcoin;

    /// <summary>Starts with the given balances.</summary>
    /// <param name="balances">The starting balances.</param>
    /// <param name="amountDecimals">The bitcoin balance is rounded to this many decimals after each order, as the rule's.</param>
    public PaperOrderExecutor(WalletBalances balances, int amountDecimals = TradingOptions.MaxAmountDecimals)
    {
        _euro = balances.Euro;
        _bitcoin = balances.Bitcoin;
        _decimals = amountDecimals;
    }

    /// <inheritdoc />
    public string Mode => "paper";

    /// <inheritdoc/>
    /// <value>None: a paper order is booked or refused at once, never left open.</value>
    public TimeSpan? ReconcileInterval => null;

    /// <summary>
    /// The executor of a pipeline (re)starting: the paper account the rule resumed with (its saved state, else the
    /// starting balances) before the orders still <paramref name="pending"/> in the checkpoint, which are sent to it again.
    /// </summary>
    public static PaperOrderExecutor Resumed(TradingOptions rule, TradingState? restored, IReadOnlyList<OrderDecision> pending)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(pending);
        double euro = restored?.Euro ?? rule.StartingEuro, bitcoin = restored?.Bitcoin ?? rule.StartingBitcoin;
        for (var i = pending.Count - 1; i >= 0; i--)
        {
            var d = pending[i];
            var value = d.Amount * d.Price;
            (euro, bitcoin) = d.Side == OrderSide.Buy
                ? (euro + value + d.Fee, Math.Round(bitcoin - d.Amount, rule.AmountDecimals))
                : (euro - value + d.Fee, Math.Round(bitcoin + d.Amount, rule.AmountDecimals));
        }

        return new PaperOrderExecutor(new WalletBalances(bitcoin, euro), rule.AmountDecimals);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OrderExecution>> RecoverAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OrderExecution>>([]);

    /// <inheritdoc />
    public Task<OrderExecution> ExecuteAsync(OrderDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsOrder)
        {
            throw new ArgumentException($"decision {decision.Id} is not an order (it was skipped)", nameof(decision));
        }

        lock (_gate)
        {
            if (_done.TryGetValue(decision.Id, out var first))
            {
                return Task.FromResult(first);
            }

            var value = decision.Amount * decision.Price;
            var c = CultureInfo.InvariantCulture;
            OrderExecution outcome;
            if (decision.Side == OrderSide.Buy && _euro < value + decision.Fee)
            {
                outcome = Outcome(decision, OrderStatus.Rejected, string.Create(c, $"insufficient euro: {value + decision.Fee} needed, {_euro} held"));
            }
            else if (decision.Side == OrderSide.Sell && _bitcoin < decision.Amount)
            {
                outcome = Outcome(decision, OrderStatus.Rejected, string.Create(c, $"insufficient bitcoin: {decision.Amount} needed, {_bitcoin} held"));
            }
            else
            {
                if (decision.Side == OrderSide.Buy)
                {
                    _euro -= value + decision.Fee;
                    _bitcoin = Math.Round(_bitcoin + decision.Amount, _decimals);
                }
                else
                {
                    _euro += value - decision.Fee;
                    _bitcoin = Math.Max(0, Math.Round(_bitcoin - decision.Amount, _decimals));
                }

                outcome = Outcome(decision, OrderStatus.Executed, string.Create(c, $"booked in the paper account at {decision.Price}"));
            }

            _done[decision.Id] = outcome;
            _order.Enqueue(decision.Id);
            if (_order.Count > RememberedIds)
            {
                _done.Remove(_order.Dequeue());
            }

            return Task.FromResult(outcome);
        }
    }

    /// <inheritdoc />
    public Task<WalletBalances> BalancesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(new WalletBalances(_bitcoin, _euro));
        }
    }

    private OrderExecution Outcome(OrderDecision d, OrderStatus status, string detail) =>
        new(d.Id, d.Side, d.Amount, status, detail, 1, new WalletBalances(_bitcoin, _euro));
}

using Reactive.Operators.Trading;

namespace Reactive.Host.Trading;

/// <summary>One trading pipeline as <c>GET /api/trading</c> shows it.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Mode"><c>paper</c>, <c>simulator</c> or <c>live</c>.</param>
/// <param name="Currency">The currency traded.</param>
/// <param name="Started">Whether the pipeline has started trading (false until its first run composes).</param>
/// <param name="Position">The bitcoin held: the executor's last reported balance, else the paper account's.</param>
/// <param name="Balances">The balances the executor last reported (the paper executor's, or the wallet's), or null before the first order.</param>
/// <param name="Paper">The rule's paper account at the newest rate, or null before the first rate.</param>
/// <param name="Orders">The orders: counts by status, the open ones, the reconciled ones and the latest outcomes.</param>
/// <param name="Counts">Decisions, orders and skipped signals since the service started.</param>
/// <param name="Decisions">The last decisions, newest first, with their reasons.</param>
internal sealed record TradingView(
    string Pipeline,
    string Mode,
    string Currency,
    bool Started,
    double? Position,
    BalancesView? Balances,
    PaperView? Paper,
    OrdersView Orders,
    DecisionCountsView Counts,
    IReadOnlyList<DecisionView> Decisions);

/// <summary>Balances.</summary>
internal sealed record BalancesView(double Bitcoin, double Euro);

/// <summary>The rule's paper account, marked at <paramref name="Rate"/>.</summary>
internal sealed record PaperView(double Euro, double Bitcoin, double Rate, double Value, double StartingValue, double ProfitAndLoss, double FeesPaid, int Orders, double MaxDrawdown);

/// <summary>Decisions since the service started.</summary>
internal sealed record DecisionCountsView(long Decisions, long Orders, long Skipped);

/// <summary>The orders of a pipeline.</summary>
/// <param name="Decided">Orders decided since the service started.</param>
/// <param name="Queued">Decided and not yet answered by the executor.</param>
/// <param name="Executed">Executed.</param>
/// <param name="Rejected">Refused by the wallet (or the paper account).</param>
/// <param name="Reconciled">Whose unknown outcome was settled by reading the wallet's balances against the journal (each order once).</param>
/// <param name="Unknown">Whose outcome is unknown now (left open: settled before the next order, or by the idle reconciliation).</param>
/// <param name="Open">The queued and unknown orders.</param>
/// <param name="ReconciledOrders">The latest reconciled orders.</param>
/// <param name="Recent">The latest outcomes, oldest first.</param>
internal sealed record OrdersView(long Decided, long Queued, long Executed, long Rejected, long Reconciled, long Unknown, IReadOnlyList<OpenOrderView> Open, IReadOnlyList<OrderOutcomeView> ReconciledOrders, IReadOnlyList<OrderOutcomeView> Recent);

/// <summary>An order not answered yet (<c>queued</c>) or whose outcome is unknown (<c>unknown</c>).</summary>
internal sealed record OpenOrderView(string Id, string Side, double Amount, double? Price, string State);

/// <summary>An order's outcome.</summary>
internal sealed record OrderOutcomeView(string Id, string Side, double Amount, string Status, string Detail, int Attempts, BalancesView? Balances)
{
    /// <summary>The view of an executor's outcome.</summary>
    public static OrderOutcomeView From(OrderExecution e) =>
        new(e.DecisionId, TradingDesk.Side(e.Side), e.Amount, StatusName(e.Status), e.Detail, e.Attempts, e.Balances is { } b ? new BalancesView(b.Bitcoin, b.Euro) : null);

    /// <summary>The status as the API and the metrics write it: <c>executed</c>, <c>rejected</c>, <c>reconciled_executed</c>, <c>reconciled_not_executed</c>, <c>unknown</c>.</summary>
    public static string StatusName(OrderStatus status) => status switch
    {
        OrderStatus.Executed => "executed",
        OrderStatus.Rejected => "rejected",
        OrderStatus.ReconciledExecuted => "reconciled_executed",
        OrderStatus.ReconciledNotExecuted => "reconciled_not_executed",
        _ => "unknown",
    };
}

/// <summary>A decision with its reason and the limits that blocked it.</summary>
internal sealed record DecisionView(string Id, DateTimeOffset Timestamp, string Outcome, string Side, double Amount, double Price, double Fee, double Average, double Deviation, string Reason, IReadOnlyList<string> BlockedBy)
{
    /// <summary>The view of a decision.</summary>
    public static DecisionView From(OrderDecision d) =>
        new(d.Id, d.Timestamp, d.IsOrder ? "order" : "skipped", TradingDesk.Side(d.Side), d.Amount, d.Price, d.Fee, d.Signal.Average, d.Signal.Deviation, d.Reason,
            [.. d.Checks.Where(c => c.Outcome == LimitOutcome.Blocked).Select(c => c.Limit)]);
}

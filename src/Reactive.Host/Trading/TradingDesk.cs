using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Reactive.Operators.Trading;

namespace Reactive.Host.Trading;

/// <summary>
/// One trading pipeline's desk: takes the rule's decisions on the Rx thread without blocking it (a decision is
/// recorded and an order put in an unbounded channel, nothing more), and sends the orders to the executor one at a
/// time, in decision order, on a task of its own: no two orders of a pipeline are ever in flight together. It keeps
/// what <c>/api/trading</c>, the progress log and the metrics show: the last decisions, the orders' outcomes, the
/// balances the executor reported and the rule's paper account. The channel is unbounded because the rule bounds the
/// orders itself (<see cref="TradingOptions.MaxOrdersPerHour"/> per hour of event time); its length is the open orders.
/// While an order's outcome is unknown the desk settles it through the executor's recovery before the next order, and
/// every <see cref="IOrderExecutor.ReconcileInterval"/> while none comes (timed by <see cref="Time"/>). Each decision and
/// each order is counted once: a decision decided again (a pipeline restarted in the process re-runs its uncommitted
/// batch) or an order answered again (recovered at start and pending in the checkpoint too) changes no figure.
/// </summary>
internal sealed class TradingDesk : IDisposable
{
    private const int OutcomesKept = 50;

    /// <summary>How many decision ids are remembered to count each decision and each outcome once.</summary>
    private const int RememberedIds = 100_000;

    private readonly Lock _gate = new();
    private readonly Channel<OrderDecision> _orders = Channel.CreateUnbounded<OrderDecision>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<OrderDecision> _pending = [];
    private readonly Queue<OrderDecision> _decisions = new();
    private readonly Queue<OrderExecution> _outcomes = new();
    private readonly Queue<OrderExecution> _reconciled = new();
    private readonly Dictionary<string, OrderExecution> _open = new(StringComparer.Ordinal);
    private readonly RecentIds _decided = new(RememberedIds);
    private readonly RecentIds _settled = new(RememberedIds);
    private readonly CancellationTokenSource _stop = new();
    private readonly TradingMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Func<TradingMode, IOrderExecutor?> _wallet;
    private IOrderExecutor? _executor;
    private Task? _loop;
    private TradingStep? _lastStep;
    private WalletBalances? _balances;
    private string _currency = "";
    private int _shown = 20;
    private long _decisionCount;
    private long _orderCount;
    private long _skippedCount;
    private long _executed;
    private long _rejected;
    private long _reconciledCount;

    /// <summary>A desk for <paramref name="pipeline"/>.</summary>
    /// <param name="pipeline">The pipeline's name.</param>
    /// <param name="wallet">The wallet executor for a mode other than paper, or null when the service has none.</param>
    /// <param name="metrics">The instruments, or null.</param>
    /// <param name="logger">Where decisions and outcomes are logged.</param>
    public TradingDesk(string pipeline, Func<TradingMode, IOrderExecutor?> wallet, TradingMetrics? metrics, ILogger logger)
    {
        Pipeline = pipeline;
        _wallet = wallet;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The pipeline's name.</summary>
    public string Pipeline { get; }

    /// <summary>The service's pipelines' results (the gates' source), or null outside the service.</summary>
    public PipelineResults? Results { get; init; }

    /// <summary>The clock of the idle reconciliation.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The mode it was started in.</summary>
    public TradingMode Mode { get; private set; }

    /// <summary>Whether a pipeline run started it.</summary>
    public bool Started => _executor is not null;

    /// <summary>
    /// Called by the pipeline's composition when it starts (each run: the first one makes the executor and starts the
    /// sending task, a restart after a failure keeps them). The orders <paramref name="pending"/> in the checkpoint are
    /// sent again first, under their ids (an executor answers an id seen before with its first outcome), except those
    /// this desk has already queued or seen answered.
    /// </summary>
    /// <exception cref="InvalidOperationException">The mode needs the wallet executor and the service has none.</exception>
    public void Start(TradingMode mode, TradingOptions rule, TradingState? restored, IReadOnlyList<OrderDecision> pending, int shown)
    {
        lock (_gate)
        {
            _shown = shown;
            _currency = rule.Currency;
            if (_executor is null)
            {
                Mode = mode;
                _executor = mode == TradingMode.Paper
                    ? PaperOrderExecutor.Resumed(rule, restored, pending)
                    : _wallet(mode) ?? throw new InvalidOperationException(TradingServiceCollectionExtensions.NoExecutorMessage(Pipeline, mode));
                _loop = Task.Run(() => RunAsync(_executor, _stop.Token));
            }

            foreach (var order in pending.Where(p => !_settled.Contains(p.Id) && _pending.All(q => q.Id != p.Id)))
            {
                // Decided by an earlier run: not counted as a decision of this one, and not counted again if decided again.
                _decided.Add(order.Id);
                _pending.Add(order);
                _orders.Writer.TryWrite(order);
            }
        }
    }

    /// <summary>The rule's step for each rate: its paper account marked at the rate (no allocation: the step is kept).</summary>
    public void Stepped(TradingStep step) => Volatile.Write(ref _lastStep, step);

    /// <summary>
    /// A decision: recorded, counted, logged, and when an order, queued for the executor. Never blocks. A decision seen
    /// before (the same id, decided again by a restarted run of the pipeline) is already recorded: nothing changes.
    /// </summary>
    public void Decided(OrderDecision decision)
    {
        lock (_gate)
        {
            if (!_decided.Add(decision.Id))
            {
                return;
            }

            _decisions.Enqueue(decision);
            while (_decisions.Count > _shown)
            {
                _decisions.Dequeue();
            }

            _decisionCount++;
            if (decision.IsOrder)
            {
                _orderCount++;
                _pending.Add(decision);
                _orders.Writer.TryWrite(decision);
            }
            else
            {
                _skippedCount++;
            }
        }

        _metrics?.Decided(Pipeline, decision);
        Log.Decision(_logger, Pipeline, decision.IsOrder ? "order" : "skipped", Side(decision.Side), decision.Amount, decision.Price, decision.Id, decision.Reason);
    }

    /// <summary>The orders decided and not yet answered by the executor, in order (saved with the checkpoint).</summary>
    public IReadOnlyList<OrderDecision> Pending()
    {
        lock (_gate)
        {
            return [.. _pending];
        }
    }

    /// <summary>What <c>/api/trading</c> shows.</summary>
    public TradingView View()
    {
        var step = Volatile.Read(ref _lastStep);
        lock (_gate)
        {
            var paper = step?.Portfolio is { } p
                ? new PaperView(p.Euro, p.Bitcoin, p.Rate, p.Value, p.StartingValue, p.ProfitAndLoss, p.FeesPaid, p.Orders, p.MaxDrawdown)
                : null;
            return new TradingView(
                Pipeline,
                ModeName(Mode),
                _currency,
                Started,
                _balances?.Bitcoin ?? paper?.Bitcoin,
                _balances is { } b ? new BalancesView(b.Bitcoin, b.Euro) : null,
                paper,
                new OrdersView(
                    _orderCount,
                    _pending.Count,
                    _executed,
                    _rejected,
                    _reconciledCount,
                    _open.Count,
                    [.. _pending.Select(d => new OpenOrderView(d.Id, Side(d.Side), d.Amount, d.Price, "queued")), .. _open.Values.Select(e => new OpenOrderView(e.DecisionId, Side(e.Side), e.Amount, null, "unknown"))],
                    [.. _reconciled.Select(OrderOutcomeView.From)],
                    [.. _outcomes.Select(OrderOutcomeView.From)]),
                new DecisionCountsView(_decisionCount, _orderCount, _skippedCount),
                [.. _decisions.Reverse().Select(DecisionView.From)]);
        }
    }

    /// <summary>The figures of the progress log line.</summary>
    public void LogProgress()
    {
        var v = View();
        Log.Progress(_logger, Pipeline, v.Mode, v.Position, v.Balances?.Euro ?? v.Paper?.Euro, v.Paper?.ProfitAndLoss ?? 0, v.Paper?.Value ?? 0, v.Counts.Decisions, v.Counts.Orders, v.Counts.Skipped, v.Orders.Queued, v.Orders.Executed, v.Orders.Rejected, v.Orders.Reconciled, v.Orders.Unknown);
    }

    /// <summary>The paper P&amp;L and the position, for the gauges.</summary>
    public (double? ProfitAndLoss, double? Position, long Open) Gauges()
    {
        var step = Volatile.Read(ref _lastStep);
        lock (_gate)
        {
            return (step?.Portfolio.ProfitAndLoss, _balances?.Bitcoin ?? step?.Portfolio.Bitcoin, _pending.Count + _open.Count);
        }
    }

    /// <summary>Stops sending (at the service's stop); what is still queued is in the checkpoint's pending orders.</summary>
    public void Dispose()
    {
        _orders.Writer.TryComplete();
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation; its outcome is already recorded.
        }

        _stop.Dispose();
    }

    internal static string Side(OrderSide side) => side == OrderSide.Buy ? "buy" : "sell";

    internal static string ModeName(TradingMode mode) => mode.ToString().ToLowerInvariant();

    private async Task RunAsync(IOrderExecutor executor, CancellationToken stop)
    {
        try
        {
            var recovered = await executor.RecoverAsync(stop).ConfigureAwait(false);
            if (recovered.Count > 0)
            {
                Log.Recovered(_logger, Pipeline, ModeName(Mode), recovered.Count);
            }

            foreach (var outcome in recovered)
            {
                Record(outcome, null);
            }

            while (await NextOrderAsync(executor, stop).ConfigureAwait(false))
            {
                if (!_orders.Reader.TryRead(out var order))
                {
                    continue;
                }

                await SettleOpenAsync(executor, stop).ConfigureAwait(false);
                if (Answered(order))
                {
                    // Answered already (recovered at start, and pending in the checkpoint as well): not sent again.
                    continue;
                }

                OrderExecution outcome;
                try
                {
                    outcome = await executor.ExecuteAsync(order, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Only the type: an executor's message could quote a request. The order stays open; the wallet
                    // executor's journal reconciles it before the next order, at the next idle reconciliation or start.
                    Log.ExecutorFailed(_logger, Pipeline, ModeName(Mode), order.Id, ex.GetType().Name);
                    outcome = new OrderExecution(order.Id, order.Side, order.Amount, OrderStatus.Unknown, $"the executor failed ({ex.GetType().Name})", 1, null);
                }

                Record(outcome, order);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The service stops.
        }
    }

    /// <summary>
    /// Waits until an order can be read (true) or the channel is completed (false). While orders are open and the
    /// executor has a <see cref="IOrderExecutor.ReconcileInterval"/>, they are settled each interval meanwhile: an order
    /// whose answer was lost at the end of a feed does not wait for a newer order or a restart.
    /// </summary>
    private async Task<bool> NextOrderAsync(IOrderExecutor executor, CancellationToken stop)
    {
        while (true)
        {
            if (executor.ReconcileInterval is not { } every || OpenCount() == 0)
            {
                return await _orders.Reader.WaitToReadAsync(stop).ConfigureAwait(false);
            }

            using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var order = _orders.Reader.WaitToReadAsync(idle.Token).AsTask();
            var tick = Task.Delay(every, Time, idle.Token);
            var first = await Task.WhenAny(order, tick).ConfigureAwait(false);
            if (first == order || order.IsCompleted)
            {
                await idle.CancelAsync().ConfigureAwait(false);
                return await order.ConfigureAwait(false);
            }

            await idle.CancelAsync().ConfigureAwait(false);
            stop.ThrowIfCancellationRequested();
            await SettleOpenAsync(executor, stop).ConfigureAwait(false);
        }
    }

    private int OpenCount()
    {
        lock (_gate)
        {
            return _open.Count;
        }
    }

    /// <summary>Whether <paramref name="order"/> has its final outcome already; if so it is no longer pending.</summary>
    private bool Answered(OrderDecision order)
    {
        lock (_gate)
        {
            if (!_settled.Contains(order.Id))
            {
                return false;
            }

            _pending.RemoveAll(p => p.Id == order.Id);
            return true;
        }
    }

    /// <summary>
    /// Before a newer order, and every reconciliation interval while none comes, the orders left open (outcome unknown) are settled through the executor's recovery, oldest
    /// first — the wallet executor would settle them anyway before sending the newer one, and would not say how they
    /// ended: the desk records it here instead of showing them open until a restart. Those still open stay as they were.
    /// </summary>
    private async Task SettleOpenAsync(IOrderExecutor executor, CancellationToken stop)
    {
        lock (_gate)
        {
            if (_open.Count == 0)
            {
                return;
            }
        }

        IReadOnlyList<OrderExecution> settled;
        try
        {
            settled = await executor.RecoverAsync(stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // Only the type, as for an order; the newer order's own call meets the open ones again.
            Log.ExecutorFailed(_logger, Pipeline, ModeName(Mode), "(open orders)", ex.GetType().Name);
            return;
        }

        foreach (var outcome in settled.Where(o => o.Status != OrderStatus.Unknown))
        {
            Record(outcome, null);
        }
    }

    /// <summary>
    /// Records an outcome: a final one (anything but <see cref="OrderStatus.Unknown"/>) is counted once per order, however
    /// often the executor reports it; an unknown one keeps the order open until its final outcome comes.
    /// </summary>
    private void Record(OrderExecution outcome, OrderDecision? order)
    {
        var final = outcome.Status != OrderStatus.Unknown;
        lock (_gate)
        {
            _pending.RemoveAll(p => p.Id == outcome.DecisionId || (order is not null && p.Id == order.Id));
            if (_settled.Contains(outcome.DecisionId))
            {
                return;
            }

            switch (outcome.Status)
            {
                case OrderStatus.Executed:
                    _executed++;
                    break;
                case OrderStatus.Rejected:
                    _rejected++;
                    break;
                case OrderStatus.ReconciledExecuted or OrderStatus.ReconciledNotExecuted:
                    _reconciledCount++;
                    Keep(_reconciled, outcome);
                    break;
            }

            if (final)
            {
                _open.Remove(outcome.DecisionId);
                _settled.Add(outcome.DecisionId);
            }
            else
            {
                _open[outcome.DecisionId] = outcome;
            }

            Keep(_outcomes, outcome);
            _balances = outcome.Balances ?? _balances;
        }

        if (final)
        {
            _metrics?.Executed(Pipeline, outcome);
        }

        Log.Executed(_logger, Pipeline, ModeName(Mode), outcome.DecisionId, Side(outcome.Side), outcome.Amount, outcome.Status.ToString(), outcome.Attempts, outcome.Detail);
    }

    private static void Keep(Queue<OrderExecution> queue, OrderExecution outcome)
    {
        queue.Enqueue(outcome);
        while (queue.Count > OutcomesKept)
        {
            queue.Dequeue();
        }
    }

    /// <summary>The last <c>capacity</c> ids added, for "seen before?" (the oldest is forgotten first).</summary>
    private sealed class RecentIds(int capacity)
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public bool Contains(string id) => _ids.Contains(id);

        /// <summary>Adds <paramref name="id"/>; false when it was there already.</summary>
        public bool Add(string id)
        {
            if (!_ids.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}

using Microsoft.Extensions.Logging;
using Reactive.Host.Trading;
using Reactive.Operators.Trading;

namespace Reactive.Host.Wallet;

/// <summary>
/// Places order decisions through the wallet API so that none executes twice: each is journaled (durably) with the
/// balances read just before it is sent, sent once with <c>Idempotency-Key: &lt;decision id&gt;</c>, and when its outcome
/// is unknown (timeout, 5xx, broken connection, a crash) reconciled by reading <c>info</c> and comparing with the
/// journal (<see cref="Reconciliation"/>) before anything is sent again. Orders go one at a time, oldest open first:
/// while one is unknown, nothing newer is sent. Built by <see cref="WalletOrderExecutorFactory"/>.
/// </summary>
public sealed class WalletOrderExecutor : IOrderExecutor, IDisposable
{
    private readonly WalletClient _client;
    private readonly WalletJournal _journal;
    private readonly WalletOptions _options;
    private readonly WalletMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _recovered;

    internal WalletOrderExecutor(string mode, WalletClient client, WalletJournal journal, WalletOptions options, WalletMetrics metrics, ILogger logger, TimeProvider time)
    {
        Mode = mode;
        _client = client;
        _journal = journal;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    /// <inheritdoc />
    public string Mode { get; }

    /// <summary>The journal's file.</summary>
    public string JournalPath => _journal.Path;

    /// <inheritdoc />
    public async Task<IReadOnlyList<OrderExecution>> RecoverAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var open = _journal.Open(_client.UserId);
            // Only the first call finds what an earlier run left; a later one (the desk settling this run's open orders)
            // says, per order, what became of it.
            var startUp = !_recovered;
            _recovered = true;
            if (startUp)
            {
                Log.Recovering(_logger, _journal.Path, Mode, open.Count);
            }

            var results = new List<OrderExecution>(open.Count);
            var blocked = false;
            foreach (var entry in open)
            {
                // Behind an order still open nothing is sent: the later ones are reported as they stand.
                results.Add(blocked ? entry.ToExecution() : await SettleOpenAsync(entry, startUp, cancellationToken).ConfigureAwait(false));
                blocked = blocked || !IsDone(entry.DecisionId);
            }

            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<OrderExecution> ExecuteAsync(OrderDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsOrder)
        {
            throw new ArgumentException($"decision {decision.Id} is not an order ({decision.Outcome})", nameof(decision));
        }

        if (!double.IsFinite(decision.Amount) || decision.Amount <= 0)
        {
            throw new ArgumentException($"decision {decision.Id} has no positive amount ({decision.Amount})", nameof(decision));
        }

        var amount = Math.Round((decimal)decision.Amount, 8, MidpointRounding.ToZero);
        if (amount <= 0)
        {
            throw new ArgumentException($"decision {decision.Id}: {decision.Amount} bitcoin is below the smallest amount, 0.00000001", nameof(decision));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = _journal.Find(decision.Id);
            if (entry is { Phase: JournalPhase.Done })
            {
                return entry.ToExecution();
            }

            entry ??= _journal.Add(decision.Id, _client.UserId, decision.Side, amount, decision.Price);
            foreach (var earlier in _journal.Open(_client.UserId).Where(e => e.Seq < entry.Seq))
            {
                var settled = await SettleOpenAsync(earlier, startUp: false, cancellationToken).ConfigureAwait(false);
                if (!IsDone(earlier.DecisionId))
                {
                    var waiting = _journal.Update(entry with { Detail = $"not sent: the earlier order {earlier.DecisionId} is still open ({settled.Detail})" });
                    Log.LeftOpen(_logger, entry.DecisionId, waiting.Detail);
                    return waiting.ToExecution();
                }
            }

            return await SettleAsync(entry, reconcileDelay: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>The <see cref="WalletOptions.ReconcileInterval"/>.</remarks>
    public TimeSpan? ReconcileInterval => _options.ReconcileInterval;

    /// <inheritdoc />
    public Task<WalletBalances> BalancesAsync(CancellationToken cancellationToken) => _client.InfoAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _journal.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// Settles an order found open in the journal; outside the start-up recovery (which logged what the earlier run
    /// left) an order of this run that ends here is logged as what it was: unknown after its sends, now reconciled.
    /// </summary>
    private async Task<OrderExecution> SettleOpenAsync(JournalEntry entry, bool startUp, CancellationToken cancellationToken)
    {
        var settled = await SettleAsync(entry, reconcileDelay: false, cancellationToken).ConfigureAwait(false);
        if (!startUp && settled.Status != OrderStatus.Unknown)
        {
            Log.ReconciledLater(_logger, entry.DecisionId, entry.Sends, entry.Detail, settled.Status.ToString());
        }

        return settled;
    }

    /// <summary>
    /// Takes an open order as far as it goes in this call: reconciles a send of unknown outcome, sends (again) what is
    /// known not to have executed, at most <see cref="WalletOptions.MaxSendsPerCall"/> times. A cancellation leaves the
    /// journal as a crash would.
    /// </summary>
    private async Task<OrderExecution> SettleAsync(JournalEntry entry, bool reconcileDelay, CancellationToken cancellationToken)
    {
        var sends = 0;
        while (true)
        {
            if (entry.Phase == JournalPhase.Sent)
            {
                if (reconcileDelay && _options.ReconcileDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.ReconcileDelay, _time, cancellationToken).ConfigureAwait(false);
                }

                entry = await ReconcileAsync(entry, cancellationToken).ConfigureAwait(false);
                if (entry.Phase != JournalPhase.Unsent)
                {
                    return Settled(entry);
                }
            }

            if (entry.Phase == JournalPhase.Done)
            {
                return entry.ToExecution();
            }

            if (sends == _options.MaxSendsPerCall)
            {
                // Still open (it is sent again): unknown, not the last send's "not executed", which would read as final.
                entry = _journal.Update(entry with { Status = OrderStatus.Unknown, Detail = $"{sends} sends in this call, none executed; it is sent again before any later order" });
                Log.LeftOpen(_logger, entry.DecisionId, entry.Detail);
                return entry.ToExecution();
            }

            WalletBalances before;
            try
            {
                before = await _client.InfoAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WalletUnavailableException ex)
            {
                // Without the balances before, a lost answer could not be reconciled: nothing is sent.
                entry = _journal.Update(entry with { Detail = $"not sent: {ex.Message}" });
                Log.LeftOpen(_logger, entry.DecisionId, entry.Detail);
                return entry.ToExecution();
            }

            entry = _journal.Sending(entry, before, Reconciliation.Expected(entry.Side, entry.Amount, entry.Price, before));
            sends++;
            Log.Journaled(_logger, entry.DecisionId, JournalSide(entry), entry.Amount, entry.Sends, before.Bitcoin, before.Euro);
            var answer = await _client.OrderAsync(entry.Side, entry.Amount, entry.DecisionId, cancellationToken).ConfigureAwait(false);
            switch (answer.Kind)
            {
                case WalletAnswerKind.Executed:
                    var after = await AfterAsync(cancellationToken).ConfigureAwait(false);
                    var replay = answer.Replayed ? " (an earlier send under this Idempotency-Key had executed it: the wallet answered it again)" : "";
                    return Settled(_journal.Update(entry with { Phase = JournalPhase.Done, Status = OrderStatus.Executed, After = after, Detail = answer.Text + replay }));
                case WalletAnswerKind.Rejected:
                    return Settled(_journal.Update(entry with { Phase = JournalPhase.Done, Status = OrderStatus.Rejected, After = before, Detail = $"HTTP {answer.Status}: {answer.Text}" }));
                case WalletAnswerKind.NotSent:
                    // The breaker refused it before it left: the send did not happen.
                    entry = _journal.Update(entry with { Phase = JournalPhase.Unsent, Sends = entry.Sends - 1, Status = OrderStatus.Unknown, Detail = $"not sent: {answer.Text}" });
                    Log.LeftOpen(_logger, entry.DecisionId, entry.Detail);
                    return entry.ToExecution();
                default:
                    Log.OutcomeUnknown(_logger, entry.DecisionId, answer.Status is { } status ? $"HTTP {status}: {answer.Text}" : answer.Text);
                    entry = _journal.Update(entry with { Status = OrderStatus.Unknown, Detail = $"send {entry.Sends}: outcome unknown ({answer.Text})" });
                    reconcileDelay = true;
                    break;
            }
        }
    }

    /// <summary>Reads <c>info</c> and judges the last send; the entry comes back done, unsent (to send again) or still sent.</summary>
    private async Task<JournalEntry> ReconcileAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        WalletBalances now;
        try
        {
            now = await _client.InfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (WalletUnavailableException ex)
        {
            _metrics.Reconciled("unknown");
            entry = _journal.Update(entry with { Status = OrderStatus.Unknown, Detail = $"outcome unknown, cannot reconcile: {ex.Message}" });
            Log.LeftOpen(_logger, entry.DecisionId, entry.Detail);
            return entry;
        }

        if (entry.Before is not { } before)
        {
            // Written together with the phase; a journal without it was not written by this class.
            throw new InvalidOperationException($"the wallet journal {_journal.Path} has order {entry.DecisionId} sent without its balances before");
        }

        var (finding, detail) = Reconciliation.Judge(entry.Side, entry.Amount, before, now);
        switch (finding)
        {
            case Finding.Executed:
                _metrics.Reconciled("executed");
                Log.Reconciled(_logger, entry.DecisionId, "executed", detail);
                return _journal.Update(entry with { Phase = JournalPhase.Done, Status = OrderStatus.ReconciledExecuted, After = now, Detail = $"reconciled as executed: {detail}" });
            case Finding.NotExecuted:
                _metrics.Reconciled("not_executed");
                Log.Reconciled(_logger, entry.DecisionId, "not executed", detail);
                return _journal.Update(entry with
                {
                    Phase = _options.ResendNotExecuted ? JournalPhase.Unsent : JournalPhase.Done,
                    Status = OrderStatus.ReconciledNotExecuted,
                    After = now,
                    Detail = $"reconciled as not executed: {detail}",
                });
            default:
                _metrics.Reconciled("unknown");
                entry = _journal.Update(entry with { Status = OrderStatus.Unknown, Detail = $"cannot reconcile, the wallet changed otherwise: {detail}" });
                Log.LeftOpen(_logger, entry.DecisionId, entry.Detail);
                return entry;
        }
    }

    private async Task<WalletBalances?> AfterAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _client.InfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (WalletUnavailableException)
        {
            return null;
        }
    }

    private OrderExecution Settled(JournalEntry entry)
    {
        var execution = entry.ToExecution();
        if (entry.Phase == JournalPhase.Done)
        {
            _metrics.Order(JournalSide(entry), entry.Status.ToString());
            Log.Settled(_logger, entry.DecisionId, JournalSide(entry), entry.Amount, entry.Status.ToString(), entry.Sends, entry.Detail);
        }

        return execution;
    }

    private bool IsDone(string decisionId) => _journal.Find(decisionId)?.Phase == JournalPhase.Done;

    private static string JournalSide(JournalEntry entry) => WalletJournal.SideName(entry.Side);
}

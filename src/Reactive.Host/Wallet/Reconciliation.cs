using System.Globalization;
using Reactive.Host.Trading;
using Reactive.Operators.Trading;

namespace Reactive.Host.Wallet;

/// <summary>What the balances say about an order whose answer was lost.</summary>
internal enum Finding
{
    /// <summary>The bitcoin balance moved by exactly the order's amount, and the euro balance the other way.</summary>
    Executed,

    /// <summary>Neither balance moved.</summary>
    NotExecuted,

    /// <summary>The balances moved, but not as this order would move them: something else changed the wallet.</summary>
    Ambiguous,
}

/// <summary>
/// The reconciliation rule: compare the balances read just before the order's last send with the balances now. The
/// bitcoin balance moves only by whole orders, by the exact amount (at most 8 decimals), so it decides; the euro balance
/// must agree in direction (its amount depends on the wallet's price, unknown here). The rule holds while this
/// executor is the wallet user's only writer and no request of the order is still held by the wallet (hence
/// <see cref="WalletOptions.ReconcileDelay"/>, and the <c>Idempotency-Key</c> on every resend).
/// </summary>
internal static class Reconciliation
{
    /// <summary>Half the smallest bitcoin amount: balances read as JSON doubles compare within it.</summary>
    private const decimal BitcoinTolerance = 0.000000005m;

    /// <summary>Half a cent.</summary>
    private const decimal EuroTolerance = 0.005m;

    /// <summary>The finding, and the numbers it rests on in words.</summary>
    public static (Finding Finding, string Detail) Judge(OrderSide side, decimal amount, WalletBalances before, WalletBalances now)
    {
        var bitcoinDelta = (decimal)now.Bitcoin - (decimal)before.Bitcoin;
        var euroDelta = (decimal)now.Euro - (decimal)before.Euro;
        var signed = side == OrderSide.Buy ? amount : -amount;
        var detail = string.Create(CultureInfo.InvariantCulture, $"bitcoin {before.Bitcoin} → {now.Bitcoin} (Δ {Math.Round(bitcoinDelta, 8)}), euro {before.Euro} → {now.Euro} (Δ {Math.Round(euroDelta, 2)}); the order moves bitcoin by {signed}");
        var bitcoinStill = Math.Abs(bitcoinDelta) <= BitcoinTolerance;
        var euroStill = Math.Abs(euroDelta) <= EuroTolerance;
        if (bitcoinStill && euroStill)
        {
            return (Finding.NotExecuted, detail);
        }

        var euroAgrees = side == OrderSide.Buy ? euroDelta < -EuroTolerance : euroDelta > EuroTolerance;
        return Math.Abs(bitcoinDelta - signed) <= BitcoinTolerance && euroAgrees
            ? (Finding.Executed, detail)
            : (Finding.Ambiguous, detail);
    }

    /// <summary>The balances <paramref name="before"/> moved by the order at <paramref name="price"/> (the euro part is an estimate).</summary>
    public static WalletBalances Expected(OrderSide side, decimal amount, double price, WalletBalances before)
    {
        var bitcoin = (double)amount;
        return side == OrderSide.Buy
            ? new WalletBalances(before.Bitcoin + bitcoin, before.Euro - (bitcoin * price))
            : new WalletBalances(before.Bitcoin - bitcoin, before.Euro + (bitcoin * price));
    }
}

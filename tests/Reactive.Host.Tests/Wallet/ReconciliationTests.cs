using Reactive.Host.Trading;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;

namespace Reactive.Host.Tests.Wallet;

/// <summary>The reconciliation rule: the bitcoin balance decides, the euro balance must agree in direction.</summary>
public sealed class ReconciliationTests
{
    private static readonly WalletBalances Before = new(1.5, 800.25);

    [Theory]
    // A buy of 0.3 at about 100: bitcoin up by exactly 0.3, euro down.
    [InlineData(OrderSide.Buy, "0.3", 1.8, 770.24, "Executed")]
    // A sell of 0.3: bitcoin down by 0.3, euro up (any price).
    [InlineData(OrderSide.Sell, "0.3", 1.2, 830.26, "Executed")]
    [InlineData(OrderSide.Buy, "0.3", 1.5, 800.25, "NotExecuted")]
    [InlineData(OrderSide.Sell, "0.00000001", 1.5, 800.25, "NotExecuted")]
    // The smallest amount still tells.
    [InlineData(OrderSide.Sell, "0.00000001", 1.49999999, 800.26, "Executed")]
    // Someone else bought too: bitcoin moved by more than this order.
    [InlineData(OrderSide.Buy, "0.3", 2.1, 740.23, "Ambiguous")]
    // The bitcoin moved as the order would, but the euro went the wrong way: not this order.
    [InlineData(OrderSide.Buy, "0.3", 1.8, 830.26, "Ambiguous")]
    // Only the euro moved (a deposit): not this order, and not nothing either.
    [InlineData(OrderSide.Buy, "0.3", 1.5, 900, "Ambiguous")]
    public void Judge_ComparesTheBalancesBeforeTheSendWithNow(OrderSide side, string amount, double bitcoin, double euro, string expected)
    {
        var (finding, detail) = Reconciliation.Judge(side, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), Before, new WalletBalances(bitcoin, euro));

        Assert.Equal(expected, finding.ToString());
        Assert.Contains("bitcoin 1.5 → ", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Expected_MovesBitcoinByTheAmountAndEuroByAmountTimesPrice()
    {
        Assert.Equal(new WalletBalances(1.75, 800.25 - 25), Reconciliation.Expected(OrderSide.Buy, 0.25m, 100, Before));
        Assert.Equal(new WalletBalances(1.25, 800.25 + 25), Reconciliation.Expected(OrderSide.Sell, 0.25m, 100, Before));
    }
}

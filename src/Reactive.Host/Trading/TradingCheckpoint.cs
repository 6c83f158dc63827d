using Reactive.Operators.Trading;
using Reactive.Operators.Windows;

namespace Reactive.Host.Trading;

/// <summary>
/// What a trading pipeline saves with its checkpoint after each batch: the averages' windows, the rule's state, and the
/// orders decided but not yet answered by the executor (they are sent again, under the same ids, after a restart).
/// </summary>
/// <param name="Version">The layout version (<see cref="CurrentVersion"/>).</param>
/// <param name="Window">The sliding windows of the averages.</param>
/// <param name="Rule">The trading rule's state (paper account, limits' memory, newest average).</param>
/// <param name="Pending">The orders decided and not yet answered by the executor, in decision order.</param>
internal sealed record TradingCheckpoint(int Version, WindowState<string>? Window, TradingState? Rule, IReadOnlyList<OrderDecision> Pending)
{
    /// <summary>The version of this layout.</summary>
    public const int CurrentVersion = 1;
}

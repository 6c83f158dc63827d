using System.Globalization;

namespace Reactive.Testing;

/// <summary>
/// When a test observable was subscribed to and when that subscription was disposed, in virtual ticks.
/// </summary>
/// <param name="Subscribe">The virtual time of the subscription.</param>
/// <param name="Unsubscribe">The virtual time of the disposal, or <see cref="Infinite"/> when never disposed.</param>
public readonly record struct Subscription(long Subscribe, long Unsubscribe)
{
    /// <summary>The unsubscribe time of a subscription that was never disposed (<see cref="long.MaxValue"/>).</summary>
    public const long Infinite = long.MaxValue;

    /// <summary>Creates a subscription that was never disposed.</summary>
    /// <param name="subscribe">The virtual time of the subscription.</param>
    public Subscription(long subscribe)
        : this(subscribe, Infinite)
    {
    }

    /// <summary>Renders the subscription as <c>(subscribe, unsubscribe)</c>.</summary>
    /// <returns>A short text such as <c>(200, 1000)</c> or <c>(200, Infinite)</c>.</returns>
    public override string ToString() => Unsubscribe == Infinite
        ? string.Create(CultureInfo.InvariantCulture, $"({Subscribe}, Infinite)")
        : string.Create(CultureInfo.InvariantCulture, $"({Subscribe}, {Unsubscribe})");
}

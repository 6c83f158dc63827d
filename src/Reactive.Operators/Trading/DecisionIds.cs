using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Reactive.Operators.Trading;

/// <summary>The deterministic ids of <see cref="OrderDecision"/>s: the same decision gets the same id in every run.</summary>
internal static class DecisionIds
{
    /// <summary>
    /// 32 lowercase hex digits (128 bits) of the SHA-256 of the fields, one a line. A hash, not the fields joined, so the
    /// id has one length and one alphabet whatever the rule name holds (it travels as an HTTP header).
    /// </summary>
    /// <param name="rule">The rule name.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="timestampTicks">The event time of the rate that fired.</param>
    /// <param name="side">The side.</param>
    /// <param name="skippedOrdinal">Null for an order; for a skipped decision, how many skipped decisions of this time and side came before it.</param>
    public static string For(string rule, string currency, long timestampTicks, OrderSide side, int? skippedOrdinal)
    {
        var text = skippedOrdinal is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{rule}\n{currency}\n{timestampTicks}\n{Name(side)}\nskipped\n{n}")
            : string.Create(CultureInfo.InvariantCulture, $"{rule}\n{currency}\n{timestampTicks}\n{Name(side)}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    // Spelled out rather than the enum's ToString, so renaming a member cannot change the ids.
    private static string Name(OrderSide side) => side == OrderSide.Buy ? "buy" : "sell";
}

namespace Reactive.WalletSimulator.Wallet;

/// <summary>Buy or sell.</summary>
internal enum Side
{
    Buy,
    Sell,
}

/// <summary>A checked order: a known user with the right key, a valid amount, maybe an idempotency key.</summary>
internal sealed record Order(string UserId, Side Side, decimal Amount, string? IdempotencyKey);

/// <summary>What a buy or sell request is answered: a status code and a text.</summary>
internal readonly record struct Answer(int Status, string Text);

/// <summary>The answer to an order, and whether it executed now or was the answer of an earlier execution with the same key.</summary>
internal sealed record OrderOutcome(Answer Answer, long? ExecutedId, bool Replayed);

/// <summary>A user's balances.</summary>
internal sealed record Balance(decimal Bitcoin, decimal Euro);

/// <summary>One executed order, as the audit log keeps it.</summary>
internal sealed record AuditEntry(long Id, string UserId, string Side, decimal Amount, decimal Price, decimal EuroDelta, DateTimeOffset Time, string? IdempotencyKey);

internal static class SideText
{
    public static string Name(this Side side) => side == Side.Buy ? "buy" : "sell";
}

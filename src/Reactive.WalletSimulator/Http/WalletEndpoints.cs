using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reactive.WalletSimulator.Money;
using Reactive.WalletSimulator.Wallet;

namespace Reactive.WalletSimulator.Http;

/// <summary>The course's wallet API: <c>GET info/</c>, <c>GET buy/</c>, <c>GET sell/</c> (with or without the final slash).</summary>
internal static class WalletEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Set on the answer of an order that executed before with the same idempotency key.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapWallet(this IEndpointRouteBuilder app)
    {
        app.MapGet("/info/", InfoAsync);
        app.MapGet("/buy/", (HttpContext context, WalletService wallet) => OrderAsync(context, wallet, Side.Buy));
        app.MapGet("/sell/", (HttpContext context, WalletService wallet) => OrderAsync(context, wallet, Side.Sell));
        return app;
    }

    private static async Task<IResult> InfoAsync(HttpContext context, WalletService wallet)
    {
        string? error = null;
        var user = Texts.Single(context.Request.Query, "user_id", ref error);
        if (error is not null)
        {
            return Texts.Text(new Answer(StatusCodes.Status400BadRequest, error));
        }

        var (answer, balance) = await wallet.InfoAsync(user, context.RequestAborted).ConfigureAwait(false);
        return balance is null
            ? Texts.Text(answer)
            : Results.Json(new[] { new InfoBalance(Amounts.Normalize(balance.Bitcoin), Amounts.Normalize(balance.Euro)) });
    }

    private static async Task<IResult> OrderAsync(HttpContext context, WalletService wallet, Side side)
    {
        string? error = null;
        var query = context.Request.Query;
        var request = new OrderRequest(
            Texts.Single(query, "user_id", ref error),
            Texts.Single(query, "access_key", ref error),
            Texts.Single(query, "amount", ref error),
            Texts.Single(context.Request.Headers[IdempotencyKeyHeader], IdempotencyKeyHeader, ref error));
        var outcome = await wallet.OrderAsync(side, request with { Error = error }).ConfigureAwait(false);
        if (outcome.Replayed && outcome.Answer.Status == StatusCodes.Status200OK)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }

        return Texts.Text(outcome.Answer);
    }

    /// <summary>One element of the <c>info</c> answer: <c>{"bitcoin": b, "euro": e}</c>.</summary>
    private sealed record InfoBalance(decimal Bitcoin, decimal Euro);
}

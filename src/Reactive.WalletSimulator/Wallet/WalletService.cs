using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.WalletSimulator.Configuration;
using Reactive.WalletSimulator.Faults;
using Reactive.WalletSimulator.Money;
using Reactive.WalletSimulator.Prices;

namespace Reactive.WalletSimulator.Wallet;

/// <summary>The request of a buy or sell as it came: each value null when absent, or the error of a value given twice.</summary>
internal sealed record OrderRequest(string? UserId, string? AccessKey, string? Amount, string? IdempotencyKey, string? Error = null);

/// <summary>
/// The simulator's rules: who may order, what an order may be, what it costs; faults drawn before anything runs.
/// Checks go from who to what: user (404), key (403), amount and idempotency key (400), then the balance (409) inside the
/// store's transaction. No answer and no log line carries the access key.
/// </summary>
internal sealed class WalletService(
    WalletStore store,
    PriceFeed price,
    FaultInjector faults,
    AccessKeys keys,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<WalletService> logger)
{
    /// <summary>The longest idempotency key taken.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>The text of every 500: the same whether anything executed or not.</summary>
    public const string InternalError = "internal error";

    public async Task<(Answer Answer, Balance? Balance)> InfoAsync(string? userId, CancellationToken cancellationToken)
    {
        if (UserProblem(userId) is { } problem)
        {
            return (problem, null);
        }

        var balance = await store.BalanceAsync(userId!, cancellationToken).ConfigureAwait(false);
        return balance is null
            ? (new Answer(StatusCodes.Status404NotFound, $"unknown user {Amounts.Echo(userId!)}"), null)
            : (new Answer(StatusCodes.Status200OK, ""), balance);
    }

    /// <summary>A buy or sell, with its fault.</summary>
    public async Task<OrderOutcome> OrderAsync(Side side, OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (fault, delay) = faults.Draw();
        switch (fault)
        {
            case Fault.Error:
                Log.FaultError(logger, side.Name(), Amounts.Echo(request.UserId ?? ""));
                return new OrderOutcome(new Answer(StatusCodes.Status500InternalServerError, InternalError), null, false);
            case Fault.Delay:
                Log.FaultDelay(logger, side.Name(), Amounts.Echo(request.UserId ?? ""), delay);
                // Held even if the client gives up: a slow server still executes what it received.
                await Task.Delay(delay, time, lifetime.ApplicationStopping).ConfigureAwait(false);
                break;
        }

        var outcome = await DecideAsync(side, request).ConfigureAwait(false);
        if (fault == Fault.LostAnswer)
        {
            Log.FaultLostAnswer(logger, side.Name(), Amounts.Echo(request.UserId ?? ""), outcome.Answer.Status);
            return outcome with { Answer = new Answer(StatusCodes.Status500InternalServerError, InternalError) };
        }

        return outcome;
    }

    private async Task<OrderOutcome> DecideAsync(Side side, OrderRequest request)
    {
        if (Check(side, request, out var order) is { } refused)
        {
            Log.Refused(logger, side.Name(), Amounts.Echo(request.UserId ?? ""), refused.Status, refused.Text);
            return new OrderOutcome(refused, null, false);
        }

        // Not the request's token: once checked, an order runs to its end even if the client has gone.
        var outcome = await store.ExecuteAsync(order!, () => price.Current, time, lifetime.ApplicationStopping).ConfigureAwait(false);
        if (outcome.ExecutedId is { } id)
        {
            Log.Executed(logger, id, order!.UserId, side.Name(), order.Amount, outcome.Answer.Text);
        }
        else if (outcome.Replayed)
        {
            Log.Replayed(logger, order!.UserId, order.IdempotencyKey!);
        }
        else
        {
            Log.Refused(logger, side.Name(), order!.UserId, outcome.Answer.Status, outcome.Answer.Text);
        }

        return outcome;
    }

    /// <summary>The refusal of <paramref name="request"/>, or null and the checked <paramref name="order"/>.</summary>
    private Answer? Check(Side side, OrderRequest request, out Order? order)
    {
        order = null;
        if (request.Error is { } error)
        {
            return new Answer(StatusCodes.Status400BadRequest, error);
        }

        if (UserProblem(request.UserId) is { } userProblem)
        {
            return userProblem;
        }

        var user = request.UserId!;
        if (string.IsNullOrEmpty(request.AccessKey))
        {
            return new Answer(StatusCodes.Status403Forbidden, $"access_key is required for user {user}");
        }

        if (!keys.Matches(user, request.AccessKey))
        {
            return new Answer(StatusCodes.Status403Forbidden, $"wrong access_key for user {user}");
        }

        if (!Amounts.TryParseOrder(request.Amount, options.Value.MaxAmount, out var amount, out var amountError))
        {
            return new Answer(StatusCodes.Status400BadRequest, amountError);
        }

        if (request.IdempotencyKey is { } key && (key.Length == 0 || key.Length > MaxIdempotencyKeyLength || key.Any(char.IsControl)))
        {
            return new Answer(StatusCodes.Status400BadRequest, $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} printable characters");
        }

        order = new Order(user, side, amount, request.IdempotencyKey);
        return null;
    }

    private Answer? UserProblem(string? userId) =>
        string.IsNullOrEmpty(userId) ? new Answer(StatusCodes.Status400BadRequest, "user_id is required")
        : !keys.IsKnown(userId) ? new Answer(StatusCodes.Status404NotFound, $"unknown user {Amounts.Echo(userId)}")
        : null;
}

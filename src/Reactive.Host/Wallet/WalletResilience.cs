using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Reactive.Host.Wallet;

/// <summary>
/// The wallet client's resilience pipeline, outermost first: a total timeout, a retry with jitter for <c>info</c> only,
/// a circuit breaker shared by all calls, a timeout per attempt. Every event is logged and counted
/// (<see cref="WalletMetrics"/>); none names more than the operation.
/// </summary>
internal static class WalletResilience
{
    /// <summary>The pipeline's name (also in Polly's own telemetry).</summary>
    public const string PipelineName = "wallet";

    public const string Info = "info";
    public const string Buy = "buy";
    public const string Sell = "sell";

    /// <summary>The operation of a request (<see cref="Info"/>, <see cref="Buy"/>, <see cref="Sell"/>).</summary>
    public static readonly HttpRequestOptionsKey<string> OperationKey = new("reactive.wallet.operation");

    /// <summary>Whether a request may be retried (only <c>info</c>: a buy or sell is never resent blind).</summary>
    public static readonly HttpRequestOptionsKey<bool> RetryableKey = new("reactive.wallet.retryable");

    /// <summary>Adds the strategies to <paramref name="builder"/>.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, WalletOptions options, WalletMetrics metrics, ILogger logger)
    {
        builder.AddTimeout(Timeout("total", options.TotalTimeout, metrics, logger));

        if (options.InfoRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "info-retry",
                MaxRetryAttempts = options.InfoRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    Retryable(args.Context) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    var operation = Operation(args.Context);
                    metrics.Retry(operation);
                    Log.Retrying(logger, operation, args.AttemptNumber + 1, args.RetryDelay, Describe(args.Outcome));
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "breaker",
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
            OnOpened = args =>
            {
                metrics.Circuit("opened");
                Log.CircuitOpened(logger, args.BreakDuration, Describe(args.Outcome));
                return default;
            },
            OnHalfOpened = _ =>
            {
                metrics.Circuit("half_opened");
                Log.CircuitHalfOpened(logger);
                return default;
            },
            OnClosed = _ =>
            {
                metrics.Circuit("closed");
                Log.CircuitClosed(logger);
                return default;
            },
        });

        builder.AddTimeout(Timeout("attempt", options.AttemptTimeout, metrics, logger));
    }

    private static HttpTimeoutStrategyOptions Timeout(string kind, TimeSpan timeout, WalletMetrics metrics, ILogger logger) => new()
    {
        Name = kind + "-timeout",
        Timeout = timeout,
        OnTimeout = args =>
        {
            metrics.Timeout(kind);
            Log.TimedOut(logger, Operation(args.Context), kind, args.Timeout);
            return default;
        },
    };

    private static string Operation(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(OperationKey, out var operation) == true ? operation : "unknown";

    private static bool Retryable(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(RetryableKey, out var retryable) == true && retryable;

    // The outcome in words: a status code or an exception's type, never a message (it could quote the request).
    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response ? $"HTTP {(int)response.StatusCode}"
        : outcome.Exception is { } ex ? ex.GetType().Name
        : "no outcome";
}

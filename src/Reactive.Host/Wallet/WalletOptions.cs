using Reactive.Operators;

namespace Reactive.Host.Wallet;

/// <summary>
/// The wallet API the <c>simulator</c> and <c>live</c> trading modes place orders through (configuration section
/// <c>Trading:Wallet</c>; the access key also from the environment, <c>Trading__Wallet__AccessKey</c>, or user secrets).
/// </summary>
public sealed class WalletOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Trading:Wallet";

    /// <summary>The API's base address; <c>info/</c>, <c>buy/</c> and <c>sell/</c> are resolved against it.</summary>
    /// <value>The default is none: required.</value>
    public string? BaseUrl { get; set; }

    /// <summary>The wallet's <c>user_id</c>.</summary>
    /// <value>The default is none: required.</value>
    public string? UserId { get; set; }

    /// <summary>The user's <c>access_key</c>, sent in the query string of <c>buy</c> and <c>sell</c>; never logged.</summary>
    /// <value>The default is none: required.</value>
    public string? AccessKey { get; set; }

    /// <summary>How long one request may take before it is given up (an order's outcome is then unknown and reconciled).</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one call may take, the retries of <c>info</c> included.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a failed <c>info</c> is retried (buy and sell never are).</summary>
    /// <value>The default is 3.</value>
    public int InfoRetries { get; set; } = 3;

    /// <summary>The base delay between retries of <c>info</c> (exponential, with jitter).</summary>
    /// <value>The default is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The share of failed calls (5xx, timeouts, connection errors) in <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    /// <value>The default is 0.5.</value>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>How many calls the sampling period must hold before the circuit may open.</summary>
    /// <value>The default is 10.</value>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The period the failure ratio is measured over.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open (every call refused at once, nothing sent) before one call tries again.</summary>
    /// <value>The default is 15 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long to wait after an order's outcome turned unknown before reading <c>info</c> to reconcile it, so that a
    /// request the wallet still holds has landed. Set it above the longest time the wallet may hold a request.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan ReconcileDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often, while the journal has orders open (their outcome unknown) and no new order comes, the trading desk
    /// settles them through <see cref="WalletOrderExecutor.RecoverAsync"/>: an order whose answer was lost at the end of a
    /// feed is reconciled without waiting for a newer order or a restart.
    /// </summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many requests one call of the executor may send for one order (reconciled as not executed in between).</summary>
    /// <value>The default is 3.</value>
    public int MaxSendsPerCall { get; set; } = 3;

    /// <summary>
    /// Whether an order reconciled as not executed is sent again under its <c>Idempotency-Key</c>. Leave it on only
    /// for a wallet that honours the header (the simulator does): then a request the wallet still held when
    /// <c>info</c> was read cannot execute a second time. Off, such an order ends <c>ReconciledNotExecuted</c>.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ResendNotExecuted { get; set; } = true;

    /// <summary>Throws <see cref="OptionValidationException"/> naming the property (<c>Trading:Wallet:</c> + its name is the key).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BaseUrl)
            || !Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new OptionValidationException(nameof(BaseUrl), "must be an absolute http:// or https:// address without a query, e.g. http://127.0.0.1:5090/");
        }

        Require(UserId, nameof(UserId), "is required: the wallet's user_id");
        Require(AccessKey, nameof(AccessKey), "is required: set it in the environment (Trading__Wallet__AccessKey) or in user secrets, not in a committed file");
        Positive(AttemptTimeout, nameof(AttemptTimeout));
        Positive(TotalTimeout, nameof(TotalTimeout));
        if (TotalTimeout < AttemptTimeout)
        {
            throw new OptionValidationException(nameof(TotalTimeout), $"must be at least AttemptTimeout ({AttemptTimeout})");
        }

        if (InfoRetries is < 0 or > 10)
        {
            throw new OptionValidationException(nameof(InfoRetries), $"must be between 0 and 10 (got {InfoRetries})");
        }

        Positive(RetryDelay, nameof(RetryDelay));
        if (!(BreakerFailureRatio > 0 && BreakerFailureRatio <= 1))
        {
            throw new OptionValidationException(nameof(BreakerFailureRatio), $"must be above 0 and at most 1 (got {BreakerFailureRatio})");
        }

        if (BreakerMinimumThroughput < 2)
        {
            throw new OptionValidationException(nameof(BreakerMinimumThroughput), $"must be at least 2 (got {BreakerMinimumThroughput})");
        }

        // Polly's own bounds for the breaker's periods.
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            throw new OptionValidationException(nameof(BreakerSamplingDuration), $"must be at least 500 ms (got {BreakerSamplingDuration})");
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            throw new OptionValidationException(nameof(BreakDuration), $"must be at least 500 ms (got {BreakDuration})");
        }

        if (ReconcileDelay < TimeSpan.Zero)
        {
            throw new OptionValidationException(nameof(ReconcileDelay), $"must not be negative (got {ReconcileDelay})");
        }

        Positive(ReconcileInterval, nameof(ReconcileInterval));
        if (MaxSendsPerCall is < 1 or > 10)
        {
            throw new OptionValidationException(nameof(MaxSendsPerCall), $"must be between 1 and 10 (got {MaxSendsPerCall})");
        }
    }

    /// <summary>The base address with a final slash, so that <c>info/</c> resolves below a path.</summary>
    internal Uri BaseAddress()
    {
        var text = BaseUrl!;
        return new Uri(text.EndsWith('/') ? text : text + "/", UriKind.Absolute);
    }

    private static void Require(string? value, string name, string message)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new OptionValidationException(name, message);
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new OptionValidationException(name, $"must be a positive duration (got {value})");
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Reactive.Host.Trading;
using Reactive.Operators.Trading;

namespace Reactive.Host.Wallet;

/// <summary>What an order request came to, as far as the client can tell.</summary>
public enum WalletAnswerKind
{
    /// <summary>2xx: the wallet executed it.</summary>
    Executed,

    /// <summary>4xx: the wallet refused it; nothing changed.</summary>
    Rejected,

    /// <summary>5xx, a timeout or a broken connection: it may or may not have executed.</summary>
    Unknown,

    /// <summary>The circuit was open: nothing was sent.</summary>
    NotSent,
}

/// <summary>The answer to a buy or sell.</summary>
/// <param name="Kind">What it came to.</param>
/// <param name="Status">The HTTP status, when there was an answer.</param>
/// <param name="Text">The wallet's text or what went wrong, one line, with no key in it.</param>
/// <param name="Replayed">The wallet answered an earlier request with the same <c>Idempotency-Key</c> again (<c>Idempotent-Replayed: true</c>).</param>
public sealed record WalletAnswer(WalletAnswerKind Kind, int? Status, string Text, bool Replayed);

/// <summary>A call of the wallet API that gave no usable answer; its message names no key and no query.</summary>
public sealed class WalletUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WalletUnavailableException()
        : this("the wallet is unavailable")
    {
    }

    /// <summary>Creates the exception.</summary>
    public WalletUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception; <paramref name="innerException"/> is kept out of it (its text may quote what it should not).</summary>
    public WalletUnavailableException(string message, Exception innerException)
        : base(message)
    {
        _ = innerException;
    }

    /// <summary>Whether the circuit was open, so nothing was sent.</summary>
    public bool CircuitOpen { get; init; }
}

/// <summary>
/// The wallet API (../shared/DESIGN.md "Wallet API") as a typed <see cref="HttpClient"/> from <c>IHttpClientFactory</c>,
/// behind the resilience pipeline of <see cref="WalletResilience"/>: <c>info</c> is retried, <c>buy</c> and <c>sell</c>
/// are sent once per call (the executor decides whether to send again, after reconciling). The access key travels in
/// the query string, as the contract wants, and nowhere else: what this class logs, counts or throws never holds it.
/// </summary>
public sealed class WalletClient
{
    private const int MaxAnswerLength = 300;
    private readonly HttpClient _http;
    private readonly WalletOptions _options;
    private readonly WalletMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the client over an <see cref="HttpClient"/> from the factory (<see cref="WalletServiceCollectionExtensions.AddWalletClient"/>).</summary>
    public WalletClient(HttpClient http, IOptions<WalletOptions> options, WalletMetrics metrics, ILogger<WalletClient> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The configured user.</summary>
    public string UserId => _options.UserId!;

    /// <summary>The balances, from <c>GET info/?user_id=</c> (retried with jitter on transient faults).</summary>
    /// <exception cref="WalletUnavailableException">No usable answer (after the retries), or the circuit is open.</exception>
    public async Task<WalletBalances> InfoAsync(CancellationToken cancellationToken)
    {
        var target = $"info/?user_id={Uri.EscapeDataString(UserId)}";
        using var request = Request(WalletResilience.Info, target, retryable: true);
        var started = _time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(ex, cancellationToken) is { } failure)
        {
            Failed(WalletResilience.Info, failure.Outcome, failure.Reason, started);
            throw new WalletUnavailableException($"wallet info: {failure.Reason}", ex) { CircuitOpen = failure.Outcome == Outcomes.CircuitOpen };
        }

        using (response)
        {
            var text = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
            Answered(WalletResilience.Info, target, response.StatusCode, started);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Failed(WalletResilience.Info, Outcomes.Error, $"HTTP {(int)response.StatusCode} {text}", started, count: false);
                throw new WalletUnavailableException($"wallet info: HTTP {(int)response.StatusCode} {text}");
            }

            return ParseInfo(text);
        }
    }

    /// <summary>
    /// Sends one buy or sell of <paramref name="amount"/> bitcoin under <paramref name="idempotencyKey"/>, once (never
    /// retried here); what came of it, including that nothing is known.
    /// </summary>
    public async Task<WalletAnswer> OrderAsync(OrderSide side, decimal amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        var operation = side == OrderSide.Buy ? WalletResilience.Buy : WalletResilience.Sell;
        var amountText = FormatAmount(amount);
        var query = $"?amount={amountText}&user_id={Uri.EscapeDataString(UserId)}";
        using var request = Request(operation, $"{operation}/{query}&access_key={Uri.EscapeDataString(_options.AccessKey!)}", retryable: false);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        var started = _time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(ex, cancellationToken) is { } failure)
        {
            Failed(operation, failure.Outcome, failure.Reason, started);
            return new WalletAnswer(failure.Outcome == Outcomes.CircuitOpen ? WalletAnswerKind.NotSent : WalletAnswerKind.Unknown, null, failure.Reason, false);
        }

        using (response)
        {
            string text;
            try
            {
                text = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Failure(ex, cancellationToken) is { } failure)
            {
                // The status came, the text did not: a 2xx still says it executed.
                text = failure.Reason;
            }

            var status = (int)response.StatusCode;
            Answered(operation, $"{operation}/{query}&access_key=***", response.StatusCode, started);
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase);
            var kind = status switch
            {
                >= 200 and < 300 => WalletAnswerKind.Executed,
                // 408 and 429 are refusals to answer, not refusals of the order: whether it ran is unknown.
                408 or 429 => WalletAnswerKind.Unknown,
                >= 400 and < 500 => WalletAnswerKind.Rejected,
                _ => WalletAnswerKind.Unknown,
            };
            return new WalletAnswer(kind, status, text, replayed);
        }
    }

    /// <summary>An amount as the API reads it: invariant, at most 8 decimals, no exponent.</summary>
    internal static string FormatAmount(decimal amount) => amount.ToString("0.########", CultureInfo.InvariantCulture);

    /// <summary><paramref name="text"/> with the access key (plain or escaped) replaced: what leaves this class goes through it.</summary>
    internal string Scrub(string text)
    {
        var key = _options.AccessKey;
        if (string.IsNullOrEmpty(key))
        {
            return text;
        }

        text = text.Replace(key, "***", StringComparison.Ordinal);
        var escaped = Uri.EscapeDataString(key);
        return escaped == key ? text : text.Replace(escaped, "***", StringComparison.OrdinalIgnoreCase);
    }

    private static WalletBalances ParseInfo(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            var first = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root;
            return new WalletBalances(first.GetProperty("bitcoin").GetDouble(), first.GetProperty("euro").GetDouble());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new WalletUnavailableException($"wallet info: not [{{\"bitcoin\": b, \"euro\": e}}]: {Shorten(text)}");
        }
    }

    private HttpRequestMessage Request(string operation, string target, bool retryable)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, UriKind.Relative));
        request.Options.Set(WalletResilience.OperationKey, operation);
        request.Options.Set(WalletResilience.RetryableKey, retryable);
        return request;
    }

    private async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        Scrub(Shorten(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)));

    private (string Outcome, string Reason)? Failure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        BrokenCircuitException => (Outcomes.CircuitOpen, "the circuit is open (the wallet failed repeatedly); nothing was sent"),
        TimeoutRejectedException t => (Outcomes.Timeout, $"no answer within {t.Timeout}"),
        HttpRequestException h => (Outcomes.Unreachable, Scrub(Shorten(h.Message))),
        OperationCanceledException => (Outcomes.Timeout, "the request was cancelled before an answer came"),
        IOException io => (Outcomes.Unreachable, Scrub(Shorten(io.Message))),
        _ => null,
    };

    private void Answered(string operation, string target, HttpStatusCode status, long started)
    {
        var code = (int)status;
        var elapsed = _time.GetElapsedTime(started);
        _metrics.Request(operation, code is >= 200 and < 300 ? Outcomes.Ok : code is >= 400 and < 500 and not (408 or 429) ? Outcomes.Rejected : Outcomes.Error, elapsed);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Answered(_logger, operation, target, code, (long)elapsed.TotalMilliseconds);
        }
    }

    private void Failed(string operation, string outcome, string reason, long started, bool count = true)
    {
        if (count)
        {
            _metrics.Request(operation, outcome, _time.GetElapsedTime(started));
        }

        Log.CallFailed(_logger, operation, outcome, reason);
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= MaxAnswerLength ? line : line[..MaxAnswerLength] + "…";
    }

    /// <summary>The <c>outcome</c> tag of <c>reactive.wallet.requests</c>.</summary>
    internal static class Outcomes
    {
        public const string Ok = "ok";
        public const string Rejected = "rejected";
        public const string Error = "error";
        public const string Timeout = "timeout";
        public const string Unreachable = "unreachable";
        public const string CircuitOpen = "circuit_open";
    }
}

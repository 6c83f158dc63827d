using Microsoft.Extensions.Logging;

namespace Reactive.Host.Wallet;

/// <summary>The wallet client's and executor's log messages (event ids 1300–1339). No message carries a URL's query or a key.</summary>
internal static partial class Log
{
    [LoggerMessage(1300, LogLevel.Debug, "Wallet {Operation} {Target} answered {Status} in {Milliseconds} ms")]
    public static partial void Answered(ILogger logger, string operation, string target, int status, long milliseconds);

    [LoggerMessage(1301, LogLevel.Warning, "Wallet {Operation} failed ({Outcome}): {Reason}")]
    public static partial void CallFailed(ILogger logger, string operation, string outcome, string reason);

    [LoggerMessage(1302, LogLevel.Warning, "Wallet {Operation}: retry {Attempt} in {Delay} after {Reason}")]
    public static partial void Retrying(ILogger logger, string operation, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(1303, LogLevel.Warning, "Wallet {Operation}: {Kind} timeout after {Timeout}")]
    public static partial void TimedOut(ILogger logger, string operation, string kind, TimeSpan timeout);

    [LoggerMessage(1304, LogLevel.Error, "Wallet circuit opened for {BreakDuration} after {Reason}: calls are refused and nothing is sent until it closes")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration, string reason);

    [LoggerMessage(1305, LogLevel.Information, "Wallet circuit half-open: the next call tries the wallet")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(1306, LogLevel.Information, "Wallet circuit closed: calls go through again")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(1310, LogLevel.Information, "Order {DecisionId} journaled: {Side} {Amount} bitcoin, send {Send}, balances before {Bitcoin} bitcoin and {Euro} euro")]
    public static partial void Journaled(ILogger logger, string decisionId, string side, decimal amount, int send, double bitcoin, double euro);

    [LoggerMessage(1311, LogLevel.Information, "Order {DecisionId} ({Side} {Amount} bitcoin): {Status} after {Attempts} sends: {Detail}")]
    public static partial void Settled(ILogger logger, string decisionId, string side, decimal amount, string status, int attempts, string detail);

    [LoggerMessage(1312, LogLevel.Warning, "Order {DecisionId}: outcome unknown ({Reason}); reconciling with info before anything is resent")]
    public static partial void OutcomeUnknown(ILogger logger, string decisionId, string reason);

    [LoggerMessage(1313, LogLevel.Warning, "Order {DecisionId} reconciled as {Finding}: {Detail}")]
    public static partial void Reconciled(ILogger logger, string decisionId, string finding, string detail);

    [LoggerMessage(1314, LogLevel.Warning, "Order {DecisionId} left open in the journal: {Reason}")]
    public static partial void LeftOpen(ILogger logger, string decisionId, string reason);

    [LoggerMessage(1315, LogLevel.Information, "Wallet journal {Path} ({Mode}): {Open} orders left open by an earlier run")]
    public static partial void Recovering(ILogger logger, string path, string mode, int open);

    [LoggerMessage(1316, LogLevel.Information, "Order {DecisionId}: unknown after {Sends} sends ({Earlier}), reconciled: {Status}")]
    public static partial void ReconciledLater(ILogger logger, string decisionId, int sends, string earlier, string status);
}

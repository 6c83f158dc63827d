using Microsoft.Extensions.Logging;

namespace Reactive.WalletSimulator;

/// <summary>The simulator's log messages, with stable event ids. None takes an access key or a raw query string.</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "Order {Id} executed for user {User}: {Side} {Amount} bitcoin ({Answer})")]
    public static partial void Executed(ILogger logger, long id, string user, string side, decimal amount, string answer);

    [LoggerMessage(2001, LogLevel.Information, "Order refused for user {User}: {Side}, {Status} {Answer}")]
    public static partial void Refused(ILogger logger, string side, string user, int status, string answer);

    [LoggerMessage(2002, LogLevel.Information, "Order of user {User} with Idempotency-Key {Key} was executed before: its answer is sent again")]
    public static partial void Replayed(ILogger logger, string user, string key);

    [LoggerMessage(2003, LogLevel.Warning, "Fault injected: {Side} of user {User} answered 500, nothing executed")]
    public static partial void FaultError(ILogger logger, string side, string user);

    [LoggerMessage(2004, LogLevel.Warning, "Fault injected: {Side} of user {User} ran (status {Status}) and is answered 500")]
    public static partial void FaultLostAnswer(ILogger logger, string side, string user, int status);

    [LoggerMessage(2005, LogLevel.Warning, "Fault injected: {Side} of user {User} held for {Delay}")]
    public static partial void FaultDelay(ILogger logger, string side, string user, TimeSpan delay);

    [LoggerMessage(2010, LogLevel.Information, "{Method} {Target} answered {Status} in {Milliseconds} ms")]
    public static partial void Request(ILogger logger, string method, string target, int status, long milliseconds);

    [LoggerMessage(2011, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(2020, LogLevel.Information, "Wallet simulator: {Users} users, state in {StatePath}, price {Price}, admin endpoints {Admin}, faults {Faults}")]
    public static partial void Started(ILogger logger, int users, string statePath, string price, string admin, string faults);

    [LoggerMessage(2021, LogLevel.Warning, "Admin: price set to {Price}")]
    public static partial void PriceSet(ILogger logger, string price);

    [LoggerMessage(2022, LogLevel.Warning, "Admin: faults set to {Faults}")]
    public static partial void FaultsSet(ILogger logger, string faults);

    [LoggerMessage(2030, LogLevel.Information, "Price feed: {Message}")]
    public static partial void PriceFeedReading(ILogger logger, string message);

    [LoggerMessage(2031, LogLevel.Warning, "Price feed stopped: {Reason}; reading again in {Delay}, the last price holds meanwhile")]
    public static partial void PriceFeedFailed(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(2032, LogLevel.Warning, "Price feed: record {Origin} #{Line} skipped ({Reason}); {Skipped} skipped so far")]
    public static partial void PriceRecordSkipped(ILogger logger, string origin, long line, string reason, long skipped);

    [LoggerMessage(2033, LogLevel.Debug, "Price feed: {Price} euro from {Origin} record {Sequence}")]
    public static partial void PriceFromFeed(ILogger logger, decimal price, string origin, string sequence);
}

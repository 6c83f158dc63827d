using Microsoft.Extensions.Logging;

namespace Reactive.Host.Trading;

internal static partial class Log
{
    [LoggerMessage(EventId = 4601, Level = LogLevel.Information, Message = "Trading {Pipeline}: {Outcome} {Side} {Amount} at {Price} ({DecisionId}): {Reason}")]
    public static partial void Decision(ILogger logger, string pipeline, string outcome, string side, double amount, double price, string decisionId, string reason);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Information, Message = "Trading {Pipeline} ({Mode}): order {DecisionId} {Side} {Amount}: {Status} after {Attempts} attempts: {Detail}")]
    public static partial void Executed(ILogger logger, string pipeline, string mode, string decisionId, string side, double amount, string status, int attempts, string detail);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Error, Message = "Trading {Pipeline} ({Mode}): the executor failed on order {DecisionId} ({ErrorType}); the order is left open, to be settled before the next order or at the next idle reconciliation")]
    public static partial void ExecutorFailed(ILogger logger, string pipeline, string mode, string decisionId, string errorType);

    [LoggerMessage(EventId = 4604, Level = LogLevel.Information, Message = "Trading {Pipeline}: mode={Mode} position={Position} euro={Euro} paperPnl={PaperPnl:F2} paperValue={PaperValue:F2} decisions={Decisions} orders={Orders} skipped={Skipped} queued={Queued} executed={ExecutedOrders} rejected={RejectedOrders} reconciled={ReconciledOrders} unknown={UnknownOrders}")]
    public static partial void Progress(ILogger logger, string pipeline, string mode, double? position, double? euro, double paperPnl, double paperValue, long decisions, long orders, long skipped, long queued, long executedOrders, long rejectedOrders, long reconciledOrders, long unknownOrders);

    [LoggerMessage(EventId = 4605, Level = LogLevel.Information, Message = "Trading {Pipeline} ({Mode}): {Count} orders an earlier run left open were recovered")]
    public static partial void Recovered(ILogger logger, string pipeline, string mode, int count);
}

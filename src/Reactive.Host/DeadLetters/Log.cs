using Microsoft.Extensions.Logging;

namespace Reactive.Host.DeadLetters;

internal static partial class Log
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning,
        Message = "pipeline {Pipeline}: rejected a row: {Code}: {Reason} (further rejections are summarised every {IntervalSeconds} s)")]
    public static partial void FirstRejection(ILogger logger, string pipeline, string code, string reason, double intervalSeconds);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning,
        Message = "pipeline {Pipeline}: {Rejected:N0} rows rejected in the last {Seconds:0} s ({ByCode}); last: {LastReason}")]
    public static partial void RejectionSummary(ILogger logger, string pipeline, long rejected, double seconds, string byCode, string lastReason);
}

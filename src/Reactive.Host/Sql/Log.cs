using Microsoft.Extensions.Logging;

namespace Reactive.Host.Sql;

internal static partial class Log
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "A SQL query was stopped at its time limit of {TimeLimit}")]
    public static partial void QueryTimedOut(ILogger logger, TimeSpan timeLimit);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "A SQL query was stopped: it passed its budget {Setting}")]
    public static partial void QueryOverBudget(ILogger logger, string setting);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "A SQL query was refused: {Running} queries running and {Waiting} waiting already (Sql:MaxConcurrentQueries, Sql:QueueLength)")]
    public static partial void QueueFull(ILogger logger, int running, int waiting);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "A SQL query was refused: no slot was free within its time limit of {TimeLimit}")]
    public static partial void QueueTimedOut(ILogger logger, TimeSpan timeLimit);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Warning, Message = "A SQL answer was not written within the time limit of {TimeLimit}: the connection was closed")]
    public static partial void AnswerTimedOut(ILogger logger, TimeSpan timeLimit);
}

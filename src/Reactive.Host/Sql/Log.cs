using Microsoft.Extensions.Logging;

namespace Reactive.Host.Sql;

internal static partial class Log
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "A SQL query was stopped at its time limit of {TimeLimit}")]
    public static partial void QueryTimedOut(ILogger logger, TimeSpan timeLimit);
}

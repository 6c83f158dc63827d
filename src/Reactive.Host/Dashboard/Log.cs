using Microsoft.Extensions.Logging;

namespace Reactive.Host.Dashboard;

internal static partial class Log
{
    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "Dashboard: the rows of pipeline {Pipeline} could not be charted; the pipeline goes on")]
    public static partial void TapFailed(ILogger logger, string pipeline, Exception exception);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Information, Message = "Dashboard: a stream fell {Queue} events behind and was closed; its client resumes from the history")]
    public static partial void StreamBehind(ILogger logger, int queue);
}

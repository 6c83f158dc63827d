using Microsoft.Extensions.Logging;

namespace Reactive.Host.Http;

internal static partial class Log
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Error, Message = "Request {Path} failed")]
    public static partial void UnhandledError(ILogger logger, string path, Exception exception);
}

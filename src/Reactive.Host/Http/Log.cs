using Microsoft.Extensions.Logging;

namespace Reactive.Host.Http;

internal static partial class Log
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Error, Message = "Request {Path} failed")]
    public static partial void UnhandledError(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Debug, Message = "Request {Path} refused: its Origin {Origin} is neither the service's own nor in Http:AllowedOrigins")]
    public static partial void OriginRefused(ILogger logger, string path, string origin);
}

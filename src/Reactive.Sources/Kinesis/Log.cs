using System.Net;
using Microsoft.Extensions.Logging;

namespace Reactive.Sources.Kinesis;

internal static partial class Log
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Kinesis {Operation} {Stream}: HTTP {Status} in {ElapsedMs:0.0} ms [request {RequestId}]")]
    public static partial void Called(ILogger logger, string operation, string? stream, int status, double elapsedMs, string? requestId);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Kinesis {Operation} {Stream}: {Code} (retryable), HTTP {Status}: {Message}")]
    public static partial void RetryableFailure(ILogger logger, string operation, string? stream, KinesisErrorCode code, HttpStatusCode? status, string message);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Kinesis {Operation} {Stream}: {Code}, HTTP {Status}: {Message}")]
    public static partial void Failure(ILogger logger, string operation, string? stream, KinesisErrorCode code, HttpStatusCode? status, string message);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Debug, Message = "Kinesis client for {ServiceUrl}, region {Region}, credentials: {Credentials}")]
    public static partial void Created(ILogger logger, Uri serviceUrl, string region, string credentials);
}
